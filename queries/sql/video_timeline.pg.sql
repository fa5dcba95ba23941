-- PostgreSQL variant of video_timeline.sql, whose header and parameters apply;
-- see the differences noted below.

SELECT *
FROM (
    SELECT v.created_at AS happened_at,
           'upload' AS what,
           NULL::VARCHAR AS source,
           NULL::VARCHAR AS policy,
           NULL::VARCHAR AS policy_title,
           NULL::VARCHAR AS decision,
           NULL::VARCHAR AS action,
           0.0 AS hours_after_upload,
           NULL::VARCHAR AS event_id
    FROM videos v
    WHERE v.video_id = $video_id
    UNION ALL
    SELECT e.event_time,
           e.event_type,
           e.source,
           e.policy,
           e.policy_title,
           e.decision,
           e.action,
           round((extract(epoch FROM e.event_time - v.created_at) / 3600)::numeric, 3)::float8,
           e.event_id
    FROM moderation_events e
    LEFT JOIN videos v USING (video_id)
    WHERE e.video_id = $video_id
) timeline
ORDER BY happened_at, what <> 'upload', event_id COLLATE "C"
