-- name: last_import_rejects
-- description: Rows an import could not load, with file, line, column, reason
--   and the raw text. By default the newest import of each kind (videos and
--   events); give import_id for another.
-- param: import_id int default null "this import (see the imports query); default the newest of each kind"
-- param: limit int default 1000 "at most this many rows"

WITH chosen AS (
    SELECT import_id FROM imports
    WHERE CASE WHEN $import_id::INTEGER IS NULL
               THEN import_id IN (SELECT max(import_id) FROM imports GROUP BY kind)
               ELSE import_id = $import_id::INTEGER END
)
SELECT r.import_id,
       r.file,
       r.line,
       r.column_name,
       r.reason,
       r.raw
FROM rejects r
WHERE r.import_id IN (SELECT import_id FROM chosen)
ORDER BY r.import_id, r.file, r.line NULLS LAST, r.column_name NULLS LAST
LIMIT $limit
