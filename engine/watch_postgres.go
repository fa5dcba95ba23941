package engine

import "context"

// The watch aggregations in PostgreSQL's SQL. The tag set's videos are a
// MATERIALIZED CTE (few; on Citus an intermediate result sent to the
// workers); the videos it marks are NOT MATERIALIZED, so that each use
// joins videos with video_outcomes or video_tags on video_id, shard by
// shard, rather than gathering every video on the coordinator.

func (p *postgres) WatchCounts(ctx context.Context, tagSet string, afterImport int64, policies []string) ([]WatchCount, error) {
	if policies == nil {
		policies = []string{}
	}
	return p.watchCounts(ctx, `
WITH s AS MATERIALIZED (SELECT DISTINCT video_id FROM tag_set_videos($1::TEXT)),
v AS NOT MATERIALIZED (
	SELECT v.video_id, v.import_id > $2 AS is_new, s.video_id IS NOT NULL AS in_set
	FROM videos v LEFT JOIN s ON s.video_id = v.video_id
)
SELECT is_new, in_set, NULL::TEXT AS policy, count(*) FROM v GROUP BY 1, 2
UNION ALL
SELECT v.is_new, v.in_set, o.policy, count(*) FROM video_outcomes o JOIN v ON v.video_id = o.video_id
WHERE o.violating AND (cardinality($3::TEXT[]) = 0 OR o.policy = ANY($3::TEXT[]))
GROUP BY 1, 2, 3`, tagSet, afterImport, policies)
}

func (p *postgres) NewTagCounts(ctx context.Context, tagSet string, afterImport int64, tags []string) ([]NewTagCount, error) {
	if tags == nil {
		tags = []string{}
	}
	return p.newTagCounts(ctx, `
WITH s AS MATERIALIZED (SELECT DISTINCT video_id FROM tag_set_videos($1::TEXT)),
nv AS NOT MATERIALIZED (
	SELECT v.video_id, s.video_id IS NOT NULL AS in_set
	FROM videos v LEFT JOIN s ON s.video_id = v.video_id WHERE v.import_id > $2
)
SELECT NULL::TEXT AS tag, in_set, count(*) FROM nv GROUP BY 2
UNION ALL
SELECT t.tag, nv.in_set, count(DISTINCT t.video_id) FROM video_tags t JOIN nv ON nv.video_id = t.video_id
WHERE t.tag = ANY($3::TEXT[]) GROUP BY 1, 2`, tagSet, afterImport, tags)
}
