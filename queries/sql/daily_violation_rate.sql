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
