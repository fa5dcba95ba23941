-- PostgreSQL variant of co_occurring_tags.sql, whose header and parameters apply;
-- see the differences noted below.

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema_pg.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::TEXT[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::TEXT[])),
totals AS (
    SELECT (SELECT count(*) FROM set_videos) AS n_set,
           (SELECT count(*) FROM videos) AS n_all
),
with_set AS (
    SELECT t.tag, count(DISTINCT t.video_id) AS set_videos
    FROM video_tags t
    WHERE t.video_id IN (SELECT video_id FROM set_videos)
      AND t.tag NOT IN (SELECT tag FROM set_tags)
    GROUP BY t.tag
    HAVING count(DISTINCT t.video_id) >= $min_videos
),
overall AS (
    SELECT tag, count(DISTINCT video_id) AS all_videos
    FROM video_tags
    WHERE tag IN (SELECT tag FROM with_set)
    GROUP BY tag
)
SELECT w.tag,
       w.set_videos,
       x.n_set AS set_size,
       round((w.set_videos::float8 / x.n_set)::numeric, 6)::float8 AS share_of_set,
       o.all_videos,
       round((o.all_videos::float8 / x.n_all)::numeric, 6)::float8 AS share_of_all,
       round(((w.set_videos::float8 / x.n_set) / (o.all_videos::float8 / x.n_all))::numeric, 3)::float8 AS lift
FROM with_set w
JOIN overall o USING (tag)
CROSS JOIN totals x
ORDER BY w.set_videos DESC, lift DESC, w.tag COLLATE "C"
LIMIT $limit
