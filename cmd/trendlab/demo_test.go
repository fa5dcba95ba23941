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
	for _, want := range []string{"== 1/8 synthesising", "== 5/8 writing the report", "== 6/8 exporting and saving the term list", "== 7/8 sweeping", "== 8/8 watching", "ALERT omegle-watch", "saved sample \"omegle-review\"",
		"report notebooks/omegle-investigation.md -o omegle.html --param sample=omegle-review  # the report again, after labelling"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "omegle-report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Labelled review sample omegle-review", "By the moderation data"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("the demo's report lacks %q", want)
		}
	}
}
