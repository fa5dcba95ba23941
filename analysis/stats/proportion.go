package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Wilson returns the Wilson (1927) score interval for a binomial proportion
// x/n at confidence conf, without continuity correction:
//
//	centre = (x + z²/2) / (n + z²)
//	half   = z / (n + z²) · sqrt(x(n-x)/n + z²/4)
//
// with z = Φ⁻¹(1 - (1-conf)/2). Reference: statsmodels
// proportion_confint(method="wilson"). The interval always lies in [0, 1];
// x = 0 gives Lo = 0 and x = n gives Hi = 1.
// n = 0 carries no information and returns [0, 1].
// It panics if x < 0, x > n or conf is not in (0, 1).
func Wilson(x, n int64, conf float64) Interval {
	checkCount(x, n)
	z := zCrit(conf)
	if n == 0 {
		return Interval{0, 1}
	}
	return wilsonZ2(float64(x), float64(n), z*z)
}

// wilsonZ2 is the Wilson interval for x of n with the squared critical
// value z2 (which WilsonFPC scales by the finite population correction).
func wilsonZ2(x, n, z2 float64) Interval {
	p := x / n
	denom := 1 + z2/n
	centre := (p + z2/(2*n)) / denom
	half := math.Sqrt(p*(1-p)/n+z2/(4*n*n)) * math.Sqrt(z2) / denom
	lo, hi := clip01(centre-half), clip01(centre+half)
	// Exact bounds at the edges (avoid 1e-17 rounding residue).
	if x == 0 {
		lo = 0
	}
	if x == n {
		hi = 1
	}
	return Interval{lo, hi}
}

// WilsonFPC returns the Wilson score interval for x positives in a simple
// random sample of n drawn without replacement from a frame of size N.
// The finite population correction f = (N-n)/(N-1) scales the binomial
// variance, so the score equation becomes (p̂-p)² = z²·f·p(1-p)/n, which is
// the Wilson interval with z² replaced by z²·f. A census (n = N) returns
// [x/n, x/n]. N <= 0 means the frame size is unknown or infinite and gives
// plain Wilson. n = 0 returns [0, 1]. It panics if n > N > 0.
func WilsonFPC(x, n, N int64, conf float64) Interval {
	checkCount(x, n)
	z := zCrit(conf)
	if N <= 0 {
		return Wilson(x, n, conf)
	}
	if n > N {
		panic("stats: WilsonFPC sample size n exceeds frame size N")
	}
	if n == 0 {
		return Interval{0, 1}
	}
	if n == N {
		p := float64(x) / float64(n)
		return Interval{p, p}
	}
	f := float64(N-n) / float64(N-1)
	return wilsonZ2(float64(x), float64(n), z*z*f)
}

// ClopperPearson returns the Clopper-Pearson (1934) "exact" interval from
// the beta distribution:
//
//	Lo = Beta(x, n-x+1).Quantile(α/2)    (0 when x = 0)
//	Hi = Beta(x+1, n-x).Quantile(1-α/2)  (1 when x = n)
//
// with α = 1 - conf. Reference: statsmodels proportion_confint(method="beta").
// n = 0 returns [0, 1].
func ClopperPearson(x, n int64, conf float64) Interval {
	checkCount(x, n)
	checkConf(conf)
	if n == 0 {
		return Interval{0, 1}
	}
	alpha := 1 - conf
	iv := Interval{0, 1}
	if x > 0 {
		iv.Lo = distuv.Beta{Alpha: float64(x), Beta: float64(n - x + 1)}.Quantile(alpha / 2)
	}
	if x < n {
		iv.Hi = distuv.Beta{Alpha: float64(x + 1), Beta: float64(n - x)}.Quantile(1 - alpha/2)
	}
	return iv
}

// AgrestiCoull returns the Agresti-Coull (1998) "add z² pseudo-observations"
// interval:
//
//	ñ = n + z²,  p̃ = (x + z²/2)/ñ,  p̃ ± z·sqrt(p̃(1-p̃)/ñ)
//
// clipped to [0, 1]. Reference: statsmodels
// proportion_confint(method="agresti_coull"). n = 0 returns [0, 1].
func AgrestiCoull(x, n int64, conf float64) Interval {
	checkCount(x, n)
	z := zCrit(conf)
	if n == 0 {
		return Interval{0, 1}
	}
	nt := float64(n) + z*z
	pt := (float64(x) + z*z/2) / nt
	half := z * math.Sqrt(pt*(1-pt)/nt)
	return Interval{clip01(pt - half), clip01(pt + half)}
}
