// Command trendlab is the investigators' workbench: import platform exports
// into a DuckDB workspace, investigate a hashtag, run saved SQL, label samples
// in the terminal UI and write HTML reports. main only wires flags to the
// packages; see the README for a tour.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/trendlab/trendlab/datasets"
)

// Exit codes, stable for scripts.
const (
	exitOK       = 0
	exitFailure  = 1 // the command failed (bad input, failed check)
	exitUsage    = 2 // the command line was wrong
	exitLocked   = 3 // the workspace is held by another process
	exitCanceled = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "trendlab:", withFlagHint(err))
	return exitCode(ctx, err)
}

func exitCode(ctx context.Context, err error) int {
	var usage usageError
	switch {
	case errors.As(err, &usage) || isCobraUsage(err):
		return exitUsage
	case errors.Is(err, datasets.ErrLocked):
		return exitLocked
	case ctx.Err() != nil || errors.Is(err, context.Canceled):
		return exitCanceled
	default:
		return exitFailure
	}
}

// isCobraUsage recognises cobra's own command-line errors (unknown command,
// wrong number of arguments), which it does not type.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "requires exactly", "invalid argument"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// usageError marks a mistake in the command line.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}
