package analysis

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/internal/pgtest"
	"github.com/trendlab/trendlab/internal/testws"
)

// TestSweepEnginesAgree: the same synthetic exports (the sweep story
// planted) imported into DuckDB and into PostgreSQL give the same sweeps of
// related tags, of listed tags and of saved tag sets, the --json documents
// equal but for the workspace's name and the imports' timing; a sweep reads
// few rows into Go on either engine. The tag sets are saved on each engine
// by investigate --save-as.
func TestSweepEnginesAgree(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	cfg := synth.Config{Videos: 20_000, Seed: 11, Days: 30, SweepStory: true, Dir: t.TempDir()}
	duck, m := testws.New(t, cfg)
	pg, err := datasets.Open(ctx, url, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	testws.Import(t, pg, cfg)
	raised := ""
	for tag := range m.Stories.SweepRaised {
		raised = max(raised, tag)
	}
	for _, ws := range []*datasets.Workspace{duck, pg} {
		for _, req := range []Request{{Tag: m.Family.SeedTag, SaveAs: "family"}, {Tag: raised, SaveAs: "raised", IncludeCaptions: true}} {
			req.Permutations = 1
			if _, err := Investigate(ctx, ws, req); err != nil {
				t.Fatalf("%s: %v", ws.Dialect, err)
			}
		}
	}
	start, _ := time.Parse(time.RFC3339, m.Start)
	policies := m.Policies[:2]
	for _, q := range []SweepRequest{
		{RelatedTo: "family", Top: 12},
		{RelatedTo: m.Family.SeedTag, Top: 6, KeepSeed: true, Policies: policies,
			Period: datasets.Period{Since: start.AddDate(0, 0, 3), Until: start.AddDate(0, 0, 20)}},
		{Tags: append([]string{m.Family.SeedTag, "Strangers", "nosuchtag"}, m.Family.Normalised[1:3]...)},
		{TagSets: []string{"family", "raised"}, Adjust: AdjustHolm},
	} {
		t.Run(fmt.Sprintf("%s%v%v", q.RelatedTo, q.Tags, q.TagSets), func(t *testing.T) {
			q.Now = fixedNow
			want := sweepJSON(t, duck, q)
			got := sweepJSON(t, pg, q)
			if got != want {
				t.Errorf("PostgreSQL's sweep differs from DuckDB's:\n%s", firstDifference(want, got))
			}
		})
	}
}

// sweepJSON runs the sweep and returns its --json document without the
// workspace's name and the imports' timing; it fails the test when the
// sweep read more than maxRowsMoved rows into Go.
func sweepJSON(t *testing.T, ws *datasets.Workspace, q SweepRequest) string {
	t.Helper()
	var moved int64 = -1
	rowsMoved = func(n int64) { moved = n }
	defer func() { rowsMoved = nil }()
	sw, err := RunSweep(context.Background(), ws, q)
	if err != nil {
		t.Fatalf("%s: %v", ws.Dialect, err)
	}
	if len(sw.Tags) < 2 {
		t.Errorf("%s: %d tags swept; the test wants a few", ws.Dialect, len(sw.Tags))
	}
	if moved <= 0 || moved > maxRowsMoved {
		t.Errorf("%s: the sweep read %d rows from the engine, want 1 to %d", ws.Dialect, moved, maxRowsMoved)
	}
	return engineFreeJSON(t, &sw.Provenance, sw)
}
