package analysis_test

import (
	"fmt"

	"github.com/trendlab/trendlab/analysis"
)

func ExampleScoreVariant() {
	for _, tag := range []string{"0megle", "omegel", "omeglefunny", "omega", "cooking"} {
		score, reasons := analysis.ScoreVariant("omegle", tag)
		fmt.Printf("%-12s %.2f %v %q\n", tag, score, score >= analysis.DefaultMinScore, reasons)
	}
	// Output:
	// 0megle       0.95 true ["leetspeak"]
	// omegel       0.75 true ["transposition" "edit distance 1 of 6"]
	// omeglefunny  0.80 true ["compound: seed as prefix"]
	// omega        0.17 false ["edit distance 2 of 6"]
	// cooking      0.00 false []
}
