package analysis

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/engine"
)

// InterventionRequest asks what the interventions on a tag set did.
type InterventionRequest struct {
	TagSet      string
	ID          string   // one intervention; "" for every one on the tag set
	Comparison  []string // comparison tags; nil: the Comparisons tags closest in volume
	Comparisons int      // default 5
	// Period bounds the days, both inclusive (UTC); a zero bound is the
	// data's first or last day. Either way the days stay within those of
	// the views and search exports present (interventionDays).
	datasets.Period
	Conf float64 // default 0.95
}

// InterventionReport holds the effect of each intervention on the tag set.
type InterventionReport struct {
	TagSet        string               `json:"tag_set"`
	Tags          []string             `json:"tags"`
	Days          []string             `json:"days"`
	Interventions []InterventionEffect `json:"interventions"`
	Notes         []string             `json:"notes,omitempty"` // missing exports and the like
}

// InterventionEffect is what one intervention did.
type InterventionEffect struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Target   string `json:"target"`
	Source   string `json:"source"` // export or manual
	Started  string `json:"started"`
	DayIndex int    `json:"day_index"` // in Days; -1 when outside the period
	// ComparisonTags are the tags the difference-in-differences compares
	// with (their videos outside the tag set).
	ComparisonTags []string          `json:"comparison_tags"`
	Series         []SeriesEffect    `json:"series"`
	Evasion        []EvasionSpelling `json:"evasion"`
	Notes          []string          `json:"notes,omitempty"`
}

// SeriesEffect is the interrupted-time-series effect on one daily series,
// alone and against the comparison.
type SeriesEffect struct {
	Name       string         `json:"name"`
	Scale      string         `json:"scale"` // "log" (effects are relative changes) or "rate" (absolute, in rate units)
	Treated    []Num          `json:"treated"`
	Comparison []Num          `json:"comparison"`
	Alone      EffectEstimate `json:"alone"`   // level change of the tag set's series
	Against    EffectEstimate `json:"against"` // level change against the comparison (difference-in-differences)
	Statement  string         `json:"statement"`
}

// EffectEstimate is a level change at the intervention with its interval.
type EffectEstimate struct {
	Change      Num         `json:"change"` // relative (-0.7 = fell by 70%) on the log scale, absolute on the rate scale
	CI          NumInterval `json:"ci"`
	PValue      Num         `json:"p_value"`
	SlopeChange Num         `json:"slope_change"` // per day, on the fitted scale
	Method      string      `json:"method"`
}

// EvasionSpelling is a spelling of the tag set's seed first seen on or
// after the intervention, whether or not the tag set has decided on it
// since.
type EvasionSpelling struct {
	Spelling string  `json:"spelling"`
	Status   string  `json:"status"` // in the tag set: accepted, rejected or undecided
	Where    string  `json:"where"`  // "search" or "hashtag"
	FirstDay string  `json:"first_day"`
	Volume   int64   `json:"volume"` // searches, or videos carrying it
	Score    float64 `json:"score"`
}

// interventionRow is one intervention as stored.
type interventionRow struct {
	id, kind, target, source string
	started                  time.Time
}

// ImpactIntervention measures each intervention on req.TagSet.
func ImpactIntervention(ctx context.Context, ws *datasets.Workspace, req InterventionRequest) (*InterventionReport, error) {
	req.Conf = cmp.Or(req.Conf, 0.95)
	req.Comparisons = cmp.Or(req.Comparisons, 5)
	set, err := LoadTagSet(ctx, ws, req.TagSet)
	if err != nil {
		return nil, err
	}
	ivs, err := interventionsOn(ctx, ws, set, req.ID)
	if err != nil {
		return nil, err
	}
	if len(ivs) == 0 {
		if req.ID != "" {
			return nil, fmt.Errorf("no intervention %q whose target is tag set %q, its seed or one of its accepted tags", req.ID, req.TagSet)
		}
		return nil, fmt.Errorf("%w: no intervention targets tag set %q, its seed or its accepted tags; import an interventions export or record one by hand", ErrNoOptionalExport, req.TagSet)
	}
	eng, err := engine.ConnectImpact(ctx, ws)
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	defer reportRows(eng)
	views, err := exportDaysOf(ctx, eng, engine.Views)
	if err != nil {
		return nil, err
	}
	searches, err := exportDaysOf(ctx, eng, engine.Searches)
	if err != nil {
		return nil, err
	}
	hasViews, hasSearches := views.present, searches.present
	rep := &InterventionReport{TagSet: req.TagSet, Tags: set.Accepted()}
	days, notes, err := interventionDays(ctx, eng, req.Period, views, searches)
	if err != nil {
		return nil, err
	}
	rep.Notes = append(rep.Notes, notes...)
	for _, d := range days {
		rep.Days = append(rep.Days, day(d))
	}
	if !hasViews {
		rep.Notes = append(rep.Notes, "no views_daily export in the workspace: reach (for_you and total views) is not measured")
	}
	if !hasSearches {
		rep.Notes = append(rep.Notes, "no search_daily export in the workspace: searches, autocomplete share and evasion in searches are not measured")
	}
	// The tag set's videos, fixed once for every query of every
	// intervention (engine.VideoSet).
	done := impactStep("tag set's videos")
	members, err := eng.TagSetVideos(ctx, rep.Tags)
	if err != nil {
		return nil, err
	}
	done()
	var ov []engine.TagCount // the tag set's videos per tag
	if req.Comparison == nil {
		done := impactStep("tags on the tag set's videos")
		if ov, err = eng.TagsOn(ctx, members); err != nil {
			return nil, err
		}
		done()
	}
	// Every intervention's comparison first, then the upload and view
	// series of the tag set and of every comparison at once: each is a
	// pass over all the videos or all the daily views, made once rather
	// than once per intervention.
	var plans []*effectPlan
	for _, iv := range ivs {
		p, err := planEffect(ctx, eng, set, ov, days, iv, req, hasSearches)
		if err != nil {
			return nil, fmt.Errorf("intervention %s: %w", iv.id, err)
		}
		plans = append(plans, p)
	}
	series, err := planSeries(ctx, eng, members, plans, days, hasViews)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		if err := p.fitSeries(ctx, eng, set, series, days, req, hasSearches); err != nil {
			return nil, fmt.Errorf("intervention %s: %w", p.e.ID, err)
		}
		rep.Interventions = append(rep.Interventions, *p.e)
	}
	return rep, nil
}

// exportDays is the first and last day of an optional daily export,
// when it has rows.
type exportDays struct {
	table       string
	present     bool
	first, last time.Time
}

func exportDaysOf(ctx context.Context, eng engine.Impact, e engine.DailyExport) (exportDays, error) {
	x := exportDays{table: map[engine.DailyExport]string{engine.Views: "views_daily", engine.Searches: "search_daily"}[e]}
	var err error
	x.first, x.last, x.present, err = eng.ExportDays(ctx, e)
	return x, err
}

// interventionDays is the period of impactSpan within the days of the
// views and search exports present: past their last day (or before their
// first) every view or search would read as zero, a fall no intervention
// caused. The notes say where the period was cut.
func interventionDays(ctx context.Context, eng engine.Impact, period datasets.Period, exports ...exportDays) ([]time.Time, []string, error) {
	from, to, err := impactSpan(ctx, eng, period)
	if err != nil {
		return nil, nil, err
	}
	var notes []string
	for _, x := range exports {
		if !x.present {
			continue
		}
		if first := truncDay(x.first); first.After(from) {
			notes = append(notes, fmt.Sprintf("%s starts on %s: the period starts there, not on %s", x.table, day(first), day(from)))
			from = first
		}
		if last := truncDay(x.last); last.Before(to) {
			notes = append(notes, fmt.Sprintf("%s ends on %s: the period ends there, not on %s", x.table, day(last), day(to)))
			to = last
		}
	}
	days, err := daysBetween(from, to)
	return days, notes, err
}

// interventionsOn lists the interventions whose target is the tag set's
// name, seed or one of its accepted tags (normalised), oldest first (ties
// by id, sorted in Go: a server's collation may order text otherwise). The
// interventions are few: the common SQL of both engines reads them all.
func interventionsOn(ctx context.Context, ws *datasets.Workspace, set *SavedTagSet, id string) ([]interventionRow, error) {
	rows, err := ws.DB.QueryContext(ctx, `SELECT intervention_id, kind, target, source, started_at FROM interventions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := append([]string{strings.ToLower(set.Name)}, set.Accepted()...)
	var out []interventionRow
	for rows.Next() {
		var r interventionRow
		if err := rows.Scan(&r.id, &r.kind, &r.target, &r.source, &r.started); err != nil {
			return nil, err
		}
		if id != "" && r.id != id {
			continue
		}
		if slices.Contains(names, datasets.NormalizeTag(r.target)) || strings.EqualFold(r.target, set.Name) {
			r.started = r.started.UTC()
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b interventionRow) int {
		return cmp.Or(a.started.Compare(b.started), strings.Compare(a.id, b.id))
	})
	return out, rows.Err()
}

// effectPlan is one intervention's effect before its series are fitted.
type effectPlan struct {
	iv    interventionRow
	e     *InterventionEffect
	fit   bool // enough days on both sides of the start to fit the series
	group int  // the comparison's videos in groupedSeries
}

// planEffect finds the intervention's day, comparison tags and evasion
// spellings, and whether its series can be fitted.
func planEffect(ctx context.Context, eng engine.Impact, set *SavedTagSet, ov []engine.TagCount, days []time.Time, iv interventionRow, req InterventionRequest, hasSearches bool) (*effectPlan, error) {
	tags := set.Accepted()
	e := &InterventionEffect{ID: iv.id, Kind: iv.kind, Target: iv.target, Source: iv.source, Started: iv.started.UTC().Format(time.RFC3339), DayIndex: -1}
	start := truncDay(iv.started)
	if i, ok := dayIndex(days)[start]; ok {
		e.DayIndex = i
	}
	if iv.started.After(start) {
		e.DayIndex++ // a start during a day: that day is still mostly "before"
	}
	cmpTags := req.Comparison
	if cmpTags == nil {
		var err error
		done := impactStep(iv.id + ": comparison tags")
		if cmpTags, err = eng.ComparisonTags(ctx, engine.ComparisonQuery{Tags: tags, Overlap: ov, Before: start, K: req.Comparisons}); err != nil {
			return nil, err
		}
		done()
	}
	e.ComparisonTags = cmpTags
	restriction := iv.kind != "moderator_guidance" && iv.kind != "other"
	if restriction {
		var err error
		done := impactStep(iv.id + ": evasion spellings")
		if e.Evasion, err = evasionSpellings(ctx, eng, set, start, hasSearches); err != nil {
			return nil, err
		}
		done()
	}
	p := &effectPlan{iv: iv, e: e}
	at := e.DayIndex
	if at < 7 || len(days)-at < 7 {
		e.Notes = append(e.Notes, fmt.Sprintf("the intervention starts on %s, with fewer than 7 days of data on one side of it: no effect is estimated", day(start)))
		return p, nil
	}
	if len(cmpTags) == 0 {
		e.Notes = append(e.Notes, "no comparison tags of similar volume: effects are against the tag set's own trend only")
	}
	p.fit = true
	return p, nil
}

// groupedSeries holds the daily series of groups of videos: the tag set's
// (group 0) and each comparison's videos outside it.
type groupedSeries struct {
	up    [][2][]float64 // uploads, violation rate
	views [][2][]float64 // for_you views, total views; nil without views
}

// planSeries reads the upload and view series of the tag set and of the
// comparison of every plan to fit, and sets each plan's group.
func planSeries(ctx context.Context, eng engine.Impact, members *engine.VideoSet, plans []*effectPlan, days []time.Time, hasViews bool) (groupedSeries, error) {
	var sets [][]string
	group := map[string]int{} // comparison tags, joined -> group
	for _, p := range plans {
		if !p.fit {
			continue
		}
		key := strings.Join(p.e.ComparisonTags, "\x00")
		g, ok := group[key]
		if !ok {
			g = len(sets) + 1
			group[key] = g
			sets = append(sets, p.e.ComparisonTags)
		}
		p.group = g
	}
	var gs groupedSeries
	if len(sets) == 0 {
		return gs, nil
	}
	var err error
	done := impactStep("upload series")
	if gs.up, err = uploadSeries(ctx, eng, members, sets, days); err != nil {
		return gs, err
	}
	done()
	if hasViews {
		done := impactStep("view series")
		if gs.views, err = viewSeries(ctx, eng, members, sets, days); err != nil {
			return gs, err
		}
		done()
	}
	return gs, nil
}

// fitSeries fits the plan's series (and the search series, which are the
// same for every intervention but fitted only after a search restriction).
func (p *effectPlan) fitSeries(ctx context.Context, eng engine.Impact, set *SavedTagSet, gs groupedSeries, days []time.Time, req InterventionRequest, hasSearches bool) error {
	if !p.fit {
		return nil
	}
	iv, e, at := p.iv, p.e, p.e.DayIndex
	cmpTags := e.ComparisonTags
	first := days[0].Weekday()
	against := "the comparison tags " + strings.Join(cmpTags, ", ")
	if len(cmpTags) == 0 {
		against = ""
	}
	fit := func(name, scale string, treated, comparison []float64) {
		e.Series = append(e.Series, seriesEffect(name, scale, treated, comparison, first, at, req.Conf, iv, against))
	}
	if gs.views != nil {
		v, c := gs.views[0], gs.views[p.group]
		fit("recommended reach (for_you views)", "log", v[0], c[0])
		fit("total reach (views)", "log", v[1], c[1])
	}
	up, c := gs.up[0], gs.up[p.group]
	fit("uploads", "log", up[0], c[0])
	fit("violation rate", "rate", up[1], c[1])
	if hasSearches && (iv.kind == "autocomplete_restricted" || iv.kind == "search_restricted") {
		// The comparison queries leave out every spelling of the seed:
		// the new ones and those the investigator rejected.
		var exclude []string
		for _, ev := range e.Evasion {
			if ev.Where == "search" {
				exclude = append(exclude, ev.Spelling)
			}
		}
		for _, v := range set.Variants {
			if v.Status != VariantAccepted {
				exclude = append(exclude, v.Tag)
			}
		}
		done := impactStep(iv.id + ": search series")
		s, err := searchSeries(ctx, eng, set.Accepted(), exclude, days)
		if err != nil {
			return err
		}
		done()
		against = "every other search query"
		fit("autocomplete share of searches for the terms", "rate", s[1], s[3])
		fit("searches for the terms", "log", s[0], s[2])
	}
	return nil
}

// seriesEffect fits the ITS of one series alone and against its
// comparison, and states the effect.
func seriesEffect(name, scale string, treated, comparison []float64, first time.Weekday, at int, conf float64, iv interventionRow, against string) SeriesEffect {
	s := SeriesEffect{Name: name, Scale: scale}
	ty, cy := transform(treated, scale), transform(comparison, scale)
	for i := range treated {
		s.Treated = append(s.Treated, Num(treated[i]))
		s.Comparison = append(s.Comparison, Num(comparison[i]))
	}
	s.Alone = estimate(conf)(stats.InterruptedTimeSeries(ty, first, at, -1))
	if against != "" {
		s.Against = estimate(conf)(stats.DiffInDiff(ty, cy, first, at, -1))
	} else {
		s.Against = EffectEstimate{Change: Num(math.NaN()), CI: NumInterval{Num(math.NaN()), Num(math.NaN())}, PValue: Num(math.NaN()), SlopeChange: Num(math.NaN()), Method: "no comparison"}
	}
	if scale == "log" {
		for _, est := range []*EffectEstimate{&s.Alone, &s.Against} {
			est.Change = Num(math.Expm1(float64(est.Change)))
			est.CI = NumInterval{Num(math.Expm1(float64(est.CI.Lo))), Num(math.Expm1(float64(est.CI.Hi)))}
		}
	}
	s.Statement = effectStatement(s, iv, against, conf)
	return s
}

func transform(x []float64, scale string) []float64 {
	if scale != "log" {
		return x
	}
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = math.Log1p(v) // ln(1 + v): days with no views or uploads stay finite
	}
	return out
}

// estimate returns a function that turns a fit into the level change at conf.
func estimate(conf float64) func(stats.ITS, error) EffectEstimate {
	return func(r stats.ITS, err error) EffectEstimate { return levelChange(r, err, conf) }
}

func levelChange(r stats.ITS, err error, conf float64) EffectEstimate {
	if err != nil {
		nan := Num(math.NaN())
		return EffectEstimate{Change: nan, CI: NumInterval{nan, nan}, PValue: nan, SlopeChange: nan, Method: "not estimated: " + err.Error()}
	}
	ci := r.CI(r.Level, conf)
	return EffectEstimate{Change: Num(r.Coef[r.Level]), CI: NumInterval{Num(ci.Lo), Num(ci.Hi)}, PValue: Num(r.PValue(r.Level)), SlopeChange: Num(r.Coef[r.Slope]), Method: r.Method}
}

// effectStatement is the sentence for one series, e.g. "recommended reach
// fell by 71% [64%, 77%] against the comparison tags".
func effectStatement(s SeriesEffect, iv interventionRow, against string, conf float64) string {
	describe := func(e EffectEstimate) string {
		if !e.Change.Valid() {
			return "could not be estimated"
		}
		lo, hi := float64(e.CI.Lo), float64(e.CI.Hi)
		sig := lo > 0 || hi < 0
		if s.Scale == "log" {
			if !sig {
				return fmt.Sprintf("shows no change detected (%+.0f%% [%+.0f%%, %+.0f%%])", 100*float64(e.Change), 100*lo, 100*hi)
			}
			verb := "rose"
			if e.Change < 0 {
				verb = "fell"
				lo, hi = -hi, -lo
			}
			return fmt.Sprintf("%s by %.0f%% [%.0f%%, %.0f%%]", verb, 100*math.Abs(float64(e.Change)), 100*lo, 100*hi)
		}
		if !sig {
			return fmt.Sprintf("shows no change detected (%s [%s, %s])", pp(float64(e.Change)), pp(lo), pp(hi))
		}
		return fmt.Sprintf("changed by %s [%s, %s]", pp(float64(e.Change)), pp(lo), pp(hi))
	}
	text := fmt.Sprintf("After %s (%s, %s): %s %s", iv.id, iv.kind, day(iv.started), s.Name, describe(s.Alone))
	if against != "" {
		text += fmt.Sprintf("; against %s it %s", against, describe(s.Against))
	}
	return text + fmt.Sprintf(" (%.0f%% CI; level change in a segmented regression with day-of-week terms and Newey-West errors).", 100*conf)
}

// dailyByGroup makes two zeroed daily series for each of n groups.
func dailyByGroup(n int, days []time.Time) [][2][]float64 {
	out := make([][2][]float64, n)
	for g := range out {
		out[g] = [2][]float64{make([]float64, len(days)), make([]float64, len(days))}
	}
	return out
}

// uploadSeries returns per group and day (the set's videos, then each
// comparison's outside the set): the uploads and violation rate.
func uploadSeries(ctx context.Context, eng engine.Impact, set *engine.VideoSet, comparisons [][]string, days []time.Time) ([][2][]float64, error) {
	rows, err := eng.UploadSeries(ctx, set, comparisons)
	if err != nil {
		return nil, err
	}
	out := byGroupAndDay(rows, 1+len(comparisons), days)
	for _, s := range out {
		for i, n := range s[0] {
			if n > 0 {
				s[1][i] /= n
			} else {
				s[1][i] = 0
			}
		}
	}
	return out, nil
}

// viewSeries returns per group and day: the for_you and total views.
func viewSeries(ctx context.Context, eng engine.Impact, set *engine.VideoSet, comparisons [][]string, days []time.Time) ([][2][]float64, error) {
	rows, err := eng.ViewSeries(ctx, set, comparisons)
	if err != nil {
		return nil, err
	}
	return byGroupAndDay(rows, 1+len(comparisons), days), nil
}

// byGroupAndDay spreads the rows over two daily series for each of n
// groups (days without a row are 0).
func byGroupAndDay(rows []engine.GroupDayValues, n int, days []time.Time) [][2][]float64 {
	out := dailyByGroup(n, days)
	idx := dayIndex(days)
	for _, r := range rows {
		if i, ok := idx[truncDay(r.Day)]; ok && r.Group >= 0 && r.Group < n {
			out[r.Group][0][i], out[r.Group][1][i] = r.A, r.B
		}
	}
	return out
}

// searchSeries returns per day: searches for the terms (a query whose
// normalised first word is one of the tags) and their autocomplete share,
// and the same for every other query (the comparison) except the evasion
// spellings.
func searchSeries(ctx context.Context, eng engine.Impact, tags, exclude []string, days []time.Time) ([4][]float64, error) {
	rows, err := eng.SearchSeries(ctx, tags, exclude)
	if err != nil {
		return [4][]float64{}, err
	}
	g := byGroupAndDay(rows, 3, days) // groups 1 (the terms) and 2 (the others)
	share := func(s [2][]float64) []float64 {
		r := make([]float64, len(days))
		for i := range r {
			if s[0][i] > 0 {
				r[i] = s[1][i] / s[0][i]
			}
		}
		return r
	}
	return [4][]float64{g[1][0], share(g[1]), g[2][0], share(g[2])}, nil
}

// evasionSpellings lists hashtags and search queries first seen on or
// after start that score as spellings of the tag set's seed, with their
// first day, volume and status in the tag set.
func evasionSpellings(ctx context.Context, eng engine.Impact, set *SavedTagSet, start time.Time, hasSearches bool) ([]EvasionSpelling, error) {
	status := map[string]string{}
	for _, v := range set.Variants {
		status[v.Tag] = v.Status
	}
	var out []EvasionSpelling
	collect := func(where string, e engine.DailyExport) error {
		seen, err := eng.FirstSeen(ctx, e, start)
		for _, f := range seen {
			if f.Spelling == set.Seed {
				continue
			}
			if score, _ := ScoreVariant(set.Seed, f.Spelling); score >= DefaultMinScore {
				out = append(out, EvasionSpelling{Spelling: f.Spelling, Where: where, FirstDay: day(f.First), Volume: f.Volume, Score: score, Status: cmp.Or(status[f.Spelling], "undecided")})
			}
		}
		return err
	}
	if err := collect("hashtag", engine.Hashtags); err != nil {
		return nil, err
	}
	if hasSearches {
		if err := collect("search", engine.Searches); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b EvasionSpelling) int {
		return cmp.Or(cmp.Compare(a.FirstDay, b.FirstDay), cmp.Compare(b.Volume, a.Volume), cmp.Compare(a.Spelling, b.Spelling), cmp.Compare(a.Where, b.Where))
	})
	return out, nil
}
