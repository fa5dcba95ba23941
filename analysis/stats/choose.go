package stats

import (
	"fmt"
	"math"
)

// MinExpected returns the smallest expected count r_i·c_j/n of the 2x2
// table [[a b][c d]] under independence, the quantity in Cochran's (1954)
// rule "use an exact test when an expected count is below 5". An empty
// table gives NaN.
func MinExpected(a, b, c, d int64) float64 {
	checkCells(a, b, c, d)
	n := float64(a + b + c + d)
	if n == 0 {
		return nan
	}
	r := math.Min(float64(a+b), float64(c+d))
	col := math.Min(float64(a+c), float64(b+d))
	return r * col / n
}

// CompareProportions tests H0: p1 = p2 for x1 of n1 against x2 of n2 with
// the test an analyst would choose: FisherExact on [[x1 n1-x1][x2 n2-x2]]
// when MinExpected is below 5, where the normal approximation is poor,
// and the pooled TwoProportionZ otherwise. Method names the test and the
// reason, for example
//
//	"Fisher's exact test, two-sided (smallest expected count 2.31 < 5)"
//
// Empty groups and identical degenerate groups follow the conventions of
// the chosen test (PValue NaN, or 1).
func CompareProportions(x1, n1, x2, n2 int64, alt Alternative) Test {
	checkCount(x1, n1)
	checkCount(x2, n2)
	checkAlt(alt)
	e := MinExpected(x1, n1-x1, x2, n2-x2)
	var t Test
	if math.IsNaN(e) || e < 5 {
		t = FisherExact(x1, n1-x1, x2, n2-x2, alt)
		if !math.IsNaN(e) {
			t.Method += fmt.Sprintf(" (smallest expected count %.3g < 5)", e)
		}
		return t
	}
	t = TwoProportionZ(x1, n1, x2, n2, alt)
	t.Method += fmt.Sprintf(" (smallest expected count %.3g >= 5)", e)
	return t
}
