-- name: co_occurring_tags
-- description: Tags that appear on a tag set's videos, with how many of the
--   set's videos carry each, that share, the tag's share of all videos and the
--   lift (how many times more common the tag is within the set).
-- param: tag_set string default "" "name of a saved tag set: its seed tag, accepted variants and, if it says so, caption mentions"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: min_videos int default 5 "leave out tags on fewer of the set's videos"
-- param: limit int default 50 "at most this many tags"
-- require-one-of: tag_set, tags

-- set_tags and set_videos come from the workspace's table macros
-- tag_set_tags and tag_set_videos (datasets/schema.go), one definition of a
-- tag set for every query.
WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::VARCHAR[])),
set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::VARCHAR[])),
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
