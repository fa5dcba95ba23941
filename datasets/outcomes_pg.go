package datasets

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// pgOutcomesSQL is outcomesSQL (outcomes.go, the data contract's
// definitions) in PostgreSQL's dialect; the differential import test holds
// the two to the same rows. $1 is the imports whose videos and events are
// computed again.
var pgOutcomesSQL = outcomesDialect{
	touched: `touched AS (
	SELECT video_id FROM videos WHERE import_id = ANY($1)
	UNION SELECT video_id FROM moderation_events WHERE import_id = ANY($1)
),
`,
	events:  "moderation_events",
	only:    "e.video_id IN (SELECT video_id FROM touched)",
	seconds: "extract(epoch FROM p.removed_at - v.created_at)::double precision",
}.statement()

// pgRefreshOutcomesFor brings video_outcomes up to date after the given
// imports, like refreshOutcomesFor: only the videos they touch.
func pgRefreshOutcomesFor(ctx context.Context, tx pgx.Tx, importIDs []int64) error {
	if len(importIDs) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM video_outcomes WHERE video_id IN (
		SELECT video_id FROM videos WHERE import_id = ANY($1)
		UNION SELECT video_id FROM moderation_events WHERE import_id = ANY($1))`, importIDs); err != nil {
		return fmt.Errorf("computing video_outcomes: %w", err)
	}
	if _, err := tx.Exec(ctx, pgOutcomesSQL, importIDs); err != nil {
		return fmt.Errorf("computing video_outcomes: %w", err)
	}
	return nil
}
