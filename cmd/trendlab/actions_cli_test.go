package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/datasets/synth"
)

// TestCLIActions drives terms, sweep and watch end to end: a platform
// with the sweep story, its tag set, the term list exported, saved and
// checked, a sweep of the related tags, and a watch that stays quiet on a
// quiet later export and fires on one with an evasion spelling and a rise.
func TestCLIActions(t *testing.T) {
	t.Setenv("USER", "tester")
	dir := t.TempDir()
	ws := filepath.Join(dir, "ws.duckdb")
	gen := func(name string, cfg synth.Config) string {
		cfg.Dir = filepath.Join(dir, name)
		cfg.Format = "csv"
		if _, err := synth.Generate(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
		return cfg.Dir
	}
	start := synth.DefaultStart
	main := gen("main", synth.Config{Videos: 40000, Seed: 5, Days: 30, SweepStory: true})
	quiet := gen("quiet", synth.Config{Videos: 20000, Seed: 6, Days: 7, Start: start.AddDate(0, 0, 30), FirstID: 1_000_000, SweepStory: true})
	story := gen("story", synth.Config{Videos: 20000, Seed: 7, Days: 7, Start: start.AddDate(0, 0, 37), FirstID: 2_000_000, SweepStory: true,
		Evasion: "0m3gle", Rise: 4})
	naive := filepath.Join(dir, "naive.txt")
	os.WriteFile(naive, []byte("omeg\n"), 0o644)
	imp := func(d string) []string {
		return []string{"-w", ws, "import", "--videos", filepath.Join(d, "videos.csv"), "--events", filepath.Join(d, "moderation_events.csv")}
	}
	list := filepath.Join(dir, "omegle.txt")
	type step struct {
		name string
		args []string
		code int
	}
	run := func(steps []step) {
		for _, st := range steps {
			name := st.name
			if name == "" {
				name = "setup " + strings.Join(st.args[2:4], " ")
			}
			t.Run(name, func(t *testing.T) {
				code, stdout, stderr := cli(t, st.args...)
				if code != st.code {
					t.Fatalf("exit %d, want %d; stderr: %s", code, st.code, stderr)
				}
				if st.name != "" {
					golden(t, "cli_"+st.name, scrub("$ trendlab "+strings.Join(st.args, " ")+"\n"+stdout+"--- stderr\n"+stderr, dir))
				}
			})
		}
	}
	steps := []struct {
		name string
		args []string
		code int
	}{
		{"", imp(main), exitOK},
		{"", []string{"-w", ws, "investigate", "--tag", "omegle", "--save-as", "omegle"}, exitOK},
		{"terms_export_txt", []string{"-w", ws, "terms", "export", "--tagset", "omegle", "-o", list}, exitOK},
		{"terms_export_regex", []string{"-w", ws, "terms", "export", "--tagset", "omegle", "--format", "regex"}, exitOK},
		{"terms_export_csv", []string{"-w", ws, "terms", "export", "--tagset", "omegle", "--format", "csv", "--spellings", "normalised"}, exitOK},
		{"terms_save", []string{"-w", ws, "terms", "save", "omegle-blocklist", "--tagset", "omegle"}, exitOK},
		{"terms_check", []string{"-w", ws, "terms", "check", "omegle-blocklist"}, exitOK},
		{"terms_check_naive", []string{"-w", ws, "terms", "check", "--file", naive, "--tagset", "omegle", "--match", "substring"}, exitOK},
		{"terms_bad_ref", []string{"-w", ws, "terms", "diff", "omegle-blocklist@0", "x"}, exitUsage},
		{"tagset_show_csv", []string{"-w", ws, "tagset", "show", "omegle", "--format", "csv"}, exitOK},
		{"sweep", []string{"-w", ws, "sweep", "--related-to", "omegle", "--top", "8", "--policies", "minor_safety,bullying_harassment"}, exitOK},
		{"sweep_holm_csv", []string{"-w", ws, "sweep", "--tagsets", "omegle", "--adjust", "holm", "--format", "csv", "--policies", "minor_safety"}, exitOK},
		{"watch_add", []string{"-w", ws, "watch", "add", "omegle-watch", "--tagset", "omegle", "--policies", "minor_safety,bullying_harassment"}, exitOK},
		{"watch_import_quiet", imp(quiet), exitOK},
		{"watch_import_story", imp(story), exitOK},
		{"watch_run_nothing_new", []string{"-w", ws, "watch", "run"}, exitOK},
		{"watch_list", []string{"-w", ws, "watch", "list"}, exitOK},
		{"watch_alerts", []string{"-w", ws, "watch", "alerts"}, exitOK},
	}
	var first []step
	for _, st := range steps {
		first = append(first, step(st))
	}
	run(first)
	b, err := os.ReadFile(list)
	if err != nil || !strings.HasPrefix(string(b), "omegle\n") {
		t.Errorf("the txt list: %q, %v", b, err)
	}
	// An import that leaves the watches to `watch run`, which exits 1 when
	// something fired.
	again := gen("again", synth.Config{Videos: 20000, Seed: 8, Days: 7, Start: start.AddDate(0, 0, 44), FirstID: 3_000_000, Rise: 4})
	args := append(imp(again), "--no-watch")
	if code, stdout, stderr := cli(t, args...); code != exitOK || strings.Contains(stdout, "Watch ") {
		t.Fatalf("exit %d, %s %s", code, stdout, stderr)
	}
	args = []string{"-w", ws, "watch", "run", "omegle-watch"}
	code, stdout, stderr := cli(t, args...)
	if code != exitFailure {
		t.Errorf("watch run: exit %d, want 1 (fired)", code)
	}
	golden(t, "cli_watch_run_fired", scrub("$ trendlab "+strings.Join(args, " ")+"\n"+stdout+"--- stderr\n"+stderr, dir))
	// A changed decision makes the list's next version.
	run([]step{
		{"", []string{"-w", ws, "tagset", "reject", "omegle", "omegletalk"}, exitOK},
		{"", []string{"-w", ws, "terms", "save", "omegle-blocklist", "--tagset", "omegle", "--by", "reviewer2"}, exitOK},
		{"terms_list", []string{"-w", ws, "terms", "list"}, exitOK},
		{"terms_diff", []string{"-w", ws, "terms", "diff", "omegle-blocklist@1", "omegle-blocklist@2"}, exitOK},
	})
}
