package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"
)

// traceSQL, set by TRENDLAB_TRACE=1, prints each import statement and its
// time to stderr: the tool for finding where an import spends its time.
var traceSQL = os.Getenv("TRENDLAB_TRACE") != ""

// stepHook, when set (by the crash tests), is called after every statement
// an import runs and just before each of its commits, with a short name of
// the step: the points where those tests kill the process.
var stepHook func(step string)

func traced(start time.Time, q string) {
	if traceSQL {
		q = strings.Join(strings.Fields(q), " ")
		if len(q) > 140 && os.Getenv("TRENDLAB_TRACE") != "full" {
			q = q[:140] + "…"
		}
		fmt.Fprintf(os.Stderr, "trace %8.3fs  %s\n", time.Since(start).Seconds(), q)
	}
}

func step(name string) {
	if stepHook != nil {
		stepHook(name)
	}
}

func execT(ctx context.Context, tx execer, q string, args ...any) (sql.Result, error) {
	start := time.Now()
	res, err := tx.ExecContext(ctx, q, args...)
	traced(start, q)
	step(q)
	return res, err
}

// commitT commits tx, named what for the trace and the crash tests.
func commitT(tx *sql.Tx, what string) error {
	step("commit " + what)
	start := time.Now()
	err := tx.Commit()
	traced(start, "commit "+what)
	return err
}
