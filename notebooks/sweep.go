package notebooks

import (
	"context"

	"fmt"
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"strconv"
	"strings"
	"time"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
)

// SweepSpec is a sweep block: analysis.RunSweep, whose rows (one a tag,
// at the policy its rank comes from) become a result that the table shows
// and chart blocks below can draw, under Name:
//
//	```sweep
//	name: sweep
//	related_to: $tag      # or tags: [a, b] or tag_sets: [a, b]
//	top: 20
//	policies: [minor_safety, bullying_harassment]
//	```
type SweepSpec struct {
	Name      string   `yaml:"name" json:"name"`
	RelatedTo string   `yaml:"related_to" json:"related_to,omitempty"`
	Top       string   `yaml:"top" json:"top,omitempty"`
	Tags      []string `yaml:"tags" json:"tags,omitempty"`
	TagSets   []string `yaml:"tag_sets" json:"tag_sets,omitempty"`
	Policies  []string `yaml:"policies" json:"policies,omitempty"`
	Since     string   `yaml:"since" json:"since,omitempty"`
	Until     string   `yaml:"until" json:"until,omitempty"`
	KeepSeed  bool     `yaml:"keep_seed" json:"keep_seed,omitempty"`
	Adjust    string   `yaml:"adjust" json:"adjust,omitempty"` // bh (default) or holm
}

// sweepBlock parses the body of a ```sweep fence.
func (p *parser) sweepBlock(line int, attrs []attr, body string) (Block, error) {
	if len(attrs) > 0 {
		return Block{}, p.errf(line, 0, "sweep fence takes no options; write them in the block as YAML")
	}
	spec := &SweepSpec{}
	if err := decodeYAML(body, spec); err != nil {
		return Block{}, p.yamlErr(line+1, err)
	}
	if !identRE.MatchString(spec.Name) {
		return Block{}, p.errf(line+1, 0, "sweep block needs a name of letters, digits and _ (name: sweep), for the charts below to draw it")
	}
	if spec.RelatedTo == "" && len(spec.Tags) == 0 && len(spec.TagSets) == 0 {
		return Block{}, p.errf(line+1, 0, "sweep block needs related_to: TAG, tags: [...] or tag_sets: [...]")
	}
	return Block{Kind: KindSweep, Line: line, Sweep: spec}, nil
}

// sweepColumns are the columns of a sweep block's result.
var sweepColumns = []struct{ name, typ string }{
	{"rank", "BIGINT"}, {"tag", "VARCHAR"}, {"videos", "BIGINT"}, {"flagged", "VARCHAR"}, {"policy", "VARCHAR"},
	{"rate", "DOUBLE"}, {"baseline_rate", "DOUBLE"}, {"risk_ratio", "DOUBLE"}, {"rr_lo", "DOUBLE"}, {"rr_hi", "DOUBLE"},
	{"p_adjusted", "DOUBLE"}, {"trend_7d", "DOUBLE"}, {"needs_investigation", "VARCHAR"},
}

// sweepView is a sweep block made ready for the template: the risk
// ratios drawn with their intervals, and the swept tags in words.
type sweepView struct {
	Chart *chart
	Table *table
}

// sweep runs a sweep block and returns its result (for chart blocks) and
// its view.
func (r *renderer) sweep(ctx context.Context, spec *SweepSpec) (*result, *sweepView, error) {
	q := analysis.SweepRequest{
		RelatedTo: strings.TrimSpace(r.vals.expand(spec.RelatedTo)),
		Tags:      r.vals.expandList(spec.Tags),
		TagSets:   r.vals.expandList(spec.TagSets),
		Policies:  r.vals.expandList(spec.Policies),
		KeepSeed:  spec.KeepSeed,
		Now:       func() time.Time { return r.now },
	}
	if top := strings.TrimSpace(r.vals.expand(spec.Top)); top != "" {
		n, err := strconv.Atoi(top)
		if err != nil || n < 1 {
			return nil, nil, fmt.Errorf("sweep: top %q is not a positive whole number", top)
		}
		q.Top = n
	}
	switch strings.ToLower(r.vals.expand(spec.Adjust)) {
	case "", "bh":
	case "holm":
		q.Adjust = analysis.AdjustHolm
	default:
		return nil, nil, fmt.Errorf("sweep: adjust %q: use bh or holm", spec.Adjust)
	}
	period, err := datasets.ParsePeriod(r.vals.expand(spec.Since), r.vals.expand(spec.Until))
	if err != nil {
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	q.Period = period
	start := time.Now()
	sw, err := analysis.RunSweep(ctx, r.ws, q)
	if err != nil {
		return nil, nil, fmt.Errorf("sweep: %w", err)
	}
	if r.opts.Trace != nil {
		r.opts.Trace("analysis.RunSweep", time.Since(start))
	}
	res := &result{Name: spec.Name, Redacted: map[int]string{},
		SQL: fmt.Sprintf("-- trendlab sweep: %d tags, p adjusted across %d tests (%s); ranked: %s", len(sw.Tags), sw.Tests, sw.AdjustMethod, sw.Ordering)}
	for _, c := range sweepColumns {
		res.Columns, res.Types = append(res.Columns, c.name), append(res.Types, c.typ)
	}
	num := func(n analysis.Num) any {
		if !n.Valid() {
			return nil
		}
		return float64(n)
	}
	for _, t := range sw.Tags {
		// The policy the rank comes from: the flagged one with the largest
		// lower bound, else the largest risk ratio.
		top := -1
		for i, pr := range t.Rates {
			if top < 0 || rankedAbove(pr, t.Rates[top]) {
				top = i
			}
		}
		need := "no"
		if len(t.Flagged) > 0 {
			need = "yes"
		}
		row := []any{int64(t.Rank), t.Tag, t.Videos, strings.Join(t.Flagged, ", "), nil, nil, nil, nil, nil, nil, nil, num(t.Trend.Ratio), need}
		if top >= 0 {
			pr := t.Rates[top]
			row[4], row[5], row[6] = pr.Policy, pr.TagSet.P, pr.Baseline.P
			row[7], row[8], row[9], row[10] = num(pr.RiskRatio.Estimate), num(pr.RiskRatio.CI.Lo), num(pr.RiskRatio.CI.Hi), pr.Test.PAdjusted
		}
		res.Rows = append(res.Rows, row)
	}
	r.used.sweeps = append(r.used.sweeps, sw)
	v := &sweepView{Table: sweepTable(sw)}
	if len(sw.Tags) > 0 {
		c, err := r.sweepChart(sw)
		if err != nil {
			return nil, nil, err
		}
		v.Chart = c
	}
	return res, v, nil
}

// topRate is the policy a tag's rank comes from.
func topRate(t analysis.SweptTag) (analysis.PolicyRate, bool) {
	top := -1
	for i, pr := range t.Rates {
		if top < 0 || rankedAbove(pr, t.Rates[top]) {
			top = i
		}
	}
	if top < 0 {
		return analysis.PolicyRate{}, false
	}
	return t.Rates[top], true
}

// sweepTable is the swept tags in words: rates as x / n with intervals,
// the risk ratio with its interval, and whether each needs an
// investigation of its own.
func sweepTable(sw *analysis.Sweep) *table {
	t := newTable("Swept tags, by rank", "rank", "tag", "videos", "flagged for", "policy of the rank", "tag's rate", "baseline", "risk ratio", "p adjusted", "recent share ÷ earlier", "own investigation?")
	for _, tg := range sw.Tags {
		flagged := strings.Join(tg.Flagged, ", ")
		if flagged == "" {
			flagged = "none"
		}
		need := cell{Text: "no"}
		if len(tg.Flagged) > 0 {
			need = cell{Text: "yes", Class: "strong"}
		}
		row := []cell{num(strconv.Itoa(tg.Rank)), text(analysis.VisibleSpelling(tg.Tag)), num(analysis.GroupDigits(tg.Videos)), text(flagged)}
		if pr, ok := topRate(tg); ok {
			row = append(row, text(pr.Policy), num(propText(pr.TagSet)), num(pct(pr.Baseline.P)), num(effectText(pr.RiskRatio, false)), num(pval(pr.Test.PAdjusted)))
		} else {
			row = append(row, text("n/a"), text("n/a"), text("n/a"), num("n/a"), num("n/a"))
		}
		trend := "n/a"
		if tg.Trend.Ratio.Valid() {
			trend = strconv.FormatFloat(float64(tg.Trend.Ratio), 'f', 2, 64)
		}
		t.add(append(row, num(trend), need)...)
	}
	if len(t.Rows) == 0 {
		t.Note = "No tag was swept."
	} else {
		t.Note = fmt.Sprintf("Each tag at the policy its rank comes from; its rate is x / n with a %s %s interval. P-values adjusted across %d tests (%s).",
			level(sw.Confidence), sw.IntervalMethod, sw.Tests, sw.AdjustMethod)
	}
	return t
}

// sweepChart draws each tag's risk ratio with its interval on a log
// scale (a ratio of 4 is as far above 1 as 1/4 is below), flagged tags in
// colour: one tag a row, so unrelated tags are not joined by a line and
// one wide interval does not squash the rest.
func (r *renderer) sweepChart(sw *analysis.Sweep) (*chart, error) {
	c := charts.NewScatter()
	c.SetGlobalOptions(tooltipItem, gridOpts,
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0", Data: []string{"flagged", "not flagged"}}),
		charts.WithXAxisOpts(opts.XAxis{Type: "log"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}))
	var tags []string
	var flagged, other []opts.ScatterData
	intervals := charts.NewLine()
	for i, tg := range sw.Tags {
		tags = append(tags, analysis.VisibleSpelling(tg.Tag))
		pr, ok := topRate(tg)
		if !ok || !pr.RiskRatio.Estimate.Valid() || pr.RiskRatio.Estimate <= 0 {
			continue
		}
		pt := opts.ScatterData{Value: []any{float64(pr.RiskRatio.Estimate), i}, SymbolSize: 10}
		if len(tg.Flagged) > 0 {
			flagged = append(flagged, pt)
		} else {
			other = append(other, pt)
		}
		if lo, hi := pr.RiskRatio.CI.Lo, pr.RiskRatio.CI.Hi; lo.Valid() && hi.Valid() && lo > 0 {
			color := "#7f8c8d"
			if len(tg.Flagged) > 0 {
				color = "#c0392b"
			}
			intervals.AddSeries("interval "+strconv.Itoa(i), []opts.LineData{{Value: []any{float64(lo), i}}, {Value: []any{float64(hi), i}}},
				charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2}), charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
		}
	}
	c.AddSeries("flagged", flagged, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#c0392b"}),
		charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: "1 (same as baseline)", XAxis: 1}),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
			LineStyle: &opts.LineStyle{Type: "dashed", Color: "#5f6368"}, Label: &opts.Label{Show: opts.Bool(true), Formatter: "{b}"}}))
	c.AddSeries("not flagged", other, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#7f8c8d"}))
	c.Overlap(intervals)
	c.SetGlobalOptions(charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), Data: tags}))
	ch, err := r.newChart("sweep", fmt.Sprintf("Risk ratio of each tag at the policy its rank comes from, with its %s interval (log scale)", level(sw.Confidence)), c, 80+26*len(tags))
	if err != nil {
		return nil, err
	}
	return ch, nil
}

// rankedAbove orders a tag's policies as the sweep's ranking does.
func rankedAbove(a, b analysis.PolicyRate) bool {
	ha, hb := a.Finding == "higher", b.Finding == "higher"
	if ha != hb {
		return ha
	}
	if ha {
		return float64(a.RiskRatio.CI.Lo) > float64(b.RiskRatio.CI.Lo)
	}
	return a.RiskRatio.Estimate.Valid() && (!b.RiskRatio.Estimate.Valid() || a.RiskRatio.Estimate > b.RiskRatio.Estimate)
}
