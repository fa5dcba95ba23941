package notebooks

import (
	"bytes"
	"context"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/internal/pgtest"
	"github.com/trendlab/trendlab/review"
)

// engineWorkspaces imports the same synthetic exports into an in-memory
// DuckDB workspace and a fresh PostgreSQL database, saves the family's tag
// set and draws and labels the same review sample in both.
func engineWorkspaces(t *testing.T) (duck, pg *datasets.Workspace, m synth.Manifest) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	cfg := synth.Config{Videos: 6000, Seed: 7, Days: 30, Optional: true, Dir: t.TempDir()}
	m, err := synth.Generate(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	req := datasets.ImportRequest{Videos: []string{m.Files.Videos}, Events: []string{m.Files.Events},
		Views: []string{m.Impact.Files.Views}, Searches: []string{m.Impact.Files.Searches}, Interventions: []string{m.Impact.Files.Interventions}}
	if duck, err = datasets.OpenMemory(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { duck.Close() })
	if pg, err = datasets.Open(ctx, url, datasets.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	for _, ws := range []*datasets.Workspace{duck, pg} {
		if _, err := datasets.Import(ctx, ws, req); err != nil {
			t.Fatalf("%s: %v", ws.Dialect, err)
		}
		def := review.SampleDefinition{Frame: review.SampleFrame{Tags: []string{m.Family.SeedTag}}, Method: "simple", Size: 12, Seed: 3}
		s, err := review.CreateSample(ctx, ws, "review", "ana", def)
		if err != nil {
			t.Fatalf("%s: %v", ws.Dialect, err)
		}
		members, err := review.SampleMembers(ctx, ws, s.ID, 0, 12)
		if err != nil {
			t.Fatalf("%s: %v", ws.Dialect, err)
		}
		for i, mb := range members {
			for _, who := range []string{"ana", "ben"} {
				label := "violating"
				if (i+len(who))%3 == 0 {
					label = "not_violating"
				}
				if _, err := review.Label(ctx, ws, s.ID, mb.VideoID, who, label, "", ""); err != nil {
					t.Fatalf("%s: %v", ws.Dialect, err)
				}
			}
		}
		// The family's tag set, for the impact blocks, with a watch on it.
		if err := analysis.SaveTagSet(ctx, ws, m.Family.SeedTag, m.Family.SeedTag, false, nil); err != nil {
			t.Fatalf("%s: %v", ws.Dialect, err)
		}
		if _, err := analysis.AddWatch(ctx, ws, "family", m.Family.SeedTag, analysis.WatchDefinition{}, "ana"); err != nil {
			t.Fatalf("%s: %v", ws.Dialect, err)
		}
		// The one time a report shows that the two workspaces could not
		// share: when the sample was saved.
		if _, err := ws.DB.ExecContext(ctx, `UPDATE samples SET created_at = TIMESTAMP '2026-06-01 00:00:00'`); err != nil {
			t.Fatal(err)
		}
	}
	return duck, pg, m
}

// reportScrubs take out of a report what differs between two workspaces
// holding the same data: where they are, when their imports ran, and the
// statements that make tagset_videos, which each engine writes its own way
// (DuckDB reads the tag set's tag ids for its tag lists first).
var reportScrubs = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?`), "TIME"},
	{regexp.MustCompile(`(?s)<pre[^>]*>(CREATE OR REPLACE TEMP TABLE|CREATE TEMP TABLE) tagset_(ids|videos).*?</pre>`), "TAGSET SQL"},
	{regexp.MustCompile(`(?s)<li><p class="muted">investigate block \((temporary table|tag ids) for the next statement[^)]*\).*?</li>\s*`), ""},
	// Where the import kept the orphan count the report reads it, else it
	// counts the view: the same number either way.
	{regexp.MustCompile(`SELECT value FROM trendlab_meta WHERE key = &#39;orphan_events&#39;`), "SELECT count(*) FROM orphan_events"},
	{regexp.MustCompile(`investigate block \(temporary table for the sql blocks below\)[^<]*`), "investigate block (temporary table for the sql blocks below)"},
}

func scrubReport(html string, ws *datasets.Workspace) string {
	html = strings.ReplaceAll(html, template.HTMLEscapeString(ws.Path), "WORKSPACE")
	for _, s := range reportScrubs {
		html = s.re.ReplaceAllString(html, s.with)
	}
	return html
}

// TestShippedReportSameOnBothEngines: the shipped notebooks (omegle, every
// block; the related-tags sweep) give the same report on a DuckDB workspace
// and on a PostgreSQL one holding the same exports, tag set, watch and
// labelled sample, but for the workspace's name, import times and the one
// statement each engine writes its own way.
func TestShippedReportSameOnBothEngines(t *testing.T) {
	duck, pg, m := engineWorkspaces(t)
	nb, err := Parse("omegle-investigation.md", OmegleInvestigation)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Now: fixedNow, PseudonymKey: []byte("k"), PseudonymKeySource: "test",
		Params: map[string]string{"tag": m.Family.SeedTag, "sample": "review"}}
	render := func(ws *datasets.Workspace) string {
		var buf bytes.Buffer
		if err := RenderNotebook(context.Background(), ws, nb, Source{Path: "omegle-investigation.md", SHA256: "x"}, opts, &buf); err != nil {
			t.Fatalf("%s: %v", ws.Dialect, err)
		}
		return scrubReport(buf.String(), ws)
	}
	d, p := render(duck), render(pg)
	for _, want := range []string{"Violation rates against the baseline", `data-kind="stacked_bar"`, `data-kind="heatmap"`, "Cohen", "age_band", "a_caption",
		"Platform-level association", "family"} {
		if !strings.Contains(p, want) {
			t.Errorf("the server's report lacks %q", want)
		}
	}
	if d != p {
		t.Errorf("the reports differ: %s", firstDifference(d, p))
	}
	// The sweep notebook: its one block is analysis.RunSweep.
	src, err := os.ReadFile("related-sweep.md")
	if err != nil {
		t.Fatal(err)
	}
	sweep, err := Parse("related-sweep.md", src)
	if err != nil {
		t.Fatal(err)
	}
	sweepOpts := Options{Now: fixedNow, PseudonymKey: []byte("k"), PseudonymKeySource: "test", Params: map[string]string{"tag": m.Family.SeedTag}}
	var sd, sp bytes.Buffer
	if err := RenderNotebook(context.Background(), duck, sweep, Source{Path: "related-sweep.md"}, sweepOpts, &sd); err != nil {
		t.Fatal(err)
	}
	if err := RenderNotebook(context.Background(), pg, sweep, Source{Path: "related-sweep.md"}, sweepOpts, &sp); err != nil {
		t.Fatal(err)
	}
	if a, b := scrubReport(sd.String(), duck), scrubReport(sp.String(), pg); a != b {
		t.Errorf("the sweep reports differ: %s", firstDifference(a, b))
	} else if !strings.Contains(b, `data-kind="sweep"`) {
		t.Error("the sweep report has no sweep chart")
	}
	// TRENDLAB_KEEP_REPORTS=DIR keeps both (scrubbed), to look at them.
	if out := os.Getenv("TRENDLAB_KEEP_REPORTS"); out != "" {
		os.WriteFile(filepath.Join(out, "duckdb.html"), []byte(d), 0o644)
		os.WriteFile(filepath.Join(out, "postgres.html"), []byte(p), 0o644)
	}
}

// firstDifference shows where two texts first differ, with some context.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-200)
	return "DuckDB: …" + a[lo:min(len(a), i+200)] + "…\nPostgreSQL: …" + b[lo:min(len(b), i+200)] + "…"
}
