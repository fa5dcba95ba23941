-- name: proactive_share_by_policy
-- description: Per policy, removals, the share removed proactively (before any
--   user report) and within 24 h of upload, each with a 95% Wilson interval,
--   and time-to-action quantiles in hours.
-- param: tag_set string default "" "name of a saved tag set (seed, accepted variants, caption mentions if it says so); with tags empty too, all videos"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: since date default null "first removal day (UTC); default all"
-- param: until date default null "last removal day (UTC), inclusive; default all"

WITH set_tags AS (
    SELECT unnest($tags::VARCHAR[]) AS tag
    UNION SELECT seed_tag FROM tag_sets WHERE name = $tag_set
    UNION SELECT tag FROM tag_set_variants WHERE tag_set = $tag_set AND status = 'accepted'
    -- A tag set that does not exist is an error, not an empty result.
    UNION SELECT error('no tag set named "' || $tag_set || '": list them with `trendlab tagset list`')::VARCHAR
    WHERE $tag_set <> '' AND NOT EXISTS (SELECT 1 FROM tag_sets WHERE name = $tag_set)
),
-- A saved tag set with include_caption_mentions also takes the videos whose
-- caption names one of its tags as a word, as trendlab investigate does
-- (its test: (?i)(^|[^\pL\pN_])#?(TAG)($|[^\pL\pN_])). A tag of word
-- characters is compared with the caption's words, the same test without a
-- regular expression built per row; any other tag is tested with that
-- expression, only on captions that contain it.
-- caption_tags has one row, the set's tags of word characters and the
-- others, only when the tag set includes caption mentions; otherwise it is
-- empty and the caption branch reads nothing.
caption_tags AS (
    SELECT coalesce(list(tag) FILTER (WHERE regexp_full_match(tag, '[\pL\pN_]+')), []) AS words,
           coalesce(list(tag) FILTER (WHERE NOT regexp_full_match(tag, '[\pL\pN_]+')), []) AS others
    FROM set_tags
    HAVING (SELECT coalesce(bool_or(include_caption_mentions), false) FROM tag_sets WHERE name = $tag_set)
),
set_videos AS (
    SELECT video_id FROM video_tags WHERE tag IN (SELECT tag FROM set_tags)
    UNION
    SELECT v.video_id
    FROM caption_tags c, videos v
    WHERE list_has_any(regexp_extract_all(lower(v.caption), '[\pL\pN_]+'), c.words)
       OR list_bool_or(list_transform(c.others, lambda t:
              CASE WHEN contains(lower(v.caption), t)
                   THEN regexp_matches(v.caption, '(?i)(^|[^\pL\pN_])#?(' || regexp_escape(t) || ')($|[^\pL\pN_])')
                   ELSE false END))
),
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
