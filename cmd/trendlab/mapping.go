package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
)

func newMappingCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mapping",
		Short: "Check a column mapping for exports in another shape",
	}
	var (
		mappingPath, kind string
		rows              int
	)
	check := &cobra.Command{
		Use:   "check --mapping FILE EXPORT...",
		Short: "Show the first rows of an export as they would load, and every problem found",
		Long: `mapping check reads the export through the mapping into a throwaway
in-memory workspace (nothing is written to yours) and shows the first rows as
they would load, the source columns kept in the extra JSON column, and every
problem found, grouped, with the first lines where it occurs.

A mapping is YAML with a videos: and/or an events: section; each canonical
column names its source column (from:) or a constant (const:), and optionally
a timestamp format (format: rfc3339, epoch_s, epoch_ms or a strptime format),
a value map for enums (values: {"User Report": report}) and how a hashtags
list is written (list: space, comma or json). Shorthand: video_id: VideoID.`,
		Example: `  trendlab mapping check --mapping platform.yaml export/videos.csv
  trendlab mapping check --mapping platform.yaml --kind events 'export/events-*.jsonl.gz'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if mappingPath == "" {
				return usagef("give the mapping file with --mapping FILE")
			}
			m, err := datasets.LoadMapping(mappingPath)
			if err != nil {
				return err
			}
			if kind == "" {
				switch {
				case m.Videos != nil && m.Events == nil:
					kind = "videos"
				case m.Events != nil && m.Videos == nil:
					kind = "events"
				default:
					return usagef("the mapping has both videos and events sections: say which the export is with --kind videos or --kind events")
				}
			}
			if kind != "videos" && kind != "events" {
				return usagef("--kind %q: expected videos or events", kind)
			}
			mc, err := datasets.CheckMapping(cmd.Context(), m, kind, args, rows)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "First %d rows as they would load into %s:\n", len(mc.Preview), kind)
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, strings.ToUpper(strings.Join(mc.Columns, "\t")))
			for _, r := range mc.Preview {
				cells := make([]string, len(r))
				for i, v := range r {
					cells[i] = textsafe.Show(truncate(v, 40))
				}
				fmt.Fprintln(tw, strings.Join(cells, "\t"))
			}
			tw.Flush()
			var read, loaded, rejected int64
			for _, f := range mc.Summary.Files {
				read += f.RowsRead
				loaded += f.RowsLoaded
				rejected += f.RowsRejected
				if len(f.UnmappedCols) > 0 {
					fmt.Fprintf(out, "\n%s: source columns kept in extra (not mapped): %s\n", f.File, strings.Join(f.UnmappedCols, ", "))
				}
			}
			fmt.Fprintf(out, "\n%d rows read: %d would load, %d would be rejected.\n", read, loaded, rejected)
			if len(mc.Problems) == 0 {
				fmt.Fprintln(out, "No problems found.")
				return nil
			}
			fmt.Fprintln(out, "Problems:")
			for _, p := range mc.Problems {
				lines := make([]string, len(p.FirstLines))
				for i, l := range p.FirstLines {
					lines[i] = fmt.Sprint(l)
				}
				fmt.Fprintf(out, "  %s: %d rows, e.g. %s (lines %s)\n", p.Column, p.Rows, textsafe.Show(p.Reason), strings.Join(lines, ", "))
			}
			return fmt.Errorf("%d of %d rows would be rejected: fix the mapping or the export", rejected, read)
		},
	}
	check.Flags().StringVar(&mappingPath, "mapping", "", "the YAML mapping file")
	check.Flags().StringVar(&kind, "kind", "", "videos or events (default: the mapping's only section)")
	check.Flags().IntVar(&rows, "rows", 10, "rows to preview")
	cmd.AddCommand(check)
	return cmd
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
