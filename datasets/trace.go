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

func traced(start time.Time, q string) {
	if traceSQL {
		q = strings.Join(strings.Fields(q), " ")
		if len(q) > 140 && os.Getenv("TRENDLAB_TRACE") != "full" {
			q = q[:140] + "…"
		}
		fmt.Fprintf(os.Stderr, "trace %8.3fs  %s\n", time.Since(start).Seconds(), q)
	}
}

func execT(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	defer traced(time.Now(), q)
	return tx.ExecContext(ctx, q, args...)
}
