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
