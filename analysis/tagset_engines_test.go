package analysis

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/pgtest"
)

// TestTagSetsOnBothEngines: saving, re-saving and deciding a tag set give
// the same saved tag set on DuckDB and on PostgreSQL, and investigators
// deciding at once on a server lose none of each other's decisions.
func TestTagSetsOnBothEngines(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	pg, err := datasets.Open(ctx, url, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	duck, err := datasets.Open(ctx, filepath.Join(t.TempDir(), "ws.duckdb"), datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()

	steps := func(ws *datasets.Workspace) *SavedTagSet {
		t.Helper()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", ws.Dialect, err)
			}
		}
		must(SaveTagSet(ctx, ws, "fam", "Omegle", true, []Variant{
			{Tag: "omegie", Status: VariantAccepted, Score: 0.9, Reasons: []string{"typo", "1 edit"}},
			{Tag: "omeg1e", Status: VariantAccepted, Score: 0.8},
			{Tag: "homegle", Status: VariantRejected, Score: 0.2}}))
		// Saved again with one variant fewer and one decision changed.
		must(SaveTagSet(ctx, ws, "fam", "omegle", false, []Variant{
			{Tag: "omegie", Status: VariantRejected, Score: 0.9, Reasons: []string{"typo"}},
			{Tag: "homegle", Status: VariantRejected, Score: 0.2, DecidedBy: "bob"}}))
		must(DecideVariant(ctx, ws, "fam", "omegle_chat", VariantAccepted, "ana"))
		must(DecideVariant(ctx, ws, "fam", "homegle", VariantAccepted, "ana"))
		s, err := LoadTagSet(ctx, ws, "fam")
		must(err)
		return s
	}
	want, got := steps(duck), steps(pg)
	if len(got.Variants) != 3 {
		t.Errorf("PostgreSQL: %d variants after re-saving and deciding, want 3: %+v", len(got.Variants), got.Variants)
	}
	want.CreatedAt, want.UpdatedAt, got.CreatedAt, got.UpdatedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("saved tag set on PostgreSQL:\n%+v\nwant (DuckDB):\n%+v", got, want)
	}
	var by string
	if err := pg.DB.QueryRowContext(ctx, `SELECT decided_by FROM tag_set_variants WHERE tag_set = 'fam' AND tag = 'homegle'`).Scan(&by); err != nil || by != "ana" {
		t.Errorf("homegle decided by %q (%v), want ana", by, err)
	}

	// Four investigators decide ten tags each at once: every decision is kept.
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				errs <- DecideVariant(ctx, pg, "fam", fmt.Sprintf("tag%d_%d", w, i), VariantAccepted, fmt.Sprintf("labeller%d", w))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s, err := LoadTagSet(ctx, pg, "fam")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Variants) != 3+40 {
		t.Errorf("%d variants after 40 decisions at once, want %d", len(s.Variants), 3+40)
	}
}
