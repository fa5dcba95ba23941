package stats

import (
	"fmt"
	"math"
)

// SampleSizeProportion returns the number of items to sample so that the
// half-width of a normal-approximation confidence interval for a
// proportion near p is at most margin (Cochran 1977, eq. 4.2 and 4.3):
//
//	n0 = z²·p(1-p)/margin²,   n = n0 / (1 + (n0-1)/N)
//
// rounded up. The second step is the finite population correction for a
// frame of N items (the same f = (N-n)/(N-1) as WilsonFPC); N <= 0 means an
// infinite population and returns ceil(n0). Pass p = 0.5 when nothing is
// known: it maximises p(1-p). The result is at least 1 and at most N.
// It panics if p is not in [0, 1] or margin is not in (0, 1).
func SampleSizeProportion(p, margin, conf float64, N int64) int64 {
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("stats: SampleSizeProportion p = %v not in [0, 1]", p))
	}
	if !(margin > 0 && margin < 1) {
		panic(fmt.Sprintf("stats: SampleSizeProportion margin = %v not in (0, 1)", margin))
	}
	z := zCrit(conf)
	n := z * z * p * (1 - p) / (margin * margin)
	if N > 0 {
		n = n / (1 + (n-1)/float64(N))
	}
	// Round up, ignoring floating-point residue such as 385.00000000001.
	out := int64(math.Ceil(n - 1e-9))
	if out < 1 {
		out = 1
	}
	if N > 0 && out > N {
		out = N
	}
	return out
}

// CohensH returns Cohen's (1988) effect size for two proportions,
// h = 2·asin(√p1) - 2·asin(√p2), the difference on the variance-stabilising
// arcsine scale. |h| = 0.2, 0.5, 0.8 are Cohen's "small", "medium",
// "large". Reference: statsmodels proportion_effectsize. Proportions
// outside [0, 1] give NaN.
func CohensH(p1, p2 float64) float64 {
	return 2*math.Asin(math.Sqrt(p1)) - 2*math.Asin(math.Sqrt(p2))
}

// PowerTwoProportions returns the power of the two-sample test of
// p1 = p2 at level alpha with n1 and n2 items, using the normal
// approximation on the arcsine scale (Cohen 1988, ch. 6): with
// h = CohensH(p1, p2) and m = 1/(1/n1 + 1/n2),
//
//	TwoSided: Φ(h√m - z_{1-α/2}) + Φ(-h√m - z_{1-α/2})
//	Greater:  Φ(h√m - z_{1-α})          Less: Φ(-h√m - z_{1-α})
//
// Reference: statsmodels NormalIndPower().power(effect_size=h, nobs1=n1,
// ratio=n2/n1, alpha, alternative). n1 or n2 <= 0 gives NaN.
func PowerTwoProportions(p1, p2 float64, n1, n2 int64, alpha float64, alt Alternative) float64 {
	checkAlt(alt)
	checkAlpha(alpha)
	if n1 <= 0 || n2 <= 0 {
		return nan
	}
	h := CohensH(p1, p2)
	return powerH(h, n1, n2, alpha, alt)
}

func powerH(h float64, n1, n2 int64, alpha float64, alt Alternative) float64 {
	m := 1 / (1/float64(n1) + 1/float64(n2))
	s := h * math.Sqrt(m)
	switch alt {
	case Greater:
		return stdNormal.CDF(s - stdNormal.Quantile(1-alpha))
	case Less:
		return stdNormal.CDF(-s - stdNormal.Quantile(1-alpha))
	}
	c := stdNormal.Quantile(1 - alpha/2)
	return clip01(stdNormal.CDF(s-c) + stdNormal.CDF(-s-c))
}

func checkAlpha(alpha float64) {
	if !(alpha > 0 && alpha < 1) {
		panic(fmt.Sprintf("stats: significance level %v not in (0, 1)", alpha))
	}
}

// MinimumDetectableEffect returns the smallest p1 > p0 that the two-sided
// two-proportion test at level alpha detects with the given power, for
// groups of n1 and n2, and its effect size h. h solves
// PowerTwoProportions = power (bisection on the two-sided power formula,
// which is increasing in h > 0), and p1 = sin²(asin(√p0) + h/2) inverts
// CohensH. Reference: statsmodels NormalIndPower().solve_power(nobs1=n1,
// ratio=n2/n1, alpha, power). When even p1 = 1 is not detectable (h would
// exceed π - 2·asin(√p0)) p1 is NaN and h is still the required effect
// size. n1 or n2 <= 0 gives NaN, NaN. It panics if power is not in
// (alpha, 1) or p0 not in [0, 1].
func MinimumDetectableEffect(p0 float64, n1, n2 int64, alpha, power float64) (p1 float64, h float64) {
	checkAlpha(alpha)
	if !(power > alpha && power < 1) {
		panic(fmt.Sprintf("stats: MinimumDetectableEffect power %v not in (alpha, 1)", power))
	}
	if !(p0 >= 0 && p0 <= 1) {
		panic(fmt.Sprintf("stats: MinimumDetectableEffect p0 = %v not in [0, 1]", p0))
	}
	if n1 <= 0 || n2 <= 0 {
		return nan, nan
	}
	lo, hi := 0.0, 1.0
	for powerH(hi, n1, n2, alpha, TwoSided) < power {
		hi *= 2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if powerH(mid, n1, n2, alpha, TwoSided) < power {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-15*hi {
			break
		}
	}
	h = (lo + hi) / 2
	phi := math.Asin(math.Sqrt(p0)) + h/2
	if phi > math.Pi/2 {
		return nan, h
	}
	s := math.Sin(phi)
	return s * s, h
}
