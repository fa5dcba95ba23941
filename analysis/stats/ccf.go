package stats

import (
	"fmt"
	"math"
)

// AR is an autoregression x_t = c + φ₁x_{t-1} + ... + φ_p x_{t-p} + e_t
// fitted by least squares (conditional on the first p values), the fit of
// statsmodels AutoReg(x, lags=p, trend='c').
type AR struct {
	Const float64
	Phi   []float64 // φ₁..φ_p
	AIC   float64   // ln(σ̂²) + 2(p+1)/m on the m fitted values, as ar_select_order compares them
}

// FitAR fits an AR(p) with a constant to x by least squares. It returns
// ErrSingularDesign when x has fewer than 2p+2 values or is constant.
func FitAR(x []float64, p int) (AR, error) {
	return fitAR(x, p, p)
}

// fitAR fits AR(p) on the values from index skip >= p on, so that
// orders compared by AIC are fitted to the same sample.
func fitAR(x []float64, p, skip int) (AR, error) {
	m := len(x) - skip
	if p < 0 || m < 2*(p+1) {
		return AR{}, ErrSingularDesign
	}
	cols := [][]float64{Ones(m)}
	for i := 1; i <= p; i++ {
		cols = append(cols, x[skip-i:len(x)-i])
	}
	r, err := OLSHAC(x[skip:], cols, nil, 0)
	if err != nil {
		return AR{}, err
	}
	ss := 0.0
	for _, u := range r.Resid {
		ss += u * u
	}
	return AR{Const: r.Coef[0], Phi: r.Coef[1:], AIC: math.Log(ss/float64(m)) + 2*float64(p+1)/float64(m)}, nil
}

// SelectAR fits AR(0) ... AR(maxP) to the same sample (x without its
// first maxP values), picks the order with the smallest AIC, and refits
// that order to all of x. The order matches statsmodels
// ar_select_order(x, maxlag=maxP, ic='aic', trend='c').
func SelectAR(x []float64, maxP int) (AR, error) {
	best, bestAIC := -1, math.Inf(1)
	for p := 0; p <= maxP; p++ {
		ar, err := fitAR(x, p, maxP)
		if err != nil {
			break
		}
		if ar.AIC < bestAIC {
			best, bestAIC = p, ar.AIC
		}
	}
	if best < 0 {
		return AR{}, ErrSingularDesign
	}
	return FitAR(x, best)
}

// Filter applies the AR model's whitening filter to s:
// out_t = s_t - c - Σ φ_i s_{t-i}, for t = p .. len(s)-1.
func (a AR) Filter(s []float64) []float64 {
	p := len(a.Phi)
	if len(s) <= p {
		return nil
	}
	out := make([]float64, len(s)-p)
	for t := p; t < len(s); t++ {
		v := s[t] - a.Const
		for i, f := range a.Phi {
			v -= f * s[t-1-i]
		}
		out[t-p] = v
	}
	return out
}

// CCF is the cross-correlation of two daily series after prewhitening.
type CCF struct {
	Lags    []int      // -maxLag .. maxLag
	R       []float64  // R[i] = corr(x'_t, y'_{t+Lags[i]}): positive lags are y following x
	CI      []Interval // Fisher-z interval for each R
	Band    float64    // z/√n: |R| beyond it differs from 0 at the chosen level
	N       int        // prewhitened days
	AR      AR         // the filter fitted to x and applied to both
	Method  string
	MaxLagR int // index in Lags of the largest |R|
}

// CrossCorrelation estimates the cross-correlation of x and y at lags
// -maxLag..maxLag after prewhitening (Box and Jenkins): an AR model is
// fitted to x (order by AIC up to maxAR, SelectAR), and the same filter
// is applied to x and to y. Raw cross-correlations of two autocorrelated
// series have variance far above 1/n, so two unrelated trending series
// look correlated; after prewhitening x' is close to white noise and,
// when x and y are unrelated, each R is approximately N(0, 1/n) whatever
// y's own autocorrelation (Bartlett's formula). Band is that null bound,
// and CI is the Fisher-z interval tanh(atanh(R) ± z/√(n-3)).
//
// R is statsmodels ccf(y', x', adjusted=False)[k] for k >= 0 and
// ccf(x', y', adjusted=False)[-k] for k < 0: the sample means removed and
// the products summed over the n-|k| overlapping days divided by n.
// It returns ErrSingularDesign when the series are too short or constant.
// It panics if len(x) != len(y).
func CrossCorrelation(x, y []float64, maxLag, maxAR int, conf float64) (CCF, error) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("stats: CrossCorrelation series of %d and %d days", len(x), len(y)))
	}
	z := zCrit(conf)
	ar, err := SelectAR(x, maxAR)
	if err != nil {
		return CCF{}, err
	}
	xw, yw := ar.Filter(x), ar.Filter(y)
	n := len(xw)
	if n <= maxLag+3 {
		return CCF{}, ErrSingularDesign
	}
	sx, sy := sd(xw), sd(yw)
	if sx == 0 || sy == 0 {
		return CCF{}, ErrSingularDesign
	}
	mx, my := mean(xw), mean(yw)
	c := CCF{
		Band: z / math.Sqrt(float64(n)), N: n, AR: ar,
		Method: fmt.Sprintf("cross-correlation after prewhitening both series with an AR(%d) fitted to the tag set's series (order by AIC); Fisher-z intervals", len(ar.Phi)),
	}
	half := z / math.Sqrt(float64(n-3))
	for k := -maxLag; k <= maxLag; k++ {
		s := 0.0
		for t := range n {
			if u := t + k; u >= 0 && u < n {
				s += (xw[t] - mx) * (yw[u] - my)
			}
		}
		r := s / float64(n) / (sx * sy)
		c.Lags = append(c.Lags, k)
		c.R = append(c.R, r)
		a := math.Atanh(r)
		c.CI = append(c.CI, Interval{math.Tanh(a - half), math.Tanh(a + half)})
		if math.Abs(r) > math.Abs(c.R[c.MaxLagR]) {
			c.MaxLagR = len(c.R) - 1
		}
	}
	return c, nil
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// sd is the population standard deviation (divisor n), as ccf uses.
func sd(x []float64) float64 {
	m, s := mean(x), 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(len(x)))
}
