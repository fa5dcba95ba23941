package notebooks

import (
	"context"
	"fmt"
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

// sweep runs a sweep block and returns its result.
func (r *renderer) sweep(ctx context.Context, spec *SweepSpec) (*result, error) {
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
			return nil, fmt.Errorf("sweep: top %q is not a positive whole number", top)
		}
		q.Top = n
	}
	switch strings.ToLower(r.vals.expand(spec.Adjust)) {
	case "", "bh":
	case "holm":
		q.Adjust = analysis.AdjustHolm
	default:
		return nil, fmt.Errorf("sweep: adjust %q: use bh or holm", spec.Adjust)
	}
	period, err := datasets.ParsePeriod(r.vals.expand(spec.Since), r.vals.expand(spec.Until))
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	q.Period = period
	start := time.Now()
	sw, err := analysis.RunSweep(ctx, r.ws, q)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
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
	return res, nil
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
