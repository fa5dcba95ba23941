package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Changepoint is the most likely single change in the rate of a series.
type Changepoint struct {
	Index         int     // first index of the "after" segment
	LogLR         float64 // log likelihood ratio of "one change at Index" against "no change"
	PValue        float64 // permutation p-value (k+1)/(B+1), NaN without permutations
	Before, After float64 // rates
	Method        string
}

// ChangepointBinomial scans a daily series of x[i] events among n[i]
// trials for one change in the binomial rate. For every split
// 1 <= k <= T-1 it computes the log likelihood ratio of two rates (days
// [0, k) and [k, T)) against one common rate:
//
//	LogLR(k) = ℓ(X₁, N₁) + ℓ(X₂, N₂) - ℓ(X, N),  ℓ(x, n) = x·ln(x/n) + (n-x)·ln(1-x/n)
//
// (0·ln 0 = 0) and reports the split with the largest LogLR (the earliest
// one on ties) with the rates X₁/N₁ and X₂/N₂. The maximum over splits has
// no chi-square null distribution, so the p-value is by permutation: the
// days (pairs x[i], n[i]) are shuffled B = permutations times with a PCG
// generator seeded by seed, and PValue = (k+1)/(B+1) where k counts
// shuffles whose maximum LogLR reaches the observed one. It is never 0,
// is exact for exchangeable days under H0 (it keeps day-to-day
// overdispersion, unlike a binomial reference), and the same inputs and
// seed give the same p-value. permutations <= 0 gives PValue NaN.
// Fewer than two days gives Index -1 and NaN. It panics if the slices
// differ in length or some x[i] > n[i].
func ChangepointBinomial(x, n []int64, permutations int, seed uint64) Changepoint {
	xs, ns := binomialSeries("ChangepointBinomial", x, n)
	method := fmt.Sprintf("binomial likelihood-ratio scan for one change; permutation p-value (%d permutations, seed %d)", max(permutations, 0), seed)
	return scan(xs, ns, binomLL, permutations, seed, method)
}

// ChangepointPoisson is ChangepointBinomial for x[i] events over exposure
// e[i] (Poisson rates, events per unit of exposure), with
//
//	ℓ(x, e) = x·ln(x/e) - x
//
// and Before, After the rates X₁/E₁ and X₂/E₂. The permutation p-value is
// computed the same way. It panics if the slices differ in length, some
// e[i] < 0, or x[i] > 0 with e[i] = 0.
func ChangepointPoisson(x []int64, e []float64, permutations int, seed uint64) Changepoint {
	xs, es := poissonSeries("ChangepointPoisson", x, e)
	method := fmt.Sprintf("Poisson likelihood-ratio scan for one change; permutation p-value (%d permutations, seed %d)", max(permutations, 0), seed)
	return scan(xs, es, poisLL, permutations, seed, method)
}

// binomLL is the maximised binomial log likelihood of x events in n trials
// (without the constant binomial coefficient).
func binomLL(x, n float64) float64 {
	if n == 0 || x == 0 || x == n {
		return 0
	}
	p := x / n
	return x*math.Log(p) + (n-x)*math.Log1p(-p)
}

// poisLL is the maximised Poisson log likelihood of x events over exposure
// e (without the constant -ln x!).
func poisLL(x, e float64) float64 {
	if x == 0 || e == 0 {
		return 0
	}
	return x*math.Log(x/e) - x
}

// bestSplit returns the split with the largest log likelihood ratio.
func bestSplit(x, w []float64, ll func(x, w float64) float64) (int, float64) {
	var X, W float64
	for i := range x {
		X += x[i]
		W += w[i]
	}
	all := ll(X, W)
	best, bestLR := -1, math.Inf(-1)
	var x1, w1 float64
	for k := 1; k < len(x); k++ {
		x1 += x[k-1]
		w1 += w[k-1]
		lr := ll(x1, w1) + ll(X-x1, W-w1) - all
		if lr > bestLR {
			best, bestLR = k, lr
		}
	}
	return best, math.Max(0, bestLR)
}

func scan(x, w []float64, ll func(x, w float64) float64, permutations int, seed uint64, method string) Changepoint {
	cp := Changepoint{Index: -1, LogLR: nan, PValue: nan, Before: nan, After: nan, Method: method}
	if len(x) < 2 {
		return cp
	}
	cp.Index, cp.LogLR = bestSplit(x, w, ll)
	var x1, w1, x2, w2 float64
	for i := range x {
		if i < cp.Index {
			x1, w1 = x1+x[i], w1+w[i]
		} else {
			x2, w2 = x2+x[i], w2+w[i]
		}
	}
	cp.Before, cp.After = x1/w1, x2/w2
	if permutations <= 0 {
		return cp
	}
	rng := rand.New(rand.NewPCG(seed, 0x7472656e646c6162)) // "trendlab"
	px := append([]float64(nil), x...)
	pw := append([]float64(nil), w...)
	// Allow for rounding: a shuffle that reproduces the observed split
	// may sum in another order.
	limit := cp.LogLR - 1e-9*math.Max(1, cp.LogLR)
	k := 0
	for range permutations {
		rng.Shuffle(len(px), func(i, j int) {
			px[i], px[j] = px[j], px[i]
			pw[i], pw[j] = pw[j], pw[i]
		})
		if _, lr := bestSplit(px, pw, ll); lr >= limit {
			k++
		}
	}
	cp.PValue = float64(k+1) / float64(permutations+1)
	return cp
}

// binomialSeries checks daily counts x[i] of n[i] (same length, 0 <= x <= n)
// and returns them as floats for the scans; fn names the caller in a panic.
func binomialSeries(fn string, x, n []int64) (xs, ns []float64) {
	if len(x) != len(n) {
		panic("stats: " + fn + " needs x and n of the same length")
	}
	xs = make([]float64, len(x))
	ns = make([]float64, len(x))
	for i := range x {
		checkCount(x[i], n[i])
		xs[i], ns[i] = float64(x[i]), float64(n[i])
	}
	return xs, ns
}

// poissonSeries checks daily counts x[i] over exposures e[i] and returns
// the counts as floats and a copy of the exposures for the scans.
func poissonSeries(fn string, x []int64, e []float64) (xs, es []float64) {
	if len(x) != len(e) {
		panic("stats: " + fn + " needs x and e of the same length")
	}
	xs = make([]float64, len(x))
	for i := range x {
		checkRate(x[i], e[i])
		xs[i] = float64(x[i])
	}
	return xs, append([]float64(nil), e...)
}
