-- PostgreSQL variant of breakdown_by_age_band.sql, whose header and parameters apply;
-- see the differences noted below.

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema_pg.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::TEXT[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::TEXT[])),
frame AS (
    SELECT coalesce(v.author_age_band, '(none)') AS author_age_band,
           s.video_id IS NOT NULL AS in_set,
           EXISTS (SELECT 1 FROM video_outcomes o
                   WHERE o.video_id = v.video_id AND o.violating
                     AND ($policy = '' OR o.policy = $policy)) AS violating
    FROM videos v
    LEFT JOIN set_videos s USING (video_id)
),
per AS (
    SELECT author_age_band,
           count(*) FILTER (WHERE in_set) AS n1,
           count(*) FILTER (WHERE in_set AND violating) AS k1,
           count(*) FILTER (WHERE NOT in_set) AS n2,
           count(*) FILTER (WHERE NOT in_set AND violating) AS k2
    FROM frame
    GROUP BY author_age_band
),
r AS (
    SELECT *, k1::float8 / nullif(n1, 0) AS p1, k2::float8 / nullif(n2, 0) AS p2, 1.959963984540054 AS z FROM per
)
SELECT author_age_band,
       n1 AS set_videos,
       round((n1::float8 / nullif(sum(n1) OVER (), 0))::numeric, 6)::float8 AS share_of_set,
       k1 AS set_violating,
       round((p1)::numeric, 6)::float8 AS set_rate,
       round(((p1 + z*z/(2*nullif(n1, 0)) - z*sqrt(p1*(1-p1)/nullif(n1, 0) + z*z/(4*nullif(n1, 0)*n1))) / (1 + z*z/nullif(n1, 0)))::numeric, 6)::float8 AS set_ci_low,
       round(((p1 + z*z/(2*nullif(n1, 0)) + z*sqrt(p1*(1-p1)/nullif(n1, 0) + z*z/(4*nullif(n1, 0)*n1))) / (1 + z*z/nullif(n1, 0)))::numeric, 6)::float8 AS set_ci_high,
       n2 AS rest_videos,
       k2 AS rest_violating,
       round((p2)::numeric, 6)::float8 AS rest_rate,
       round(((p2 + z*z/(2*nullif(n2, 0)) - z*sqrt(p2*(1-p2)/nullif(n2, 0) + z*z/(4*nullif(n2, 0)*n2))) / (1 + z*z/nullif(n2, 0)))::numeric, 6)::float8 AS rest_ci_low,
       round(((p2 + z*z/(2*nullif(n2, 0)) + z*sqrt(p2*(1-p2)/nullif(n2, 0) + z*z/(4*nullif(n2, 0)*n2))) / (1 + z*z/nullif(n2, 0)))::numeric, 6)::float8 AS rest_ci_high
FROM r
ORDER BY n1 DESC, n2 DESC, author_age_band COLLATE "C"
