-- name: daily_volume
-- description: Videos uploaded per day (UTC) that carry any tag of a tag set,
--   beside all videos uploaded that day and the set's share of them. Days
--   without uploads show as zero.
-- param: tag_set string default "" "name of a saved tag set: its seed tag, accepted variants and, if it says so, caption mentions"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: since date default null "first day (UTC); default the first upload"
-- param: until date default null "last day (UTC), inclusive; default the last upload"
-- require-one-of: tag_set, tags

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::VARCHAR[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::VARCHAR[])),
bounds AS (
    SELECT coalesce($since::DATE, min(created_at)::DATE) AS first_day,
           coalesce($until::DATE, max(created_at)::DATE) AS last_day
    FROM videos
),
days AS (
    SELECT unnest(range(first_day::TIMESTAMP, last_day::TIMESTAMP + INTERVAL 1 DAY, INTERVAL 1 DAY))::DATE AS day
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
       round(c.set_videos / c.all_videos, 6) AS set_share
FROM days d
LEFT JOIN counts c USING (day)
ORDER BY d.day
