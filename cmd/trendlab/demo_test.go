package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo runs the demo end to end on a small platform, as make demo
// does on a larger one, and reads what it printed and the report it wrote.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("generates, imports and reports on a synthetic platform")
	}
	dir := t.TempDir()
	a := &app{workspace: filepath.Join(dir, "trendlab.duckdb"), stderr: io.Discard}
	var out strings.Builder
	if err := runDemo(context.Background(), a, &out, dir, 3000, 1, "csv"); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []string{"== 1/9 synthesising", "== 5/9 measuring the impact", "== 6/9 writing the report", "== 7/9 exporting and saving the term list", "== 8/9 sweeping", "== 9/9 watching",
		"bullying_harassment: ", "hate_speech: ", "int-nr-1: not_recommended", "impact intervention --tagset omegle", "ALERT omegle-watch", "saved sample \"omegle-review\"",
		"report notebooks/omegle-investigation.md -o omegle.html --param sample=omegle-review  # the report again, after labelling"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "omegle-report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Labelled review sample omegle-review", "By the moderation data", "Platform-wide bullying_harassment", "Level change at the intervention"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("the demo's report lacks %q", want)
		}
	}
}
