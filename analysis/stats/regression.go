package stats

import (
	"errors"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/mat"
)

// ErrSingularDesign is returned by the regressions when the design matrix
// has no unique least-squares solution: a constant series used as a
// regressor, fewer days than coefficients, or a break at the very first or
// last day.
var ErrSingularDesign = errors.New("stats: regression design is singular (too few days, or a regressor that does not vary)")

// Regression is an ordinary least squares fit with heteroskedasticity-
// and autocorrelation-consistent (HAC, Newey-West) standard errors.
type Regression struct {
	Names   []string    // one per coefficient, in the order of the design columns
	Coef    []float64   // least-squares coefficients
	SE      []float64   // HAC standard errors: square roots of the diagonal of Cov
	Cov     [][]float64 // HAC covariance of Coef
	N       int         // observations
	MaxLags int         // Bartlett kernel bandwidth L
	Resid   []float64   // y - X·Coef
	Method  string
}

// CI returns the normal-theory interval Coef[j] ± z·SE[j] at conf, the
// interval statsmodels reports for a HAC fit (use_t=False).
func (r Regression) CI(j int, conf float64) Interval {
	z := zCrit(conf)
	return Interval{r.Coef[j] - z*r.SE[j], r.Coef[j] + z*r.SE[j]}
}

// PValue returns the two-sided p-value of Coef[j] = 0 against the standard
// normal (z = Coef/SE).
func (r Regression) PValue(j int) float64 {
	if r.SE[j] == 0 || math.IsNaN(r.SE[j]) {
		return nan
	}
	return pNormal(r.Coef[j]/r.SE[j], TwoSided)
}

// NeweyWestLags is the bandwidth rule of Newey and West (1994) for the
// Bartlett kernel: L = floor(4·(n/100)^(2/9)). It gives 4 lags at 90 days
// and 5 at a year of days.
func NeweyWestLags(n int) int {
	if n <= 0 {
		return 0
	}
	return int(math.Floor(4 * math.Pow(float64(n)/100, 2.0/9)))
}

// OLSHAC fits y = X·b + e by least squares, where X is given by columns
// (each of len(y); include a column of ones for an intercept), and
// estimates the covariance of b with the Newey-West (1987) HAC estimator:
//
//	V = (X'X)⁻¹ S (X'X)⁻¹,  S = Σ_t u_t² x_t x_t' + Σ_{l=1..L} w_l Σ_t (x_t u_t u_{t-l} x_{t-l}' + transpose)
//
// with Bartlett weights w_l = 1 - l/(L+1) and no small-sample correction:
// the estimator of statsmodels OLS(y, X).fit(cov_type='HAC',
// cov_kwds={'maxlags': L}). maxLags < 0 means NeweyWestLags(len(y)).
// It returns ErrSingularDesign when X'X cannot be inverted. It panics if
// a column's length differs from len(y) or names has the wrong length
// (nil names are numbered x0, x1, ...).
func OLSHAC(y []float64, cols [][]float64, names []string, maxLags int) (Regression, error) {
	n, k := len(y), len(cols)
	if names == nil {
		names = make([]string, k)
		for j := range names {
			names[j] = fmt.Sprintf("x%d", j)
		}
	}
	if len(names) != k {
		panic(fmt.Sprintf("stats: OLSHAC has %d names for %d columns", len(names), k))
	}
	for j, c := range cols {
		if len(c) != n {
			panic(fmt.Sprintf("stats: OLSHAC column %d has %d rows, y has %d", j, len(c), n))
		}
	}
	if maxLags < 0 {
		maxLags = NeweyWestLags(n)
	}
	if n < k || k == 0 {
		return Regression{}, ErrSingularDesign
	}
	X := mat.NewDense(n, k, nil)
	for j, c := range cols {
		for i, v := range c {
			X.Set(i, j, v)
		}
	}
	var xtx mat.Dense
	xtx.Mul(X.T(), X)
	var inv mat.Dense
	if err := inv.Inverse(&xtx); err != nil {
		return Regression{}, ErrSingularDesign
	}
	if cond := mat.Cond(&xtx, 1); cond > 1e13 || math.IsInf(cond, 0) {
		return Regression{}, ErrSingularDesign
	}
	var xty mat.VecDense
	xty.MulVec(X.T(), mat.NewVecDense(n, y))
	var b mat.VecDense
	b.MulVec(&inv, &xty)

	resid := make([]float64, n)
	for i := range n {
		fit := 0.0
		for j := range k {
			fit += X.At(i, j) * b.AtVec(j)
		}
		resid[i] = y[i] - fit
	}

	// Scores g_t = x_t·u_t; S is their long-run covariance.
	g := mat.NewDense(n, k, nil)
	for i := range n {
		for j := range k {
			g.Set(i, j, X.At(i, j)*resid[i])
		}
	}
	S := mat.NewDense(k, k, nil)
	S.Mul(g.T(), g)
	for l := 1; l <= maxLags && l < n; l++ {
		w := 1 - float64(l)/float64(maxLags+1)
		var gl mat.Dense
		gl.Mul(g.Slice(l, n, 0, k).T(), g.Slice(0, n-l, 0, k))
		for a := range k {
			for c := range k {
				S.Set(a, c, S.At(a, c)+w*(gl.At(a, c)+gl.At(c, a)))
			}
		}
	}
	var tmp, V mat.Dense
	tmp.Mul(&inv, S)
	V.Mul(&tmp, &inv)

	r := Regression{
		Names: names, N: n, MaxLags: maxLags, Resid: resid,
		Coef: make([]float64, k), SE: make([]float64, k), Cov: make([][]float64, k),
		Method: fmt.Sprintf("OLS with Newey-West HAC standard errors (Bartlett kernel, %d lags)", maxLags),
	}
	for j := range k {
		r.Coef[j] = b.AtVec(j)
		r.SE[j] = math.Sqrt(math.Max(V.At(j, j), 0))
		r.Cov[j] = make([]float64, k)
		for c := range k {
			r.Cov[j][c] = V.At(j, c)
		}
	}
	return r, nil
}

// DayOfWeekColumns returns six 0/1 columns for n consecutive days whose
// first day is a first, one per weekday except Monday (the base level),
// named "dow_tue" ... "dow_sun". With an intercept in the design, each
// coefficient is that weekday's difference from Monday.
func DayOfWeekColumns(first time.Weekday, n int) (names []string, cols [][]float64) {
	days := []time.Weekday{time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	for _, d := range days {
		c := make([]float64, n)
		for i := range c {
			if time.Weekday((int(first)+i)%7) == d {
				c[i] = 1
			}
		}
		names = append(names, "dow_"+[]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}[d])
		cols = append(cols, c)
	}
	return names, cols
}

// Ones returns a column of n ones (an intercept).
func Ones(n int) []float64 {
	c := make([]float64, n)
	for i := range c {
		c[i] = 1
	}
	return c
}

// MinimumDetectableCoef returns the smallest |β| that a two-sided z test
// at level alpha detects with the given power when the coefficient's
// standard error is se: the δ > 0 solving
//
//	Φ(δ/se - z) + Φ(-δ/se - z) = power,  z = z_{1-alpha/2}
//
// (about (z + z_power)·se; bisection). Use it to say what a regression
// that found nothing could have found. se NaN or <= 0 gives NaN. It
// panics if power is not in (alpha, 1).
func MinimumDetectableCoef(se, alpha, power float64) float64 {
	checkAlpha(alpha)
	if !(power > alpha && power < 1) {
		panic(fmt.Sprintf("stats: MinimumDetectableCoef power %v not in (alpha, 1)", power))
	}
	if !(se > 0) || math.IsInf(se, 0) {
		return nan
	}
	z := stdNormal.Quantile(1 - alpha/2)
	pw := func(d float64) float64 { return stdNormal.CDF(d-z) + stdNormal.CDF(-d-z) }
	lo, hi := 0.0, 1.0
	for pw(hi) < power {
		hi *= 2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if pw(mid) < power {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-15*hi {
			break
		}
	}
	return (lo + hi) / 2 * se
}
