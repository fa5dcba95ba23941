-- PostgreSQL variant of removal_latency.sql, whose header and parameters apply;
-- see the differences noted below.

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema_pg.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::TEXT[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::TEXT[])),
scope AS (
    SELECT o.policy, o.time_to_action_s AS s
    FROM video_outcomes o
    WHERE o.removed_at IS NOT NULL
      AND ($policy = '' OR o.policy = $policy)
      AND (NOT EXISTS (SELECT 1 FROM set_tags) OR o.video_id IN (SELECT video_id FROM set_videos))
),
bucketed AS (
    SELECT policy,
           CASE WHEN s < 0 THEN 0
                WHEN s < 3600 THEN 1
                WHEN s < 6 * 3600 THEN 2
                WHEN s <= 24 * 3600 THEN 3
                WHEN s <= 3 * 86400 THEN 4
                WHEN s <= 7 * 86400 THEN 5
                ELSE 6 END AS bucket_order
    FROM scope
),
counts AS (
    SELECT policy, bucket_order, count(*) AS removals
    FROM bucketed
    GROUP BY 1, 2
)
SELECT policy,
       (ARRAY['before upload', 'under 1 h', '1-6 h', '6-24 h', '1-3 days', '3-7 days', 'over 7 days'])[bucket_order + 1] AS bucket,
       removals,
       round((removals::float8 / sum(removals) OVER (PARTITION BY policy))::numeric, 6)::float8 AS share,
       round((sum(removals) OVER (PARTITION BY policy ORDER BY bucket_order)::float8
             / sum(removals) OVER (PARTITION BY policy))::numeric, 6)::float8 AS cumulative_share
FROM counts
ORDER BY policy COLLATE "C", bucket_order
