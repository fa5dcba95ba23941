package datasets

import (
	"context"
	"database/sql"
	"fmt"
)

// execer is what RefreshOutcomes needs: a *sql.DB, *sql.Tx or *sql.Conn.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// outcomesSQL computes video_outcomes by the data contract, per video and
// policy with at least one event:
//
//   - violating: a review for P with decision violation, and no reinstatement
//     for P later than the latest such review;
//   - removed_at: the first enforcement for P with action removed;
//   - proactive: removed, and no user report (of any policy) at or before
//     removed_at (same instant counts as before);
//   - within_24h: removed_at - created_at <= 24 h;
//   - escalated: an escalation for P with action escalated_lert.
//
// Orphan events (no such video) have no created_at and stay out; they are
// counted in the orphan_events view.
const outcomesSQL = `
INSERT INTO video_outcomes
WITH per AS (
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
	GROUP BY e.video_id, e.policy
),
first_report AS (
	SELECT video_id, min(event_time) AS at FROM moderation_events
	WHERE event_type = 'report' GROUP BY video_id
)
SELECT p.video_id, p.policy, v.created_at,
	p.last_violation IS NOT NULL AND (p.last_reinstatement IS NULL OR p.last_reinstatement <= p.last_violation),
	p.removed_at,
	CASE WHEN p.removed_at IS NOT NULL THEN r.at IS NULL OR r.at > p.removed_at END,
	CASE WHEN p.removed_at IS NOT NULL THEN p.removed_at - v.created_at <= INTERVAL 24 HOUR END,
	CASE WHEN p.removed_at IS NOT NULL THEN epoch(p.removed_at - v.created_at) END,
	p.escalated, p.reinstated, p.reported, p.flagged, p.reviewed, p.appealed
FROM per p
JOIN videos v USING (video_id)
LEFT JOIN first_report r USING (video_id)
ORDER BY p.video_id, p.policy`

// RefreshOutcomes rebuilds the tables derived from videos, video_tags and
// moderation_events: video_outcomes and tag_days. Import keeps them up to
// date; call it after changing those tables by hand (test fixtures do).
func RefreshOutcomes(ctx context.Context, db execer) error {
	if err := refreshVideoOutcomes(ctx, db); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM tag_days`); err != nil {
		return fmt.Errorf("clearing tag_days: %w", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO tag_days
		SELECT v.import_id, t.tag, CAST(v.created_at AS DATE), count(DISTINCT t.video_id)
		FROM video_tags t JOIN videos v USING (video_id) GROUP BY ALL`); err != nil {
		return fmt.Errorf("computing tag_days: %w", err)
	}
	return nil
}

// refreshVideoOutcomes rebuilds video_outcomes only; the import calls it
// inside its transaction (it adds to tag_days as it loads tags).
func refreshVideoOutcomes(ctx context.Context, db execer) error {
	if _, err := db.ExecContext(ctx, `DELETE FROM video_outcomes`); err != nil {
		return fmt.Errorf("clearing video_outcomes: %w", err)
	}
	if _, err := db.ExecContext(ctx, outcomesSQL); err != nil {
		return fmt.Errorf("computing video_outcomes: %w", err)
	}
	return nil
}
