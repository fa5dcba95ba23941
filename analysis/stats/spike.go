package stats

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// Spike is the window of consecutive days whose rate is most elevated
// above the rest of the series.
type Spike struct {
	Start, End      int     // the window is days [Start, End)
	LogLR           float64 // log likelihood ratio of "elevated inside the window" against "one rate"
	PValue          float64 // Monte Carlo p-value (k+1)/(B+1), NaN without replicates
	Inside, Outside float64 // rates inside and outside the window
	Method          string
}

// SpikeBinomial is a temporal scan statistic (Kulldorff 2001, Bernoulli
// model) for a burst: x[i] events among n[i] trials per day. Every window
// [s, s+w) with 1 <= w <= maxLen days (maxLen <= 0 or too long means up to
// T-1 days) is compared with the days outside it:
//
//	LogLR = ℓ(X_in, N_in) + ℓ(X_out, N_out) - ℓ(X, N)   if X_in/N_in > X_out/N_out, else 0
//
// with ℓ as in ChangepointBinomial, and the window with the largest LogLR
// (the earliest, then shortest, on ties) is reported. Only raised rates
// count: this looks for spikes, not dips.
//
// The p-value is a Monte Carlo test under the null of one common rate,
// which accounts for having scanned every window: B = permutations series
// are simulated with x*[i] ~ Binomial(n[i], X/N) (a parametric bootstrap;
// PCG generator seeded by seed), and PValue = (k+1)/(B+1) where k counts
// simulated maxima at or above the observed one. It is never 0 and is
// reproducible for a seed. Unlike ChangepointBinomial this cannot permute
// days: a one-day spike is the same after any shuffle. It therefore
// assumes days are binomial given the rate; a series with extra-binomial
// day-to-day variation (weekly cycles in the rate) gets p-values that are
// too small, and EWMAAlerts or CUSUMAlerts against an empirical baseline
// are the safer tool there. Fewer than two days gives Start = End = -1
// and NaN. When no window has a raised rate (a flat series, no events),
// Start = End = -1, LogLR is 0, PValue 1 and the rates are NaN; otherwise
// permutations <= 0 gives PValue NaN.
func SpikeBinomial(x, n []int64, maxLen, permutations int, seed uint64) Spike {
	xs, ns := binomialSeries("SpikeBinomial", x, n)
	method := fmt.Sprintf("binomial temporal scan for a raised window (Kulldorff); Monte Carlo p-value under one common rate (%d replicates, seed %d)", max(permutations, 0), seed)
	return spikeScan(xs, ns, binomLL, binomNull, maxLen, permutations, seed, method)
}

// SpikePoisson is SpikeBinomial for x[i] events over exposure e[i] (the
// Poisson model of the scan statistic, rates X/E). Its Monte Carlo null is
// Kulldorff's: the observed total X is spread over the days
// multinomially with probabilities e[i]/E. The same caveat about
// overdispersed series applies.
func SpikePoisson(x []int64, e []float64, maxLen, permutations int, seed uint64) Spike {
	xs, es := poissonSeries("SpikePoisson", x, e)
	method := fmt.Sprintf("Poisson temporal scan for a raised window (Kulldorff); Monte Carlo p-value under one common rate (%d replicates, seed %d)", max(permutations, 0), seed)
	return spikeScan(xs, es, poisLL, poisNull, maxLen, permutations, seed, method)
}

// bestWindow returns the raised window with the largest log likelihood
// ratio, using prefix sums cx, cw (len T+1) as scratch space.
func bestWindow(x, w, cx, cw []float64, ll func(x, w float64) float64, maxLen int) (start, end int, best float64) {
	T := len(x)
	for i := range x {
		cx[i+1] = cx[i] + x[i]
		cw[i+1] = cw[i] + w[i]
	}
	X, W := cx[T], cw[T]
	all := ll(X, W)
	start, end = -1, -1
	for s := 0; s < T; s++ {
		for e := s + 1; e <= min(T, s+maxLen); e++ {
			xin, win := cx[e]-cx[s], cw[e]-cw[s]
			xout, wout := X-xin, W-win
			// Raised inside: xin/win > xout/wout, compared without division.
			if win == 0 || xin*wout <= xout*win {
				continue
			}
			if lr := ll(xin, win) + ll(xout, wout) - all; lr > best {
				start, end, best = s, e, lr
			}
		}
	}
	return start, end, best
}

// binomNull fills sx with x*[i] ~ Binomial(w[i], X/W).
func binomNull(src rand.Source, X float64, w, sx []float64) {
	var W float64
	for _, v := range w {
		W += v
	}
	p := X / W
	for i, n := range w {
		sx[i] = 0
		if n > 0 {
			sx[i] = distuv.Binomial{N: n, P: p, Src: src}.Rand()
		}
	}
}

// poisNull spreads X events over the days multinomially with
// probabilities w[i]/W, by sequential conditional binomial draws.
func poisNull(src rand.Source, X float64, w, sx []float64) {
	var W float64
	for _, v := range w {
		W += v
	}
	left, wleft := X, W
	for i, e := range w {
		sx[i] = 0
		switch {
		case left == 0 || e == 0:
		case e >= wleft || i == len(w)-1:
			sx[i] = left
		default:
			sx[i] = distuv.Binomial{N: left, P: e / wleft, Src: src}.Rand()
		}
		left -= sx[i]
		wleft -= e
	}
}

func spikeScan(x, w []float64, ll func(x, w float64) float64, null func(src rand.Source, X float64, w, sx []float64), maxLen, permutations int, seed uint64, method string) Spike {
	sp := Spike{Start: -1, End: -1, LogLR: nan, PValue: nan, Inside: nan, Outside: nan, Method: method}
	T := len(x)
	if T < 2 {
		return sp
	}
	if maxLen <= 0 || maxLen > T-1 {
		maxLen = T - 1
	}
	cx := make([]float64, T+1)
	cw := make([]float64, T+1)
	sp.Start, sp.End, sp.LogLR = bestWindow(x, w, cx, cw, ll, maxLen)
	if sp.LogLR == 0 {
		// No window has a raised rate.
		sp.Start, sp.End, sp.PValue = -1, -1, 1
		return sp
	}
	var xin, win, xout, wout float64
	for i := range x {
		if i >= sp.Start && i < sp.End {
			xin, win = xin+x[i], win+w[i]
		} else {
			xout, wout = xout+x[i], wout+w[i]
		}
	}
	sp.Inside, sp.Outside = xin/win, xout/wout
	if permutations <= 0 {
		return sp
	}
	src := rand.NewPCG(seed, 0x7472656e646c6162)
	X := xin + xout
	sx := make([]float64, T)
	limit := sp.LogLR - 1e-9*math.Max(1, sp.LogLR)
	k := 0
	for range permutations {
		null(src, X, w, sx)
		if _, _, lr := bestWindow(sx, w, cx, cw, ll, maxLen); lr >= limit {
			k++
		}
	}
	sp.PValue = float64(k+1) / float64(permutations+1)
	return sp
}
