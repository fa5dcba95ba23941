-- PostgreSQL variant of proactive_share_by_policy.sql, whose header and parameters apply;
-- see the differences noted below.

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema_pg.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::TEXT[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::TEXT[])),
removed AS (
    SELECT o.*
    FROM video_outcomes o
    WHERE o.removed_at IS NOT NULL
      AND ($since::DATE IS NULL OR o.removed_at >= $since::DATE)
      AND ($until::DATE IS NULL OR o.removed_at < $until::DATE + 1)
      AND (NOT EXISTS (SELECT 1 FROM set_tags) OR o.video_id IN (SELECT video_id FROM set_videos))
),
per AS (
    SELECT policy,
           count(*) AS n,
           count(*) FILTER (WHERE proactive) AS k_pro,
           count(*) FILTER (WHERE within_24h) AS k_24,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_action_s) / 3600 AS p50_h,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY time_to_action_s) / 3600 AS p90_h,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY time_to_action_s) / 3600 AS p99_h
    FROM removed
    GROUP BY policy
),
r AS (
    SELECT *, k_pro::float8 / n AS p1, k_24::float8 / n AS p2, 1.959963984540054 AS z FROM per
)
SELECT policy,
       n AS removals,
       k_pro AS proactive,
       round((p1)::numeric, 6)::float8 AS proactive_share,
       round(((p1 + z*z/(2*nullif(n, 0)) - z*sqrt(p1*(1-p1)/nullif(n, 0) + z*z/(4*nullif(n, 0)*n))) / (1 + z*z/nullif(n, 0)))::numeric, 6)::float8 AS proactive_ci_low,
       round(((p1 + z*z/(2*nullif(n, 0)) + z*sqrt(p1*(1-p1)/nullif(n, 0) + z*z/(4*nullif(n, 0)*n))) / (1 + z*z/nullif(n, 0)))::numeric, 6)::float8 AS proactive_ci_high,
       k_24 AS within_24h,
       round((p2)::numeric, 6)::float8 AS within_24h_share,
       round(((p2 + z*z/(2*nullif(n, 0)) - z*sqrt(p2*(1-p2)/nullif(n, 0) + z*z/(4*nullif(n, 0)*n))) / (1 + z*z/nullif(n, 0)))::numeric, 6)::float8 AS within_24h_ci_low,
       round(((p2 + z*z/(2*nullif(n, 0)) + z*sqrt(p2*(1-p2)/nullif(n, 0) + z*z/(4*nullif(n, 0)*n))) / (1 + z*z/nullif(n, 0)))::numeric, 6)::float8 AS within_24h_ci_high,
       round((p50_h)::numeric, 3)::float8 AS hours_p50,
       round((p90_h)::numeric, 3)::float8 AS hours_p90,
       round((p99_h)::numeric, 3)::float8 AS hours_p99
FROM r
ORDER BY policy COLLATE "C"
