package terms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/review"
)

// How a list's terms are matched against hashtags and captions.
const (
	// MatchWord: a hashtag equal to a term (normalised, or as written), or
	// a caption holding a term as a whole word (Pattern).
	MatchWord = "word"
	// MatchSubstring: a term anywhere inside a hashtag or a caption, as a
	// naive keyword filter does ("omeg" hits "omega" and "omelette").
	MatchSubstring = "substring"
)

// CheckOptions tune Check. The zero value matches whole words, against
// the list's own tag set, with 5 examples and 95% intervals.
type CheckOptions struct {
	Match      string  // MatchWord (default) or MatchSubstring
	TagSet     string  // the tag set the list is for; default the list's
	Examples   int     // collateral words listed; default 5
	Confidence float64 // of the precision interval; default 0.95
}

// Hits counts videos a list hits, by where.
type Hits struct {
	Videos    int64 `json:"videos"`
	ByHashtag int64 `json:"by_hashtag"`
	ByCaption int64 `json:"by_caption"`
	// CaptionOnly were hit only through their caption.
	CaptionOnly int64 `json:"caption_only"`
}

// WordHits is a word (a hashtag or a caption word) that the list hits
// outside the tag set, with how many videos carry it and one of them.
type WordHits struct {
	Word    string `json:"word"`
	Where   string `json:"where"` // hashtag or caption
	Videos  int64  `json:"videos"`
	Example string `json:"example_video_id"`
}

// Precision estimates the share of what the list catches that should be
// caught, from a labelled review sample of the tag set.
type Precision struct {
	Sample    string  `json:"sample"`
	Caught    int64   `json:"caught_labelled"` // labelled sample members the list hits
	Violating int64   `json:"violating"`       // of those, labelled violating
	P         float64 `json:"p"`
	Lo        float64 `json:"lo"`
	Hi        float64 `json:"hi"`
	Method    string  `json:"method"`
	Note      string  `json:"note"`
}

// CheckResult is what a list would do over the workspace.
type CheckResult struct {
	List         string  `json:"list"`
	TagSet       string  `json:"tag_set"`
	Match        string  `json:"match"`
	Terms        int     `json:"terms"`
	TagSetVideos int64   `json:"tag_set_videos"`
	Caught       Hits    `json:"caught"`       // tag-set videos hit
	CaughtShare  float64 `json:"caught_share"` // of the tag set's videos
	Collateral   Hits    `json:"collateral"`   // videos hit outside the tag set
	// CollateralWords are the words behind the collateral, most videos first.
	CollateralWords []WordHits `json:"collateral_words"`
	// Precision is nil when the tag set has no labelled sample.
	Precision *Precision `json:"precision"`
}

// Check measures what a list would catch over the workspace: the tag
// set's videos hit through hashtags and through captions, and the videos
// outside the tag set it would hit too, with the words responsible.
// Matching runs in DuckDB over the distinct hashtags first (a few hundred
// thousand at most), then joins back to videos; captions are scanned once.
func Check(ctx context.Context, ws *datasets.Workspace, l *List, opts CheckOptions) (*CheckResult, error) {
	if opts.Match == "" {
		opts.Match = MatchWord
	}
	if opts.Match != MatchWord && opts.Match != MatchSubstring {
		return nil, fmt.Errorf("match %q: use %q or %q", opts.Match, MatchWord, MatchSubstring)
	}
	if opts.TagSet == "" {
		opts.TagSet = l.TagSet
	}
	if opts.Examples <= 0 {
		opts.Examples = 5
	}
	if opts.Confidence == 0 {
		opts.Confidence = 0.95
	}
	terms := l.Terms()
	if len(terms) == 0 {
		return nil, errors.New("the list has no terms to check")
	}
	// Each line as written and normalised, lower-cased: hashtags are
	// compared in both forms, captions as written.
	var lower []string
	for _, t := range terms {
		lower = append(lower, strings.ToLower(t))
		if n := datasets.NormalizeTag(t); n != "" {
			lower = append(lower, n)
		}
	}
	slices.Sort(lower)
	lower = slices.Compact(lower)
	res := &CheckResult{List: l.Name, TagSet: opts.TagSet, Match: opts.Match, Terms: len(terms), CollateralWords: []WordHits{}}
	conn, err := ws.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	defer conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS temp.tc_hits`)

	// A hashtag matches on its normalised form or as written; a caption
	// by the pattern: whole words, or anywhere for substrings.
	tagMatch := `list_contains($1, d.tag) OR list_contains($1, lower(ltrim(d.raw, '#＃')))`
	capPattern := Pattern(lower)
	if opts.Match == MatchSubstring {
		tagMatch = `list_bool_or(list_transform($1, x -> contains(d.tag, x) OR contains(lower(d.raw), x)))`
		q := make([]string, len(lower))
		for i, t := range lower {
			q[i] = regexp.QuoteMeta(t)
		}
		capPattern = `(?i)(` + strings.Join(q, "|") + `)`
	}
	if _, err := conn.ExecContext(ctx, `
CREATE OR REPLACE TEMP TABLE tc_hits AS
WITH d AS (SELECT DISTINCT tag, tag_raw::VARCHAR AS raw FROM video_tags),
matched AS (SELECT tag, raw FROM d WHERE `+tagMatch+`),
by_tag AS (
	SELECT t.video_id, any_value(t.tag) AS word FROM video_tags t
	WHERE t.tag_raw::VARCHAR IN (SELECT raw FROM matched) GROUP BY t.video_id
),
by_caption AS (
	SELECT v.video_id, v.caption FROM videos v WHERE regexp_matches(v.caption, $2)
)
SELECT coalesce(t.video_id, c.video_id) AS video_id, t.video_id IS NOT NULL AS by_tag, c.video_id IS NOT NULL AS by_caption,
	coalesce(t.word, list_filter(regexp_extract_all(lower(c.caption), '[\pL\pN_]+'), w -> regexp_matches(w, $3))[1]) AS word,
	s.video_id IS NOT NULL AS in_set
FROM by_tag t FULL JOIN by_caption c ON t.video_id = c.video_id
LEFT JOIN (SELECT DISTINCT video_id FROM tag_set_videos($4, [])) s ON s.video_id = coalesce(t.video_id, c.video_id)`,
		lower, capPattern, wordPattern(lower, opts.Match), opts.TagSet); err != nil {
		return nil, fmt.Errorf("matching the list: %w", err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(DISTINCT video_id) FROM tag_set_videos(?, [])`, opts.TagSet).Scan(&res.TagSetVideos); err != nil {
		return nil, fmt.Errorf("counting the videos of tag set %q: %w", opts.TagSet, err)
	}
	err = conn.QueryRowContext(ctx, `
SELECT count(*) FILTER (WHERE in_set), count(*) FILTER (WHERE in_set AND by_tag),
	count(*) FILTER (WHERE in_set AND by_caption), count(*) FILTER (WHERE in_set AND NOT by_tag),
	count(*) FILTER (WHERE NOT in_set), count(*) FILTER (WHERE NOT in_set AND by_tag),
	count(*) FILTER (WHERE NOT in_set AND by_caption), count(*) FILTER (WHERE NOT in_set AND NOT by_tag)
FROM tc_hits`).Scan(&res.Caught.Videos, &res.Caught.ByHashtag, &res.Caught.ByCaption, &res.Caught.CaptionOnly,
		&res.Collateral.Videos, &res.Collateral.ByHashtag, &res.Collateral.ByCaption, &res.Collateral.CaptionOnly)
	if err != nil {
		return nil, fmt.Errorf("counting hits: %w", err)
	}
	if res.TagSetVideos > 0 {
		res.CaughtShare = float64(res.Caught.Videos) / float64(res.TagSetVideos)
	}
	rows, err := conn.QueryContext(ctx, `
SELECT word, CASE WHEN bool_or(by_tag) THEN 'hashtag' ELSE 'caption' END, count(*), min(video_id)
FROM tc_hits WHERE NOT in_set AND word IS NOT NULL
GROUP BY word ORDER BY count(*) DESC, word LIMIT ?`, opts.Examples)
	if err != nil {
		return nil, fmt.Errorf("listing collateral: %w", err)
	}
	for rows.Next() {
		var w WordHits
		if err := rows.Scan(&w.Word, &w.Where, &w.Videos, &w.Example); err != nil {
			rows.Close()
			return nil, err
		}
		res.CollateralWords = append(res.CollateralWords, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if res.Precision, err = precision(ctx, ws, conn, opts); err != nil {
		return nil, err
	}
	return res, nil
}

// wordPattern finds, among a caption's words, one that the list hits.
func wordPattern(lower []string, match string) string {
	q := make([]string, len(lower))
	for i, t := range lower {
		q[i] = regexp.QuoteMeta(t)
	}
	if match == MatchSubstring {
		return `(` + strings.Join(q, "|") + `)`
	}
	return `^#?(` + strings.Join(q, "|") + `)$`
}

// precision estimates, from the newest sample drawn from the tag set with
// labels, the share of caught sample members labelled violating (by the
// sample's label set), with a Wilson interval. Members count once each,
// by their most recent label from any reviewer.
func precision(ctx context.Context, ws *datasets.Workspace, conn *sql.Conn, opts CheckOptions) (*Precision, error) {
	samples, err := review.ListSamples(ctx, ws)
	if err != nil {
		return nil, err
	}
	for i := len(samples) - 1; i >= 0; i-- {
		s := samples[i]
		if s.Definition.Frame.TagSet != opts.TagSet {
			continue
		}
		set := s.Definition.Labels
		if len(set) == 0 {
			set = review.DefaultLabelSet()
		}
		var violating []string
		for _, d := range set {
			if d.Violating {
				violating = append(violating, d.Name)
			}
		}
		var caught, viol int64
		var minW, maxW float64
		err := conn.QueryRowContext(ctx, `
WITH latest AS (
	SELECT video_id, arg_max(label, labelled_at) AS label FROM labels WHERE sample_id = ? GROUP BY video_id
)
SELECT count(*), count(*) FILTER (WHERE list_contains(?, l.label)), coalesce(min(m.weight), 0), coalesce(max(m.weight), 0)
FROM latest l JOIN sample_members m ON m.sample_id = ? AND m.video_id = l.video_id
JOIN tc_hits h ON h.video_id = l.video_id`, s.ID, violating, s.ID).Scan(&caught, &viol, &minW, &maxW)
		if err != nil {
			return nil, fmt.Errorf("reading the labels of sample %q: %w", s.Name, err)
		}
		if caught == 0 {
			continue
		}
		ci := stats.Wilson(viol, caught, opts.Confidence)
		p := &Precision{Sample: s.Name, Caught: caught, Violating: viol, P: float64(viol) / float64(caught), Lo: ci.Lo, Hi: ci.Hi,
			Method: "Wilson score interval",
			Note:   "share of the labelled sample members the list catches that are labelled violating; the sample covers the tag set only, so collateral outside it is not in this estimate"}
		if maxW > minW*(1+1e-9) {
			p.Note += "; the sample is stratified with unequal weights and this share is unweighted"
		}
		return p, nil
	}
	return nil, nil
}
