package queries

import (
	"context"
	"testing"

	"github.com/trendlab/trendlab/datasets"
)

// TestPrepareSeesEachWorkspace: a statement that ran on one workspace is
// remembered as valid, but Prepare (and so check) prepares it again on
// another, where it may fail.
func TestPrepareSeesEachWorkspace(t *testing.T) {
	ctx := context.Background()
	a, err := datasets.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := datasets.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := a.DB.Exec(`CREATE TABLE only_in_a AS SELECT 1 AS x`); err != nil {
		t.Fatal(err)
	}
	st := AdHoc(`SELECT x FROM only_in_a`)
	if _, err := Fetch(ctx, a.DB, st, 10); err != nil {
		t.Fatalf("on a: %v", err)
	}
	if _, err := Fetch(ctx, a.DB, st, 10); err != nil {
		t.Fatalf("on a, again: %v", err)
	}
	if err := Prepare(ctx, b.DB, st); err == nil {
		t.Fatal("Prepare on a workspace without the table succeeded")
	}
	if _, err := Fetch(ctx, b.DB, st, 10); err == nil {
		t.Fatal("Fetch on a workspace without the table succeeded")
	}
	if _, err := Fetch(ctx, a.DB, AdHoc(`SELECT 1; SELECT 2`), 10); err == nil {
		t.Fatal("two statements were accepted")
	}
}
