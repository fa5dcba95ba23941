-- PostgreSQL variant of top_tags.sql, whose header and parameters apply;
-- see the differences noted below.

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
       round((videos::float8 / (SELECT count(*) FROM period))::numeric, 6)::float8 AS share_of_videos,
       violating_videos,
       round((violating_videos::float8 / videos)::numeric, 6)::float8 AS violation_rate
FROM per
ORDER BY videos DESC, tag COLLATE "C"
LIMIT $limit
