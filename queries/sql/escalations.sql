-- name: escalations
-- description: Escalation events (action escalated_lert) in a period, newest
--   first, with the video's upload time, region, author age band and hashtags.
-- param: since date default null "first day (UTC) of escalation; default all"
-- param: until date default null "last day (UTC), inclusive; default all"
-- param: policy string default "" "only this policy; empty for every policy"
-- param: limit int default 1000 "at most this many rows"

SELECT e.event_time,
       e.video_id,
       e.policy,
       e.policy_title,
       e.source,
       v.created_at,
       round(epoch(e.event_time - v.created_at) / 3600, 3) AS hours_after_upload,
       v.region,
       v.author_age_band,
       coalesce((SELECT list(t.tag ORDER BY t.position) FROM video_tags t WHERE t.video_id = e.video_id), []) AS tags,
       e.event_id
FROM moderation_events e
LEFT JOIN videos v USING (video_id)
WHERE e.event_type = 'escalation' AND e.action = 'escalated_lert'
  AND ($since::DATE IS NULL OR e.event_time >= $since::DATE)
  AND ($until::DATE IS NULL OR e.event_time < $until::DATE + 1)
  AND ($policy = '' OR e.policy = $policy)
ORDER BY e.event_time DESC, e.event_id
LIMIT $limit
