package datasets_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
)

// TestImportSynthFormatsAgree imports the same synthetic platform written as
// CSV, gzipped JSON Lines and Parquet: every format loads every row and the
// workspaces agree on what they hold.
func TestImportSynthFormatsAgree(t *testing.T) {
	ctx := context.Background()
	const check = `SELECT (SELECT count(*) FROM videos) || '|' || (SELECT count(*) FROM moderation_events) || '|' ||
		(SELECT count(*) FROM video_tags) || '|' || (SELECT count(DISTINCT tag) FROM video_tags) || '|' ||
		(SELECT sum(view_count) FROM videos) || '|' || (SELECT round(sum(duration_s), 3) FROM videos) || '|' ||
		(SELECT md5(string_agg(video_id || created_at || coalesce(caption, '') || coalesce(author_age_band, ''), ',' ORDER BY video_id)) FROM videos) || '|' ||
		(SELECT md5(string_agg(event_id || event_time || event_type || coalesce(action, ''), ',' ORDER BY event_id)) FROM moderation_events) || '|' ||
		(SELECT count(*) FILTER (WHERE violating) || '/' || count(*) FILTER (WHERE proactive) || '/' || count(*) FILTER (WHERE escalated) FROM video_outcomes) || '|' ||
		(SELECT count(*) FROM orphan_events)`
	var want string
	for _, tc := range []struct{ format, compression string }{{"csv", "none"}, {"jsonl", "gzip"}, {"parquet", "none"}} {
		t.Run(tc.format, func(t *testing.T) {
			dir := t.TempDir()
			m, err := synth.Generate(ctx, synth.Config{Videos: 3000, Seed: 7, Format: tc.format, Compression: tc.compression, Dir: dir})
			if err != nil {
				t.Fatal(err)
			}
			ws, err := datasets.OpenMemory(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			sum, err := datasets.Import(ctx, ws, datasets.ImportRequest{
				Videos: []string{filepath.Join(dir, "videos*")},
				Events: []string{filepath.Join(dir, "moderation_events*")},
				Strict: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			if sum.VideosLoaded != int64(m.Videos) || sum.EventsLoaded != int64(m.Events) || sum.Workspace.OrphanEvents != int64(m.OrphanEvents) {
				t.Errorf("loaded %d videos, %d events, %d orphans; manifest %d, %d, %d",
					sum.VideosLoaded, sum.EventsLoaded, sum.Workspace.OrphanEvents, m.Videos, m.Events, m.OrphanEvents)
			}
			var got string
			if err := ws.DB.QueryRow(check).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if want == "" {
				want = got
			} else if got != want {
				t.Errorf("%s workspace differs from csv:\n got %s\nwant %s", tc.format, got, want)
			}
		})
	}
}
