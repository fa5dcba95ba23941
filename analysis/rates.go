package analysis

import (
	"context"
	"fmt"
	"math"

	"github.com/trendlab/trendlab/analysis/stats"
)

// minExpected is the smallest expected cell count at which the normal
// approximation (z / chi-square) is trusted; below it Fisher's exact test.
const minExpected = 5

// proportion builds x of n with its Wilson interval.
func proportion(x, n int64, conf float64) Proportion {
	if n <= 0 {
		return Proportion{X: x, N: n, P: 0, CI: Interval{0, 1}}
	}
	ci := stats.Wilson(x, n, conf)
	return Proportion{X: x, N: n, P: float64(x) / float64(n), CI: Interval{ci.Lo, ci.Hi}}
}

// CompareProportions tests x1 of n1 against x2 of n2 (two-sided), choosing
// the test as stats.CompareProportions does, by the smallest expected cell
// count of the 2x2 table (Cochran's rule), and saying why: Fisher's
// exact test below 5, the pooled two-proportion z test (equal to Pearson's
// chi-square without continuity correction) otherwise. An empty group gives
// method "none" and p-value 1.
func CompareProportions(x1, n1, x2, n2 int64) TestResult {
	tr := TestResult{Alternative: "two-sided", Statistic: Num(math.NaN())}
	if n1 <= 0 || n2 <= 0 {
		tr.Method, tr.Reason, tr.PValue = "none", "a group has no videos", 1
		return tr
	}
	a, b, c, d := x1, n1-x1, x2, n2-x2
	minE := stats.MinExpected(a, b, c, d)
	if minE < minExpected {
		t := stats.FisherExact(a, b, c, d, stats.TwoSided)
		tr.Method = "Fisher's exact test"
		tr.Reason = fmt.Sprintf("smallest expected count %.3g < %d: exact test", minE, minExpected)
		tr.PValue = t.PValue
		return tr
	}
	t := stats.TwoProportionZ(x1, n1, x2, n2, stats.TwoSided)
	tr.Method = "two-proportion z test (pooled)"
	tr.Reason = fmt.Sprintf("all expected counts >= %d (smallest %.3g): normal approximation, equal to chi-square without continuity correction", minExpected, minE)
	tr.Statistic = Num(t.Statistic)
	tr.PValue = t.PValue
	return tr
}

func numInterval(iv stats.Interval) NumInterval { return NumInterval{Num(iv.Lo), Num(iv.Hi)} }

// rates compares every monitoring metric per policy (metrics.go) and the
// share of videos violating any policy.
func (r *run) rates(ctx context.Context) error {
	r.metrics()
	anyRate, err := r.anyPolicy(ctx)
	if err != nil {
		return err
	}
	anyRate.Test.PAdjusted, anyRate.Test.AdjustMethod = anyRate.Test.PValue, "none"
	anyRate.Materiality.PEquivalenceAdjusted = nanTo1(float64(anyRate.Materiality.PEquivalence))
	anyRate.Materiality.PMaterialAdjusted = nanTo1(float64(anyRate.Materiality.PMaterial))
	r.inv.AnyPolicy = finding(anyRate, r.req.Alpha)
	return nil
}

// finding sets Significant and Finding from the adjusted p-value, and
// reads the materiality from its adjusted p-values.
func finding(pr PolicyRate, alpha float64) PolicyRate {
	pr.Significant = pr.Test.Method != "none" && pr.Test.PAdjusted < alpha
	switch {
	case pr.Significant && pr.TagSet.P > pr.Baseline.P:
		pr.Finding = "higher"
	case pr.Significant && pr.TagSet.P < pr.Baseline.P:
		pr.Finding = "lower"
	default:
		pr.Finding = "no detectable difference"
	}
	readMateriality(&pr.Materiality, pr.Significant, pr.Finding, alpha)
	return pr
}

// compareRates builds the comparison of x1 of n1 (tag set) with x2 of n2:
// the test, effect sizes, MDE and materiality; p-values are adjusted and
// read by the caller (finding).
func (r *run) compareRates(policy string, x1, n1, x2, n2 int64) PolicyRate {
	conf := r.req.Confidence
	pr := PolicyRate{
		Policy:   policy,
		TagSet:   proportion(x1, n1, conf),
		Baseline: proportion(x2, n2, conf),
		Test:     CompareProportions(x1, n1, x2, n2),
	}
	pr.Test.AdjustMethod = "Holm"
	pr.Test.PAdjusted = pr.Test.PValue
	diff, dci := stats.RiskDifference(x1, n1, x2, n2, conf)
	pr.RiskDifference = Effect{Estimate: Num(diff), CI: numInterval(dci), Method: "Newcombe hybrid score (method 10)"}
	rr, rci := stats.RiskRatio(x1, n1, x2, n2, conf)
	pr.RiskRatio = Effect{Estimate: Num(rr), CI: numInterval(rci), Method: "Katz log"}
	pr.MDE = mde(pr.Baseline.P, n1, n2, r.req.Alpha, r.req.Power)
	pr.Materiality = materiality(x1, n1, x2, n2, r.req.Margin)
	return pr
}

// anyPolicy compares the share of videos violating at least one of the
// reported policies. Over every policy the outcomes pass has counted them
// already (OutcomeCounts.FirstViolating); a chosen few need a distinct
// count of their own.
func (r *run) anyPolicy(ctx context.Context) (PolicyRate, error) {
	x := r.anyViolating
	if len(r.req.Policies) > 0 {
		counts, err := r.db().AnyViolating(ctx, r.req.Policies)
		if err != nil {
			return PolicyRate{}, err
		}
		x = [3]int64{}
		for _, c := range counts {
			if c.Group >= 0 && c.Group < 3 {
				x[c.Group] = c.N
			}
		}
	}
	n1, n2 := r.inv.TagSet.Videos, r.inv.Baseline.Videos
	return r.compareRates("any", min(x[grpSet], n1), n1, min(x[r.baselineGroup()], n2), n2), nil
}

// mde is the minimum detectable effect above the baseline rate p0.
func mde(p0 float64, n1, n2 int64, alpha, power float64) MDE {
	m := MDE{BaselineRate: p0, Alpha: alpha, Power: power,
		TagSetRate: Num(math.NaN()), Difference: Num(math.NaN()), Ratio: Num(math.NaN()), CohensH: Num(math.NaN())}
	if n1 <= 0 || n2 <= 0 {
		return m
	}
	p1, h := stats.MinimumDetectableEffect(p0, n1, n2, alpha, power)
	m.TagSetRate, m.CohensH = Num(p1), Num(h)
	m.Difference = Num(p1 - p0)
	if p0 > 0 {
		m.Ratio = Num(p1 / p0)
	}
	return m
}
