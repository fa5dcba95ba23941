-- name: removal_latency
-- description: Distribution of time to action (upload to first removal) per
--   policy, in buckets, with each bucket's share and the cumulative share.
--   Removals timed before the upload are kept in their own bucket.
-- param: tag_set string default "" "name of a saved tag set (seed, accepted variants, caption mentions if it says so); with tags empty too, all videos"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: policy string default "" "only this policy; empty for every policy"

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
    GROUP BY ALL
)
SELECT policy,
       ['before upload', 'under 1 h', '1-6 h', '6-24 h', '1-3 days', '3-7 days', 'over 7 days'][bucket_order + 1] AS bucket,
       removals,
       round(removals / sum(removals) OVER (PARTITION BY policy), 6) AS share,
       round(sum(removals) OVER (PARTITION BY policy ORDER BY bucket_order)
             / sum(removals) OVER (PARTITION BY policy), 6) AS cumulative_share
FROM counts
ORDER BY policy, bucket_order
