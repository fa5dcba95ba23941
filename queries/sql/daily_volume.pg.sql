-- PostgreSQL variant of daily_volume.sql, whose header and parameters apply;
-- see the differences noted below.

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema_pg.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::TEXT[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::TEXT[])),
-- The bounds are scalar subqueries, not an aggregate FROM videos: with
-- $since and $until given, PostgreSQL folds coalesce(const, min(...)) to
-- the constant, and Citus then pushed "SELECT const FROM videos" down as if
-- it had no aggregate, one row per video (found on a one-node cluster).
bounds AS (
    SELECT coalesce($since::DATE, (SELECT min(created_at)::DATE FROM videos)) AS first_day,
           coalesce($until::DATE, (SELECT max(created_at)::DATE FROM videos)) AS last_day
),
days AS (
    SELECT generate_series(first_day::TIMESTAMP, last_day::TIMESTAMP, INTERVAL '1 day')::DATE AS day
    FROM bounds
),
counts AS (
    SELECT v.created_at::DATE AS day,
           count(*) AS all_videos,
           count(s.video_id) AS set_videos
    FROM videos v
    LEFT JOIN set_videos s USING (video_id)
    CROSS JOIN bounds b
    WHERE v.created_at >= b.first_day AND v.created_at < b.last_day + 1
    GROUP BY 1
)
SELECT d.day,
       coalesce(c.set_videos, 0) AS set_videos,
       coalesce(c.all_videos, 0) AS all_videos,
       round((c.set_videos::float8 / c.all_videos)::numeric, 6)::float8 AS set_share
FROM days d
LEFT JOIN counts c USING (day)
ORDER BY d.day
