package notebooks

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
)

// Impact blocks lay out analysis.ImpactPlatform (did the tag set go with
// harm on the rest of the platform?) and analysis.ImpactIntervention (did
// the actions against it work?). A workspace without the optional exports
// or without a saved tag set gets a plain notice instead of a failure:
//
//	```impact_platform
//	tag_set: $tagset          # a saved tag set; default: the investigate block's seed
//	policies: [$policies]
//	lag: 0                    # the regression's lag in days, chosen beforehand
//	seed: $seed
//	```
//
//	```impact_intervention
//	tag_set: $tagset
//	intervention: ""          # one intervention id; default: every one on the tag set
//	```

// ImpactSpec is the YAML body of an impact_platform or impact_intervention
// block; Policies, Lag and Seed are the platform block's, Intervention and
// Comparison the intervention block's.
type ImpactSpec struct {
	TagSet       string   `yaml:"tag_set" json:"tag_set,omitempty"`
	Policies     []string `yaml:"policies" json:"policies,omitempty"`
	Lag          string   `yaml:"lag" json:"lag,omitempty"`
	Seed         string   `yaml:"seed" json:"seed,omitempty"`
	Intervention string   `yaml:"intervention" json:"intervention,omitempty"`
	Comparison   []string `yaml:"comparison" json:"comparison,omitempty"`
	Since        string   `yaml:"since" json:"since,omitempty"`
	Until        string   `yaml:"until" json:"until,omitempty"`
}

// The analyses, variables so tests of the layout can stand in fixed results.
var (
	impactPlatforms    = analysis.ImpactPlatforms
	impactIntervention = analysis.ImpactIntervention
)

// impactBlock parses the body of an impact_platform or impact_intervention fence.
func (p *parser) impactBlock(kind BlockKind, line int, attrs []attr, body string) (Block, error) {
	if len(attrs) > 0 {
		return Block{}, p.errf(line, 0, "%s fence takes no options; write them in the block as YAML", kind)
	}
	spec := &ImpactSpec{}
	if err := decodeYAML(body, spec); err != nil {
		return Block{}, p.yamlErr(line+1, err)
	}
	if kind == KindImpactPlatform && len(spec.Policies) == 0 {
		return Block{}, p.errf(line+1, 0, "impact_platform block needs policies: [...], the policies whose platform-wide rate to test")
	}
	return Block{Kind: kind, Line: line, Impact: spec}, nil
}

// impactView is an impact block made ready for the template.
type impactView struct {
	Lead      []string // what the block looked at, in a sentence or two
	Notices   []string // what is missing, said plainly
	Platform  []*platformView
	Effects   []*interventionView
	Methods   []string
	Reference string // the CLI command that gives the same numbers
}

type platformView struct {
	Heading     string
	Lead        []string
	SeriesChart *chart
	CCFChart    *chart
	Regression  *table
	Scans       *table
	Notes       []string
}

type interventionView struct {
	Heading string
	Lead    []string
	Effects *table
	Charts  []*chart
	Evasion *table
	Notes   []string
}

// impactTagSet is the saved tag set a block names, else the seed of the
// investigate block above it.
func (r *renderer) impactTagSet(spec *ImpactSpec) (string, error) {
	if name := strings.TrimSpace(r.vals.expand(spec.TagSet)); name != "" {
		return name, nil
	}
	if n := len(r.investigations); n > 0 {
		return r.investigations[n-1].Inv.TagSet.Seed, nil
	}
	return "", errors.New("name a saved tag set (tag_set: NAME) or put an investigate block above this one")
}

// noTagSet is the notice for a tag set that is not saved.
func noTagSet(name string) string {
	return fmt.Sprintf("No tag set named %q is saved in this workspace, so this section is not computed: the impact analyses read a saved tag set. Save the investigation's (trendlab investigate --tag %s --save-as %s) and make the report again.", name, name, name)
}

func (r *renderer) impactPeriod(spec *ImpactSpec) (since, until time.Time, err error) {
	period, err := datasets.ParsePeriod(r.vals.expand(spec.Since), r.vals.expand(spec.Until))
	if err != nil {
		return since, until, err
	}
	return period.Since, period.Until, nil
}

func (r *renderer) platformBlock(ctx context.Context, spec *ImpactSpec) (*impactView, error) {
	name, err := r.impactTagSet(spec)
	if err != nil {
		return nil, fmt.Errorf("impact_platform: %w", err)
	}
	req := analysis.PlatformRequest{TagSet: name}
	if req.Since, req.Until, err = r.impactPeriod(spec); err != nil {
		return nil, fmt.Errorf("impact_platform: %w", err)
	}
	if s := strings.TrimSpace(r.vals.expand(spec.Lag)); s != "" {
		if req.Lag, err = strconv.Atoi(s); err != nil || req.Lag < 0 {
			return nil, fmt.Errorf("impact_platform: lag %q is not a whole number of days, 0 or more", s)
		}
	}
	if s := strings.TrimSpace(r.vals.expand(spec.Seed)); s != "" {
		if req.Seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			return nil, fmt.Errorf("impact_platform: seed %q is not a whole number", s)
		}
	}
	v := &impactView{}
	policies := r.vals.expandList(spec.Policies)
	start := time.Now()
	// One read of the daily series for every policy, on the report's
	// connection, where the investigate block's tagset_videos may already
	// hold the tag set's videos.
	ps, err := impactPlatforms(ctx, r.ws, req, r.setVideos, policies...)
	if errors.Is(err, analysis.ErrNoTagSet) {
		v.Notices = append(v.Notices, noTagSet(name))
		return v, nil
	}
	if err != nil {
		return nil, fmt.Errorf("impact_platform %s: %w", strings.Join(policies, ", "), err)
	}
	if r.opts.Trace != nil {
		r.opts.Trace("analysis.ImpactPlatforms "+strings.Join(policies, ", "), time.Since(start))
	}
	for _, p := range ps {
		if len(v.Lead) == 0 && len(p.Days) > 0 {
			v.Lead = append(v.Lead, fmt.Sprintf("Tag set %q as saved in the workspace (%s), against each policy's daily violation rate among the videos outside it, %s to %s (%d days). This section needs only the videos and events exports.",
				p.TagSet, visibleList(p.Tags), p.Days[0], p.Days[len(p.Days)-1], len(p.Days)))
		}
		pv, err := r.platformView(p, req)
		if err != nil {
			return nil, err
		}
		v.Platform = append(v.Platform, pv)
		v.Reference = "trendlab impact platform --tagset " + name + " --policy POLICY"
		r.used.platform = append(r.used.platform, p)
	}
	return v, nil
}

func (r *renderer) platformView(p *analysis.Platform, req analysis.PlatformRequest) (*platformView, error) {
	pv := &platformView{Heading: "Platform-wide " + p.Policy, Lead: []string{p.Statement, p.SpikeText}, Notes: sentences(p.Notes)}
	t := newTable("Regression of the platform's daily "+p.Policy+" rate", "regressor", "lag (days)", "rise of the regressor", "change in the rate, "+level(conf(req.Conf))+" CI", "p", "smallest detectable change")
	for _, a := range []analysis.AssociationResult{p.Volume1, p.Share} {
		t.add(text(a.Regressor), num(strconv.Itoa(a.Lag)), text(a.RiseText),
			num(ppInterval(a.Change, a.ChangeCI)), num(pval(float64(a.PValue))), num(ppText(a.MDE, false)))
	}
	t.Note = "The rise is the regressor's mean over the last two weeks minus its mean over the first two; the change is the fitted slope times that rise, in percentage points (pp) of the rate. " + sentence(p.Volume1.Method)
	pv.Regression = t
	s := newTable("Changepoint and spike scans", "series", "scan", "when", "before / outside", "after / inside", "p")
	s.add(text("tag set's share of uploads"), text("lasting change"), text(p.Rise.Day), num(pctNum(p.Rise.Before)), num(pctNum(p.Rise.After)), num(pval(float64(p.Rise.PValue))))
	s.add(text("platform's "+p.Policy+" rate"), text("lasting change"), text(p.PlatformShift.Day), num(pctNum(p.PlatformShift.Before)), num(pctNum(p.PlatformShift.After)), num(pval(float64(p.PlatformShift.PValue))))
	s.add(text("platform's "+p.Policy+" rate"), text("most raised window"), text(p.PlatformSpike.Start+" to "+p.PlatformSpike.End), num(pctNum(p.PlatformSpike.Outside)), num(pctNum(p.PlatformSpike.Inside)), num(pval(float64(p.PlatformSpike.PValue))))
	s.Note = "Each scan reports its most likely day or window whether or not it is significant; only those with p below " + strconv.FormatFloat(1-conf(req.Conf), 'g', 2, 64) + " are drawn on the chart or called a change. " + sentence(p.Rise.Method) + " " + sentence(p.PlatformSpike.Method)
	pv.Scans = s
	var err error
	if pv.SeriesChart, err = r.platformChart(p, 1-conf(req.Conf)); err != nil {
		return nil, err
	}
	if len(p.CCF.Lags) > 0 {
		if pv.CCFChart, err = r.ccfChart(p); err != nil {
			return nil, err
		}
	}
	return pv, nil
}

// platformChart draws the platform's daily rate beside the tag set's
// share of uploads, with the tag set's rise, the platform's change and
// its most raised window when significant: the spike scan aligned with
// the rise.
func (r *renderer) platformChart(p *analysis.Platform, alpha float64) (*chart, error) {
	c := charts.NewLine()
	c.SetGlobalOptions(tooltipAxis, legendTop, gridOpts,
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "rate"}))
	c.ExtendYAxis(opts.YAxis{Type: "value", Name: "share", Position: "right"})
	rate, share := make([]opts.LineData, len(p.Days)), make([]opts.LineData, len(p.Days))
	for i := range p.Days {
		rate[i] = opts.LineData{Value: ratio(p.Violating[i], p.Outside[i])}
		share[i] = opts.LineData{Value: ratio(p.Volume[i], p.Uploads[i]), YAxisIndex: 1}
	}
	c.SetXAxis(p.Days)
	significant := func(n analysis.Num) bool { return n.Valid() && float64(n) < alpha }
	rateOpts := []charts.SeriesOpts{charts.WithItemStyleOpts(opts.ItemStyle{Color: "#c0392b"}),
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)})}
	var lines []opts.MarkLineNameXAxisItem
	if significant(p.PlatformShift.PValue) {
		lines = append(lines, opts.MarkLineNameXAxisItem{Name: "platform change " + p.PlatformShift.Day, XAxis: p.PlatformShift.Day})
	}
	if significant(p.PlatformSpike.PValue) {
		rateOpts = append(rateOpts, charts.WithMarkAreaData([]opts.MarkAreaData{
			{Name: "raised window", XAxis: p.PlatformSpike.Start, MarkAreaStyle: opts.MarkAreaStyle{ItemStyle: &opts.ItemStyle{Color: "rgba(192, 57, 43, 0.12)"}}},
			{XAxis: p.PlatformSpike.End}}))
	}
	if len(lines) > 0 {
		rateOpts = append(rateOpts, markLines("#c0392b", lines...)...)
	}
	c.AddSeries("platform "+p.Policy+" rate (outside the tag set)", rate, rateOpts...)
	shareOpts := []charts.SeriesOpts{charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2c7fb8"}),
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.YAxisIndex = 1 })}
	if significant(p.Rise.PValue) {
		shareOpts = append(shareOpts, markLines("#2c7fb8", opts.MarkLineNameXAxisItem{Name: "tag set rises " + p.Rise.Day, XAxis: p.Rise.Day})...)
	}
	c.AddSeries("tag set's share of uploads", share, shareOpts...)
	return r.newChart("platform", "Daily "+p.Policy+" rate outside the tag set, and the tag set's share of uploads", c, 320)
}

// ccfChart draws the prewhitened cross-correlation by lag with the band
// outside which a correlation differs from zero.
func (r *renderer) ccfChart(p *analysis.Platform) (*chart, error) {
	c := charts.NewBar()
	c.SetGlobalOptions(tooltipAxis, gridOpts,
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "correlation"}))
	var lags []string
	bars := make([]opts.BarData, len(p.CCF.Lags))
	band := float64(p.CCF.Band)
	for i, k := range p.CCF.Lags {
		lags = append(lags, fmt.Sprintf("%+d", k))
		color := "#c8ccd0"
		if math.Abs(float64(p.CCF.R[i])) > band {
			color = "#2c7fb8"
		}
		var v any
		if p.CCF.R[i].Valid() {
			v = float64(p.CCF.R[i])
		}
		bars[i] = opts.BarData{Value: v, ItemStyle: &opts.ItemStyle{Color: color}}
	}
	c.SetXAxis(lags)
	c.AddSeries("cross-correlation", bars,
		charts.WithMarkLineNameYAxisItemOpts(opts.MarkLineNameYAxisItem{Name: fmt.Sprintf("+%.3f", band), YAxis: band},
			opts.MarkLineNameYAxisItem{Name: fmt.Sprintf("-%.3f", band), YAxis: -band}),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
			LineStyle: &opts.LineStyle{Type: "dashed", Color: "#5f6368"}, Label: &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "end"}}))
	ch, err := r.newChart("ccf", "Cross-correlation of the tag set's daily volume with the platform's "+p.Policy+" rate, by lag", c, 260)
	if err != nil {
		return nil, err
	}
	ch.Note = "Lag in days; at a positive lag the platform rate follows the tag set's volume. Bars in blue lie outside the dashed band, where a correlation differs from zero. " + sentence(p.CCF.Method)
	return ch, nil
}

func (r *renderer) interventionBlock(ctx context.Context, spec *ImpactSpec) (*impactView, error) {
	name, err := r.impactTagSet(spec)
	if err != nil {
		return nil, fmt.Errorf("impact_intervention: %w", err)
	}
	req := analysis.InterventionRequest{TagSet: name, ID: strings.TrimSpace(r.vals.expand(spec.Intervention)), Comparison: r.vals.expandList(spec.Comparison)}
	if len(req.Comparison) == 0 {
		req.Comparison = nil // the closest tags in volume
	}
	if req.Since, req.Until, err = r.impactPeriod(spec); err != nil {
		return nil, fmt.Errorf("impact_intervention: %w", err)
	}
	v := &impactView{}
	start := time.Now()
	rep, err := impactIntervention(ctx, r.ws, req)
	switch {
	case errors.Is(err, analysis.ErrNoTagSet):
		v.Notices = append(v.Notices, noTagSet(name))
		return v, nil
	case errors.Is(err, analysis.ErrNoOptionalExport):
		v.Notices = append(v.Notices, fmt.Sprintf("No intervention on tag set %q is in this workspace: the interventions export is missing or names none of its tags, so no effect is measured. Import one (trendlab import --interventions FILE) or record an action by hand (trendlab intervention add), then make the report again.", name))
		return v, nil
	case err != nil:
		return nil, fmt.Errorf("impact_intervention: %w", err)
	}
	if r.opts.Trace != nil {
		r.opts.Trace("analysis.ImpactIntervention", time.Since(start))
	}
	r.used.interventions = append(r.used.interventions, rep)
	v.Reference = "trendlab impact intervention --tagset " + name
	if len(rep.Days) > 0 {
		v.Lead = append(v.Lead, fmt.Sprintf("Tag set %q as saved in the workspace (%s), %s to %s: %s on it.",
			rep.TagSet, visibleList(rep.Tags), rep.Days[0], rep.Days[len(rep.Days)-1], plural(len(rep.Interventions), "intervention")))
	}
	v.Notices = append(v.Notices, sentences(rep.Notes)...)
	for i := range rep.Interventions {
		iv, err := r.interventionView(rep, &rep.Interventions[i])
		if err != nil {
			return nil, err
		}
		v.Effects = append(v.Effects, iv)
	}
	return v, nil
}

func (r *renderer) interventionView(rep *analysis.InterventionReport, e *analysis.InterventionEffect) (*interventionView, error) {
	iv := &interventionView{Heading: fmt.Sprintf("%s: %s on %s, from %s", e.ID, strings.ReplaceAll(e.Kind, "_", " "), e.Target, dayOf(e.Started))}
	src := "recorded by hand"
	if e.Source == "export" {
		src = "from the interventions export"
	}
	lead := fmt.Sprintf("Intervention %s (%s).", e.ID, src)
	if len(e.ComparisonTags) > 0 {
		lead += fmt.Sprintf(" Compared with the tags of similar volume it did not touch: %s.", visibleList(e.ComparisonTags))
	}
	iv.Lead = append(iv.Lead, lead)
	for _, s := range e.Series {
		iv.Lead = append(iv.Lead, seriesSentence(s, len(e.ComparisonTags) > 0))
	}
	iv.Notes = sentences(e.Notes)
	if len(e.Series) > 0 {
		t := newTable("Level change at the intervention", "series", "against the comparison", "p", "tag set alone", "p")
		for _, s := range e.Series {
			t.add(text(s.Name), num(effectChange(s.Against, s.Scale)), num(pval(float64(s.Against.PValue))),
				num(effectChange(s.Alone, s.Scale)), num(pval(float64(s.Alone.PValue))))
		}
		t.Note = "Relative changes (%) for counts and views, fitted on log(1 + count); percentage points (pp) for rates and shares. " + sentence(firstMethod(e.Series))
		iv.Effects = t
	}
	for _, s := range e.Series {
		c, err := r.seriesChart(rep.Days, e, s)
		if err != nil {
			return nil, err
		}
		iv.Charts = append(iv.Charts, c)
	}
	if kindRestricts(e.Kind) {
		t := newTable("Spellings first seen since the intervention", "spelling", "where", "first day", "volume", "score", "in the tag set")
		for _, ev := range e.Evasion {
			unit, where := "videos", "hashtags"
			if ev.Where == "search" {
				unit, where = "searches", "searches"
			}
			t.add(text(analysis.VisibleSpelling(ev.Spelling)), text(where), text(ev.FirstDay), num(analysis.GroupDigits(ev.Volume)+" "+unit),
				num(strconv.FormatFloat(ev.Score, 'f', 2, 64)), text(ev.Status))
		}
		if len(t.Rows) == 0 {
			t.Note = "No new spelling of the seed appeared in hashtags or searches after the intervention."
		} else {
			t.Note = "Spellings that score as variants of the seed and were first seen on or after the intervention's day: possible evasion. Decide on them with trendlab tagset."
		}
		iv.Evasion = t
	}
	return iv, nil
}

// seriesChart draws one series of the tag set and its comparison with
// the intervention's day marked.
func (r *renderer) seriesChart(days []string, e *analysis.InterventionEffect, s analysis.SeriesEffect) (*chart, error) {
	c := charts.NewLine()
	c.SetGlobalOptions(tooltipAxis, legendTop, gridOpts,
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: map[bool]string{true: "tag set", false: "rate"}[s.Scale == "log"]}))
	// Counts of the comparison are of another size: their own axis.
	// Rates share one.
	cmpAxis := 0
	if s.Scale == "log" {
		c.ExtendYAxis(opts.YAxis{Type: "value", Name: "comparison", Position: "right"})
		cmpAxis = 1
	}
	line := func(vals []analysis.Num, axis int) []opts.LineData {
		out := make([]opts.LineData, len(days))
		for i := range days {
			if i < len(vals) && vals[i].Valid() {
				out[i] = opts.LineData{Value: float64(vals[i]), YAxisIndex: axis}
			} else {
				out[i] = opts.LineData{Value: nil, YAxisIndex: axis}
			}
		}
		return out
	}
	c.SetXAxis(days)
	treated := []charts.SeriesOpts{charts.WithItemStyleOpts(opts.ItemStyle{Color: "#c0392b"}), charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)})}
	if e.DayIndex >= 0 && e.DayIndex < len(days) {
		treated = append(treated, markLines("#111111", opts.MarkLineNameXAxisItem{Name: e.ID + " starts", XAxis: days[e.DayIndex]})...)
	}
	c.AddSeries("tag set", line(s.Treated, 0), treated...)
	if len(s.Comparison) > 0 {
		name := "comparison tags"
		if strings.Contains(s.Name, "search") {
			name = "every other search query"
		}
		if cmpAxis == 1 {
			name += " (right axis)"
		}
		c.AddSeries(name, line(s.Comparison, cmpAxis), charts.WithItemStyleOpts(opts.ItemStyle{Color: "#7f8c8d"}),
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
			charts.WithSeriesOpts(func(ss *charts.SingleSeries) { ss.YAxisIndex = cmpAxis }))
	}
	return r.newChart("intervention", e.ID+": "+s.Name+", by day", c, 260)
}

// markLines draws vertical lines at days, labelled with their names.
func markLines(color string, items ...opts.MarkLineNameXAxisItem) []charts.SeriesOpts {
	return []charts.SeriesOpts{
		charts.WithMarkLineNameXAxisItemOpts(items...),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
			LineStyle: &opts.LineStyle{Type: "solid", Color: color, Width: 2},
			Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideEndTop"}}),
	}
}

// seriesSentence states one series' effect, against the comparison
// first (what the intervention did, net of platform-wide change) and
// alone after.
func seriesSentence(s analysis.SeriesEffect, compared bool) string {
	describe := func(e analysis.EffectEstimate) string {
		if !e.Change.Valid() {
			return "could not be estimated"
		}
		lo, hi := float64(e.CI.Lo), float64(e.CI.Hi)
		if lo <= 0 && hi >= 0 {
			return "no change detected (" + effectChange(e, s.Scale) + ")"
		}
		if s.Scale != "log" {
			return "changed by " + effectChange(e, s.Scale)
		}
		verb := "rose"
		if e.Change < 0 {
			verb, lo, hi = "fell", -hi, -lo
		}
		f := func(v float64) string { return strconv.FormatFloat(100*v, 'f', 0, 64) + "%" }
		return fmt.Sprintf("%s by %s [%s, %s]", verb, f(math.Abs(float64(e.Change))), f(lo), f(hi))
	}
	name := strings.ToUpper(s.Name[:1]) + s.Name[1:]
	if !compared {
		return fmt.Sprintf("%s: %s (no comparison).", name, describe(s.Alone))
	}
	against := "the comparison tags"
	if strings.Contains(s.Name, "search") {
		against = "every other search query"
	}
	return fmt.Sprintf("%s: %s against %s; alone, %s.", name, describe(s.Against), against, describe(s.Alone))
}

// kindRestricts says whether an intervention kind restricts reach or
// search, after which new spellings are looked for.
func kindRestricts(kind string) bool { return kind != "moderator_guidance" && kind != "other" }

// effectChange writes a level change with its interval: relative for
// counts (log scale), percentage points for rates.
func effectChange(e analysis.EffectEstimate, scale string) string {
	if !e.Change.Valid() {
		return "n/a"
	}
	if scale == "log" {
		f := func(n analysis.Num) string { return strconv.FormatFloat(100*float64(n), 'f', 0, 64) + "%" }
		return fmt.Sprintf("%s [%s, %s]", signed(f(e.Change)), signed(f(e.CI.Lo)), signed(f(e.CI.Hi)))
	}
	return ppInterval(e.Change, e.CI)
}

// ppInterval writes a change in a rate and its interval in percentage points.
func ppInterval(v analysis.Num, ci analysis.NumInterval) string {
	if !v.Valid() {
		return "n/a"
	}
	return fmt.Sprintf("%s [%s, %s]", ppText(v, true), ppText(ci.Lo, true), ppText(ci.Hi, true))
}

func ppText(v analysis.Num, sign bool) string {
	if !v.Valid() {
		return "n/a"
	}
	s := strconv.FormatFloat(100*float64(v), 'f', 2, 64) + " pp"
	if sign {
		return signed(s)
	}
	return s
}

func signed(s string) string {
	if strings.HasPrefix(s, "-") || strings.Trim(s, "0.%p ") == "" {
		return s
	}
	return "+" + s
}

func pctNum(n analysis.Num) string {
	if !n.Valid() {
		return "n/a"
	}
	return pct(float64(n))
}

func conf(c float64) float64 {
	if c == 0 {
		return 0.95
	}
	return c
}

func firstMethod(ss []analysis.SeriesEffect) string {
	for _, s := range ss {
		if s.Against.Change.Valid() {
			return "Tag set alone: " + s.Alone.Method + ". Against the comparison: " + s.Against.Method
		}
	}
	for _, s := range ss {
		if s.Alone.Change.Valid() {
			return s.Alone.Method
		}
	}
	return "No series could be fitted"
}

// visibleList writes tags as a reader can tell them apart.
func visibleList(tags []string) string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = analysis.VisibleSpelling(t)
	}
	return strings.Join(out, ", ")
}

// dayOf is the day of an RFC 3339 time, or the text as it is.
func dayOf(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format(time.DateOnly)
	}
	return s
}

// sentence capitalises a note and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func sentences(notes []string) []string {
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = sentence(n)
	}
	return out
}

// impactMethods are the methods paragraphs of the impact blocks that ran.
func (r *renderer) impactMethods() []string {
	var out []string
	if len(r.used.platform) > 0 {
		p := r.used.platform[0]
		out = append(out, fmt.Sprintf("Platform-level association: for each policy, the daily violation rate among videos outside the tag set is set against the tag set's daily volume. Cross-correlation at lags −%d to +%d: %s. Regression: %s, stated for the tag set's rise (its mean over the last two weeks minus the first two); when no association is detected, the smallest change the data could have detected at 80%% power is given. Scans: %s for a lasting change in the tag set's share of uploads and in the platform's rate, and %s for the platform rate's most raised window.",
			-p.CCF.Lags[0], p.CCF.Lags[len(p.CCF.Lags)-1], p.CCF.Method, p.Volume1.Method, p.Rise.Method, p.PlatformSpike.Method))
	}
	for _, rep := range r.used.interventions {
		for _, e := range rep.Interventions {
			if m := firstMethod(e.Series); m != "No series could be fitted" {
				out = append(out, "Interventions: each daily series (recommended and total reach, uploads, violation rate; for search restrictions the autocomplete share and the searches for the terms) is an interrupted time series: a segmented regression of the series (log(1 + count) for counts) on a level and a slope change at the intervention's first full day, with day-of-week terms and Newey-West errors. The effect against the comparison is a difference-in-differences on the difference between the tag set's series and the comparison's (tags of similar volume the intervention did not touch, named in each section; for searches, every other query), so that a platform-wide change is not credited to the intervention. "+m+".")
				return out
			}
		}
	}
	return out
}
