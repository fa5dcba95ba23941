-- name: top_tags
-- description: The most used hashtags among videos uploaded in a period, with
--   how many of their videos are violating (any policy) and the rate.
-- param: since date default null "first upload day (UTC); default all"
-- param: until date default null "last upload day (UTC), inclusive; default all"
-- param: min_videos int default 1 "leave out tags on fewer videos"
-- param: limit int default 50 "at most this many tags"

WITH period AS (
    SELECT video_id FROM videos
    WHERE ($since::DATE IS NULL OR created_at >= $since::DATE)
      AND ($until::DATE IS NULL OR created_at < $until::DATE + 1)
),
violating AS (
    SELECT DISTINCT video_id FROM video_outcomes WHERE violating
),
per AS (
    SELECT t.tag,
           count(DISTINCT t.video_id) AS videos,
           count(DISTINCT t.video_id) FILTER (WHERE x.video_id IS NOT NULL) AS violating_videos
    FROM video_tags t
    JOIN period p USING (video_id)
    LEFT JOIN violating x USING (video_id)
    GROUP BY t.tag
    HAVING count(DISTINCT t.video_id) >= $min_videos
)
SELECT tag,
       videos,
       round(videos / (SELECT count(*) FROM period), 6) AS share_of_videos,
       violating_videos,
       round(violating_videos / videos, 6) AS violation_rate
FROM per
ORDER BY videos DESC, tag
LIMIT $limit
