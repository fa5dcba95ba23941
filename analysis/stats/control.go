package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// baseline returns the mean and sample standard deviation of the first
// days values; ok is false when no day is left after them to judge. It
// panics if days < 2 (no spread can be estimated).
func baseline(x []float64, days int) (mu, sigma float64, ok bool) {
	if days < 2 {
		panic(fmt.Sprintf("stats: control chart baseline of %d days; need at least 2", days))
	}
	if days >= len(x) {
		return 0, 0, false // no day left to judge
	}
	for _, v := range x[:days] {
		mu += v
	}
	mu /= float64(days)
	for _, v := range x[:days] {
		sigma += (v - mu) * (v - mu)
	}
	return mu, math.Sqrt(sigma / float64(days-1)), true
}

// EWMAAlerts runs an exponentially weighted moving average control chart
// (Roberts 1959; Montgomery, Introduction to Statistical Quality Control,
// §9.2) and returns the indexes of the days out of control, ascending.
// The first baselineDays values estimate the in-control mean μ and
// standard deviation σ (sample SD) and are not themselves judged. From
// day i = baselineDays on, with t = i - baselineDays + 1:
//
//	z_i = λ·x_i + (1-λ)·z_{i-1},  z_{baselineDays-1} = μ
//	alert when |z_i - μ| > L·σ·sqrt(λ/(2-λ)·(1-(1-λ)^{2t}))
//
// Common choices are λ = 0.2 to 0.3 and L = 3. The chart is two-sided;
// compare x with μ to tell spikes from drops. A constant baseline
// (σ = 0) flags every day whose EWMA leaves μ. baselineDays >= len(x)
// gives no alerts. It panics if λ is not in (0, 1], L <= 0 or
// baselineDays < 2.
func EWMAAlerts(x []float64, lambda, L float64, baselineDays int) []int {
	if !(lambda > 0 && lambda <= 1) || !(L > 0) {
		panic(fmt.Sprintf("stats: EWMAAlerts needs 0 < lambda <= 1 and L > 0, got %v, %v", lambda, L))
	}
	mu, sigma, ok := baseline(x, baselineDays)
	if !ok {
		return nil
	}
	var alerts []int
	z := mu
	for i := baselineDays; i < len(x); i++ {
		t := float64(i - baselineDays + 1)
		z = lambda*x[i] + (1-lambda)*z
		limit := L * sigma * math.Sqrt(lambda/(2-lambda)*(1-math.Pow(1-lambda, 2*t)))
		if math.Abs(z-mu) > limit {
			alerts = append(alerts, i)
		}
	}
	return alerts
}

// CUSUMAlerts runs a two-sided tabular CUSUM (Page 1954; Montgomery §9.1)
// on the standardised values s_i = (x_i - μ)/σ, where μ and σ (sample SD)
// come from the first baselineDays values, which are not judged:
//
//	C⁺_i = max(0, C⁺_{i-1} + s_i - k),  C⁻_i = max(0, C⁻_{i-1} - s_i - k)
//	alert when C⁺_i > h or C⁻_i > h
//
// k and h are in units of σ (common: k = 0.5, h = 4 or 5). The sums are
// not reset after an alert, so a sustained shift flags every day until the
// sums return under h. A constant baseline (σ = 0) gives no scale to
// standardise by: then exactly the days with x_i != μ are flagged.
// baselineDays >= len(x) gives no alerts. It panics if k < 0, h <= 0 or baselineDays < 2.
func CUSUMAlerts(x []float64, k, h float64, baselineDays int) []int {
	if !(k >= 0) || !(h > 0) {
		panic(fmt.Sprintf("stats: CUSUMAlerts needs k >= 0 and h > 0, got %v, %v", k, h))
	}
	mu, sigma, ok := baseline(x, baselineDays)
	if !ok {
		return nil
	}
	var alerts []int
	var hi, lo float64
	for i := baselineDays; i < len(x); i++ {
		if sigma == 0 {
			if x[i] != mu {
				alerts = append(alerts, i)
			}
			continue
		}
		s := (x[i] - mu) / sigma
		hi = math.Max(0, hi+s-k)
		lo = math.Max(0, lo-s-k)
		if hi > h || lo > h {
			alerts = append(alerts, i)
		}
	}
	return alerts
}

// maxRunLength caps a simulated run that never alarms.
const maxRunLength = 100_000

// CUSUMARL0 is the in-control average run length of CUSUMAlerts' two-sided
// chart with reference k and limit h: the mean number of days until the
// first false alarm when the standardised values are independent N(0, 1)
// with known mean and spread, by simulating runs seeded with seed. Its
// reciprocal is the chance of a false alarm per day. Reference: Montgomery,
// Introduction to Statistical Quality Control, Table 9.3 (k = 0.5: h = 4
// gives 168, h = 5 gives 465). It panics if runs < 1.
func CUSUMARL0(k, h float64, runs int, seed uint64) float64 {
	return simulateARL(runs, seed, func(next func() float64) int {
		var hi, lo float64
		for t := 1; t <= maxRunLength; t++ {
			s := next()
			hi = math.Max(0, hi+s-k)
			lo = math.Max(0, lo-s-k)
			if hi > h || lo > h {
				return t
			}
		}
		return maxRunLength
	})
}

// EWMAARL0 is the in-control average run length of EWMAAlerts' chart with
// weight λ and limit L (time-varying limits, as EWMAAlerts), simulated as
// CUSUMARL0. With the asymptotic limits, λ = 0.2 and L = 3 give about 562
// (Lucas and Saccucci 1990); the simulation of these exact limits gives
// about the same (571 with 4,000 runs). It panics if runs < 1.
func EWMAARL0(lambda, L float64, runs int, seed uint64) float64 {
	return simulateARL(runs, seed, func(next func() float64) int {
		z := 0.0
		for t := 1; t <= maxRunLength; t++ {
			z = lambda*next() + (1-lambda)*z
			limit := L * math.Sqrt(lambda/(2-lambda)*(1-math.Pow(1-lambda, 2*float64(t))))
			if math.Abs(z) > limit {
				return t
			}
		}
		return maxRunLength
	})
}

// simulateARL averages the run lengths of runs simulated charts, each fed
// independent standard normal values from one seeded source.
func simulateARL(runs int, seed uint64, run func(next func() float64) int) float64 {
	if runs < 1 {
		panic(fmt.Sprintf("stats: average run length of %d runs", runs))
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	var total float64
	for range runs {
		total += float64(run(rng.NormFloat64))
	}
	return total / float64(runs)
}
