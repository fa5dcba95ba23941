package analysis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/engine"
)

// The query plan of Investigate, as aggregations of the workspace's engine
// (package engine: DuckDB or PostgreSQL, one session):
//
//  1. Period: min/max of videos.created_at, unless the request bounds it.
//  2. Variants: one GROUP BY over video_tags, narrowed in SQL (variants.go).
//  3. Members: one pass over videos, hash-joined with the (small) sets of
//     video ids carrying an accepted tag, into the temporary table
//     tl_members(video_id, day, grp, caption_only): grp 1 is the tag set,
//     grp 2 the baseline tag set (when the baseline is one).
//  4. Volume: videos per day in the period (one scan of videos.created_at)
//     and per day and group from tl_members.
//  5. Outcomes: one scan of video_outcomes left-joined with tl_members,
//     grouped by (group, policy, day), counting every funnel and removal
//     flag. Rates, funnel, removal shares and the daily trend are all sums
//     of these rows; the "rest" baseline is the total minus the tag set.
//  6. Time to action: a histogram of removed outcomes per (policy, in the
//     tag set or not), read into quantiles in Go (engine.Quantiles).
//  7. Related tags: co-occurrence counts over video_tags joined with the tag
//     set's ids, then the overall count of the tags that pass the support
//     thresholds.
//
// Only these aggregates come into Go, where package stats does the tests.

// Defaults of a Request.
const (
	defaultConfidence   = 0.95
	defaultAlpha        = 0.05
	defaultPower        = 0.8
	defaultPermutations = 999
	defaultRelatedLimit = 20
	defaultRelatedMin   = 5
	defaultRelatedShare = 0.01
)

// withDefaults fills the zero fields of a request and checks the others.
func (r Request) withDefaults() (Request, error) {
	// cmp.Or takes the first non-zero value: the caller's, else the default.
	r.MinScore = cmp.Or(r.MinScore, DefaultMinScore)
	r.Confidence = cmp.Or(r.Confidence, defaultConfidence)
	r.Alpha = cmp.Or(r.Alpha, defaultAlpha)
	r.Power = cmp.Or(r.Power, defaultPower)
	r.Permutations = cmp.Or(r.Permutations, defaultPermutations)
	r.Seed = cmp.Or(r.Seed, 1)
	r.RelatedLimit = cmp.Or(r.RelatedLimit, defaultRelatedLimit)
	r.RelatedMinVideos = cmp.Or(r.RelatedMinVideos, defaultRelatedMin)
	r.RelatedMinSupport = cmp.Or(r.RelatedMinSupport, defaultRelatedShare)
	r.Margin = cmp.Or(r.Margin, DefaultMargin)
	r.Baseline = cmp.Or(r.Baseline, "rest")
	switch {
	case r.MinScore < 0 || r.MinScore > 1:
		return r, fmt.Errorf("min score %v: use a number between 0 and 1", r.MinScore)
	case r.Confidence <= 0 || r.Confidence >= 1:
		return r, fmt.Errorf("confidence %v: use a level between 0 and 1, e.g. 0.95", r.Confidence)
	case r.Alpha <= 0 || r.Alpha >= 1:
		return r, fmt.Errorf("alpha %v: use a level between 0 and 1, e.g. 0.05", r.Alpha)
	case r.Power <= r.Alpha || r.Power >= 1:
		return r, fmt.Errorf("power %v: use a value between alpha (%v) and 1, e.g. 0.8", r.Power, r.Alpha)
	case r.Permutations < 0:
		return r, fmt.Errorf("permutations %d: use a positive number, e.g. 999", r.Permutations)
	case r.RelatedLimit < 0 || r.RelatedMinVideos < 0 || r.RelatedMinSupport < 0 || r.RelatedMinSupport > 1:
		return r, errors.New("related-tag limits must not be negative, and the support is a share between 0 and 1")
	case !(r.Margin.Lo > 0 && r.Margin.Lo < 1 && r.Margin.Hi > 1) || math.IsInf(r.Margin.Hi, 1):
		return r, fmt.Errorf("equivalence margin %v: give a risk-ratio range around 1, e.g. 0.8 to 1.25", r.Margin)
	case r.Tag == "" && r.TagSet == "":
		return r, ErrNoTag
	}
	if err := r.Period.Check(); err != nil {
		return r, err
	}
	if r.Baseline != "rest" && !strings.HasPrefix(r.Baseline, "tagset:") {
		return r, fmt.Errorf("baseline %q: use \"rest\" or \"tagset:NAME\"", r.Baseline)
	}
	if r.SaveAs != "" {
		if err := validTagSetName(r.SaveAs); err != nil {
			return r, err
		}
	}
	return r, nil
}

// day formats a time as its UTC day.
func day(t time.Time) string { return datasets.Day(t) }

// truncDay is the UTC midnight of t.
func truncDay(t time.Time) time.Time { return datasets.TruncDay(t) }

// Group numbers in tl_members and in the aggregates.
const (
	grpRest     = 0 // not in the tag set (nor in a baseline tag set)
	grpSet      = 1
	grpBaseline = 2 // in the baseline tag set, not in the tag set
)

// stepTimer, when set (by tests and benchmarks), is told how long each
// step of Investigate took.
var stepTimer func(step string, d time.Duration)

// rowsMoved, when set (by tests), is told how many rows an investigation
// read from the engine into Go.
var rowsMoved func(n int64)

// run holds the state of one investigation.
type run struct {
	req Request
	// eng runs the aggregations, on a connection of its own or the
	// request's (Request.Conn).
	eng engine.Session
	inv *Investigation

	lo, hi   time.Time   // period [lo, hi)
	days     []time.Time // each day of the period
	dayIndex map[time.Time]int
	fullSpan bool // the period covers every video

	accepted, baselineTags []string
	baselineCaptions       bool

	// volume[g][d]: videos of group g on day d; total[d] every video.
	volume [3][]int64
	total  []int64
	// counts[policy][g][d]
	counts map[string]*[3][]outcomeCounts
	// anyViolating[g]: group g's videos violating any policy (every policy)
	anyViolating [3]int64
}

// Investigate answers a Request over the workspace: the tag set and its
// variants, per-policy violation rates against the baseline with tests and
// effect sizes, the daily trend with changepoints, related tags, removal
// metrics and the moderation funnel. Aggregation runs in the workspace's
// engine (package engine), one session; the workspace may be read-only
// unless SaveAs is set.
func Investigate(ctx context.Context, ws *datasets.Workspace, req Request) (inv *Investigation, err error) {
	// The statistics panic on counts that break their preconditions; the
	// aggregates are built to satisfy them, so a panic is a bug, reported
	// as an error rather than a crash of the front end.
	defer func() {
		if p := recover(); p != nil {
			inv, err = nil, fmt.Errorf("investigate: internal error (please report it with the workspace's provenance): %v", p)
		}
	}()
	req, err = req.withDefaults()
	if err != nil {
		return nil, err
	}
	if req.SaveAs != "" && ws.ReadOnly {
		return nil, fmt.Errorf("saving tag set %q: %w", req.SaveAs, datasets.ErrReadOnly)
	}
	var eng engine.Session
	if req.Conn != nil {
		eng = engine.OnConn(ws, req.Conn)
	} else if eng, err = engine.Connect(ctx, ws); err != nil {
		return nil, fmt.Errorf("investigate: %w", err)
	}
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	r := &run{req: req, eng: eng, inv: &Investigation{
		DocumentVersion: DocumentVersion,
		GeneratedAt:     now().UTC(),
		Request:         req,
		Confidence:      req.Confidence,
		IntervalMethod:  "Wilson score",
		Notes:           []string{},
	}}
	r.inv.Provenance.Workspace = ws.Path
	defer r.dropTemp()
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"reading provenance", r.provenance},
		{"resolving the period", r.period},
		{"resolving the tag set", r.tagSet},
		{"resolving the baseline", r.baseline},
		{"collecting the tag set's videos", r.members},
		{"counting videos per day", r.volumes},
		{"counting outcomes", r.outcomes},
		{"comparing rates", r.rates},
		{"scanning the trend", r.trend},
		{"measuring removals", r.removal},
		{"building the funnel", r.funnel},
		{"finding related tags", r.related},
	}
	for _, s := range steps {
		start := time.Now()
		if err := s.fn(ctx); err != nil {
			return nil, fmt.Errorf("investigate %s: %s: %w", r.describe(), s.name, err)
		}
		if stepTimer != nil {
			stepTimer(s.name, time.Since(start))
		}
	}
	if rowsMoved != nil {
		rowsMoved(r.eng.RowsRead())
	}
	if req.KeepSetIDs != "" {
		keeper, ok := r.eng.(engine.SetKeeper)
		if !ok {
			return nil, fmt.Errorf("investigate: keeping the tag set's video ids: %w", errors.ErrUnsupported)
		}
		if err := keeper.KeepSet(ctx, req.KeepSetIDs); err != nil {
			return nil, fmt.Errorf("investigate: keeping the tag set's video ids: %w", err)
		}
	}
	if req.SaveAs != "" {
		if err := SaveTagSet(ctx, ws, req.SaveAs, r.inv.TagSet.Seed, r.inv.TagSet.IncludeCaptions, r.inv.TagSet.Candidates); err != nil {
			return nil, err
		}
		r.inv.TagSet.Name = req.SaveAs
	}
	return r.inv, nil
}

func (r *run) describe() string {
	if r.req.TagSet != "" {
		return "tag set " + r.req.TagSet
	}
	return "#" + datasets.NormalizeTag(r.req.Tag)
}

func (r *run) note(format string, args ...any) {
	r.inv.Notes = append(r.inv.Notes, fmt.Sprintf(format, args...))
}

// db is the run's engine session.
func (r *run) db() engine.Session { return r.eng }

// dropTemp ends the engine session: it frees the session's temporary
// state, and its connection unless the run was made on one.
func (r *run) dropTemp() {
	if r.eng != nil {
		r.eng.Close()
	}
}

// provenance reads the workspace's schema version and imports.
func (r *run) provenance(ctx context.Context) error {
	p, err := r.db().Provenance(ctx)
	if err != nil {
		return err
	}
	r.inv.Provenance.TrendlabVersion = datasets.Version
	r.inv.Provenance.SchemaVersion, r.inv.Provenance.Videos, r.inv.Provenance.Events, r.inv.Provenance.Imports = p.SchemaVersion, p.Videos, p.Events, p.Imports
	return nil
}

// period resolves the days investigated.
func (r *run) period(ctx context.Context) error {
	minT, maxT, ok, err := r.db().Span(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("the workspace has no videos: import the exports first (`trendlab import`), or try `trendlab demo`")
	}
	// The request's open bounds close on the data's first and last day.
	p := datasets.NewPeriod(cmp.Or(r.req.Since, minT), cmp.Or(r.req.Until, maxT))
	if err := p.Check(); err != nil {
		return err
	}
	r.lo, r.hi = p.Bounds()
	r.fullSpan = !r.lo.After(minT.UTC()) && r.hi.After(maxT.UTC())
	r.dayIndex = map[time.Time]int{}
	for d := r.lo; d.Before(r.hi); d = d.AddDate(0, 0, 1) {
		r.dayIndex[d] = len(r.days)
		r.days = append(r.days, d)
	}
	r.inv.Period = Period{Since: day(p.Since), Until: day(p.Until), Days: len(r.days)}
	if !r.hi.After(minT.UTC()) || r.lo.After(maxT.UTC()) {
		r.note("the period %s holds no videos; the data runs from %s to %s", p.Describe(), day(minT), day(maxT))
	}
	return nil
}

// tagSet resolves the accepted tags: a saved set, an explicit list, or the
// variants scoring at least MinScore.
func (r *run) tagSet(ctx context.Context) error {
	ts := &r.inv.TagSet
	ts.MinScore = r.req.MinScore
	ts.IncludeCaptions = r.req.IncludeCaptions
	if r.req.TagSet != "" {
		saved, err := loadTagSet(ctx, r.db(), r.req.TagSet)
		if err != nil {
			return err
		}
		if r.req.Tag != "" && datasets.NormalizeTag(r.req.Tag) != saved.Seed {
			return fmt.Errorf("tag %q differs from the seed %q of tag set %q: give one of them", r.req.Tag, saved.Seed, saved.Name)
		}
		ts.Name, ts.Seed, ts.Source = saved.Name, saved.Seed, "saved"
		ts.IncludeCaptions = ts.IncludeCaptions || saved.IncludeCaptions
		ts.Candidates = saved.Variants
		ts.Accepted = saved.Accepted()
		if ts.Candidates == nil {
			ts.Candidates = []Variant{}
		}
		r.accepted = ts.Accepted
		// Variants that appeared since the set was saved are pointed out,
		// not added: the saved decisions stand.
		cands, err := discoverVariants(ctx, r.db(), saved.Seed, r.req.MinScore)
		if err != nil {
			return err
		}
		for _, c := range cands {
			if c.Status == VariantAccepted && !slices.ContainsFunc(saved.Variants, func(v Variant) bool { return v.Tag == c.Tag }) && c.Tag != saved.Seed {
				r.note("%q (score %.2f, %d videos: %s) is not in the saved tag set; add it with `trendlab tagset accept %s %s`",
					c.Tag, c.Score, c.Videos, strings.Join(c.Reasons, "; "), saved.Name, c.Tag)
			}
		}
		return nil
	}
	seed := datasets.NormalizeTag(r.req.Tag)
	if seed == "" {
		return fmt.Errorf("the tag %q is empty after normalisation: give a hashtag with letters or digits", r.req.Tag)
	}
	ts.Seed = seed
	cands, err := discoverVariants(ctx, r.db(), seed, r.req.MinScore)
	if err != nil {
		return err
	}
	if len(r.req.Variants) > 0 {
		ts.Source = "explicit"
		want := map[string]bool{seed: true}
		for _, v := range r.req.Variants {
			if n := datasets.NormalizeTag(v); n != "" {
				want[n] = true
			}
		}
		have := map[string]bool{}
		for i := range cands {
			c := &cands[i]
			have[c.Tag] = true
			c.DecidedBy = "explicit"
			if want[c.Tag] {
				c.Status = VariantAccepted
			} else {
				c.Status = VariantRejected
			}
		}
		var extra []Variant
		for t := range want {
			if have[t] {
				continue
			}
			score, reasons := ScoreVariant(seed, t)
			if len(reasons) == 0 {
				reasons = []string{"listed by the investigator"}
			}
			extra = append(extra, Variant{Tag: t, Score: score, Reasons: reasons, Status: VariantAccepted,
				DecidedBy: "explicit", Lookalike: score < r.req.MinScore})
		}
		if err := fillVariantCounts(ctx, r.db(), extra); err != nil {
			return err
		}
		for _, e := range extra {
			if e.Videos == 0 {
				r.note("variant %q was listed but no video carries it", e.Tag)
			}
		}
		cands = append(cands, extra...)
		rankVariants(cands)
	} else {
		ts.Source = "score"
	}
	ts.Candidates = cands
	if ts.Candidates == nil {
		ts.Candidates = []Variant{}
	}
	ts.Accepted = []string{seed}
	for _, c := range cands {
		if c.Status == VariantAccepted && c.Tag != seed {
			ts.Accepted = append(ts.Accepted, c.Tag)
		}
	}
	if !slices.ContainsFunc(cands, func(v Variant) bool { return v.Tag == seed }) {
		r.note("no video carries the seed tag %q itself", seed)
	}
	r.accepted = ts.Accepted
	return nil
}

// baseline resolves the comparison group.
func (r *run) baseline(ctx context.Context) error {
	b := &r.inv.Baseline
	if r.req.Baseline == "rest" {
		b.Kind = "rest"
		b.Description = "every other video created in the period"
		return nil
	}
	name := strings.TrimPrefix(r.req.Baseline, "tagset:")
	saved, err := loadTagSet(ctx, r.db(), name)
	if err != nil {
		return err
	}
	b.Kind, b.Name = "tagset", name
	b.Description = fmt.Sprintf("videos of tag set %q (#%s and %d more tags) created in the period, not in this tag set",
		name, saved.Seed, len(saved.Accepted())-1)
	r.baselineTags = saved.Accepted()
	r.baselineCaptions = saved.IncludeCaptions
	return nil
}

// members fixes the tag set's (and baseline tag set's) videos in the
// period, by the workspace's one definition of a tag set's videos
// (tag_set_members, datasets/schema.go): tagged with an accepted tag, or,
// with captions, mentioning one in the caption.
func (r *run) members(ctx context.Context) error {
	return r.db().Members(ctx, engine.Members{Tags: r.accepted, Captions: r.inv.TagSet.IncludeCaptions,
		BaselineTags: r.baselineTags, BaselineCaptions: r.baselineCaptions, Lo: r.lo, Hi: r.hi})
}

// volumes counts videos per day: all, and per group.
func (r *run) volumes(ctx context.Context) error {
	n := len(r.days)
	r.total = make([]int64, n)
	for g := range r.volume {
		r.volume[g] = make([]int64, n)
	}
	total, groups, err := r.db().Volumes(ctx)
	if err != nil {
		return err
	}
	for _, c := range total {
		if i, ok := r.dayIndex[truncDay(c.Day)]; ok {
			r.total[i] = c.N
		}
	}
	for _, c := range groups {
		i, ok := r.dayIndex[truncDay(c.Day)]
		if !ok || c.Group < 1 || c.Group > 2 {
			continue
		}
		r.volume[c.Group][i] += c.N
		if c.Group == grpSet {
			r.inv.TagSet.CaptionOnlyVideos += c.CaptionOnly
		}
	}
	for i := range r.days {
		r.volume[grpRest][i] = r.total[i] - r.volume[grpSet][i] - r.volume[grpBaseline][i]
		r.inv.TagSet.Videos += r.volume[grpSet][i]
	}
	r.inv.Baseline.Videos = sum(r.baselineVolume())
	r.inv.Trend.Volume = make([]DayVolume, len(r.days))
	bv := r.baselineVolume()
	for i, d := range r.days {
		r.inv.Trend.Volume[i] = DayVolume{Day: day(d), TagSet: r.volume[grpSet][i], Baseline: bv[i], All: r.total[i]}
	}
	if r.inv.TagSet.Videos == 0 {
		r.note("no video in the period carries %s: every rate of the tag set is 0 of 0", strings.Join(r.accepted, ", "))
	}
	return nil
}

// baselineGroup is the group number of the baseline.
func (r *run) baselineGroup() int {
	if r.baselineTags != nil {
		return grpBaseline
	}
	return grpRest
}

func (r *run) baselineVolume() []int64 { return r.volume[r.baselineGroup()] }

func sum(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}
