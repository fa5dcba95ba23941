-- name: video_timeline
-- description: Everything that happened to one video, in time order: its
--   upload and each moderation event, with hours since upload. Works for an
--   orphan event's video too (no upload row then).
-- param: video_id string required "the video's id"

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
           round(epoch(e.event_time - v.created_at) / 3600, 3),
           e.event_id
    FROM moderation_events e
    LEFT JOIN videos v USING (video_id)
    WHERE e.video_id = $video_id
) timeline
ORDER BY happened_at, what <> 'upload', event_id
