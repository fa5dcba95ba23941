-- PostgreSQL variant of appeals_and_reinstatements.sql, whose header and parameters apply;
-- see the differences noted below.

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema_pg.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::TEXT[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::TEXT[])),
removed AS (
    SELECT o.video_id, o.policy, o.removed_at, o.appealed, o.reinstated
    FROM video_outcomes o
    WHERE o.removed_at IS NOT NULL
      AND ($since::DATE IS NULL OR o.removed_at >= $since::DATE)
      AND ($until::DATE IS NULL OR o.removed_at < $until::DATE + 1)
      AND (NOT EXISTS (SELECT 1 FROM set_tags) OR o.video_id IN (SELECT video_id FROM set_videos))
),
reinstated_at AS (
    SELECT e.video_id, e.policy, min(e.event_time) AS at
    FROM moderation_events e
    WHERE e.event_type = 'reinstatement'
    GROUP BY 1, 2
),
per AS (
    SELECT r.policy,
           count(*) AS n,
           count(*) FILTER (WHERE r.appealed) AS k_app,
           count(*) FILTER (WHERE r.reinstated) AS k_rei,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM i.at - r.removed_at)::float8) FILTER (WHERE i.at >= r.removed_at) / 3600 AS p50_h
    FROM removed r
    LEFT JOIN reinstated_at i USING (video_id, policy)
    GROUP BY r.policy
),
r AS (
    SELECT *, k_app::float8 / n AS p1, k_rei::float8 / n AS p2, 1.959963984540054 AS z FROM per
)
SELECT policy,
       n AS removed,
       k_app AS appealed,
       round((p1)::numeric, 6)::float8 AS appealed_share,
       round(((p1 + z*z/(2*nullif(n, 0)) - z*sqrt(p1*(1-p1)/nullif(n, 0) + z*z/(4*nullif(n, 0)*n))) / (1 + z*z/nullif(n, 0)))::numeric, 6)::float8 AS appealed_ci_low,
       round(((p1 + z*z/(2*nullif(n, 0)) + z*sqrt(p1*(1-p1)/nullif(n, 0) + z*z/(4*nullif(n, 0)*n))) / (1 + z*z/nullif(n, 0)))::numeric, 6)::float8 AS appealed_ci_high,
       k_rei AS reinstated,
       round((p2)::numeric, 6)::float8 AS reinstated_share,
       round(((p2 + z*z/(2*nullif(n, 0)) - z*sqrt(p2*(1-p2)/nullif(n, 0) + z*z/(4*nullif(n, 0)*n))) / (1 + z*z/nullif(n, 0)))::numeric, 6)::float8 AS reinstated_ci_low,
       round(((p2 + z*z/(2*nullif(n, 0)) + z*sqrt(p2*(1-p2)/nullif(n, 0) + z*z/(4*nullif(n, 0)*n))) / (1 + z*z/nullif(n, 0)))::numeric, 6)::float8 AS reinstated_ci_high,
       round((p50_h)::numeric, 3)::float8 AS hours_to_reinstatement_p50
FROM r
ORDER BY policy COLLATE "C"
