package main

import (
	"errors"
	"fmt"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/review"
)

// flagHints say which flag fixes a library error. The libraries name no
// flags (the TUI and notebooks call them too); only the CLI knows its flags.
var flagHints = []struct {
	err  error
	hint string
}{
	{analysis.ErrNoTag, "pass --tag omegle or --tagset NAME"},
	{datasets.ErrReadOnly, "run it without --read-only"},
	{review.ErrReadOnly, "run it without --read-only"},
	{datasets.ErrNoWorkspace, "run `trendlab import` or `trendlab demo` first, or pass --workspace"},
	{datasets.ErrNothingToImport, "pass --videos and/or --events (or --views, --searches, --interventions)"},
	{datasets.ErrRejected, "drop --strict to keep the good rows and the rejects"},
}

// withFlagHint adds the CLI's hint to an error a library returned.
func withFlagHint(err error) error {
	for _, h := range flagHints {
		if errors.Is(err, h.err) {
			return fmt.Errorf("%w (%s)", err, h.hint)
		}
	}
	return err
}
