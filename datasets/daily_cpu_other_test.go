//go:build !unix

package datasets_test

import "time"

// processCPU is not measured here: the benchmarks report 0 CPU seconds.
func processCPU() time.Duration { return 0 }
