-- name: breakdown_by_region
-- description: Videos of a tag set and of the rest by region (ISO 3166-1 alpha-2), with the
--   violating count and violation rate (95% Wilson interval) of each; a video
--   without a value is counted under "(none)".
-- param: tag_set string default "" "name of a saved tag set: its seed tag, accepted variants and, if it says so, caption mentions"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: policy string default "" "violating for this policy; empty for any policy"
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
    SELECT coalesce(v.region, '(none)') AS region,
           s.video_id IS NOT NULL AS in_set,
           EXISTS (SELECT 1 FROM video_outcomes o
                   WHERE o.video_id = v.video_id AND o.violating
                     AND ($policy = '' OR o.policy = $policy)) AS violating
    FROM videos v
    LEFT JOIN set_videos s USING (video_id)
),
per AS (
    SELECT region,
           count(*) FILTER (WHERE in_set) AS n1,
           count(*) FILTER (WHERE in_set AND violating) AS k1,
           count(*) FILTER (WHERE NOT in_set) AS n2,
           count(*) FILTER (WHERE NOT in_set AND violating) AS k2
    FROM frame
    GROUP BY region
),
r AS (
    SELECT *, k1 / nullif(n1, 0) AS p1, k2 / nullif(n2, 0) AS p2, 1.959963984540054 AS z FROM per
)
SELECT region,
       n1 AS set_videos,
       round(n1 / nullif(sum(n1) OVER (), 0), 6) AS share_of_set,
       k1 AS set_violating,
       round(p1, 6) AS set_rate,
       round((p1 + z*z/(2*n1) - z*sqrt(p1*(1-p1)/n1 + z*z/(4*n1*n1))) / (1 + z*z/n1), 6) AS set_ci_low,
       round((p1 + z*z/(2*n1) + z*sqrt(p1*(1-p1)/n1 + z*z/(4*n1*n1))) / (1 + z*z/n1), 6) AS set_ci_high,
       n2 AS rest_videos,
       k2 AS rest_violating,
       round(p2, 6) AS rest_rate,
       round((p2 + z*z/(2*n2) - z*sqrt(p2*(1-p2)/n2 + z*z/(4*n2*n2))) / (1 + z*z/n2), 6) AS rest_ci_low,
       round((p2 + z*z/(2*n2) + z*sqrt(p2*(1-p2)/n2 + z*z/(4*n2*n2))) / (1 + z*z/n2), 6) AS rest_ci_high
FROM r
ORDER BY n1 DESC, n2 DESC, region
