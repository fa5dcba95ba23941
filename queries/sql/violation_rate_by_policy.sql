-- name: violation_rate_by_policy
-- description: Per policy, the violation rate of a tag set's videos against
--   the rest of the workspace, each rate with its numerator, denominator and
--   95% Wilson interval, and the ratio of the two rates.
-- param: tag_set string default "" "name of a saved tag set: its seed tag, accepted variants and, if it says so, caption mentions"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: since date default null "first upload day (UTC) of the videos counted; default all"
-- param: until date default null "last upload day (UTC), inclusive; default all"
-- require-one-of: tag_set, tags

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::VARCHAR[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::VARCHAR[])),
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
rates AS (
    SELECT p.policy,
           coalesce(v.set_violating, 0) AS k1, s.set_videos AS n1,
           coalesce(v.rest_violating, 0) AS k2, s.rest_videos AS n2,
           k1 / nullif(n1, 0) AS p1, k2 / nullif(n2, 0) AS p2,
           1.959963984540054 AS z
    FROM (SELECT DISTINCT policy FROM video_outcomes) p
    LEFT JOIN violating v USING (policy)
    CROSS JOIN sizes s
)
SELECT policy,
       k1 AS set_violating,
       n1 AS set_videos,
       round(p1, 6) AS set_rate,
       round((p1 + z*z/(2*n1) - z*sqrt(p1*(1-p1)/n1 + z*z/(4*n1*n1))) / (1 + z*z/n1), 6) AS set_ci_low,
       round((p1 + z*z/(2*n1) + z*sqrt(p1*(1-p1)/n1 + z*z/(4*n1*n1))) / (1 + z*z/n1), 6) AS set_ci_high,
       k2 AS rest_violating,
       n2 AS rest_videos,
       round(p2, 6) AS rest_rate,
       round((p2 + z*z/(2*n2) - z*sqrt(p2*(1-p2)/n2 + z*z/(4*n2*n2))) / (1 + z*z/n2), 6) AS rest_ci_low,
       round((p2 + z*z/(2*n2) + z*sqrt(p2*(1-p2)/n2 + z*z/(4*n2*n2))) / (1 + z*z/n2), 6) AS rest_ci_high,
       round(p1 / nullif(p2, 0), 4) AS rate_ratio
FROM rates
ORDER BY policy
