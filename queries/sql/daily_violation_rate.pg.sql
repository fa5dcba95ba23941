-- PostgreSQL variant of daily_violation_rate.sql, whose header and parameters apply;
-- see the differences noted below.

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema_pg.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::TEXT[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::TEXT[])),
frame AS (
    SELECT v.created_at::DATE AS day,
           EXISTS (SELECT 1 FROM video_outcomes o
                   WHERE o.video_id = v.video_id AND o.violating
                     AND ($policy = '' OR o.policy = $policy)) AS violating
    FROM videos v
    WHERE v.video_id IN (SELECT video_id FROM set_videos)
      AND ($since::DATE IS NULL OR v.created_at >= $since::DATE)
      AND ($until::DATE IS NULL OR v.created_at < $until::DATE + 1)
),
days AS (
    SELECT generate_series(min(day)::TIMESTAMP, max(day)::TIMESTAMP, INTERVAL '1 day')::DATE AS day
    FROM frame
),
per AS (
    SELECT d.day,
           count(f.day) AS n,
           count(*) FILTER (WHERE f.violating) AS k
    FROM days d
    LEFT JOIN frame f USING (day)
    GROUP BY d.day
),
r AS (
    SELECT *, k::float8 / nullif(n, 0) AS p, 1.959963984540054 AS z FROM per
)
SELECT day,
       n AS videos,
       k AS violating,
       round((p)::numeric, 6)::float8 AS rate,
       round(((p + z*z/(2*nullif(n, 0)) - z*sqrt(p*(1-p)/nullif(n, 0) + z*z/(4*nullif(n, 0)*n))) / (1 + z*z/nullif(n, 0)))::numeric, 6)::float8 AS ci_low,
       round(((p + z*z/(2*nullif(n, 0)) + z*sqrt(p*(1-p)/nullif(n, 0) + z*z/(4*nullif(n, 0)*n))) / (1 + z*z/nullif(n, 0)))::numeric, 6)::float8 AS ci_high
FROM r
ORDER BY day
