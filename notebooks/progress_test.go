package notebooks

import (
	"fmt"
	"strings"
	"testing"
)

// TestRenderReportsProgress: Options.Progress hears of every block before
// it runs, in order, and once more when all are done.
func TestRenderReportsProgress(t *testing.T) {
	nb, err := Parse("fixture.md", []byte(fixtureNotebook))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	renderFixture(t, Options{Progress: func(step string, done, total int) {
		got = append(got, fmt.Sprintf("%d/%d %s", done, total, step))
	}})
	n := len(nb.Blocks)
	if len(got) != n+1 {
		t.Fatalf("%d progress calls for %d blocks: %q", len(got), n, got)
	}
	for i, b := range nb.Blocks {
		if want := fmt.Sprintf("%d/%d line %d: %s block", i, n, b.Line, b.Kind); got[i] != want {
			t.Errorf("call %d = %q, want %q", i, got[i], want)
		}
	}
	if !strings.HasPrefix(got[n], fmt.Sprintf("%d/%d ", n, n)) {
		t.Errorf("last call %q, want all %d blocks done", got[n], n)
	}
}
