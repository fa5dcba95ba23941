package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/review"
)

// TestReportScreenWritesTheShippedNotebook checks that the Report screen
// writes the shipped notebook's report, with the sample under review, and
// leaves nothing but the report in the folder (no notebook copy, no
// temporary file).
func TestReportScreenWritesTheShippedNotebook(t *testing.T) {
	ctx := context.Background()
	ws := synthWorkspace(t, 3000)
	s, err := review.CreateSample(ctx, ws, "screen-7-review", "ana", review.SampleDefinition{
		Frame: review.SampleFrame{Tags: []string{"omegle"}}, Method: review.MethodSimple, Size: 4, Seed: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	size, err := writeReportFile(ws, path, map[string]string{"tag": "omegle", "sample": s.Name})
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(html)) != size {
		t.Errorf("reported %d bytes, wrote %d", size, len(html))
	}
	for _, want := range []string{"#omegle and its variants", "Labelled review sample screen-7-review"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want only report.html", names)
	}
}
