package engine

import (
	"context"
	"slices"
	"testing"

	"github.com/trendlab/trendlab/datasets"
)

// TestImpactIDListBindsEveryID checks that both ways idList binds ids
// (one split string, or the list when an id is empty or holds the
// separator) give back exactly the ids.
func TestImpactIDListBindsEveryID(t *testing.T) {
	ctx := context.Background()
	ws, err := datasets.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for _, ids := range [][]string{
		{},
		{"v1"},
		{"v1", "v 2", "v,3", "ü4"},
		{"v1", "a" + idSep + "b"}, // the separator: bound as a list
		{"v1", ""},                // an empty id: bound as a list
	} {
		list, arg := idList(ids)
		rows, err := ws.DB.QueryContext(ctx, `SELECT unnest(`+list+`) AS id ORDER BY id`, arg)
		if err != nil {
			t.Fatal(err)
		}
		got := []string{}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			got = append(got, id)
		}
		rows.Close()
		want := slices.Sorted(slices.Values(ids))
		if !slices.Equal(got, want) {
			t.Errorf("idList(%q) read back %q", ids, got)
		}
	}
}
