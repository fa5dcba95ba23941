package datasets

import (
	"context"
	"path/filepath"
	"testing"
)

// TestOrphanEvents: the kept count is read while the tables keep the sizes
// it was taken at, and the view is counted once they change or when no
// count is kept.
func TestOrphanEvents(t *testing.T) {
	ctx := context.Background()
	ws, err := Open(ctx, filepath.Join(t.TempDir(), "ws.duckdb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := ws.DB.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO videos (video_id, author_id, created_at, import_id) VALUES ('v1', 'a1', TIMESTAMP '2026-06-01', 1)`)
	exec(`INSERT INTO moderation_events (event_id, video_id, event_time, event_type, source, policy, import_id) VALUES
		('e1', 'v1', TIMESTAMP '2026-06-02', 'report', 'user', 'hate_speech', 2),
		('e2', 'v9', TIMESTAMP '2026-06-02', 'report', 'user', 'hate_speech', 2)`)
	for _, tc := range []struct {
		name        string
		kept        string // trendlab_meta's value; "" for none
		want        int64
		wantCounted bool
	}{
		{"no kept count", "", 1, true},
		{"kept for these sizes", "7 1 2", 7, false}, // 7, not 1: it was read, not counted
		{"kept for other sizes", "7 1 3", 1, true},
		{"damaged", "seven", 1, true},
	} {
		exec(`DELETE FROM trendlab_meta WHERE key = 'orphan_events'`)
		if tc.kept != "" {
			exec(`INSERT INTO trendlab_meta VALUES ('orphan_events', ?)`, tc.kept)
		}
		n, counted, err := OrphanEvents(ctx, ws.DB)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n != tc.want || counted != tc.wantCounted {
			t.Errorf("%s: OrphanEvents = %d (counted %v), want %d (counted %v)", tc.name, n, counted, tc.want, tc.wantCounted)
		}
	}
}
