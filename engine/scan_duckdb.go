package engine

import (
	"context"
	"fmt"
)

// SpikeCounts keeps the tags to scan in a temporary table for both
// counts. Tags with at least MinRows rows: a superset of those with as
// many videos, and cheap to find; the exact count per day follows.
func (d *duck) SpikeCounts(ctx context.Context, q SpikeQuery) ([]TagDayCount, []TagPolicyDayCount, error) {
	defer d.conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS temp.tl_scantags`)
	if _, err := d.conn.ExecContext(ctx, `
CREATE OR REPLACE TEMP TABLE tl_scantags AS
SELECT tag FROM video_tags GROUP BY tag HAVING count(*) >= ?`, q.MinRows); err != nil {
		return nil, nil, fmt.Errorf("collecting tags: %w", err)
	}
	// Videos per tag and day, kept exact by the import in tag_days.
	vol, err := d.tagDayCounts(ctx, `
SELECT tag, day, sum(videos)::BIGINT
FROM tag_days
WHERE tag IN (SELECT tag FROM tl_scantags) AND day >= CAST(? AS DATE) AND day < CAST(? AS DATE)
GROUP BY ALL`, q.Lo, q.Hi)
	if err != nil {
		return nil, nil, fmt.Errorf("counting videos: %w", err)
	}
	filter, fargs := policyFilter(q.Policies)
	viol, err := d.tagPolicyDayCounts(ctx, `
SELECT t.tag, o.policy, CAST(o.created_at AS DATE) AS day, count(DISTINCT t.video_id)
FROM video_tags t JOIN video_outcomes o ON o.video_id = t.video_id
WHERE o.violating AND o.created_at >= ? AND o.created_at < ?`+filter+`
  AND t.tag IN (SELECT tag FROM tl_scantags)
GROUP BY ALL`, append([]any{q.Lo, q.Hi}, fargs...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("counting violating videos: %w", err)
	}
	return vol, viol, nil
}
