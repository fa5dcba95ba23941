-- name: daily_violation_rate
-- description: Per upload day (UTC), a tag set's videos, how many are
--   violating (for one policy or any) and the rate with a 95% Wilson
--   interval: the series to look at for a spike.
-- param: tag_set string default "" "name of a saved tag set: its seed tag, accepted variants and, if it says so, caption mentions"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: policy string default "" "violating for this policy; empty for any policy"
-- param: since date default null "first day (UTC); default the set's first upload"
-- param: until date default null "last day (UTC), inclusive; default the set's last upload"
-- require-one-of: tag_set, tags

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::VARCHAR[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::VARCHAR[])),
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
    SELECT unnest(range(min(day)::TIMESTAMP, max(day)::TIMESTAMP + INTERVAL 1 DAY, INTERVAL 1 DAY))::DATE AS day
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
    SELECT *, k / nullif(n, 0) AS p, 1.959963984540054 AS z FROM per
)
SELECT day,
       n AS videos,
       k AS violating,
       round(p, 6) AS rate,
       round((p + z*z/(2*n) - z*sqrt(p*(1-p)/n + z*z/(4*n*n))) / (1 + z*z/n), 6) AS ci_low,
       round((p + z*z/(2*n) + z*sqrt(p*(1-p)/n + z*z/(4*n*n))) / (1 + z*z/n), 6) AS ci_high
FROM r
ORDER BY day
