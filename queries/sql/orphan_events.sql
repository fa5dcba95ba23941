-- name: orphan_events
-- description: Moderation events whose video is not in the content export,
--   counted per import file, event type and policy, with their time span and
--   an example event id. They are kept in the workspace, never joined away.

SELECT e.import_id,
       i.file,
       e.event_type,
       e.policy,
       count(*) AS events,
       count(DISTINCT e.video_id) AS videos,
       min(e.event_time) AS first_event,
       max(e.event_time) AS last_event,
       min(e.event_id) AS example_event_id
FROM orphan_events e
LEFT JOIN imports i USING (import_id)
GROUP BY ALL
ORDER BY events DESC, e.import_id, e.event_type, e.policy
