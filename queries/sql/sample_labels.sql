-- name: sample_labels
-- description: Review progress of samples: per sample and reviewer, the
--   current label counts (a reviewer's latest label per video) beside the
--   sample's size.
-- param: sample string default "" "only this sample (by name); empty for all"

SELECT s.name AS sample,
       s.size AS sample_size,
       l.reviewer,
       l.label,
       count(*) AS videos
FROM current_labels l
JOIN samples s USING (sample_id)
WHERE $sample = '' OR s.name = $sample
GROUP BY ALL
ORDER BY s.name, l.reviewer, videos DESC, l.label
