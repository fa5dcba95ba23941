-- PostgreSQL variant of escalations.sql, whose header and parameters apply;
-- see the differences noted below.

SELECT e.event_time,
       e.video_id,
       e.policy,
       e.policy_title,
       e.source,
       v.created_at,
       round((extract(epoch FROM e.event_time - v.created_at) / 3600)::numeric, 3)::float8 AS hours_after_upload,
       v.region,
       v.author_age_band,
       coalesce((SELECT to_json(array_agg(t.tag ORDER BY t.position))::TEXT FROM video_tags t WHERE t.video_id = e.video_id), '[]') AS tags,
       e.event_id
FROM moderation_events e
LEFT JOIN videos v USING (video_id)
WHERE e.event_type = 'escalation' AND e.action = 'escalated_lert'
  AND ($since::DATE IS NULL OR e.event_time >= $since::DATE)
  AND ($until::DATE IS NULL OR e.event_time < $until::DATE + 1)
  AND ($policy = '' OR e.policy = $policy)
ORDER BY e.event_time DESC, e.event_id COLLATE "C"
LIMIT $limit
