package stats

import (
	"fmt"
	"math"
)

// relErr is the relative tolerance used by R and scipy when collecting the
// outcomes "at least as extreme" for two-sided exact tests: outcomes whose
// probability is at most (1 + 1e-7) times that of the observed one count.
const relErr = 1 + 1e-7

// BinomialTest is the exact binomial test of H0: p = p0 for x successes in
// n trials. One-sided p-values are the binomial tails P(X >= x) (Greater)
// and P(X <= x) (Less). The two-sided p-value is the sum of P(X = k) over
// all k with P(X = k) <= P(X = x)·(1+1e-7) (the "minimum likelihood"
// method of R's binom.test and scipy.stats.binomtest); the boundary on the
// other side of the mode is found by binary search. Probabilities use
// Loader's saddle-point formula and tails are summed outward from their
// start (see pmf.go), so n = 10⁹ is exact to about 1e-9 and fast.
// Statistic is NaN (the exact test has no statistic; the estimate is x/n).
// Reference: scipy.stats.binomtest and R binom.test. n = 0 gives PValue
// NaN. It panics if p0 is not in [0, 1].
func BinomialTest(x, n int64, p0 float64, alt Alternative) Test {
	checkCount(x, n)
	checkAlt(alt)
	if !(p0 >= 0 && p0 <= 1) {
		panic(fmt.Sprintf("stats: BinomialTest p0 = %v not in [0, 1]", p0))
	}
	t := Test{Method: "exact binomial test, " + alt.String(), Statistic: nan}
	if n == 0 {
		t.PValue = nan
		return t
	}
	t.PValue = binomPValue(x, n, p0, alt)
	return t
}

func binomPValue(x, n int64, p0 float64, alt Alternative) float64 {
	if p0 == 0 || p0 == 1 {
		// Degenerate null: only one outcome is possible.
		only := int64(0)
		if p0 == 1 {
			only = n
		}
		switch {
		case x == only:
			return 1
		case alt == Greater:
			return b2f(x <= only)
		case alt == Less:
			return b2f(x >= only)
		}
		return 0
	}
	b := newBinom(n, p0)
	switch alt {
	case Greater:
		return clip01(b.ge(x))
	case Less:
		return clip01(b.le(x))
	}
	thr := b.logp(x) + math.Log(relErr)
	mode := b.mode()
	switch {
	case x < mode:
		// Smallest j in [mode, n] with P(j) <= threshold (none: n+1).
		lo, hi := mode, n+1
		for lo < hi {
			mid := lo + (hi-lo)/2
			if b.logp(mid) <= thr {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		return clip01(b.le(x) + b.ge(lo))
	case x > mode:
		// Largest j in [0, mode] with P(j) <= threshold (none: -1).
		lo, hi := int64(-1), mode
		for lo < hi {
			mid := hi - (hi-lo)/2
			if b.logp(mid) <= thr {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		return clip01(b.le(lo) + b.ge(x))
	}
	// x is the mode: every outcome is at most as likely.
	return 1
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// FisherExact is Fisher's exact test for the 2x2 table [[a b][c d]],
// conditioning on the margins: a follows the hypergeometric distribution
//
//	P(X = k) = C(r1, k)·C(r2, c1-k) / C(n, c1)
//
// with r1 = a+b, r2 = c+d, c1 = a+c, n = a+b+c+d. Greater tests odds
// ratio > 1 (the first row has the higher share in the first column):
// P(X >= a); Less: P(X <= a); TwoSided sums P(X = k) over all k with
// P(X = k) <= P(X = a)·(1+1e-7), as R's fisher.test and
// scipy.stats.fisher_exact do. P(X = k) is computed as R's dhyper does,
// from three saddle-point binomial probabilities (Loader 2000), and tails
// are summed outward with the ratio
// P(k+1)/P(k) = (r1-k)(c1-k)/((k+1)(r2-c1+k+1)) until terms fall below
// 1e-17 of the sum, so tables with counts near 10⁹ are exact and take
// milliseconds. Statistic is NaN. Reference: scipy fisher_exact and R
// fisher.test (R alone for counts near 10⁹, where scipy 1.10 loses
// digits). A table with an empty row (a group with n = 0) or an empty
// column (no events, or only events, in both groups) leaves one possible
// table given its margins, so it is as extreme as itself: PValue 1, as
// scipy and R give.
func FisherExact(a, b, c, d int64, alt Alternative) Test {
	checkCells(a, b, c, d)
	checkAlt(alt)
	t := Test{Method: "Fisher's exact test, " + alt.String(), Statistic: nan}
	h := hyper{r1: a + b, r2: c + d, c1: a + c}
	h.lo = max(0, h.c1-h.r2)
	h.hi = min(h.r1, h.c1)
	if h.lo == h.hi {
		t.PValue = 1
		return t
	}
	n := float64(h.r1 + h.r2)
	mode := int64(math.Floor((float64(h.r1) + 1) * (float64(h.c1) + 1) / (n + 2)))
	mode = min(max(mode, h.lo), h.hi)
	switch alt {
	case Less:
		if a <= mode {
			t.PValue = h.tail(a, -1)
		} else {
			t.PValue = 1 - h.tail(a+1, +1)
		}
	case Greater:
		if a >= mode {
			t.PValue = h.tail(a, +1)
		} else {
			t.PValue = 1 - h.tail(a-1, -1)
		}
	default:
		thr := h.logp(a) + math.Log(relErr)
		switch {
		case a < mode:
			// Smallest k in [mode, hi] with P(k) <= threshold.
			lo, hi := mode, h.hi+1
			for lo < hi {
				mid := lo + (hi-lo)/2
				if h.logp(mid) <= thr {
					hi = mid
				} else {
					lo = mid + 1
				}
			}
			t.PValue = h.tail(a, -1) + h.tail(lo, +1)
		case a > mode:
			// Largest k in [lo, mode] with P(k) <= threshold.
			lo, hi := h.lo-1, mode
			for lo < hi {
				mid := hi - (hi-lo)/2
				if h.logp(mid) <= thr {
					lo = mid
				} else {
					hi = mid - 1
				}
			}
			t.PValue = h.tail(lo, -1) + h.tail(a, +1)
		default:
			// The observed table is the most probable: every table is at
			// least as extreme.
			t.PValue = 1
		}
	}
	t.PValue = clip01(t.PValue)
	return t
}

// hyper is the hypergeometric distribution of the top-left cell of a 2x2
// table with row sums r1, r2 and first column sum c1; support [lo, hi].
type hyper struct {
	r1, r2, c1 int64
	lo, hi     int64
}

// logp returns log P(X = k), -Inf outside the support (R's dhyper).
func (h hyper) logp(k int64) float64 {
	if k < h.lo || k > h.hi {
		return math.Inf(-1)
	}
	n := float64(h.r1 + h.r2)
	p := float64(h.c1) / n
	q := float64(h.r1+h.r2-h.c1) / n
	return logDbinom(float64(k), float64(h.r1), p, q) +
		logDbinom(float64(h.c1-k), float64(h.r2), p, q) -
		logDbinom(float64(h.c1), n, p, q)
}

// ratio returns P(k+dir)/P(k).
func (h hyper) ratio(k, dir int64) float64 {
	if dir > 0 {
		return float64(h.r1-k) * float64(h.c1-k) / (float64(k+1) * float64(h.r2-h.c1+k+1))
	}
	return float64(k) * float64(h.r2-h.c1+k) / (float64(h.r1-k+1) * float64(h.c1-k+1))
}

// tail returns Σ P(X = k) for k = start, start+dir, ... to the end of the
// support, moving away from the mode.
func (h hyper) tail(start, dir int64) float64 {
	return tailSum(h.logp(start), start, dir, h.lo, h.hi, h.ratio)
}

// PoissonRateRatioExact is the exact conditional test of H0: equal rates
// for x1 events over exposure t1 against x2 over t2. Given the total
// n = x1+x2, x1 ~ Binomial(n, t1/(t1+t2)) under H0, so this is
// BinomialTest(x1, n, t1/(t1+t2), alt) (Przyborowski & Wilenski 1940).
// Greater tests rate1 > rate2. Statistic is NaN. Reference: statsmodels
// test_poisson_2indep(method="exact-cond"). No events in either group
// gives PValue 1; an empty group (exposure 0) gives NaN. It panics on
// negative exposure or on events over zero exposure.
func PoissonRateRatioExact(x1 int64, t1 float64, x2 int64, t2 float64, alt Alternative) Test {
	checkAlt(alt)
	checkRate(x1, t1)
	checkRate(x2, t2)
	t := Test{Method: "exact conditional Poisson rate-ratio test, " + alt.String(), Statistic: nan}
	switch {
	case t1 == 0 || t2 == 0:
		t.PValue = nan
	case x1+x2 == 0:
		t.PValue = 1
	default:
		t.PValue = binomPValue(x1, x1+x2, t1/(t1+t2), alt)
	}
	return t
}

// PoissonRateRatioScore is the score (conditional z) test of H0: equal
// rates, with d = t1/t2:
//
//	z = (x1 - d·x2) / sqrt(d·(x1 + x2))
//
// and a standard normal p-value. Reference: statsmodels
// test_poisson_2indep(method="score") (Gu et al. 2008). No events in
// either group gives z = 0, p = 1; an empty group (exposure 0) gives NaN.
func PoissonRateRatioScore(x1 int64, t1 float64, x2 int64, t2 float64, alt Alternative) Test {
	checkAlt(alt)
	checkRate(x1, t1)
	checkRate(x2, t2)
	t := Test{Method: "score test for the Poisson rate ratio, " + alt.String()}
	switch {
	case t1 == 0 || t2 == 0:
		t.Statistic, t.PValue = nan, nan
	case x1+x2 == 0:
		t.Statistic, t.PValue = 0, 1
	default:
		d := t1 / t2
		t.Statistic = (float64(x1) - d*float64(x2)) / math.Sqrt(d*float64(x1+x2))
		t.PValue = pNormal(t.Statistic, alt)
	}
	return t
}

func checkRate(x int64, t float64) {
	if x < 0 || !(t >= 0) || math.IsInf(t, 1) || (t == 0 && x > 0) {
		panic(fmt.Sprintf("stats: invalid Poisson count %d over exposure %v", x, t))
	}
}
