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
const pgOutcomesSQL = `
INSERT INTO video_outcomes
WITH touched AS (
	SELECT video_id FROM videos WHERE import_id = ANY($1)
	UNION SELECT video_id FROM moderation_events WHERE import_id = ANY($1)
),
per AS (
	SELECT e.video_id, e.policy,
		max(e.event_time) FILTER (WHERE e.event_type = 'review' AND e.decision = 'violation') AS last_violation,
		max(e.event_time) FILTER (WHERE e.event_type = 'reinstatement') AS last_reinstatement,
		min(e.event_time) FILTER (WHERE e.event_type = 'enforcement' AND e.action = 'removed') AS removed_at,
		bool_or(e.event_type = 'escalation' AND e.action = 'escalated_lert') AS escalated,
		bool_or(e.event_type = 'reinstatement') AS reinstated,
		bool_or(e.event_type = 'report') AS reported,
		bool_or(e.event_type = 'flag') AS flagged,
		bool_or(e.event_type = 'review') AS reviewed,
		bool_or(e.event_type = 'appeal') AS appealed
	FROM moderation_events e
	WHERE e.video_id IN (SELECT video_id FROM touched)
	GROUP BY e.video_id, e.policy
),
first_report AS (
	SELECT video_id, min(event_time) AS at FROM moderation_events
	WHERE event_type = 'report' AND video_id IN (SELECT video_id FROM touched) GROUP BY video_id
)
SELECT p.video_id, p.policy, v.created_at,
	p.last_violation IS NOT NULL AND (p.last_reinstatement IS NULL OR p.last_reinstatement <= p.last_violation),
	p.removed_at,
	CASE WHEN p.removed_at IS NOT NULL THEN r.at IS NULL OR r.at > p.removed_at END,
	CASE WHEN p.removed_at IS NOT NULL THEN p.removed_at - v.created_at <= INTERVAL '24 hours' END,
	CASE WHEN p.removed_at IS NOT NULL THEN extract(epoch FROM p.removed_at - v.created_at)::double precision END,
	p.escalated, p.reinstated, p.reported, p.flagged, p.reviewed, p.appealed
FROM per p
JOIN videos v USING (video_id)
LEFT JOIN first_report r USING (video_id)`

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
