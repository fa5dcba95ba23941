package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScripts runs the CLI scripts in testdata/script: each .txtar file is a
// sequence of real trendlab commands (run in-process) with their exact
// output. `go test -run TestScripts -update` rewrites the expected files in
// the archives; review the diff before committing.
//
// Commands the scripts have besides testscript's own:
//
//	trendlab ARGS...    run trendlab; fails unless it exits 0 (or, with !, non-zero)
//	exitcode N          the last trendlab's exit code was N
//	scrub FILE OUT      FILE (stdout, stderr or a file) with run-to-run changes
//	                    (the work dir, times, durations) replaced by $WORK, $TIME, $DUR
func TestScripts(t *testing.T) {
	root := fixedLengthTempDir(t)
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		WorkdirRoot:         root,
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"trendlab": scriptTrendlab,
			"exitcode": scriptExitCode,
			"scrub":    scriptScrub,
		},
	})
}

// fixedLengthTempDir returns a new directory whose path has the same length
// on every run, so that tables whose widths follow a path stay byte-for-byte
// the same once the path is replaced by $WORK.
func fixedLengthTempDir(t *testing.T) string {
	t.Helper()
	b := make([]byte, 4)
	rand.Read(b)
	dir := filepath.Join(os.TempDir(), "trendlab-script-"+hex.EncodeToString(b))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func scriptTrendlab(ts *testscript.TestScript, neg bool, args []string) {
	code := run(context.Background(), args, ts.Stdout(), ts.Stderr())
	ts.Setenv("EXITCODE", strconv.Itoa(code))
	if neg && code == exitOK {
		ts.Fatalf("trendlab exited 0, want a failure")
	}
	if !neg && code != exitOK {
		ts.Fatalf("trendlab exited %d", code)
	}
}

func scriptExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: exitcode N")
	}
	if got := ts.Getenv("EXITCODE"); got != args[0] {
		ts.Fatalf("trendlab exited %s, want %s", got, args[0])
	}
}

var scrubbers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z`), "$$TIME"},
	{regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s|m)\b`), "$$DUR"},
}

func scriptScrub(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: scrub FILE OUT")
	}
	s := ts.ReadFile(args[0])
	s = strings.ReplaceAll(s, ts.Getenv("WORK"), "$WORK")
	for _, sc := range scrubbers {
		s = sc.re.ReplaceAllString(s, sc.with)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(s), 0o644))
}
