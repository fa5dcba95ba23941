package stats

import (
	"fmt"
	"time"
)

// ITS is an interrupted time series fit: a segmented regression of a
// daily series on its trend, a change of level and a change of slope at
// day At, and day-of-week terms, with Newey-West HAC standard errors.
type ITS struct {
	Regression
	At    int // first day after the interruption
	Level int // index in Coef of the level change ("level_change")
	Slope int // index in Coef of the slope change per day ("slope_change")
}

// InterruptedTimeSeries fits, for days t = 0..n-1 with the interruption
// at day at (the first day under the new regime),
//
//	y_t = b0 + b1·t + b2·[t >= at] + b3·(t - at)·[t >= at] + Σ dow_d + e_t
//
// by OLSHAC (first is the weekday of day 0, maxLags < 0 picks
// NeweyWestLags). b2 is the immediate change of level and b3 the change
// of slope per day. Why least squares with HAC errors rather than a
// Poisson or negative-binomial count model: the callers fit log daily
// reach and counts, which are overdispersed by orders of magnitude (one
// video's views are not independent events) and autocorrelated; a count
// model would need both modelled to get honest intervals, while HAC
// errors are valid under unknown autocorrelation and heteroskedasticity,
// and a coefficient on the log scale reads as a percentage (exp(b2)-1).
// Both segments need at least 7 days (else ErrSingularDesign).
//
// Coverage (TestInterruptedTimeSeriesCoverage): the nominal 95% interval
// of the level change covers the truth in 92% of simulated series with
// white errors and 87% with AR(1) errors (φ = 0.4), 180 days with the
// break at day 120: HAC errors are too small in short, persistent post
// periods, so read an interval whose end is near zero as weak evidence.
func InterruptedTimeSeries(y []float64, first time.Weekday, at, maxLags int) (ITS, error) {
	n := len(y)
	if at < 7 || n-at < 7 {
		return ITS{}, ErrSingularDesign
	}
	t, post, since := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		t[i] = float64(i)
		if i >= at {
			post[i] = 1
			since[i] = float64(i - at)
		}
	}
	names := []string{"const", "trend", "level_change", "slope_change"}
	cols := [][]float64{Ones(n), t, post, since}
	dn, dc := DayOfWeekColumns(first, n)
	r, err := OLSHAC(y, append(cols, dc...), append(names, dn...), maxLags)
	if err != nil {
		return ITS{}, err
	}
	r.Method = fmt.Sprintf("segmented regression (level and slope change at day %d, linear trend, day of week); %s", at, r.Method)
	return ITS{Regression: r, At: at, Level: 2, Slope: 3}, nil
}

// DiffInDiff is the comparative interrupted time series: the difference
// d_t = treated_t - comparison_t (on the log scale, the log ratio of the
// treated series to the comparison) fitted by InterruptedTimeSeries. A
// change that hits both series alike (a platform-wide dip) cancels in
// d_t, so the level change is the effect on the treated series against
// the comparison. Unlike the two-period difference-in-differences, the
// pre-period trend of the difference is estimated, so a treated series
// that was already growing faster is not credited to the intervention.
// It panics if the series differ in length.
func DiffInDiff(treated, comparison []float64, first time.Weekday, at, maxLags int) (ITS, error) {
	if len(treated) != len(comparison) {
		panic(fmt.Sprintf("stats: DiffInDiff series of %d and %d days", len(treated), len(comparison)))
	}
	d := make([]float64, len(treated))
	for i := range d {
		d[i] = treated[i] - comparison[i]
	}
	r, err := InterruptedTimeSeries(d, first, at, maxLags)
	if err != nil {
		return ITS{}, err
	}
	r.Method = "difference against the comparison series, " + r.Method
	return r, nil
}
