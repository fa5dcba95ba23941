package stats_test

import (
	"fmt"

	"github.com/trendlab/trendlab/analysis/stats"
)

func ExampleWilson() {
	// 37 violating videos among 1200 reviewed.
	iv := stats.Wilson(37, 1200, 0.95)
	fmt.Printf("%.5f %.5f\n", iv.Lo, iv.Hi)
	// Output: 0.02245 0.04221
}

func ExampleFisherExact() {
	t := stats.FisherExact(37, 1163, 410, 98590, stats.Greater)
	fmt.Printf("%.3g\n", t.PValue)
	// Output: 7.75e-20
}

func ExampleChangepointBinomial() {
	// Daily violating videos among videos posted; the rate doubles on day 6.
	x := []int64{21, 18, 25, 19, 22, 20, 41, 45, 39, 44}
	n := []int64{1000, 950, 1100, 990, 1020, 1005, 1010, 980, 1000, 1030}
	cp := stats.ChangepointBinomial(x, n, 999, 1)
	fmt.Printf("change on day %d: %.4f -> %.4f, LogLR %.2f, p = %.3f\n", cp.Index, cp.Before, cp.After, cp.LogLR, cp.PValue)
	// Output: change on day 6: 0.0206 -> 0.0420, LogLR 19.10, p = 0.006
}
