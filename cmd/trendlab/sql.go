package main

import (
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/queries"
)

func newSQLCmd(a *app) *cobra.Command {
	var out queryOutputFlags
	cmd := &cobra.Command{
		Use:   `sql "SELECT ..."`,
		Short: "Run one ad-hoc SQL statement on the workspace (read-only)",
		Long: `Run one SQL statement on the workspace and print its result. The workspace
is opened read-only and the statement runs in a read-only transaction, so it
can look but not change anything. Give the SQL as one argument, or - to read
it from standard input.

Statements that read are allowed: SELECT (or FROM ...), DESCRIBE, SHOW,
SUMMARIZE, PRAGMA table_info, EXPLAIN, CALL. COPY, EXPORT DATABASE, settings,
transactions, ATTACH, extensions and CREATE are refused: to write a result
to a file, use -o FILE with --format csv, json, parquet or arrow.

The SQL reads only the workspace: functions that read files (read_csv,
read_parquet, read_text, ...) are refused, unless you pass
--allow-file-access to join the workspace with files of yours.

Tables: videos, video_tags, moderation_events, video_outcomes, imports,
rejects, tag_sets, tag_set_variants, samples, sample_members, labels; views
current_labels, orphan_events. To save a query with parameters, see
trendlab query --help.`,
		Example: `  trendlab sql "SELECT policy, count(*) FROM video_outcomes WHERE violating GROUP BY ALL"
  trendlab sql "DESCRIBE videos"
  trendlab sql "SELECT * FROM rejects" --format csv -o rejects.csv
  trendlab sql --allow-file-access "SELECT * FROM videos JOIN read_csv('extra.csv') USING (video_id)"
  echo "SELECT count(*) FROM videos" | trendlab sql -`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := queries.ParseFormat(out.format)
			if err != nil {
				return usageError{err}
			}
			text := args[0]
			if text == "-" {
				b, err := io.ReadAll(os.Stdin)
				if err != nil {
					return err
				}
				text = string(b)
			}
			if strings.TrimSpace(text) == "" {
				return usagef("no SQL given: pass one statement, e.g. trendlab sql \"SELECT count(*) FROM videos\"")
			}
			return queryExport(cmd, a, queries.AdHoc(text), format, out)
		},
	}
	out.register(cmd)
	cmd.Flags().BoolVar(&out.allowFiles, "allow-file-access", false,
		"let the SQL read files outside the workspace (read_csv, read_parquet, ...); it still cannot write them")
	return cmd
}
