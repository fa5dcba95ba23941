package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/trendlab/trendlab/internal/pgtest"
)

// TestServerScripts runs the CLI scripts in testdata/server_script against
// a workspace on the test PostgreSQL server: $PGWS is a new database per
// script. Besides TestScripts' commands:
//
//	scrubws FILE OUT    scrub, and the workspace ($PGWS or $WORK/ws.duckdb) becomes $WS and
//	                    JSON durations $DUR, so that output on both engines compares equal
func TestServerScripts(t *testing.T) {
	pgtest.Server(t)
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "server_script"),
		WorkdirRoot:         fixedLengthTempDir(t),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("PGWS", pgtest.NewDatabase(t))
			// the shipped notebooks, for report scripts
			notebooks, err := filepath.Abs(filepath.Join("..", "..", "notebooks"))
			env.Setenv("NOTEBOOKS", notebooks)
			return err
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"trendlab": scriptTrendlab,
			"exitcode": scriptExitCode,
			"scrubws":  scriptScrubWorkspace,
		},
	})
}

var durationNS = regexp.MustCompile(`"duration_ns": \d+`)

// wallClockMinutes matches the minutes of today and yesterday (UTC) as
// tables print them ("2026-12-06 00:33"): when a record was made, which
// differs between the two engines' runs when they straddle a minute. The
// synthetic data's own times are months earlier and stay compared.
func wallClockMinutes() *regexp.Regexp {
	now := time.Now().UTC()
	return regexp.MustCompile(`(` + now.Format(time.DateOnly) + `|` + now.AddDate(0, 0, -1).Format(time.DateOnly) + `) \d{2}:\d{2}`)
}

func scriptScrubWorkspace(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: scrubws FILE OUT")
	}
	s := ts.ReadFile(args[0])
	s = strings.ReplaceAll(s, ts.Getenv("PGWS"), "$WS")
	// JSON escapes the URL's & (encoding/json's HTML-safe default).
	s = strings.ReplaceAll(s, strings.ReplaceAll(ts.Getenv("PGWS"), "&", `\u0026`), "$WS")
	s = strings.ReplaceAll(s, ts.Getenv("WORK")+"/ws.duckdb", "$WS")
	s = strings.ReplaceAll(s, ts.Getenv("WORK"), "$WORK")
	for _, sc := range scrubbers {
		s = sc.re.ReplaceAllString(s, sc.with)
	}
	s = durationNS.ReplaceAllString(s, `"duration_ns": $$DUR`)
	s = wallClockMinutes().ReplaceAllString(s, "$$NOW")
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(s), 0o644))
}
