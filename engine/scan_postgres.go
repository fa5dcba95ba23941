package engine

import (
	"context"
	"fmt"
)

// SpikeCounts reads the tags to scan into Go once and binds them as an
// array to both counts, rather than a temporary table (on Citus it would
// live on the coordinator only). The violating videos join video_tags and
// video_outcomes on video_id and count DISTINCT video_id, the distribution
// column: shard-local on Citus.
func (p *postgres) SpikeCounts(ctx context.Context, q SpikeQuery) ([]TagDayCount, []TagPolicyDayCount, error) {
	tags, err := p.strings(ctx, `SELECT tag FROM video_tags GROUP BY tag HAVING count(*) >= $1`, q.MinRows)
	if err != nil {
		return nil, nil, fmt.Errorf("collecting tags: %w", err)
	}
	tags = nonNil(tags)
	vol, err := p.tagDayCounts(ctx, `
SELECT tag, day, sum(videos)::BIGINT
FROM tag_days
WHERE tag = ANY($1::TEXT[]) AND day >= CAST($2::TIMESTAMP AS DATE) AND day < CAST($3::TIMESTAMP AS DATE)
GROUP BY 1, 2`, tags, q.Lo, q.Hi)
	if err != nil {
		return nil, nil, fmt.Errorf("counting videos: %w", err)
	}
	filter := ""
	args := []any{q.Lo, q.Hi, tags}
	if len(q.Policies) > 0 {
		filter = " AND o.policy = ANY($4::TEXT[])"
		args = append(args, q.Policies)
	}
	viol, err := p.tagPolicyDayCounts(ctx, `
SELECT t.tag, o.policy, CAST(o.created_at AS DATE) AS day, count(DISTINCT t.video_id)
FROM video_tags t JOIN video_outcomes o ON o.video_id = t.video_id
WHERE o.violating AND o.created_at >= $1 AND o.created_at < $2`+filter+`
  AND t.tag = ANY($3::TEXT[])
GROUP BY 1, 2, 3`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("counting violating videos: %w", err)
	}
	return vol, viol, nil
}
