package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
)

func newImportCmd(a *app) *cobra.Command {
	var req datasets.ImportRequest
	var mappingPath string
	var asJSON, noWatch bool
	cmd := &cobra.Command{
		Use:   "import --videos FILE... --events FILE...",
		Short: "Import content and moderation-event exports into the workspace",
		Long: `Import reads content exports (--videos) and moderation-event exports (--events)
as CSV, JSON Lines or Parquet, optionally gzip- or zstd-compressed, given as
files or quoted globs. Rows are validated by the data contract; a row that
fails is kept in the rejects table with its file, line, column and reason,
and counted in the summary (--strict fails the import instead). The import is
all or nothing: interrupted or killed, it leaves the workspace as it was (if
it stopped after committing the files but before the tables derived from
them, the next trendlab command on the workspace removes what it loaded).
A file the workspace already holds (same SHA-256) is skipped.`,
		Example: `  trendlab import --videos videos.csv.gz --events 'events/*.parquet'
  trendlab import --videos export.jsonl --mapping platform.yaml --strict
  trendlab sql "SELECT line, column_name, reason FROM rejects LIMIT 20"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(req.Videos)+len(req.Events)+len(req.Views)+len(req.Searches)+len(req.Interventions) == 0 {
				return usagef("give --videos and/or --events files to import (optional exports: --views, --searches, --interventions)")
			}
			if mappingPath != "" {
				m, err := datasets.LoadMapping(mappingPath)
				if err != nil {
					return err
				}
				req.Mapping = m
			}
			ws, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			sum, err := importShowingProgress(cmd.Context(), ws, req, isTerminal(os.Stderr) && !asJSON)
			if err != nil {
				return err
			}
			// Every import runs the watches on what it brought (watch.go).
			var runs []analysis.WatchRun
			if !noWatch {
				runs = runWatchesAfterImport(cmd.Context(), ws, cmd.ErrOrStderr())
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), struct {
					*datasets.ImportSummary
					Watches []analysis.WatchRun `json:"watches,omitempty"`
				}{sum, runs})
			}
			printImportSummary(cmd.OutOrStdout(), ws.Path, sum)
			if len(runs) > 0 {
				printWatchRuns(cmd.OutOrStdout(), runs, false)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&req.Videos, "videos", nil, "content export files or globs (repeat or comma-separate)")
	f.StringSliceVar(&req.Events, "events", nil, "moderation-event export files or globs")
	f.StringSliceVar(&req.Views, "views", nil, "optional views_daily export files or globs (views per video, day and surface)")
	f.StringSliceVar(&req.Searches, "searches", nil, "optional search_daily export files or globs (searches per day and query)")
	f.StringSliceVar(&req.Interventions, "interventions", nil, "optional interventions export files or globs")
	f.StringVar(&req.Format, "format", "", "csv, jsonl or parquet (default: from each file's extension)")
	f.StringVar(&mappingPath, "mapping", "", "YAML column mapping for exports in another shape")
	f.BoolVar(&req.Strict, "strict", false, "fail the whole import if any row is rejected")
	f.BoolVar(&asJSON, "json", false, "print the summary as JSON")
	f.BoolVar(&noWatch, "no-watch", false, "do not run the watches now (a cron job runs trendlab watch run, which exits 1 when one fires)")
	return cmd
}

func printImportSummary(w io.Writer, path string, s *datasets.ImportSummary) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tKIND\tFORMAT\tREAD\tLOADED\tREJECTED\tTIME")
	for _, f := range s.Files {
		if f.Skipped != "" {
			fmt.Fprintf(tw, "%s\t%s\t%s\t-\t-\t-\tskipped: %s\n", f.File, f.Kind, f.Format, f.Skipped)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", f.File, f.Kind, formatName(f), f.RowsRead, f.RowsLoaded, f.RowsRejected, f.Duration.Round(time.Millisecond))
	}
	tw.Flush()
	for _, f := range s.Files {
		for _, r := range f.Reasons {
			fmt.Fprintf(w, "  rejected in %s: %d rows on %s, e.g. line %d: %s\n", f.File, r.Rows, r.Column, r.FirstLine, textsafe.Show(r.Example))
		}
		if len(f.UnmappedCols) > 0 {
			fmt.Fprintf(w, "  %s: columns %v kept in the extra JSON column\n", f.File, f.UnmappedCols)
		}
		if f.TagsFrom == "caption" {
			fmt.Fprintf(w, "  %s: no hashtags column; hashtags taken from captions\n", f.File)
		}
	}
	if s.EmptyTags > 0 {
		fmt.Fprintf(w, "  %d hashtag tokens normalise to nothing (e.g. a lone #); they stay as written in videos.hashtags\n", s.EmptyTags)
	}
	for _, kind := range []string{"views", "searches", "interventions"} {
		if n, ok := s.OptionalLoaded[kind]; ok {
			fmt.Fprintf(w, "  optional export %s: %d rows loaded\n", kind, n)
		}
	}
	if s.VideosLoaded+s.EventsLoaded+s.Rejected == 0 && len(s.OptionalLoaded) == 0 {
		fmt.Fprintf(w, "Nothing new: the workspace %s is unchanged.\n", path)
		return
	}
	fmt.Fprintf(w, "Imported %d videos and %d events into %s in %s; %d rows rejected.\n",
		s.VideosLoaded, s.EventsLoaded, path, s.Duration.Round(time.Millisecond), s.Rejected)
	fmt.Fprintf(w, "Workspace now: %d videos, %d events (%d orphan events: their video is not in the content export), %d rejects.\n",
		s.Workspace.Videos, s.Workspace.Events, s.Workspace.OrphanEvents, s.Workspace.Rejects)
	if s.Rejected > 0 {
		fmt.Fprintln(w, `See them with: trendlab sql "SELECT file, line, column_name, reason FROM rejects ORDER BY import_id, line LIMIT 50"`)
	}
}

func formatName(f datasets.FileSummary) string {
	if f.Compression != "none" {
		return f.Format + "+" + f.Compression
	}
	return f.Format
}
