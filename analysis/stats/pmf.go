package stats

import "math"

// Accurate binomial and hypergeometric probabilities for counts up to
// 10⁹ and beyond.
//
// gonum's Binomial.LogProb goes through log-gamma, whose absolute error
// near lgamma(10⁹) ≈ 2·10¹⁰ is about 10⁻⁶, and its binomial CDF goes
// through the regularized incomplete beta function (Cephes incbet), which
// loses several digits when both shape parameters are near 10⁸–10⁹
// (measured: P(X >= 500001234) for n = 10⁹, p = 0.5 comes out 0.504; R
// and scipy give 0.468909). The exact tests therefore use Loader's (2000)
// saddle-point form of the binomial probability, as R's dbinom does,
//
//	P(X = x) = exp(stirlerr(n) - stirlerr(x) - stirlerr(n-x)
//	               - bd0(x, np) - bd0(n-x, nq)) · sqrt(n / (2π x (n-x)))
//
// and sum tails outward with the probability ratio of neighbours.
// Reference: C. Loader, "Fast and Accurate Computation of Binomial
// Probabilities", 2000.

// stirlerr(n) = log(n!) - log(sqrt(2πn)·(n/e)ⁿ), the error of Stirling's
// formula, for n >= 1.
func stirlerr(n float64) float64 {
	const (
		s0 = 1.0 / 12
		s1 = 1.0 / 360
		s2 = 1.0 / 1260
		s3 = 1.0 / 1680
		s4 = 1.0 / 1188
	)
	if n <= 15 {
		lg, _ := math.Lgamma(n + 1)
		return lg - (n+0.5)*math.Log(n) + n - 0.5*math.Log(2*math.Pi)
	}
	nn := n * n
	switch {
	case n > 500:
		return (s0 - s1/nn) / n
	case n > 80:
		return (s0 - (s1-s2/nn)/nn) / n
	case n > 35:
		return (s0 - (s1-(s2-s3/nn)/nn)/nn) / n
	}
	return (s0 - (s1-(s2-(s3-s4/nn)/nn)/nn)/nn) / n
}

// bd0(x, m) = x·log(x/m) + m - x, the deviance term, computed without
// cancellation when x is close to m.
func bd0(x, m float64) float64 {
	if math.Abs(x-m) < 0.1*(x+m) {
		v := (x - m) / (x + m)
		s := (x - m) * v
		ej := 2 * x * v
		v *= v
		for j := 1; j < 1000; j++ {
			ej *= v
			s1 := s + ej/float64(2*j+1)
			if s1 == s {
				return s1
			}
			s = s1
		}
		return s
	}
	return x*math.Log(x/m) + m - x
}

// logDbinom returns log P(X = x) for X ~ Binomial(n, p), q = 1 - p
// (passed separately to keep precision when p is near 1).
func logDbinom(x, n, p, q float64) float64 {
	switch {
	case x < 0 || x > n:
		return math.Inf(-1)
	case p == 0:
		if x == 0 {
			return 0
		}
		return math.Inf(-1)
	case q == 0:
		if x == n {
			return 0
		}
		return math.Inf(-1)
	case x == 0:
		if n == 0 {
			return 0
		}
		if p < 0.1 {
			return -bd0(n, n*q) - n*p
		}
		return n * math.Log(q)
	case x == n:
		if q < 0.1 {
			return -bd0(n, n*p) - n*q
		}
		return n * math.Log(p)
	}
	lc := stirlerr(n) - stirlerr(x) - stirlerr(n-x) - bd0(x, n*p) - bd0(n-x, n*q)
	lf := math.Log(2*math.Pi) + math.Log(x) + math.Log1p(-x/n)
	return lc - 0.5*lf
}

// binom is the binomial distribution with n trials and success
// probability p, for exact tail sums.
type binom struct {
	n    int64
	p, q float64
}

func newBinom(n int64, p float64) binom { return binom{n: n, p: p, q: 1 - p} }

func (b binom) logp(k int64) float64 {
	return logDbinom(float64(k), float64(b.n), b.p, b.q)
}

// mode returns the most probable count ⌊(n+1)p⌋ (clamped to [0, n]).
func (b binom) mode() int64 {
	m := int64(math.Floor(float64(b.n+1) * b.p))
	return min(max(m, 0), b.n)
}

// ratio returns P(k+dir)/P(k).
func (b binom) ratio(k, dir int64) float64 {
	if dir > 0 {
		return float64(b.n-k) / float64(k+1) * b.p / b.q
	}
	return float64(k) / float64(b.n-k+1) * b.q / b.p
}

// le returns P(X <= k).
func (b binom) le(k int64) float64 {
	switch {
	case k < 0:
		return 0
	case k >= b.n:
		return 1
	case k <= b.mode():
		return tailSum(b.logp(k), k, -1, 0, b.n, b.ratio)
	}
	return 1 - tailSum(b.logp(k+1), k+1, +1, 0, b.n, b.ratio)
}

// ge returns P(X >= k).
func (b binom) ge(k int64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > b.n:
		return 0
	case k >= b.mode():
		return tailSum(b.logp(k), k, +1, 0, b.n, b.ratio)
	}
	return 1 - tailSum(b.logp(k-1), k-1, -1, 0, b.n, b.ratio)
}

// tailSum returns Σ P(X = k) for k = start, start+dir, ... to the end of
// the support [lo, hi], given log P(X = start) and the neighbour ratio
// P(k+dir)/P(k). It must be called moving away from the mode, where terms
// decrease, so it can stop when a term falls below 1e-17 of the sum.
func tailSum(logStart float64, start, dir, lo, hi int64, ratio func(k, dir int64) float64) float64 {
	if start < lo || start > hi || math.IsInf(logStart, -1) {
		return 0
	}
	sum, term := 1.0, 1.0 // relative to P(X = start)
	for k := start; (dir > 0 && k < hi) || (dir < 0 && k > lo); k += dir {
		term *= ratio(k, dir)
		sum += term
		if term < 1e-17*sum {
			break
		}
	}
	return math.Exp(logStart + math.Log(sum))
}
