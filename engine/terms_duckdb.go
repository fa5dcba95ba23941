package engine

import "context"

// CheckTerms in DuckDB's SQL (moved from terms/check.go). Words are
// matched with RE2: \pL\pN_ is a word character, as investigate's caption
// mentions count them. Each CTE is MATERIALIZED: the hits are read three
// times, the captions scanned once.
func (d *duck) CheckTerms(ctx context.Context, m TermMatch) (*TermHits, error) {
	alt := alternation(m.Terms)
	tagMatch := `list_contains($1, d.tag) OR list_contains($1, lower(ltrim(d.raw, '#＃')))`
	captions := `(?i)(?:^|[^\pL\pN_])#?(` + alt + `)(?:$|[^\pL\pN_])`
	word := `^#?(` + alt + `)$`
	if m.Substring {
		tagMatch = `list_bool_or(list_transform($1, x -> contains(d.tag, x) OR contains(lower(d.raw), x)))`
		captions = `(?i)(` + alt + `)`
		word = `(` + alt + `)`
	}
	among := m.Among
	if among == nil {
		among = []string{}
	}
	return d.termHits(ctx, `
WITH d AS MATERIALIZED (SELECT DISTINCT tag, tag_raw::VARCHAR AS raw FROM video_tags),
matched AS MATERIALIZED (SELECT tag, raw FROM d WHERE `+tagMatch+`),
by_tag AS MATERIALIZED (
	SELECT t.video_id, min(t.tag) AS word FROM video_tags t
	WHERE t.tag_raw::VARCHAR IN (SELECT raw FROM matched) GROUP BY t.video_id
),
by_caption AS MATERIALIZED (
	SELECT v.video_id, v.caption FROM videos v WHERE regexp_matches(v.caption, $2)
),
s AS MATERIALIZED (SELECT DISTINCT video_id FROM tag_set_videos($4, [])),
hits AS MATERIALIZED (
	SELECT coalesce(t.video_id, c.video_id) AS video_id, t.video_id IS NOT NULL AS by_tag, c.video_id IS NOT NULL AS by_caption,
		coalesce(t.word, list_filter(regexp_extract_all(lower(c.caption), '[\pL\pN_]+'), w -> regexp_matches(w, $3))[1]) AS word,
		s.video_id IS NOT NULL AS in_set
	FROM by_tag t FULL JOIN by_caption c ON t.video_id = c.video_id
	LEFT JOIN s ON s.video_id = coalesce(t.video_id, c.video_id)
)`+termHitsSQL("", "$5", "list_contains($6::VARCHAR[], video_id)"),
		m.Terms, captions, word, m.TagSet, m.Examples, among)
}
