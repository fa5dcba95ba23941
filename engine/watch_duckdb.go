package engine

import "context"

// The watch aggregations in DuckDB's SQL (moved from analysis/watch.go).

func (d *duck) WatchCounts(ctx context.Context, tagSet string, afterImport int64, policies []string) ([]WatchCount, error) {
	if policies == nil {
		policies = []string{} // a nil list binds as NULL
	}
	return d.watchCounts(ctx, `
WITH s AS (SELECT DISTINCT video_id FROM tag_set_videos(?, [])),
v AS (
	SELECT v.video_id, v.import_id > ? AS is_new, s.video_id IS NOT NULL AS in_set
	FROM videos v LEFT JOIN s ON s.video_id = v.video_id
)
SELECT is_new, in_set, NULL AS policy, count(*) FROM v GROUP BY ALL
UNION ALL
SELECT v.is_new, v.in_set, o.policy, count(*) FROM video_outcomes o JOIN v ON v.video_id = o.video_id
WHERE o.violating AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], o.policy))
GROUP BY ALL`, tagSet, afterImport, policies, policies)
}

func (d *duck) NewTagCounts(ctx context.Context, tagSet string, afterImport int64, tags []string) ([]NewTagCount, error) {
	if tags == nil {
		tags = []string{}
	}
	return d.newTagCounts(ctx, `
WITH s AS (SELECT DISTINCT video_id FROM tag_set_videos(?, [])),
nv AS (
	SELECT v.video_id, s.video_id IS NOT NULL AS in_set
	FROM videos v LEFT JOIN s ON s.video_id = v.video_id WHERE v.import_id > ?
)
SELECT NULL AS tag, in_set, count(*) FROM nv GROUP BY ALL
UNION ALL
SELECT t.tag, nv.in_set, count(DISTINCT t.video_id) FROM video_tags t JOIN nv ON nv.video_id = t.video_id
WHERE list_contains(?::VARCHAR[], t.tag) GROUP BY ALL`, tagSet, afterImport, tags)
}
