package analysis

import (
	"context"
	"fmt"
	"testing"
)

// TestSweepReportsProgress: SweepRequest.Progress hears of each step in
// order, with the number of tags, and ends with all steps done.
func TestSweepReportsProgress(t *testing.T) {
	ws, _ := sweepWorkspace(t)
	var got []string
	_, err := RunSweep(context.Background(), ws, SweepRequest{Tags: []string{"anonchat", "omegle"}, Policies: []string{"minor_safety"},
		Progress: func(step string, done, total int) { got = append(got, fmt.Sprintf("%d/%d %s", done, total, step)) }})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1/4 resolving the tags' variants", "2/4 collecting the videos of 2 tags", "3/4 counting the outcomes of 2 tags", "4/4 done"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("progress %q, want %q", got, want)
	}
}
