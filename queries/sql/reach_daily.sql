-- name: reach_daily
-- description: Views per day of a tag set's videos, from the optional
--   views_daily export: recommended (for_you) and all surfaces, beside the
--   whole platform's, and the set's share of each. Empty when the workspace
--   has no views export.
-- param: tag_set string default "" "name of a saved tag set: its seed tag, accepted variants and, if it says so, caption mentions"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: since date default null "first day (UTC); default the first day with views"
-- param: until date default null "last day (UTC), inclusive; default the last day with views"
-- require-one-of: tag_set, tags

WITH set_videos AS (SELECT video_id FROM tag_set_videos($tag_set, $tags::VARCHAR[])),
daily AS (
    SELECT w.date AS day,
           sum(w.views) FILTER (WHERE w.surface = 'for_you' AND s.video_id IS NOT NULL) AS set_for_you,
           sum(w.views) FILTER (WHERE s.video_id IS NOT NULL) AS set_views,
           sum(w.views) FILTER (WHERE w.surface = 'for_you') AS all_for_you,
           sum(w.views) AS all_views
    FROM views_daily w
    LEFT JOIN set_videos s USING (video_id)
    WHERE ($since::DATE IS NULL OR w.date >= $since::DATE)
      AND ($until::DATE IS NULL OR w.date <= $until::DATE)
    GROUP BY 1
)
SELECT day,
       coalesce(set_for_you, 0) AS set_for_you,
       coalesce(set_views, 0) AS set_views,
       coalesce(all_for_you, 0) AS all_for_you,
       all_views,
       round(coalesce(set_for_you, 0) / nullif(all_for_you, 0), 6) AS set_share_for_you,
       round(coalesce(set_views, 0) / nullif(all_views, 0), 6) AS set_share_views
FROM daily
ORDER BY day
