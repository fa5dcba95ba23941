package stats

import (
	"math"
	"math/big"

	"gonum.org/v1/gonum/stat/distuv"
)

// Conventions for two-group comparisons (documented once here, repeated
// briefly on each function):
//
//   - A group with n = 0 makes the comparison undefined: Statistic and
//     PValue are NaN, estimates are NaN.
//   - Both groups non-empty but with no events at all (or all events) means
//     identical observed proportions and no variance under H0: Statistic 0,
//     PValue 1.

// TwoProportionZ is the pooled two-proportion z test of H0: p1 = p2:
//
//	p̂ = (x1+x2)/(n1+n2),  z = (x1/n1 - x2/n2) / sqrt(p̂(1-p̂)(1/n1 + 1/n2))
//
// The p-value is from the standard normal: 2Φ(-|z|), Φ(-z) for Greater
// (p1 > p2), Φ(z) for Less. Two-sided it equals ChiSquare2x2 without Yates.
// Reference: statsmodels proportions_ztest(count, nobs, alternative).
// n1 = 0 or n2 = 0 gives NaN; p̂ ∈ {0, 1} gives z = 0, p = 1.
func TwoProportionZ(x1, n1, x2, n2 int64, alt Alternative) Test {
	checkCount(x1, n1)
	checkCount(x2, n2)
	checkAlt(alt)
	t := Test{Method: "two-proportion z test (pooled), " + alt.String()}
	if n1 == 0 || n2 == 0 {
		t.Statistic, t.PValue = nan, nan
		return t
	}
	fn1, fn2 := float64(n1), float64(n2)
	pool := float64(x1+x2) / (fn1 + fn2)
	if x1+x2 == 0 || x1+x2 == n1+n2 {
		t.Statistic, t.PValue = 0, 1
		return t
	}
	se := math.Sqrt(pool * (1 - pool) * (1/fn1 + 1/fn2))
	t.Statistic = (float64(x1)/fn1 - float64(x2)/fn2) / se
	t.PValue = pNormal(t.Statistic, alt)
	return t
}

// ChiSquare2x2 is Pearson's chi-square test of independence for the table
//
//	[[a b]
//	 [c d]]
//
// (rows are groups, columns outcome yes/no): X² = Σ (O-E)²/E with
// E = row·col/n, one degree of freedom. Every cell has the same |O-E| =
// |ad-bc|/n, computed exactly with big integers so that counts near 10⁹
// do not cancel. With yates, |O-E| is reduced by min(0.5, |O-E|) as in
// scipy.stats.chi2_contingency(correction=True). Reference: scipy
// chi2_contingency. An empty row gives NaN; an empty column (no events or
// all events in both groups) gives X² = 0, p = 1. When any expected cell
// is below 5, prefer FisherExact.
func ChiSquare2x2(a, b, c, d int64, yates bool) Test {
	checkCells(a, b, c, d)
	t := Test{Method: "Pearson's chi-square test, 2x2"}
	if yates {
		t.Method += " with Yates' continuity correction"
	}
	r1, r2, c1, c2 := a+b, c+d, a+c, b+d
	if r1 == 0 || r2 == 0 {
		t.Statistic, t.PValue = nan, nan
		return t
	}
	if c1 == 0 || c2 == 0 {
		t.Statistic, t.PValue = 0, 1
		return t
	}
	n := float64(r1 + r2)
	// |O-E| = |ad - bc| / n, exactly.
	det := new(big.Int).Mul(big.NewInt(a), big.NewInt(d))
	det.Sub(det, new(big.Int).Mul(big.NewInt(b), big.NewInt(c)))
	det.Abs(det)
	detf, _ := new(big.Float).SetInt(det).Float64()
	dev := detf / n
	if yates {
		dev -= math.Min(0.5, dev)
	}
	// Σ 1/E = n³/(r1 r2 c1 c2) for a 2x2 table.
	fr1, fr2, fc1, fc2 := float64(r1), float64(r2), float64(c1), float64(c2)
	sumInvE := n / fr1 / fc1 * n / fr2 / fc2 * n
	t.Statistic = dev * dev * sumInvE
	t.PValue = clip01(distuv.ChiSquared{K: 1}.Survival(t.Statistic))
	return t
}

func checkCells(a, b, c, d int64) {
	if a < 0 || b < 0 || c < 0 || d < 0 {
		panic("stats: negative cell count in 2x2 table")
	}
}

// RiskDifference returns p1 - p2 = x1/n1 - x2/n2 and Newcombe's (1998)
// hybrid score interval (method 10), built from the Wilson intervals
// [l1, u1] and [l2, u2] of each proportion:
//
//	Lo = d - sqrt((p1-l1)² + (u2-p2)²)
//	Hi = d + sqrt((u1-p1)² + (p2-l2)²)
//
// Reference: statsmodels confint_proportions_2indep(method="newcomb").
// The interval lies in [-1, 1] and contains d. A group with n = 0 gives
// diff NaN and the uninformative interval [-1, 1].
func RiskDifference(x1, n1, x2, n2 int64, conf float64) (diff float64, ci Interval) {
	checkCount(x1, n1)
	checkCount(x2, n2)
	checkConf(conf)
	if n1 == 0 || n2 == 0 {
		return nan, Interval{-1, 1}
	}
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	w1, w2 := Wilson(x1, n1, conf), Wilson(x2, n2, conf)
	diff = p1 - p2
	lo := diff - math.Hypot(p1-w1.Lo, w2.Hi-p2)
	hi := diff + math.Hypot(w1.Hi-p1, p2-w2.Lo)
	return diff, Interval{math.Max(-1, lo), math.Min(1, hi)}
}

// RiskRatio returns rr = (x1/n1)/(x2/n2) and the Katz et al. (1978) log
// interval:
//
//	exp(log rr ± z·sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2))
//
// Reference: statsmodels confint_proportions_2indep(compare="ratio",
// method="log"). Zero counts: the estimate stays uncorrected (rr = 0 when
// x1 = 0, +Inf when x2 = 0 < x1); the finite bound of the interval is the
// Katz bound with 0.5 added to x1, n1, x2 and n2 (Pettigrew et al. 1986;
// statsmodels method="log-adjusted"), the other bound is 0 or +Inf, so the
// interval always contains rr. Both x1 = x2 = 0, or an empty group, gives
// NaN and [0, +Inf].
func RiskRatio(x1, n1, x2, n2 int64, conf float64) (rr float64, ci Interval) {
	checkCount(x1, n1)
	checkCount(x2, n2)
	z := zCrit(conf)
	if n1 == 0 || n2 == 0 || (x1 == 0 && x2 == 0) {
		return nan, Interval{0, math.Inf(1)}
	}
	katz := func(x1, n1, x2, n2 float64) (float64, Interval) {
		r := (x1 / n1) / (x2 / n2)
		se := math.Sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)
		return r, Interval{math.Exp(math.Log(r) - z*se), math.Exp(math.Log(r) + z*se)}
	}
	f1, f2, g1, g2 := float64(x1), float64(n1), float64(x2), float64(n2)
	if x1 > 0 && x2 > 0 {
		return katz(f1, f2, g1, g2)
	}
	_, adj := katz(f1+0.5, f2+0.5, g1+0.5, g2+0.5)
	if x1 == 0 {
		return 0, Interval{0, adj.Hi}
	}
	return math.Inf(1), Interval{adj.Lo, math.Inf(1)}
}

// OddsRatio returns the sample odds ratio ad/(bc) of the table [[a b][c d]]
// and Woolf's (1955) logit interval:
//
//	exp(log OR ± z·sqrt(1/a + 1/b + 1/c + 1/d))
//
// Reference: statsmodels confint_proportions_2indep(compare="odds-ratio",
// method="logit"). Zero cells: the estimate stays uncorrected (0 when a or
// d is 0, +Inf when b or c is 0); the finite bound comes from the
// Haldane-Anscombe table with 0.5 added to every cell (statsmodels
// method="logit-adjusted") and the other bound is 0 or +Inf. When the estimate is 0/0 (an empty row or column, or zeros
// on both diagonals) it returns NaN and [0, +Inf].
func OddsRatio(a, b, c, d int64, conf float64) (or float64, ci Interval) {
	checkCells(a, b, c, d)
	z := zCrit(conf)
	fa, fb, fc, fd := float64(a), float64(b), float64(c), float64(d)
	num, den := fa*fd, fb*fc
	if num == 0 && den == 0 {
		return nan, Interval{0, math.Inf(1)}
	}
	woolf := func(a, b, c, d float64) (float64, Interval) {
		lor := math.Log(a) + math.Log(d) - math.Log(b) - math.Log(c)
		se := math.Sqrt(1/a + 1/b + 1/c + 1/d)
		return math.Exp(lor), Interval{math.Exp(lor - z*se), math.Exp(lor + z*se)}
	}
	if num > 0 && den > 0 {
		return woolf(fa, fb, fc, fd)
	}
	_, adj := woolf(fa+0.5, fb+0.5, fc+0.5, fd+0.5)
	if num == 0 {
		return 0, Interval{0, adj.Hi}
	}
	return math.Inf(1), Interval{adj.Lo, math.Inf(1)}
}

// RiskRatioTest is the Wald test on the log risk ratio of H0: p1/p2 =
// value against alt (Greater: p1/p2 > value):
//
//	z = (log rr - log value) / sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)
//
// the test whose inversion is RiskRatio's Katz interval. When x1 or x2 is
// 0, 0.5 is added to x1, n1, x2 and n2 (Pettigrew et al. 1986), as for
// RiskRatio's finite bound. Reference: statsmodels
// test_proportions_2indep(compare="ratio", method="log", or
// "log-adjusted" with a zero count). An empty group gives NaN. It panics
// if value <= 0.
func RiskRatioTest(x1, n1, x2, n2 int64, value float64, alt Alternative) Test {
	checkCount(x1, n1)
	checkCount(x2, n2)
	checkAlt(alt)
	if !(value > 0) || math.IsInf(value, 1) {
		panic("stats: RiskRatioTest value must be a positive number")
	}
	t := Test{Method: "Wald test of the log risk ratio, " + alt.String()}
	if n1 == 0 || n2 == 0 {
		t.Statistic, t.PValue = nan, nan
		return t
	}
	f1, f2, g1, g2 := float64(x1), float64(n1), float64(x2), float64(n2)
	if x1 == 0 || x2 == 0 {
		f1, f2, g1, g2 = f1+0.5, f2+0.5, g1+0.5, g2+0.5
		t.Method += " (0.5 added to each count)"
	}
	se := math.Sqrt(1/f1 - 1/f2 + 1/g1 - 1/g2)
	t.Statistic = (math.Log(f1/f2) - math.Log(g1/g2) - math.Log(value)) / se
	t.PValue = pNormal(t.Statistic, alt)
	return t
}

// Equivalence is the result of RiskRatioEquivalence.
type Equivalence struct {
	// PValue is the TOST p-value, max(PAboveLo, PBelowHi): below alpha the
	// ratio is shown inside (Lo, Hi).
	PValue float64
	// PAboveLo tests H0: rr <= Lo against rr > Lo; PBelowHi tests
	// H0: rr >= Hi against rr < Hi.
	PAboveLo, PBelowHi float64
	// PAboveHi tests H0: rr <= Hi against rr > Hi (materially higher);
	// PBelowLo tests H0: rr >= Lo against rr < Lo (materially lower).
	PAboveHi, PBelowLo float64
	Method             string
}

// RiskRatioEquivalence tests whether the risk ratio p1/p2 lies inside the
// margin (lo, hi) with two one-sided tests (Schuirmann 1987): the TOST
// p-value is the larger of the RiskRatioTest p-values at lo (Greater) and
// hi (Less); below alpha, the (1-2·alpha) Katz interval lies inside the
// margin. It also returns the one-sided tests beyond each margin, which
// show a difference to be material. Reference: statsmodels
// tost_proportions_2indep(compare="ratio", method="log"). An empty group
// gives NaN. It panics unless 0 < lo < hi < +Inf.
func RiskRatioEquivalence(x1, n1, x2, n2 int64, lo, hi float64) Equivalence {
	if !(lo > 0 && lo < hi) || math.IsInf(hi, 1) {
		panic("stats: RiskRatioEquivalence needs 0 < lo < hi < +Inf")
	}
	aboveLo := RiskRatioTest(x1, n1, x2, n2, lo, Greater)
	belowHi := RiskRatioTest(x1, n1, x2, n2, hi, Less)
	e := Equivalence{
		PAboveLo: aboveLo.PValue,
		PBelowHi: belowHi.PValue,
		PAboveHi: RiskRatioTest(x1, n1, x2, n2, hi, Greater).PValue,
		PBelowLo: RiskRatioTest(x1, n1, x2, n2, lo, Less).PValue,
		Method:   "two one-sided tests (TOST) of the log risk ratio (Wald)",
	}
	e.PValue = math.Max(e.PAboveLo, e.PBelowHi)
	if math.IsNaN(e.PAboveLo) || math.IsNaN(e.PBelowHi) {
		e.PValue = nan
	}
	return e
}
