package engine

import (
	"cmp"
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strings"
)

// The aggregation of a term list check (terms/check.go): which videos a
// list of terms hits through their hashtags and through their caption
// text, inside a saved tag set and outside it. The distinct hashtag
// spellings are matched first (a few hundred thousand at most), then
// joined back to video_tags; captions are scanned once. Only counts, the
// collateral words and the hits among a few given videos cross the
// boundary.

// TermChecker is a Session's term list check (TermChecks gives it).
type TermChecker interface {
	CheckTerms(ctx context.Context, m TermMatch) (*TermHits, error)
}

// TermChecks is s's term list check.
func TermChecks(s Session) TermChecker { return s.(TermChecker) }

// TermMatch is a term list to match over the workspace.
type TermMatch struct {
	// Terms are lower-case: each line as written and normalised. A
	// hashtag matches on its normalised tag or as written (without '#');
	// a caption holds a term as a whole word, with or without '#'.
	Terms []string
	// Substring matches a term anywhere inside a hashtag or caption.
	Substring bool
	TagSet    string // the saved tag set hits are counted in
	Examples  int    // collateral words listed
	// Among are videos (a labelled sample's) whose hits to report.
	Among []string
}

// TermHits is what a term list hits.
type TermHits struct {
	TagSetVideos int64
	// In counts the tag set's videos hit; Out the others.
	In, Out TermHitCounts
	// Words are the words behind Out, most videos first, then by word.
	Words []TermWord
	// Among are the videos of TermMatch.Among the list hits.
	Among []string
}

// TermHitCounts count the videos hit, through hashtags, through captions,
// and only through captions.
type TermHitCounts struct {
	Videos, ByHashtag, ByCaption, CaptionOnly int64
}

// TermWord is a word (a hashtag, or a caption word) the list hits outside
// the tag set, on how many videos, and the first of them by id.
type TermWord struct {
	Word, Where string // Where: hashtag or caption
	Videos      int64
	Example     string
}

// alternation is the terms quoted as one regular expression alternation,
// longest first, so that a matcher taking the first alternative that fits
// takes the longest (RE2 and PostgreSQL's ARE quote the same characters).
func alternation(terms []string) string {
	q := slices.Clone(terms)
	slices.SortFunc(q, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	for i, t := range q {
		q[i] = regexp.QuoteMeta(t)
	}
	return strings.Join(q, "|")
}

// termHitsSQL is the statement's last part, the same in both dialects
// but for byte order (order, COLLATE "C" on PostgreSQL): from the CTEs
// s (the tag set's videos) and hits (video_id, by_tag, by_caption, word,
// in_set), the counts (kind 0), the collateral words (kind 1, the first
// examples) and the hits among the given videos (kind 2). Its
// placeholders are the examples and the videos.
func termHitsSQL(order, examples, among string) string {
	return `
SELECT 0 AS kind, NULL AS word, NULL AS place, NULL AS example,
	(SELECT count(*) FROM s) AS n0,
	count(*) FILTER (WHERE in_set), count(*) FILTER (WHERE in_set AND by_tag),
	count(*) FILTER (WHERE in_set AND by_caption), count(*) FILTER (WHERE in_set AND NOT by_tag),
	count(*) FILTER (WHERE NOT in_set), count(*) FILTER (WHERE NOT in_set AND by_tag),
	count(*) FILTER (WHERE NOT in_set AND by_caption), count(*) FILTER (WHERE NOT in_set AND NOT by_tag)
FROM hits
UNION ALL
SELECT * FROM (
	SELECT 1, word, CASE WHEN bool_or(by_tag) THEN 'hashtag' ELSE 'caption' END, min(video_id` + order + `),
		count(*), 0, 0, 0, 0, 0, 0, 0, 0
	FROM hits WHERE NOT in_set AND word IS NOT NULL
	GROUP BY word ORDER BY count(*) DESC, word` + order + ` LIMIT ` + examples + `
) w
UNION ALL
SELECT 2, video_id, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM hits WHERE ` + among
}

// termHits reads termHitsSQL's rows.
func (b *base) termHits(ctx context.Context, q string, args ...any) (*TermHits, error) {
	h := &TermHits{Words: []TermWord{}, Among: []string{}}
	err := b.query(ctx, func(rows *sql.Rows) error {
		var kind int
		var word, place, example sql.NullString
		var n [9]int64
		if err := rows.Scan(&kind, &word, &place, &example, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6], &n[7], &n[8]); err != nil {
			return err
		}
		switch kind {
		case 0:
			h.TagSetVideos = n[0]
			h.In = TermHitCounts{n[1], n[2], n[3], n[4]}
			h.Out = TermHitCounts{n[5], n[6], n[7], n[8]}
		case 1:
			h.Words = append(h.Words, TermWord{Word: word.String, Where: place.String, Videos: n[0], Example: example.String})
		case 2:
			h.Among = append(h.Among, word.String)
		}
		return nil
	}, q, args...)
	slices.Sort(h.Among)
	return h, err
}
