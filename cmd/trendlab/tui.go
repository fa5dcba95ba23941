package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/who"
	"github.com/trendlab/trendlab/queries"
	"github.com/trendlab/trendlab/tui"
)

// tuiFlags are the TUI's settings from the command line.
type tuiFlags struct {
	write        bool
	reviewer     string
	labels       string
	pauseEvery   int
	noColor      bool
	showCaptions bool
	background   string
	queries      []string
	history      string
}

// defaultTUIFlags are used when bare `trendlab` opens the TUI.
func defaultTUIFlags() tuiFlags {
	return tuiFlags{pauseEvery: 25, background: "auto"}
}

func newTUICmd(a *app) *cobra.Command {
	f := defaultTUIFlags()
	cmd := &cobra.Command{
		Use:   "tui",
		Short: "Open the terminal UI: catalog, SQL console, results, tags, sample review, reports",
		Long: `tui opens the workspace in the terminal UI. Press ? on any screen for its keys.

Captions (and rejected rows as read) are hidden on every screen until you
reveal them: r for the row under the cursor, C for the whole session, or
--show-captions from the start, as reports do.
Colours follow the terminal background; NO_COLOR (or --no-color) turns them off.
The SQL history is kept in the user config folder (trendlab/history). Saved
queries come from --queries and ` + queries.EnvQueries + `, as for ` + "`trendlab query`" + `.

` + tui.HelpText(),
		Example: `  trendlab tui
  trendlab tui --reviewer ana --labels escalate:e!,violating:v!,not_violating:n,unsure:u
  NO_COLOR=1 trendlab tui --workspace case.duckdb`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTUIWith(cmd.Context(), a, f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.write, "write", false, "open the workspace for writing, to draw samples and save tag sets here (nobody else can open it meanwhile); without it labels go to a journal beside the workspace and others can read; a workspace on a server is always opened for writing")
	fl.StringVar(&f.reviewer, "reviewer", f.reviewer, "your name, stored with each label (default $USER, else $USERNAME)")
	fl.StringVar(&f.labels, "labels", "", "label set of new samples as name:key pairs, ! after the key for violating labels, e.g. escalate:e!,violating:v!,not_violating:n,unsure:u")
	fl.IntVar(&f.pauseEvery, "pause-every", f.pauseEvery, "remind the reviewer to pause after this many items (0: never)")
	fl.BoolVar(&f.noColor, "no-color", false, "draw without colour (also when NO_COLOR is set)")
	fl.BoolVar(&f.showCaptions, "show-captions", false, "show captions from the start instead of hiding them until revealed")
	fl.StringVar(&f.background, "background", f.background, "colours for a dark or light terminal: auto, dark or light")
	fl.StringArrayVar(&f.queries, "queries", nil, "folder of your own .sql queries; repeatable, earlier wins (env "+queries.EnvQueries+")")
	fl.StringVar(&f.history, "history", "", "SQL console history file (default: user config folder trendlab/history)")
	return cmd
}

// tuiMemoryLimit is DuckDB's memory_limit in the TUI by default. Measured at
// 10M videos: scrolling a query result keeps RSS at 300-360 MB with it (over
// 440 MB at 300MB), and an investigation runs as fast as without a limit.
const tuiMemoryLimit = "200MB"

// runTUI opens the TUI with default settings; bare `trendlab` calls it.
func runTUI(ctx context.Context, a *app) error {
	return runTUIWith(ctx, a, defaultTUIFlags())
}

func runTUIWith(ctx context.Context, a *app, f tuiFlags) error {
	// The same rule as `sample label`; without a name the review screen
	// refuses to label and says why (the rest of the TUI works).
	reviewer, _ := who.Resolve(f.reviewer, os.Getenv)
	cfg := tui.Config{
		Reviewer:     reviewer,
		PauseEvery:   f.pauseEvery,
		NoColor:      f.noColor || os.Getenv("NO_COLOR") != "",
		ShowCaptions: f.showCaptions,
		// the same folders, in the same order, as `trendlab query`
		QueryDirs:   append(append([]string{}, f.queries...), queries.DirsFromEnv(os.Getenv(queries.EnvQueries))...),
		HistoryFile: f.history,
	}
	switch strings.ToLower(f.background) {
	case "auto", "":
		cfg.Background = tui.BackgroundAuto
	case "dark":
		cfg.Background = tui.BackgroundDark
	case "light":
		cfg.Background = tui.BackgroundLight
	default:
		return usagef("--background %q: use auto, dark or light", f.background)
	}
	if f.labels != "" {
		labels, err := tui.ParseLabels(f.labels)
		if err != nil {
			return usagef("--labels: %v", err)
		}
		cfg.Labels = labels
	}
	if f.pauseEvery < 0 {
		return usagef("--pause-every %d: use 0 (never) or a positive number", f.pauseEvery)
	}
	// The TUI explores an existing workspace; it does not create an empty
	// one wherever it is started.
	if _, err := os.Stat(a.workspace); err != nil && !datasets.IsServerURL(a.workspace) {
		return fmt.Errorf("no workspace at %s: run `trendlab import` (or `trendlab demo`) first, or pass --workspace", a.workspace)
	}
	// Browsing must stay light (a 10M-row result scrolls in about 300 MB):
	// DuckDB spills to disk beyond this unless --memory-limit says otherwise.
	if a.memoryLimit == "" {
		a.memoryLimit = tuiMemoryLimit
	}
	// Read-only unless --write, so that `trendlab sql --read-only`, `sample
	// estimate` and `investigate` work in another terminal while a reviewer
	// labels: labels then go to the journal beside the workspace
	// (review/journal.go), which every reader of labels merges.
	// On a server there is no file lock to share: labels, samples and tag
	// sets are rows written one at a time, so the TUI opens it for
	// writing (the console still asks before a change, and the server's
	// role decides what may be written).
	ws, err := a.open(ctx, !f.write && !datasets.IsServerURL(a.workspace))
	if err != nil {
		return err
	}
	defer ws.Close()
	cfg.Workspace = ws
	return tui.Run(ctx, cfg)
}
