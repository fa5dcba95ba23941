package notebooks

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestRenderRelatedSweep renders the shipped sweep notebook: its table
// lists the related tags and the chart draws their risk ratios.
func TestRenderRelatedSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports synthetic data")
	}
	ws := synthWorkspace(t, 20000)
	var buf bytes.Buffer
	if err := Render(context.Background(), ws, "related-sweep.md", Options{Now: fixedNow, PseudonymKey: []byte("k"), PseudonymKeySource: "test"}, &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	assertOffline(t, html)
	if out := os.Getenv("TRENDLAB_REPORT_OUT"); out != "" {
		os.WriteFile(out, []byte(html), 0o644)
	}
	for _, want := range []string{"own investigation?", "strangers", "risk ratio", `data-kind="sweep"`, "Benjamini-Hochberg", "Sweep: each swept tag"} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// The notebook's headings sit below its title, and the table says
	// "none" rather than leaving a tag's flagged policies empty.
	if strings.Contains(html, "<h1>What was swept") || strings.Contains(html, "<td></td>") {
		t.Error("a heading as large as the title, or an empty cell")
	}
}

func TestParseSweepBlock(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"related_to: omegle\n", "sweep block needs a name"},
		{"name: s\n", "needs related_to"},
		{"name: s\nrelated_to: [x\n", "nb.md:"},
	} {
		src := "---\ntitle: t\n---\n```sweep\n" + tc.body + "```\n"
		if _, err := Parse("nb.md", []byte(src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.body, err, tc.want)
		}
	}
	nb, err := Parse("nb.md", []byte("---\ntitle: t\n---\n```sweep\nname: s\ntags: [a, b]\n```\n"))
	if err != nil || len(nb.Blocks) != 1 || nb.Blocks[0].Kind != KindSweep || nb.Blocks[0].Sweep.Tags[1] != "b" {
		t.Errorf("parsed %+v, %v", nb, err)
	}
}
