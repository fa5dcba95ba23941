-- name: search_terms_daily
-- description: Searches per day for a tag set's terms (queries whose first
--   word, normalised like a hashtag, is one of the set's tags), from the
--   optional search_daily export, with how many came from an autocomplete
--   suggestion and that share. Empty when the workspace has no search export.
-- param: tag_set string default "" "name of a saved tag set"
-- param: tags list<tag> default "" "hashtags, comma-separated, added to the tag set's"
-- param: since date default null "first day (UTC); default the first day with searches"
-- param: until date default null "last day (UTC), inclusive"
-- require-one-of: tag_set, tags

WITH set_tags AS (SELECT tag FROM tag_set_tags($tag_set, $tags::VARCHAR[]))
SELECT date AS day,
       sum(searches) AS searches,
       sum(via_autocomplete) AS via_autocomplete,
       round(sum(via_autocomplete) / sum(searches), 6) AS autocomplete_share,
       count(DISTINCT query) AS spellings
FROM search_daily
WHERE split_part(query_norm, ' ', 1) IN (SELECT tag FROM set_tags)
  AND ($since::DATE IS NULL OR date >= $since::DATE)
  AND ($until::DATE IS NULL OR date <= $until::DATE)
GROUP BY 1
ORDER BY 1
