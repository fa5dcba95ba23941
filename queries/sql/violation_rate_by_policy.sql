-- name: violation_rate_by_policy
-- description: Per policy, the violation rate of a tag set's videos against
--   the rest of the workspace, each rate with its numerator, denominator and
--   95% Wilson interval, and the ratio of the two rates.
-- param: tag_set string default "" "name of a saved tag set: its seed tag, accepted variants and, if it says so, caption mentions"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: since date default null "first upload day (UTC) of the videos counted; default all"
-- param: until date default null "last upload day (UTC), inclusive; default all"
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
