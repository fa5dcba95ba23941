package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// cli runs trendlab in-process and returns its exit code and output.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// scrub replaces what changes from run to run (temp paths, times, durations,
// hashes of temp files) so the output can be compared with a golden file.
func scrub(s, dir string) string {
	s = strings.ReplaceAll(s, dir, "$DIR")
	for _, r := range []struct{ re, with string }{
		{`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z`, "$$TIME"},
		{`\b\d+(\.\d+)?(ns|µs|ms|s|m)\b`, "$$DUR"},
		{`\d+(\.\d+)?[smh]?\d*(ms|µs)?\b \(total`, "$$DUR (total"},
		{` {2,}`, "  "}, // column widths follow the temp dir's length
	} {
		s = regexp.MustCompile(r.re).ReplaceAllString(s, r.with)
	}
	return s
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

// TestCLI drives the real command tree end to end on a small synthetic
// platform: synth, import (twice), mapping check, investigate, query, sql,
// and the exit codes of mistakes.
func TestCLI(t *testing.T) {
	dir := t.TempDir()
	ws := filepath.Join(dir, "ws.duckdb")
	data := filepath.Join(dir, "data")
	if _, err := synth.Generate(context.Background(), synth.Config{Videos: 4000, Seed: 5, Format: "csv", Dir: data}); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("video_id,author_id,created_at,view_count\nz1,a,2026-06-01T00:00:00Z,-4\nz2,a,someday,1\n"), 0o644)
	bad2 := filepath.Join(dir, "bad2.csv")
	os.WriteFile(bad2, []byte("video_id,author_id,created_at\nz3,a,2026-06-01T00:00:00Z\nz4,,2026-06-01T00:00:00Z\n"), 0o644)
	mapping := filepath.Join(dir, "m.yaml")
	os.WriteFile(mapping, []byte("videos:\n  video_id: ID\n  author_id: {const: anon}\n  created_at: {from: T, format: epoch_s}\n"), 0o644)
	foreign := filepath.Join(dir, "foreign.csv")
	os.WriteFile(foreign, []byte("ID,T,Note\nf1,1780000000,hello\nf2,soon,bye\n"), 0o644)

	steps := []struct {
		name string
		args []string
		code int
	}{
		{"import", []string{"-w", ws, "import", "--videos", filepath.Join(data, "videos.csv"), "--events", filepath.Join(data, "moderation_events.csv")}, exitOK},
		{"import_again", []string{"-w", ws, "import", "--videos", filepath.Join(data, "videos.csv")}, exitOK},
		{"import_rejects", []string{"-w", ws, "import", "--videos", bad}, exitOK},
		{"import_same_file", []string{"-w", ws, "import", "--strict", "--videos", bad}, exitOK}, // skipped: same SHA-256
		{"import_strict", []string{"-w", ws, "import", "--strict", "--videos", bad2}, exitFailure},
		{"import_missing_file", []string{"-w", ws, "import", "--videos", filepath.Join(dir, "nope.csv")}, exitFailure},
		{"import_no_files", []string{"-w", ws, "import"}, exitUsage},
		{"mapping_check", []string{"mapping", "check", "--mapping", mapping, foreign}, exitFailure},
		{"sql_rejects", []string{"-w", ws, "sql", "SELECT line, column_name, reason FROM rejects ORDER BY line"}, exitOK},
		{"investigate", []string{"-w", ws, "--read-only", "investigate", "--tag", "omegle", "--policies", "minor_safety,hate_speech", "--related", "3"}, exitOK},
		{"query_list", []string{"-w", ws, "query", "list"}, exitOK},
		{"unknown_command", []string{"frobnicate"}, exitUsage},
		{"bad_flag", []string{"import", "--vidoes", "x"}, exitUsage},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, st.args...)
			if code != st.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, st.code, stderr)
			}
			golden(t, "cli_"+st.name, scrub("$ trendlab "+strings.Join(st.args, " ")+"\n"+stdout+"--- stderr\n"+stderr, dir))
		})
	}
}

// TestCLIUnfinishedImport: the first command on a workspace whose import
// stopped between its two commits removes that import and says so.
func TestCLIUnfinishedImport(t *testing.T) {
	dir := t.TempDir()
	ws := filepath.Join(dir, "ws.duckdb")
	videos := filepath.Join(dir, "videos.csv")
	os.WriteFile(videos, []byte("video_id,author_id,created_at,hashtags\nv1,a,2026-06-01T00:00:00Z,#x\n"), 0o644)
	if code, _, stderr := cli(t, "-w", ws, "import", "--videos", videos); code != exitOK {
		t.Fatal(stderr)
	}
	w, err := datasets.Open(context.Background(), ws, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// What a process killed between the commits leaves behind.
	if _, err := w.DB.Exec(`INSERT INTO unfinished_imports SELECT import_id FROM imports`); err != nil {
		t.Fatal(err)
	}
	w.Close()
	args := []string{"-w", ws, "sql", "SELECT count(*) AS videos FROM videos"}
	code, stdout, stderr := cli(t, args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "cli_unfinished_import", scrub("$ trendlab "+strings.Join(args, " ")+"\n"+stdout+"--- stderr\n"+stderr, dir))
}
