package terms

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/engine"
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
// outside the tag set it would hit too, with the words responsible. The
// matching is an aggregation behind the engine boundary
// (engine.TermChecker), the same on DuckDB and on a server.
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
	samples, err := labelledSamples(ctx, ws, opts.TagSet)
	if err != nil {
		return nil, err
	}
	var among []string
	for _, s := range samples {
		for id := range s.labels {
			among = append(among, id)
		}
	}
	slices.Sort(among)
	among = slices.Compact(among)
	eng, err := engine.Connect(ctx, ws)
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	h, err := engine.TermChecks(eng).CheckTerms(ctx, engine.TermMatch{Terms: lower, Substring: opts.Match == MatchSubstring,
		TagSet: opts.TagSet, Examples: opts.Examples, Among: among})
	if err != nil {
		return nil, fmt.Errorf("matching the list over tag set %q: %w", opts.TagSet, err)
	}
	res := &CheckResult{List: l.Name, TagSet: opts.TagSet, Match: opts.Match, Terms: len(terms), TagSetVideos: h.TagSetVideos,
		Caught: Hits(h.In), Collateral: Hits(h.Out), CollateralWords: []WordHits{}}
	if res.TagSetVideos > 0 {
		res.CaughtShare = float64(res.Caught.Videos) / float64(res.TagSetVideos)
	}
	for _, w := range h.Words {
		res.CollateralWords = append(res.CollateralWords, WordHits{Word: w.Word, Where: w.Where, Videos: w.Videos, Example: w.Example})
	}
	res.Precision = precision(samples, h.Among, opts.Confidence)
	return res, nil
}

// labelled is a review sample of the tag set: each labelled member's most
// recent label (from any reviewer) and weight, and the labels that count
// as violating by the sample's label set.
type labelled struct {
	name      string
	labels    map[string]string
	weights   map[string]float64
	violating []string
}

// labelledSamples reads the samples drawn from the tag set, newest first,
// with their labelled members (small tables, read in the SQL both engines
// share).
func labelledSamples(ctx context.Context, ws *datasets.Workspace, tagSet string) ([]labelled, error) {
	samples, err := review.ListSamples(ctx, ws)
	if err != nil {
		return nil, err
	}
	var out []labelled
	for i := len(samples) - 1; i >= 0; i-- {
		s := samples[i]
		if s.Definition.Frame.TagSet != tagSet {
			continue
		}
		ls := labelled{name: s.Name, labels: map[string]string{}, weights: map[string]float64{}}
		set := s.Definition.Labels
		if len(set) == 0 {
			set = review.DefaultLabelSet()
		}
		for _, d := range set {
			if d.Violating {
				ls.violating = append(ls.violating, d.Name)
			}
		}
		rows, err := ws.Params(ws.DB).QueryContext(ctx, `
SELECT l.video_id, l.label, l.labelled_at, m.weight FROM labels l
JOIN sample_members m ON m.sample_id = l.sample_id AND m.video_id = l.video_id
WHERE l.sample_id = ?`, s.ID)
		if err != nil {
			return nil, fmt.Errorf("reading the labels of sample %q: %w", s.Name, err)
		}
		at := map[string]time.Time{}
		for rows.Next() {
			var id, label string
			var when time.Time
			var weight float64
			if err := rows.Scan(&id, &label, &when, &weight); err != nil {
				rows.Close()
				return nil, err
			}
			// The most recent label; of two at the same time, the later name.
			if prev, ok := at[id]; !ok || when.After(prev) || when.Equal(prev) && label > ls.labels[id] {
				at[id], ls.labels[id], ls.weights[id] = when, label, weight
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("reading the labels of sample %q: %w", s.Name, err)
		}
		out = append(out, ls)
	}
	return out, nil
}

// precision estimates, from the newest labelled sample of the tag set
// whose members the list catches (hit), the share of caught members
// labelled violating, with a Wilson interval. Members count once each,
// by their most recent label from any reviewer.
func precision(samples []labelled, hit []string, confidence float64) *Precision {
	for _, s := range samples {
		var caught, viol int64
		minW, maxW := math.Inf(1), math.Inf(-1)
		for _, id := range hit {
			label, ok := s.labels[id]
			if !ok {
				continue
			}
			caught++
			if slices.Contains(s.violating, label) {
				viol++
			}
			minW, maxW = min(minW, s.weights[id]), max(maxW, s.weights[id])
		}
		if caught == 0 {
			continue
		}
		ci := stats.Wilson(viol, caught, confidence)
		p := &Precision{Sample: s.name, Caught: caught, Violating: viol, P: float64(viol) / float64(caught), Lo: ci.Lo, Hi: ci.Hi,
			Method: "Wilson score interval",
			Note:   "share of the labelled sample members the list catches that are labelled violating; the sample covers the tag set only, so collateral outside it is not in this estimate"}
		if maxW > minW*(1+1e-9) {
			p.Note += "; the sample is stratified with unequal weights and this share is unweighted"
		}
		return p
	}
	return nil
}
