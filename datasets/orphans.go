package datasets

import (
	"context"
	"database/sql"
	"fmt"
)

// OrphanEventsSQL counts the orphan_events view: an anti join of every
// event against every video (0.5 s CPU at 5M videos, and a hash table of
// every video id at 100M).
const OrphanEventsSQL = `SELECT count(*) FROM orphan_events`

// KeptOrphanEventsSQL reads the count an import keeps: "orphans videos
// events", the last two the table sizes it holds for.
const KeptOrphanEventsSQL = `SELECT value FROM trendlab_meta WHERE key = 'orphan_events'`

// OrphanEvents is the number of moderation events whose video is not in the
// workspace. An import keeps that count in trendlab_meta with the sizes of
// videos and moderation_events it was taken at (workspaceTotals); while both
// sizes still hold it is read from there, else the view is counted. counted
// says which, for a report that lists the statements it ran.
func OrphanEvents(ctx context.Context, q Querier) (n int64, counted bool, err error) {
	var videos, events int64
	var stored sql.NullString
	if err := q.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM videos), (SELECT count(*) FROM moderation_events),
		(`+KeptOrphanEventsSQL+`)`).Scan(&videos, &events, &stored); err != nil {
		return 0, false, fmt.Errorf("reading the kept count of orphan events: %w", err)
	}
	var atVideos, atEvents int64
	if k, _ := fmt.Sscanf(stored.String, "%d %d %d", &n, &atVideos, &atEvents); k == 3 && atVideos == videos && atEvents == events {
		return n, false, nil
	}
	err = q.QueryRowContext(ctx, OrphanEventsSQL).Scan(&n)
	return n, true, err
}
