package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/queries"
)

func newQueryCmd(a *app) *cobra.Command {
	var dirs []string
	cmd := &cobra.Command{
		Use:   "query",
		Short: "List, show, run and check saved SQL queries",
		Long: `Saved queries are .sql files with a header that names them and declares
typed parameters. trendlab ships a library of them (daily volume of a tag
set, violation rate by policy against the rest, removal latency, proactive
share, escalations, co-occurring tags, breakdowns by region and age band,
appeals, orphan events, import rejects and provenance, ...).

Add your own with --queries DIR (repeatable) or TRENDLAB_QUERIES (a path
list like PATH). A query of yours with a shipped query's name overrides it;
query list says so. Saved queries run read-only: they cannot change the
workspace. Parameter values are always bound, never pasted into the SQL.

Header of a saved query (see query show NAME for a full one):

  -- name: my_query                (must match the file name my_query.sql)
  -- description: What it answers.
  -- param: since date default 2026-01-01 "first day (UTC)"
  -- param: tags list<tag> required "hashtags, comma-separated"

Types: string, int, float, bool, date, timestamp, list<string>, list<tag>.
The SQL uses them as $since, $tags.`,
		Example: `  trendlab query list
  trendlab query show daily_volume
  trendlab query run daily_volume --param tag_set=omegle --param since=2026-01-01
  trendlab query run co_occurring_tags --param tags=omegle,omegel --format csv -o tags.csv
  trendlab query run escalations --format arrow -o escalations.arrow
  trendlab query check --queries ./my-queries`,
	}
	cmd.PersistentFlags().StringArrayVar(&dirs, "queries", nil,
		"folder of your own .sql queries; repeatable, earlier wins (env "+queries.EnvQueries+")")
	// userDirs reads --queries when a subcommand runs: flags first, then
	// TRENDLAB_QUERIES.
	userDirs := func() []string {
		return append(append([]string{}, dirs...), queries.DirsFromEnv(os.Getenv(queries.EnvQueries))...)
	}
	load := func(cmd *cobra.Command) (*queries.Library, error) {
		lib, err := queries.Load(userDirs()...)
		if err != nil && lib != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "trendlab: skipping queries that do not load (fix them, or see `trendlab query check`):\n%v\n", err)
		}
		if lib == nil {
			return nil, err
		}
		return lib, nil
	}
	cmd.AddCommand(newQueryListCmd(load), newQueryShowCmd(load), newQueryRunCmd(a, load), newQueryCheckCmd(a, userDirs))
	return cmd
}

type queryLoader func(*cobra.Command) (*queries.Library, error)

func newQueryListCmd(load queryLoader) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the saved queries: shipped ones and yours",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			lib, err := load(cmd)
			if err != nil {
				return err
			}
			return queries.WriteList(cmd.OutOrStdout(), lib.Queries(), queries.TerminalWidth(os.Stdout))
		},
	}
}

func newQueryShowCmd(load queryLoader) *cobra.Command {
	return &cobra.Command{
		Use:     "show NAME",
		Short:   "Show a saved query: description, parameters, an example and its SQL",
		Example: "  trendlab query show violation_rate_by_policy",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lib, err := load(cmd)
			if err != nil {
				return err
			}
			q, err := lib.Lookup(args[0])
			if err != nil {
				return usageError{err}
			}
			return queries.WriteShow(cmd.OutOrStdout(), q)
		},
	}
}

// queryOutputFlags are the output flags that query run and sql share.
type queryOutputFlags struct {
	format string
	output string
	width  int
	// allowFiles lets the SQL read files outside the workspace (trendlab
	// sql --allow-file-access); otherwise the workspace is confined.
	allowFiles bool
}

func (f *queryOutputFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.format, "format", "f", "table", "output format: table, csv, json, jsonl, parquet or arrow")
	cmd.Flags().StringVarP(&f.output, "output", "o", "", "write to this file instead of standard output (written whole or not at all)")
	cmd.Flags().IntVar(&f.width, "width", 0, "table width in columns, 0 for no limit (when not given: the terminal's width)")
}

func newQueryRunCmd(a *app, load queryLoader) *cobra.Command {
	var params []string
	var out queryOutputFlags
	cmd := &cobra.Command{
		Use:   "run NAME [--param name=value ...]",
		Short: "Run a saved query on the workspace (read-only)",
		Long: `Run a saved query and write its result as an aligned table (default),
CSV, JSON (an array of objects), Parquet, or an Arrow IPC stream that pandas
(pyarrow.ipc.open_stream) and polars (pl.read_ipc_stream) read.

Give parameters with --param name=value. A list parameter takes
comma-separated values (\, for a literal comma) and may be repeated. Dates
are YYYY-MM-DD (UTC); timestamps RFC 3339 (UTC without an offset); a
list<tag> parameter is normalised like imported hashtags, so #Omegle finds
omegle. An unknown or missing parameter is an error that lists them all.`,
		Example: `  trendlab query run violation_rate_by_policy --param tag_set=omegle
  trendlab query run daily_volume --param tags=omegle,omegel --param since=2026-01-01 --format csv
  trendlab query run top_tags --param limit=20 --format parquet -o top.parquet`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := queries.ParseFormat(out.format)
			if err != nil {
				return usageError{err}
			}
			lib, err := load(cmd)
			if err != nil {
				return err
			}
			q, err := lib.Lookup(args[0])
			if err != nil {
				return usageError{err}
			}
			given, err := queries.ParseAssignments(params)
			if err != nil {
				return usageError{err}
			}
			st, err := q.Bind(given)
			if err != nil {
				return usageError{err}
			}
			return queryExport(cmd, a, st, format, out)
		},
	}
	cmd.Flags().StringArrayVarP(&params, "param", "p", nil, "parameter as name=value (repeatable)")
	out.register(cmd)
	return cmd
}

// queryExport opens the workspace read-only, runs the statement and writes
// the result where the flags say. A file is written to a temporary name
// beside it and renamed at the end, so a failed or interrupted run leaves no
// half-written file.
func queryExport(cmd *cobra.Command, a *app, st queries.Statement, format queries.Format, out queryOutputFlags) error {
	ctx := cmd.Context()
	toStdout := out.output == "" || out.output == "-"
	if toStdout && format.Binary() && writesToTerminal(cmd.OutOrStdout()) {
		return usagef("--format %s is binary: give -o FILE or redirect standard output", format)
	}
	opts := queries.TableOptions{Width: out.width}
	if !cmd.Flags().Changed("width") && toStdout {
		opts.Width = queries.TerminalWidth(os.Stdout)
	}
	ws, err := a.open(ctx, true)
	if err != nil {
		return err
	}
	defer ws.Close()
	if !out.allowFiles {
		if err := queries.Confine(ctx, ws.DB); err != nil {
			return err
		}
	}
	if toStdout {
		w, flush := terminalSafe(cmd.OutOrStdout())
		_, err := queries.Export(ctx, ws.DB, st, format, w, opts)
		if ferr := flush(); err == nil {
			err = ferr
		}
		return err
	}
	stats, err := queryWriteFile(ctx, out.output, func(w io.Writer) (queries.Stats, error) {
		return queries.Export(ctx, ws.DB, st, format, w, opts)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "wrote %d rows, %d columns (%s) to %s\n", stats.Rows, stats.Columns, format, out.output)
	return nil
}

func queryWriteFile(ctx context.Context, path string, write func(io.Writer) (queries.Stats, error)) (queries.Stats, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return queries.Stats{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".*.partial")
	if err != nil {
		return queries.Stats{}, fmt.Errorf("cannot write %s: %w", path, err)
	}
	// CreateTemp makes the file 0600; an export is an ordinary file.
	err = tmp.Chmod(0o644)
	stats, werr := write(tmp)
	if err == nil {
		err = werr
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), abs)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return stats, err
	}
	return stats, nil
}

func newQueryCheckCmd(a *app, dirs func() []string) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Prepare every saved query against the workspace and report failures",
		Long: `Load every saved query (shipped and yours), check its header, and prepare
it against the workspace without running it: it must be one SELECT that
DuckDB can plan on this schema and use exactly its declared parameters.
Exits with status 1 if any query fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			lib, loadErr := queries.Load(dirs()...)
			if lib == nil {
				return loadErr
			}
			ws, err := a.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			// Preparing binds table functions, and binding read_csv reads
			// the file: check confined, as run runs.
			if err := queries.Confine(cmd.Context(), ws.DB); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			failed := 0
			var loadErrs []error
			if loadErr != nil {
				if j, ok := loadErr.(interface{ Unwrap() []error }); ok {
					loadErrs = j.Unwrap()
				} else {
					loadErrs = []error{loadErr}
				}
			}
			for _, e := range loadErrs {
				failed++
				fmt.Fprintf(w, "FAIL  %s\n", textsafe.Show(e.Error()))
			}
			results := queries.Check(cmd.Context(), ws.DB, lib)
			for _, r := range results {
				if r.Err != nil {
					failed++
					fmt.Fprintf(w, "FAIL  %s (%s): %s\n", r.Query.Name, textsafe.Show(r.Query.File), textsafe.ShowLines(r.Err.Error()))
					continue
				}
				fmt.Fprintf(w, "ok    %s\n", r.Query.Name)
			}
			total := len(results) + len(loadErrs)
			if failed > 0 {
				return fmt.Errorf("%d of %d queries failed", failed, total)
			}
			fmt.Fprintf(w, "all %d queries prepare against %s\n", total, ws.Path)
			return nil
		},
	}
}

// isTerminal is the CLI's one terminal check (queries.IsTerminal: a
// character device that reports a window size, so /dev/null is not one).
var isTerminal = queries.IsTerminal

// writesToTerminal reports whether w is a terminal; tests replace it to
// see what a terminal would get.
var writesToTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}

// terminalSafe returns w as it is when it is a file or a pipe, so that
// exports stay byte for byte; on a terminal, a writer that shows escape
// sequences and other control characters from the data as visible escapes
// (\x1b), as the table format does, so that a caption cannot retitle the
// terminal, write the clipboard or type into the shell. Call flush when
// done.
func terminalSafe(w io.Writer) (_ io.Writer, flush func() error) {
	if !writesToTerminal(w) {
		return w, func() error { return nil }
	}
	tw := textsafe.NewWriter(w)
	return tw, tw.Flush
}
