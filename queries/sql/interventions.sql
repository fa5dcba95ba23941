-- name: interventions
-- description: Every intervention the workspace knows, from an export or
--   recorded by hand (trendlab intervention add), oldest first, with the
--   import it came from.

SELECT intervention_id,
       kind,
       target,
       started_at,
       ended_at,
       source,
       recorded_by,
       import_id,
       note
FROM interventions
ORDER BY started_at, intervention_id
