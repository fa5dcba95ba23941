package stats

import (
	"math"
)

// Stratum is one stratum of a stratified sample: N items in the frame,
// N_sampled of them drawn by simple random sampling without replacement,
// X of the sampled items positive.
type Stratum struct{ N, N_sampled, X int64 } // frame size, sample size, positives in sample

// Estimate is a point estimate with its standard error and interval.
type Estimate struct {
	P, SE  float64
	CI     Interval
	Method string
}

// StratifiedProportion estimates the share of positives in the whole frame
// from a stratified sample (Cochran 1977, §5.3 and §5A.2). With weights
// W_h = N_h/N, sample proportions p_h = X_h/n_h and sampling fractions
// f_h = n_h/N_h:
//
//	P   = Σ W_h·p_h
//	SE² = Σ W_h²·(1-f_h)·p_h(1-p_h)/(n_h-1)
//
// (the unbiased variance estimator; 1-f_h is the finite population
// correction, so a fully sampled stratum adds no variance). A stratum with
// n_h = 1 < N_h has no variance estimate; it contributes the worst case
// p(1-p) = 1/4 in place of p_h(1-p_h)/(n_h-1).
//
// The interval is a Wilson score interval at the effective sample size
// n_eff = P(1-P)/SE² (Kish's design effect; Korn & Graubard 1998 use the
// same device with Clopper-Pearson), so it stays inside [0, 1] and is not
// degenerate when P is 0 or 1: then n_eff is the total sample size
// Σ n_h. If every stratum is a census, SE = 0 and CI = [P, P].
//
// Strata with N = 0 are ignored. A stratum with N > 0 and no sampled items
// leaves part of the frame unobserved: the estimate is NaN with interval
// [0, 1]. No strata (or all empty) also gives NaN, [0, 1]. It panics when
// X > N_sampled or N_sampled > N.
func StratifiedProportion(strata []Stratum, conf float64) Estimate {
	z := zCrit(conf)
	est := Estimate{Method: "stratified estimator (Cochran 1977 §5.3) with finite population correction; Wilson interval at Kish effective sample size"}
	m, ok := stratifiedMoments(strata)
	if !ok {
		return Estimate{P: nan, SE: nan, CI: Interval{0, 1}, Method: est.Method}
	}
	p, v, sampled := m.p, m.v, m.sampled
	est.P, est.SE = p, math.Sqrt(v)
	switch {
	case v == 0 && (p == 0 || p == 1):
		est.CI = wilsonZ2(p*sampled, sampled, z*z)
	case v == 0:
		est.CI = Interval{p, p}
	default:
		neff := p * (1 - p) / v
		if p == 0 || p == 1 {
			neff = sampled
		}
		est.CI = wilsonZ2(p*neff, neff, z*z)
	}
	return est
}
