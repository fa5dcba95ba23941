-- name: imports
-- description: Provenance of every import into the workspace: file, size,
--   SHA-256, format, rows read, loaded and rejected, when and how long, and
--   the trendlab version, oldest first.

SELECT import_id,
       kind,
       file,
       size_bytes,
       sha256,
       format,
       compression,
       mapping IS NOT NULL AS mapped,
       rows_read,
       rows_loaded,
       rows_rejected,
       started_at,
       round(duration_ms / 1000, 3) AS seconds,
       trendlab_version
FROM imports
ORDER BY import_id
