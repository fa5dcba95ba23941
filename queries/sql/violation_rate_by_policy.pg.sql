-- PostgreSQL variant of violation_rate_by_policy.sql, whose header and parameters apply;
-- see the differences noted below.

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema_pg.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::TEXT[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::TEXT[])),
frame AS (
    SELECT v.video_id, s.video_id IS NOT NULL AS in_set
    FROM videos v
    LEFT JOIN set_videos s USING (video_id)
    WHERE ($since::DATE IS NULL OR v.created_at >= $since::DATE)
      AND ($until::DATE IS NULL OR v.created_at < $until::DATE + 1)
),
sizes AS (
    SELECT count(*) FILTER (WHERE in_set) AS set_videos,
           count(*) FILTER (WHERE NOT in_set) AS rest_videos
    FROM frame
),
violating AS (
    SELECT o.policy,
           count(*) FILTER (WHERE f.in_set) AS set_violating,
           count(*) FILTER (WHERE NOT f.in_set) AS rest_violating
    FROM video_outcomes o
    JOIN frame f USING (video_id)
    WHERE o.violating
    GROUP BY o.policy
),
counts AS (
    SELECT p.policy,
           coalesce(v.set_violating, 0) AS k1, s.set_videos AS n1,
           coalesce(v.rest_violating, 0) AS k2, s.rest_videos AS n2
    FROM (SELECT DISTINCT policy FROM video_outcomes) p
    LEFT JOIN violating v USING (policy)
    CROSS JOIN sizes s
),
rates AS (
    SELECT *, k1::float8 / nullif(n1, 0) AS p1, k2::float8 / nullif(n2, 0) AS p2, 1.959963984540054 AS z
    FROM counts
)
SELECT policy,
       k1 AS set_violating,
       n1 AS set_videos,
       round((p1)::numeric, 6)::float8 AS set_rate,
       round(((p1 + z*z/(2*nullif(n1, 0)) - z*sqrt(p1*(1-p1)/nullif(n1, 0) + z*z/(4*nullif(n1, 0)*n1))) / (1 + z*z/nullif(n1, 0)))::numeric, 6)::float8 AS set_ci_low,
       round(((p1 + z*z/(2*nullif(n1, 0)) + z*sqrt(p1*(1-p1)/nullif(n1, 0) + z*z/(4*nullif(n1, 0)*n1))) / (1 + z*z/nullif(n1, 0)))::numeric, 6)::float8 AS set_ci_high,
       k2 AS rest_violating,
       n2 AS rest_videos,
       round((p2)::numeric, 6)::float8 AS rest_rate,
       round(((p2 + z*z/(2*nullif(n2, 0)) - z*sqrt(p2*(1-p2)/nullif(n2, 0) + z*z/(4*nullif(n2, 0)*n2))) / (1 + z*z/nullif(n2, 0)))::numeric, 6)::float8 AS rest_ci_low,
       round(((p2 + z*z/(2*nullif(n2, 0)) + z*sqrt(p2*(1-p2)/nullif(n2, 0) + z*z/(4*nullif(n2, 0)*n2))) / (1 + z*z/nullif(n2, 0)))::numeric, 6)::float8 AS rest_ci_high,
       round((p1 / nullif(p2, 0))::numeric, 4)::float8 AS rate_ratio
FROM rates
ORDER BY policy COLLATE "C"
