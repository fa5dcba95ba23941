package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// errFired makes `watch run` exit 1 when an alert fired, for cron.
var errFired = errors.New("alerts fired")

func newWatchCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Keep watching a tag set: rules re-evaluated on every import, alerts kept",
		Long: `A watch re-evaluates a saved tag set each time data arrives: every
trendlab import runs the watches on what it imported and prints what fired,
and "watch run" does the same for imports the watches have not seen (exit
status 1 when anything fired, so a cron job can page someone). Alerts are
kept in the workspace with the import, the rule and the numbers.

Rules, each with its false-alarm control:
  volume            the tag set's share of the new videos rose against its
                    share of the earlier videos
  rate              a policy's rate in the tag set's new videos rose against
                    its own history
  rate-vs-baseline  a policy's rate in the tag set's new videos is above the
                    other new videos' rate
                    (these three: one-sided tests, fired at p < alpha / tests,
                    Bonferroni, and a rise of at least --min-ratio)
  new-spelling      a tag that scores as a variant of the seed but that the
                    tag set has not decided, on at least --min-videos videos
                    (evasion spellings appear after a term is restricted)
  new-related       a tag newly significant in the related-tags top list`,
		Example: `  trendlab watch add omegle-watch --tagset omegle --policies minor_safety,bullying_harassment
  trendlab watch list
  trendlab watch run || echo "page someone"
  trendlab watch alerts
  trendlab watch rm omegle-watch`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newWatchAddCmd(a), newWatchListCmd(a), newWatchRmCmd(a), newWatchRunCmd(a), newWatchAlertsCmd(a))
	return cmd
}

func newWatchAddCmd(a *app) *cobra.Command {
	var def analysis.WatchDefinition
	var tagSet, policies, rules, by string
	cmd := &cobra.Command{
		Use:     "add NAME --tagset T [--policies P,...] [--rules R,...]",
		Short:   "Start watching a saved tag set",
		Example: "  trendlab watch add omegle-watch --tagset omegle --policies minor_safety --rules rate,new-spelling",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if tagSet == "" {
				return usagef("--tagset T is required: the saved tag set to watch")
			}
			def.Policies, def.Rules = splitList(policies), splitList(rules)
			var err error
			if by, err = resolveWho(by, "--by"); err != nil {
				return err
			}
			ws, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			w, err := analysis.AddWatch(cmd.Context(), ws, args[0], tagSet, def, by)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Watching tag set %s as %s: rules %s; from import %d on; %d related tags known.\n",
				w.TagSet, w.Name, strings.Join(w.Definition.Rules, ", "), w.LastImportID+1, len(w.State.Related))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&tagSet, "tagset", "", "the saved tag set to watch")
	f.StringVar(&policies, "policies", "", "policies the rate rules watch, comma-separated (default: every policy)")
	f.StringVar(&rules, "rules", strings.Join(analysis.DefaultWatchRules, ","), "rules: volume, rate, rate-vs-baseline, new-spelling, new-related")
	f.Float64Var(&def.Alpha, "alpha", 0.01, "chance per run that a rise rule fires when nothing changed")
	f.Float64Var(&def.MinRatio, "min-ratio", 1.5, "smallest rise (times) a rise rule reports")
	f.Int64Var(&def.MinVideos, "min-videos", 3, "fewest videos a new spelling needs")
	f.IntVar(&def.Top, "top", 20, "the related-tags list watched")
	f.StringVar(&by, "by", "", whoHelp)
	return cmd
}

func newWatchListCmd(a *app) *cobra.Command {
	return listCmd[analysis.Watch]{
		short:    "List the watches",
		header:   "WATCH\tTAG SET\tPOLICIES\tRULES\tSEEN UP TO IMPORT\tBY",
		jsonHelp: "print as JSON",
		load:     analysis.ListWatches,
		row: func(w analysis.Watch) string {
			pol := strings.Join(w.Definition.Policies, ",")
			if pol == "" {
				pol = "all"
			}
			return fmt.Sprintf("%s\t%s\t%s\t%s\t%d\t%s", textsafe.Show(w.Name), textsafe.Show(w.TagSet), pol, strings.Join(w.Definition.Rules, ","), w.LastImportID, textsafe.Show(w.CreatedBy))
		},
	}.command(a)
}

func newWatchRmCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "rm NAME",
		Short: "Stop a watch (its alerts stay)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			if err := analysis.RemoveWatch(cmd.Context(), ws, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Removed watch %s.\n", args[0])
			return nil
		},
	}
}

func newWatchRunCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "run [NAME]",
		Short: "Evaluate the watches on the imports they have not seen; exit 1 if anything fired",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			runs, err := analysis.RunWatches(cmd.Context(), ws, name)
			if err != nil {
				return err
			}
			if asJSON {
				if err := writeJSON(cmd.OutOrStdout(), runs); err != nil {
					return err
				}
			} else {
				printWatchRuns(cmd.OutOrStdout(), runs, true)
			}
			if n := firedCount(runs); n > 0 {
				return fmt.Errorf("%w: %d (kept in the workspace: trendlab watch alerts)", errFired, n)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the runs as JSON")
	return cmd
}

func newWatchAlertsCmd(a *app) *cobra.Command {
	var asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use:   "alerts [WATCH]",
		Short: "List the alerts kept, newest first",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			alerts, err := analysis.ListAlerts(cmd.Context(), ws, name, limit)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), alerts)
			}
			if len(alerts) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "No alerts.")
			}
			for _, al := range alerts {
				printAlert(cmd.OutOrStdout(), al)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.Flags().IntVar(&limit, "limit", 50, "newest alerts to list")
	return cmd
}

func firedCount(runs []analysis.WatchRun) int {
	n := 0
	for _, r := range runs {
		n += len(r.Alerts)
	}
	return n
}

func printAlert(w io.Writer, al analysis.Alert) {
	fmt.Fprintf(w, "ALERT %s #%d (import %d): %s %s: %s\n", al.Watch, al.ID, al.ImportID, al.Rule, textsafe.Show(al.Subject), textsafe.Show(al.Message))
}

// printWatchRuns prints what each watch saw and what fired; checks adds
// the rules' false-alarm controls.
func printWatchRuns(w io.Writer, runs []analysis.WatchRun, checks bool) {
	if len(runs) == 0 {
		fmt.Fprintln(w, "No watches (add one with `trendlab watch add NAME --tagset T`).")
		return
	}
	for _, r := range runs {
		status := "quiet"
		if len(r.Alerts) > 0 {
			status = fmt.Sprintf("%d fired", len(r.Alerts))
		}
		fmt.Fprintf(w, "Watch %s: imports %v, %d new videos: %s\n", r.Watch, r.Imports, r.NewVideos, status)
		for _, al := range r.Alerts {
			printAlert(w, al)
		}
		if checks {
			for _, c := range r.Checks {
				fmt.Fprintf(w, "  checked: %s\n", c)
			}
		}
	}
}

// runWatchesAfterImport runs every watch on what an import brought; an
// error is a notice, not a failed import (the data is in).
func runWatchesAfterImport(ctx context.Context, ws *datasets.Workspace, stderr io.Writer) []analysis.WatchRun {
	runs, err := analysis.RunWatches(ctx, ws, "")
	if err != nil {
		fmt.Fprintf(stderr, "trendlab: the import is complete, but running the watches failed: %v; run them with `trendlab watch run`\n", err)
		return nil
	}
	return runs
}
