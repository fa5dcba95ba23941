package notebooks

import (
	"context"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
)

var (
	headingRE = regexp.MustCompile(`(?s)<(h[1-6]|figcaption)>(.*?)</(?:h[1-6]|figcaption)>`)
	tagRE     = regexp.MustCompile(`(?s)<[^>]*>`)
	spaceRE   = regexp.MustCompile(`[ \t]+`)
	blankRE   = regexp.MustCompile(`\n\s*\n+`)
)

// readable is what a reader of the report reads from the notebook's
// blocks to the methods (not the appendix, whose versions and hashes
// change with every release), one block per line.
func readable(page string) string {
	body := page[strings.Index(page, "<main>"):]
	body = body[:strings.Index(body, `<section class="provenance"`)]
	body = regexp.MustCompile(`(?s)<script type="application/json".*?</script>`).ReplaceAllString(body, "")
	body = regexp.MustCompile(`</(p|h[1-6]|tr|figcaption|li|dt|dd|pre|summary)>`).ReplaceAllString(body, "\n")
	body = regexp.MustCompile(`</t[dh]>`).ReplaceAllString(body, " | ")
	body = html.UnescapeString(tagRE.ReplaceAllString(body, ""))
	var lines []string
	for _, l := range strings.Split(blankRE.ReplaceAllString(body, "\n"), "\n") {
		if l = strings.TrimSpace(spaceRE.ReplaceAllString(l, " ")); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestReportWordingGolden keeps the words of an investigation report
// (findings, section headings, table notes, methods) in a golden file, so
// that every change of wording is read in review. go test -update
// rewrites it.
func TestReportWordingGolden(t *testing.T) {
	checkGolden(t, filepath.Join("testdata", "investigation-wording.golden"), readable(renderFakeInvestigation(t)))
}

// checkGolden compares got with a golden file, naming the first line
// that differs; go test -update rewrites the file.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		g, w := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(g) && i < len(w); i++ {
			if g[i] != w[i] {
				t.Fatalf("wording differs from %s at line %d (go test -update, then read the diff):\ngot:  %s\nwant: %s", golden, i+1, g[i], w[i])
			}
		}
		t.Fatalf("wording differs from %s in length: %d lines, want %d", golden, len(g), len(w))
	}
}

// TestNoHeadingRepeats: a heading is never followed by a caption or
// heading of the same words (the report once said "Removal" twice).
func TestNoHeadingRepeats(t *testing.T) {
	for name, page := range map[string]string{"investigation": renderFakeInvestigation(t), "fixture": renderFixture(t, Options{})} {
		var prev string
		for _, m := range headingRE.FindAllStringSubmatch(page, -1) {
			words := strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(m[2], "")))
			if strings.EqualFold(words, prev) {
				t.Errorf("%s: %q twice in a row", name, words)
			}
			prev = words
		}
	}
}

func TestChosenByReads(t *testing.T) {
	for source, want := range map[string]string{
		"score":    "accepted because their similarity score reached the threshold",
		"explicit": "listed by the investigator",
		"saved":    "as saved in the workspace's tag set",
	} {
		if got := chosenBy(source); got != want {
			t.Errorf("chosenBy(%q) = %q, want %q", source, got, want)
		}
	}
}

// TestReportNamesFilesNotPaths: a report names local files by their names
// only (a path can say whose machine it was made on), in full with
// FullPaths.
func TestReportNamesFilesNotPaths(t *testing.T) {
	ws := fixtureWorkspace(t)
	nb, err := Parse("fixture.md", []byte(fixtureNotebook))
	if err != nil {
		t.Fatal(err)
	}
	render := func(full bool) string {
		var buf strings.Builder
		src := Source{Path: "/home/investigator/case-17/fixture.md", SHA256: "0"}
		if err := RenderNotebook(t.Context(), ws, nb, src, Options{Now: fixedNow, FullPaths: full}, &buf); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	page := render(false)
	for _, bad := range []string{"/home/investigator", "/data/videos.csv"} {
		if strings.Contains(page, bad) {
			t.Errorf("report shows the path %q", bad)
		}
	}
	for _, want := range []string{"<code>fixture.md</code>", ">videos.csv<"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	full := render(true)
	for _, want := range []string{"/home/investigator/case-17/fixture.md", "/data/videos.csv"} {
		if !strings.Contains(full, want) {
			t.Errorf("with FullPaths the report lacks %q", want)
		}
	}
}

// TestInsignificantChangeNotDrawn: the changepoint scan always names a most
// likely day; unless it is significant no chart marks it and no table calls
// it a change.
func TestInsignificantChangeNotDrawn(t *testing.T) {
	saved := investigate
	investigate = func(ctx context.Context, ws *datasets.Workspace, req analysis.Request) (*analysis.Investigation, error) {
		inv, err := fakeInvestigation(ctx, ws, req)
		for i := range inv.Trend.Policies {
			inv.Trend.Policies[i].TagSetChange.Significant = false
		}
		inv.Trend.Spikes = nil
		return inv, err
	}
	t.Cleanup(func() { investigate = saved })
	ws := fixtureWorkspace(t)
	var buf strings.Builder
	src := "---\ntitle: Fake\n---\n```investigate\ntag: omegle\n```\n"
	if err := RenderSource(context.Background(), ws, "fake.md", []byte(src), Options{Now: fixedNow}, &buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if strings.Contains(page, "change 2026-06-04") {
		t.Error("a chart marks the insignificant change of 2026-06-04")
	}
	if strings.Contains(page, "on 2026-06-04") || !strings.Contains(page, "none significant (most likely day 2026-06-04)") {
		t.Error("the changepoints table does not say the most likely day is not a significant change")
	}
	// The significant change of the tag set's share of uploads is drawn.
	if !strings.Contains(page, "change 2026-06-03") {
		t.Error("the significant change in the tag set's share of uploads is not drawn")
	}
}
