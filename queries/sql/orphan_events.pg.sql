-- PostgreSQL variant of orphan_events.sql, whose header and parameters apply:
-- explicit GROUP BY, and event ids compared byte by byte as DuckDB does.

SELECT e.import_id,
       i.file,
       e.event_type,
       e.policy,
       count(*) AS events,
       count(DISTINCT e.video_id) AS videos,
       min(e.event_time) AS first_event,
       max(e.event_time) AS last_event,
       min(e.event_id COLLATE "C") AS example_event_id
FROM orphan_events e
LEFT JOIN imports i USING (import_id)
GROUP BY e.import_id, i.file, e.event_type, e.policy
ORDER BY events DESC, e.import_id, e.event_type COLLATE "C", e.policy COLLATE "C"
