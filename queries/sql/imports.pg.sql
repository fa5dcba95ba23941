-- PostgreSQL variant of imports.sql, whose header applies: / of two integers
-- truncates in PostgreSQL.

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
       round(duration_ms / 1000.0, 3)::float8 AS seconds,
       trendlab_version
FROM imports
ORDER BY import_id
