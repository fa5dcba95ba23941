package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/review"
)

// app holds what every command shares: the global flags.
type app struct {
	workspace   string
	readOnly    bool
	memoryLimit string
	stderr      io.Writer // the root command's, for notices
}

// commands lists the constructors of the subcommands, in the order --help
// shows them. A new command's file adds its constructor here.
func commands() []func(*app) *cobra.Command {
	return []func(*app) *cobra.Command{
		newDemoCmd,
		newSynthCmd,
		newImportCmd,
		newMappingCmd,
		newInvestigateCmd,
		newTagSetCmd,
		newTermsCmd,
		newSweepCmd,
		newWatchCmd,
		newImpactCmd,
		newInterventionCmd,
		newSampleCmd,
		newQueryCmd,
		newSQLCmd,
		newReportCmd,
		newTUICmd,
		newMigrateCmd,
		newBenchCmd,
		func(*app) *cobra.Command { return newBenchRawCmd() },
	}
}

func newRootCmd() *cobra.Command {
	a := &app{stderr: os.Stderr}
	root := &cobra.Command{
		Use:   "trendlab",
		Short: "Investigate hashtag trends in a platform's content and moderation exports",
		Long: `trendlab loads a platform's content and moderation-event exports into a
DuckDB workspace, measures how a hashtag and its variants violate policy
against a baseline, finds spikes and related tags, draws reproducible review
samples, runs saved SQL and writes HTML investigation reports.

Start with:  trendlab demo`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       datasets.Version,
	}
	// Bare `trendlab` opens the terminal UI when there is a terminal to draw on.
	root.Args = cobra.NoArgs
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if !isTerminal(os.Stdin) || !isTerminal(os.Stdout) {
			return usagef("no terminal for the UI: name a command (trendlab --help lists them)")
		}
		return runTUI(cmd.Context(), a)
	}
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) { a.stderr = cmd.ErrOrStderr() }
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	def := os.Getenv("TRENDLAB_WORKSPACE")
	if def == "" {
		def = datasets.DefaultPath
	}
	pf.StringVarP(&a.workspace, "workspace", "w", def, "workspace: a DuckDB file, or a PostgreSQL or Citus database as postgres://USER@HOST/DB (env TRENDLAB_WORKSPACE)")
	pf.BoolVar(&a.readOnly, "read-only", false, "open the workspace read-only")
	pf.StringVar(&a.memoryLimit, "memory-limit", "", "DuckDB memory limit, e.g. 2GB (default: DuckDB's, 80% of RAM)")
	for _, c := range commands() {
		root.AddCommand(c(a))
	}
	return root
}

// open opens the workspace as the global flags say; forceRead opens it
// read-only whatever --read-only says (for commands that only read).
// It says on stderr when it removed an import that had stopped half way.
func (a *app) open(ctx context.Context, forceRead bool) (*datasets.Workspace, error) {
	ws, err := datasets.Open(ctx, a.workspace, datasets.Options{
		ReadOnly:    a.readOnly || forceRead,
		MemoryLimit: a.memoryLimit,
	})
	if err == nil && len(ws.Discarded) > 0 {
		fmt.Fprintf(a.stderr, "trendlab: removed an import that stopped before it finished (%s); nothing of it is in the workspace: import those files again\n",
			strings.Join(ws.Discarded, ", "))
	}
	// Labels given while the workspace was open read-only (the TUI's mode)
	// wait in a journal beside it; a writable open moves them into the table.
	if err == nil && !ws.ReadOnly {
		if _, err := review.ApplyJournal(ctx, ws); err != nil {
			ws.Close()
			return nil, err
		}
	}
	return ws, err
}

// writeJSON prints v as indented JSON, the form of every --json output.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	// Escape C1 controls and bidirectional overrides too (textsafe.JSON).
	_, err = w.Write(append(textsafe.JSON(b), '\n'))
	return err
}
