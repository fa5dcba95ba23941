-- name: co_occurring_tags
-- description: Tags that appear on a tag set's videos, with how many of the
--   set's videos carry each, that share, the tag's share of all videos and the
--   lift (how many times more common the tag is within the set).
-- param: tag_set string default "" "name of a saved tag set: its seed tag, accepted variants and, if it says so, caption mentions"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: min_videos int default 5 "leave out tags on fewer of the set's videos"
-- param: limit int default 50 "at most this many tags"
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
totals AS (
    SELECT (SELECT count(*) FROM set_videos) AS n_set,
           (SELECT count(*) FROM videos) AS n_all
),
with_set AS (
    SELECT t.tag, count(DISTINCT t.video_id) AS set_videos
    FROM video_tags t
    WHERE t.video_id IN (SELECT video_id FROM set_videos)
      AND t.tag NOT IN (SELECT tag FROM set_tags)
    GROUP BY t.tag
    HAVING count(DISTINCT t.video_id) >= $min_videos
),
overall AS (
    SELECT tag, count(DISTINCT video_id) AS all_videos
    FROM video_tags
    WHERE tag IN (SELECT tag FROM with_set)
    GROUP BY tag
)
SELECT w.tag,
       w.set_videos,
       x.n_set AS set_size,
       round(w.set_videos / x.n_set, 6) AS share_of_set,
       o.all_videos,
       round(o.all_videos / x.n_all, 6) AS share_of_all,
       round((w.set_videos / x.n_set) / (o.all_videos / x.n_all), 3) AS lift
FROM with_set w
JOIN overall o USING (tag)
CROSS JOIN totals x
ORDER BY w.set_videos DESC, lift DESC, w.tag
LIMIT $limit
