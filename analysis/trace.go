package analysis

import (
	"fmt"
	"os"
	"time"
)

// TRENDLAB_TRACE=1 prints every step of an investigation, a related-tags
// search and a sweep with its time on standard error, in the form the
// import's statements are traced (datasets/trace.go): where a slow
// investigation spends its time, without a profiler.
func init() {
	if os.Getenv("TRENDLAB_TRACE") != "" {
		stepTimer = func(step string, d time.Duration) {
			fmt.Fprintf(os.Stderr, "trace %8.3fs  %s\n", d.Seconds(), step)
		}
	}
}

// timeStep starts timing a step; the function it returns tells
// TRENDLAB_TRACE (stepTimer) how long it took.
func timeStep(name string) func() {
	start := time.Now()
	return func() {
		if stepTimer != nil {
			stepTimer(name, time.Since(start))
		}
	}
}
