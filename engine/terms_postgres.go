package engine

import (
	"context"
	"regexp"
	"strings"
)

// CheckTerms in PostgreSQL's SQL. Its regular expressions are ARE, not
// RE2: a word character is [[:alnum:]_], which PostgreSQL classifies by
// the database's locale (a UTF-8 locale: letters and digits of every
// script, as \pL\pN). A caption is lower-cased and first tested with
// LIKE for any term inside it, a condition every hit meets; the regular
// expression runs only on those (the CASE keeps PostgreSQL from running it
// first by its cost estimates: 19 s against 0.8 s over 100,000 captions).
// On Citus the distinct hashtag spellings are counted per shard and
// merged on the coordinator; the hashtag and caption scans run on the
// workers (the joins are on video_id, the distribution column); only the
// hits, a MATERIALIZED CTE, meet on the coordinator, where the counts are
// taken.
func (p *postgres) CheckTerms(ctx context.Context, m TermMatch) (*TermHits, error) {
	alt := alternation(m.Terms)
	like := make([]string, len(m.Terms))
	for i, t := range m.Terms {
		like[i] = "%" + likeEscaper.Replace(t) + "%"
	}
	tagMatch := `d.tag = ANY($1::TEXT[]) OR lower(ltrim(d.raw, '#＃')) = ANY($1::TEXT[])`
	captions := `CASE WHEN lower(v.caption) LIKE ANY($2::TEXT[]) THEN lower(v.caption) ~ $7 ELSE false END`
	// The word a caption is hit by: its first word equal to (or, for
	// substrings, holding) a term, as DuckDB's first word of the caption
	// that matches; only terms that are words can be. A pattern, not a
	// subquery over the caption's words: with one, PostgreSQL's estimate
	// of the statement passed its JIT threshold and compiling it took
	// seconds.
	var words []string
	for _, t := range m.Terms {
		if wordRE.MatchString(t) {
			words = append(words, t)
		}
	}
	word := `(?:^|[^[:alnum:]_])(` + alternation(words) + `)(?:$|[^[:alnum:]_])`
	if m.Substring {
		tagMatch = `EXISTS (SELECT 1 FROM unnest($1::TEXT[]) AS x(t) WHERE strpos(d.tag, x.t) > 0 OR strpos(lower(d.raw), x.t) > 0)`
		captions = `lower(v.caption) LIKE ANY($2::TEXT[])`
		word = `[[:alnum:]_]*(?:` + alternation(words) + `)[[:alnum:]_]*`
	}
	if len(words) == 0 {
		word = `$^` // no term is a word: matches nothing
	}
	among := m.Among
	if among == nil {
		among = []string{}
	}
	args := []any{m.Terms, like, word, m.TagSet, m.Examples, among}
	if !m.Substring {
		args = append(args, `(^|[^[:alnum:]_])#?(`+alt+`)($|[^[:alnum:]_])`)
	}
	return p.termHits(ctx, `
WITH d AS MATERIALIZED (SELECT DISTINCT tag, tag_raw AS raw FROM video_tags),
matched AS MATERIALIZED (SELECT DISTINCT raw FROM d WHERE `+tagMatch+`),
by_tag AS MATERIALIZED (
	SELECT t.video_id, min(t.tag COLLATE "C") AS word FROM video_tags t
	WHERE t.tag_raw IN (SELECT raw FROM matched) GROUP BY t.video_id
),
by_caption AS MATERIALIZED (
	SELECT v.video_id, v.caption FROM videos v WHERE `+captions+`
),
s AS MATERIALIZED (SELECT DISTINCT video_id FROM tag_set_videos($4::TEXT)),
hits AS MATERIALIZED (
	SELECT coalesce(t.video_id, c.video_id) AS video_id, t.video_id IS NOT NULL AS by_tag, c.video_id IS NOT NULL AS by_caption,
		coalesce(t.word, substring(lower(c.caption) from $3)) AS word,
		s.video_id IS NOT NULL AS in_set
	FROM by_tag t FULL JOIN by_caption c ON t.video_id = c.video_id
	LEFT JOIN s ON s.video_id = coalesce(t.video_id, c.video_id)
)`+termHitsSQL(` COLLATE "C"`, "$5", "video_id = ANY($6::TEXT[])"),
		args...)
}

// wordRE is a word: word characters only.
var wordRE = regexp.MustCompile(`^[\pL\pN_]+$`)

// likeEscaper quotes LIKE's wildcards and its escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
