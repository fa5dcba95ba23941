package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a confidence interval [Lo, Hi].
type Interval struct{ Lo, Hi float64 }

// Contains reports whether v lies in the closed interval [Lo, Hi].
func (iv Interval) Contains(v float64) bool { return iv.Lo <= v && v <= iv.Hi }

// String formats the interval as "[lo, hi]" with four significant digits.
func (iv Interval) String() string { return fmt.Sprintf("[%.4g, %.4g]", iv.Lo, iv.Hi) }

// Alternative is the alternative hypothesis of a test.
type Alternative int

const (
	// TwoSided tests for a difference in either direction.
	TwoSided Alternative = iota
	// Greater tests whether group 1 is greater than group 2 (or than p0).
	Greater
	// Less tests whether group 1 is less than group 2 (or than p0).
	Less
)

// String returns "two-sided", "greater" or "less".
func (a Alternative) String() string {
	switch a {
	case TwoSided:
		return "two-sided"
	case Greater:
		return "greater"
	case Less:
		return "less"
	}
	return fmt.Sprintf("Alternative(%d)", int(a))
}

// Test is the result of a hypothesis test.
type Test struct {
	Method    string  // e.g. "Fisher's exact test", "two-proportion z test (pooled)"
	Statistic float64 // NaN where the test has none (Fisher)
	PValue    float64
}

// stdNormal is the standard normal distribution N(0, 1).
var stdNormal = distuv.Normal{Mu: 0, Sigma: 1}

// zCrit returns the two-sided critical value z_{1-(1-conf)/2} of the
// standard normal distribution, e.g. 1.959964 for conf = 0.95.
// It panics if conf is not in (0, 1): that is a programming error.
func zCrit(conf float64) float64 {
	checkConf(conf)
	return stdNormal.Quantile(1 - (1-conf)/2)
}

func checkConf(conf float64) {
	if !(conf > 0 && conf < 1) {
		panic(fmt.Sprintf("stats: confidence level %v not in (0, 1)", conf))
	}
}

// checkCount panics if x is not a count of at most n successes in n trials.
// Counts come from aggregates, so a violation is a programming error.
func checkCount(x, n int64) {
	if n < 0 || x < 0 || x > n {
		panic(fmt.Sprintf("stats: invalid count x=%d of n=%d (need 0 <= x <= n)", x, n))
	}
}

// clip01 clips a probability to [0, 1], keeping NaN.
func clip01(p float64) float64 {
	if p < 0 {
		return 0
	}
	if p > 1 {
		return 1
	}
	return p
}

// pNormal returns the p-value of a standard normal statistic z under alt.
// Upper tails use Φ(-z) (erfc based), which keeps precision far in the tail
// where 1-Φ(z) would round to 0.
func pNormal(z float64, alt Alternative) float64 {
	switch alt {
	case TwoSided:
		return clip01(2 * stdNormal.CDF(-math.Abs(z)))
	case Greater:
		return clip01(stdNormal.CDF(-z))
	case Less:
		return clip01(stdNormal.CDF(z))
	}
	panic(fmt.Sprintf("stats: unknown alternative %d", int(alt)))
}

func checkAlt(alt Alternative) {
	if alt != TwoSided && alt != Greater && alt != Less {
		panic(fmt.Sprintf("stats: unknown alternative %d", int(alt)))
	}
}

var nan = math.NaN()
