package analysis

import (
	"fmt"
	"math"

	"github.com/trendlab/trendlab/analysis/stats"
)

// The monitoring metrics compared per policy, in the order of the funnel.
// Every metric but the last is a share of the group's videos; the
// reinstatement rate is a share of its appealed removals.
const (
	MetricReport             = "report_rate"
	MetricFlag               = "flag_rate"
	MetricReportedOrFlagged  = "reported_or_flagged_rate"
	MetricViolation          = "violation_rate"
	MetricRemoval            = "removal_rate"
	MetricEscalation         = "escalation_rate"
	MetricReinstatement      = "reinstatement_rate"
	denominatorVideos        = "videos"
	denominatorAppealedVideo = "appealed videos"
)

// Metrics lists the monitoring metrics in the order they are reported.
var Metrics = []string{MetricReport, MetricFlag, MetricReportedOrFlagged, MetricViolation,
	MetricRemoval, MetricEscalation, MetricReinstatement}

// MetricLabel is a metric's name for people, e.g. "automated-flag rate".
func MetricLabel(metric string) string {
	switch metric {
	case MetricReport:
		return "report rate"
	case MetricFlag:
		return "automated-flag rate"
	case MetricReportedOrFlagged:
		return "reported-or-flagged rate"
	case MetricViolation:
		return "violation rate"
	case MetricRemoval:
		return "removal rate"
	case MetricEscalation:
		return "escalation rate"
	case MetricReinstatement:
		return "reinstatement (appeal success) rate"
	}
	return metric
}

// metricCounts picks a metric's numerator and denominator from a group's
// totals of one policy (videos: the group's videos in the period).
func metricCounts(metric string, c outcomeCounts, videos int64) (x, n int64) {
	switch metric {
	case MetricReport:
		return c.reported, videos
	case MetricFlag:
		return c.flagged, videos
	case MetricReportedOrFlagged:
		return c.surfaced, videos
	case MetricViolation:
		return c.violating, videos
	case MetricRemoval:
		return c.removed, videos
	case MetricEscalation:
		return c.escalated, videos
	case MetricReinstatement:
		return c.reinstatedAppealed, c.appealed
	}
	panic("analysis: unknown metric " + metric)
}

// DefaultMargin is the equivalence margin of a risk ratio unless the
// request sets one: a ratio within [0.8, 1.25] is not material (the
// bioequivalence convention, symmetric on the log scale).
var DefaultMargin = Margin{Lo: 0.8, Hi: 1.25}

// metrics compares every monitoring metric of the tag set with the
// baseline, per policy, and adjusts all their p-values as one family
// (Holm): the difference tests, the equivalence tests and the tests of a
// material difference, each family on its own. The violation-rate rows
// are also Investigation.Rates.
func (r *run) metrics() {
	n1, n2 := r.inv.TagSet.Videos, r.inv.Baseline.Videos
	bg := r.baselineGroup()
	r.inv.Metrics = make([]MetricRate, 0, len(Metrics)*len(r.inv.Policies))
	for _, metric := range Metrics {
		for _, policy := range r.inv.Policies {
			x1, m1 := metricCounts(metric, r.totals(policy, grpSet), n1)
			x2, m2 := metricCounts(metric, r.totals(policy, bg), n2)
			den := denominatorVideos
			if metric == MetricReinstatement {
				den = denominatorAppealedVideo
			}
			pr := r.compareRates(policy, min(x1, m1), m1, min(x2, m2), m2)
			r.inv.Metrics = append(r.inv.Metrics, MetricRate{Metric: metric, Label: MetricLabel(metric), Denominator: den, PolicyRate: pr})
		}
	}
	adjustFamily(r.inv.Metrics)
	r.inv.Rates = make([]PolicyRate, 0, len(r.inv.Policies))
	for i := range r.inv.Metrics {
		m := &r.inv.Metrics[i]
		m.PolicyRate = finding(m.PolicyRate, r.req.Alpha)
		if m.Metric == MetricViolation {
			r.inv.Rates = append(r.inv.Rates, m.PolicyRate)
		}
	}
}

// adjustFamily Holm-adjusts the tested comparisons' three p-values, each
// across the family.
func adjustFamily(ms []MetricRate) {
	var diff, equiv, material []float64
	var idx []int
	for i, m := range ms {
		if m.Test.Method == "none" {
			continue
		}
		idx = append(idx, i)
		diff = append(diff, m.Test.PValue)
		equiv = append(equiv, nanTo1(float64(m.Materiality.PEquivalence)))
		material = append(material, nanTo1(float64(m.Materiality.PMaterial)))
	}
	d, e, mat := stats.Holm(diff), stats.Holm(equiv), stats.Holm(material)
	for k, i := range idx {
		ms[i].Test.PAdjusted = d[k]
		ms[i].Materiality.PEquivalenceAdjusted = e[k]
		ms[i].Materiality.PMaterialAdjusted = mat[k]
	}
}

func nanTo1(p float64) float64 {
	if math.IsNaN(p) {
		return 1
	}
	return p
}

// The materiality verdicts.
const (
	VerdictEquivalent   = "equivalent"    // shown inside the margin, no detectable difference
	VerdictWithinMargin = "within_margin" // a detectable difference, shown inside the margin
	VerdictMaterial     = "material"      // shown beyond the margin
	VerdictInconclusive = "inconclusive"  // the interval is too wide to tell
)

// materiality tests the risk ratio x1/n1 : x2/n2 against the margin:
// TOST for equivalence, and the one-sided test beyond the margin bound on
// the side of the estimate for a material difference. Verdict and Finding
// are set by finding, once the p-values are adjusted.
func materiality(x1, n1, x2, n2 int64, margin Margin) Materiality {
	m := Materiality{Margin: margin, Method: "two one-sided tests (TOST) of the log risk ratio against the margin (Wald, as the Katz interval)",
		PEquivalence: Num(math.NaN()), PMaterial: Num(math.NaN()), PEquivalenceAdjusted: 1, PMaterialAdjusted: 1}
	if n1 <= 0 || n2 <= 0 || (x1 == 0 && x2 == 0) {
		// No events in either group: the ratio is 0/0, nothing to test.
		return m
	}
	e := stats.RiskRatioEquivalence(x1, n1, x2, n2, margin.Lo, margin.Hi)
	m.PEquivalence = Num(e.PValue)
	// The side of the estimate (with 0.5 added to zero counts, as the test).
	if e.PAboveHi <= e.PBelowLo {
		m.PMaterial, m.materialSide = Num(e.PAboveHi), "higher"
	} else {
		m.PMaterial, m.materialSide = Num(e.PBelowLo), "lower"
	}
	return m
}

// readMateriality sets the verdict from the adjusted p-values and the
// difference test's finding. A material difference is a detectable one
// whose one-sided test beyond the margin passes at alpha/2, as the
// two-sided 1-alpha interval lying beyond the margin would; equivalence is
// the usual TOST at alpha (the 1-2·alpha interval inside the margin).
func readMateriality(m *Materiality, significant bool, direction string, alpha float64) {
	switch {
	case significant && m.PMaterialAdjusted < alpha/2:
		m.Verdict, m.Finding = VerdictMaterial, "materially "+m.materialSide
	case m.PEquivalenceAdjusted < alpha && significant:
		m.Verdict, m.Finding = VerdictWithinMargin, direction+" but within the margin"
	case m.PEquivalenceAdjusted < alpha:
		m.Verdict, m.Finding = VerdictEquivalent, "equivalent within the margin"
	case significant:
		m.Verdict, m.Finding = VerdictInconclusive, direction+", inconclusive whether material"
	default:
		m.Verdict, m.Finding = VerdictInconclusive, "inconclusive"
	}
}

// NoMaterialDifference is the reading "no material difference": the risk
// ratio is shown inside the margin, whether or not a difference is
// detectable (Finding is the reading "no detectable difference").
func (m Materiality) NoMaterialDifference() bool {
	return m.Verdict == VerdictEquivalent || m.Verdict == VerdictWithinMargin
}

// String is the margin as "[0.8, 1.25]".
func (m Margin) String() string { return fmt.Sprintf("[%g, %g]", m.Lo, m.Hi) }
