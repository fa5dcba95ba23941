-- name: proactive_share_by_policy
-- description: Per policy, removals, the share removed proactively (before any
--   user report) and within 24 h of upload, each with a 95% Wilson interval,
--   and time-to-action quantiles in hours.
-- param: tag_set string default "" "name of a saved tag set (seed, accepted variants, caption mentions if it says so); with tags empty too, all videos"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: since date default null "first removal day (UTC); default all"
-- param: until date default null "last removal day (UTC), inclusive; default all"

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::VARCHAR[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::VARCHAR[])),
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
           quantile_cont(time_to_action_s, 0.5) / 3600 AS p50_h,
           quantile_cont(time_to_action_s, 0.9) / 3600 AS p90_h,
           quantile_cont(time_to_action_s, 0.99) / 3600 AS p99_h
    FROM removed
    GROUP BY policy
),
r AS (
    SELECT *, k_pro / n AS p1, k_24 / n AS p2, 1.959963984540054 AS z FROM per
)
SELECT policy,
       n AS removals,
       k_pro AS proactive,
       round(p1, 6) AS proactive_share,
       round((p1 + z*z/(2*n) - z*sqrt(p1*(1-p1)/n + z*z/(4*n*n))) / (1 + z*z/n), 6) AS proactive_ci_low,
       round((p1 + z*z/(2*n) + z*sqrt(p1*(1-p1)/n + z*z/(4*n*n))) / (1 + z*z/n), 6) AS proactive_ci_high,
       k_24 AS within_24h,
       round(p2, 6) AS within_24h_share,
       round((p2 + z*z/(2*n) - z*sqrt(p2*(1-p2)/n + z*z/(4*n*n))) / (1 + z*z/n), 6) AS within_24h_ci_low,
       round((p2 + z*z/(2*n) + z*sqrt(p2*(1-p2)/n + z*z/(4*n*n))) / (1 + z*z/n), 6) AS within_24h_ci_high,
       round(p50_h, 3) AS hours_p50,
       round(p90_h, 3) AS hours_p90,
       round(p99_h, 3) AS hours_p99
FROM r
ORDER BY policy
