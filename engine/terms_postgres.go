package engine

import "context"

// CheckTerms in PostgreSQL's SQL. Its regular expressions are ARE, not
// RE2: a word character is [[:alnum:]_], which PostgreSQL classifies by
// the database's locale (a UTF-8 locale: letters and digits of every
// script, as \pL\pN), and ~* ignores case. On Citus the distinct hashtag
// spellings are counted per shard and merged on the coordinator; the
// hashtag and caption scans run on the workers (the joins are on
// video_id, the distribution column); only the hits, a MATERIALIZED CTE,
// meet on the coordinator, where the counts are taken.
func (p *postgres) CheckTerms(ctx context.Context, m TermMatch) (*TermHits, error) {
	alt := alternation(m.Terms)
	tagMatch := `d.tag = ANY($1::TEXT[]) OR lower(ltrim(d.raw, '#＃')) = ANY($1::TEXT[])`
	captions := `(^|[^[:alnum:]_])#?(` + alt + `)($|[^[:alnum:]_])`
	word := `^#?(` + alt + `)$`
	if m.Substring {
		tagMatch = `EXISTS (SELECT 1 FROM unnest($1::TEXT[]) AS x(t) WHERE strpos(d.tag, x.t) > 0 OR strpos(lower(d.raw), x.t) > 0)`
		captions = `(` + alt + `)`
		word = `(` + alt + `)`
	}
	among := m.Among
	if among == nil {
		among = []string{}
	}
	// The first word of a caption that the list hits, in the caption's
	// order, as DuckDB's list_filter(regexp_extract_all(...))[1].
	return p.termHits(ctx, `
WITH d AS MATERIALIZED (SELECT DISTINCT tag, tag_raw AS raw FROM video_tags),
matched AS MATERIALIZED (SELECT DISTINCT raw FROM d WHERE `+tagMatch+`),
by_tag AS MATERIALIZED (
	SELECT t.video_id, min(t.tag COLLATE "C") AS word FROM video_tags t
	WHERE t.tag_raw IN (SELECT raw FROM matched) GROUP BY t.video_id
),
by_caption AS MATERIALIZED (
	SELECT v.video_id, v.caption FROM videos v WHERE v.caption ~* $2
),
s AS MATERIALIZED (SELECT DISTINCT video_id FROM tag_set_videos($4::TEXT)),
hits AS MATERIALIZED (
	SELECT coalesce(t.video_id, c.video_id) AS video_id, t.video_id IS NOT NULL AS by_tag, c.video_id IS NOT NULL AS by_caption,
		coalesce(t.word, (SELECT x.w FROM regexp_split_to_table(lower(c.caption), '[^[:alnum:]_]+') WITH ORDINALITY AS x(w, i)
			WHERE x.w ~ $3 ORDER BY x.i LIMIT 1)) AS word,
		s.video_id IS NOT NULL AS in_set
	FROM by_tag t FULL JOIN by_caption c ON t.video_id = c.video_id
	LEFT JOIN s ON s.video_id = coalesce(t.video_id, c.video_id)
)`+termHitsSQL(` COLLATE "C"`, "$5", "video_id = ANY($6::TEXT[])"),
		m.Terms, captions, word, m.TagSet, m.Examples, among)
}
