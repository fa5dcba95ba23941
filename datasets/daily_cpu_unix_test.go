//go:build unix

package datasets_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system) the process has used, all
// threads (DuckDB's workers) included: on a shared machine it says what an
// import costs better than the wall clock does.
func processCPU() time.Duration {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
