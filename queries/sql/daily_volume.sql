-- name: daily_volume
-- description: Videos uploaded per day (UTC) that carry any tag of a tag set,
--   beside all videos uploaded that day and the set's share of them. Days
--   without uploads show as zero.
-- param: tag_set string default "" "name of a saved tag set: its seed tag, accepted variants and, if it says so, caption mentions"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: since date default null "first day (UTC); default the first upload"
-- param: until date default null "last day (UTC), inclusive; default the last upload"
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
bounds AS (
    SELECT coalesce($since::DATE, min(created_at)::DATE) AS first_day,
           coalesce($until::DATE, max(created_at)::DATE) AS last_day
    FROM videos
),
days AS (
    SELECT unnest(range(first_day::TIMESTAMP, last_day::TIMESTAMP + INTERVAL 1 DAY, INTERVAL 1 DAY))::DATE AS day
    FROM bounds
),
counts AS (
    SELECT v.created_at::DATE AS day,
           count(*) AS all_videos,
           count(s.video_id) AS set_videos
    FROM videos v
    LEFT JOIN set_videos s USING (video_id)
    CROSS JOIN bounds b
    WHERE v.created_at >= b.first_day AND v.created_at < b.last_day + 1
    GROUP BY 1
)
SELECT d.day,
       coalesce(c.set_videos, 0) AS set_videos,
       coalesce(c.all_videos, 0) AS all_videos,
       round(c.set_videos / c.all_videos, 6) AS set_share
FROM days d
LEFT JOIN counts c USING (day)
ORDER BY d.day
