package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
)

// benchRun is one measured child process.
type benchRun struct {
	Format  string  `json:"format"`
	What    string  `json:"what"` // "duckdb" (raw CREATE TABLE AS) or "trendlab import"
	Seconds float64 `json:"seconds"`
	PeakRSS int64   `json:"peak_rss_bytes"`
}

func newBenchCmd(a *app) *cobra.Command {
	var (
		dir, memoryLimit string
		videos           int
		formats          []string
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure import against plain SQL building the same tables, and DuckDB's own read",
		Long: `bench generates a synthetic platform (once per size and format, kept in
--dir), then for each format times, in separate processes on the same files:
DuckDB's own CREATE TABLE ... AS SELECT * FROM read_csv(...) / read_parquet(...)
of the videos and events into a fresh database; the floor, the same tables an
investigation needs (videos and events typed, video_tags, tag_days,
video_outcomes) built by plain SQL without validation; and trendlab import of the
same files (validation, rejects, tags and outcomes included) into a fresh
workspace with DuckDB's memory_limit set. It prints wall time and peak RSS of
each process (from the kernel's rusage) and the import's ratio to the floor
(the yardstick) and to the bare read, and writes them to
DIR/bench.json.`,
		Example: `  trendlab bench --videos 10000000 --dir /tmp/bench
  trendlab bench --videos 1000000 --formats csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			self, err := os.Executable()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			pl := startPhaseLine(cmd.ErrOrStderr())
			defer func() { pl.stop() }() // on an error; nil once stopped below
			step := stepProgress(pl, "bench")
			var runs []benchRun
			for fi, format := range formats {
				data := filepath.Join(dir, fmt.Sprintf("%s-%d", format, videos))
				if _, err := os.Stat(filepath.Join(data, "manifest.json")); err != nil {
					pl.above(func() { fmt.Fprintf(out, "generating %d videos as %s in %s\n", videos, format, data) })
					cfg := synth.Config{Videos: videos, Seed: 1, Format: format, Dir: data}
					cfg.Progress = synthProgress(pl, "bench: generating "+format)
					if _, err := synth.Generate(ctx, cfg); err != nil {
						return err
					}
					pl.setProgress(0, 0) // the runs below have no rate of their own
				}
				var m synth.Manifest
				b, err := os.ReadFile(filepath.Join(data, "manifest.json"))
				if err == nil {
					err = json.Unmarshal(b, &m)
				}
				if err != nil {
					return fmt.Errorf("reading the manifest of %s: %w", data, err)
				}
				for wi, what := range []string{"duckdb", "floor", "trendlab import"} {
					if step != nil {
						step(format+" "+what, fi*3+wi, len(formats)*3)
					}
					db := filepath.Join(dir, "bench.duckdb")
					os.Remove(db)
					os.Remove(db + ".wal")
					var args []string
					switch what {
					case "duckdb":
						args = []string{"bench-raw", "--db", db, "--format", format, "--memory-limit", memoryLimit, m.Files.Videos, m.Files.Events}
					case "floor":
						args = []string{"bench-raw", "--floor", "--db", db, "--format", format, "--memory-limit", memoryLimit, m.Files.Videos, m.Files.Events}
					default:
						args = []string{"-w", db, "--memory-limit", memoryLimit, "import", "--videos", m.Files.Videos, "--events", m.Files.Events}
					}
					r, err := measure(ctx, self, args)
					if err != nil {
						return fmt.Errorf("%s on %s: %w", what, format, err)
					}
					r.Format, r.What = format, what
					runs = append(runs, r)
					pl.above(func() {
						fmt.Fprintf(out, "%-8s %-16s %7.2f s  peak RSS %s\n", format, what, r.Seconds, humanBytes(r.PeakRSS))
					})
				}
				os.Remove(filepath.Join(dir, "bench.duckdb"))
			}
			pl.stop()
			pl = nil
			printBench(out, runs)
			b, _ := json.MarshalIndent(map[string]any{"videos": videos, "memory_limit": memoryLimit, "runs": runs, "at": time.Now().UTC()}, "", "  ")
			return os.WriteFile(filepath.Join(dir, "bench.json"), b, 0o644)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "bench", "folder for the generated files and the databases")
	f.IntVar(&videos, "videos", 10_000_000, "synthetic videos")
	f.StringSliceVar(&formats, "formats", []string{"csv", "parquet"}, "formats to measure")
	f.StringVar(&memoryLimit, "memory-limit", "1536MB", "DuckDB memory_limit for both runs")
	return cmd
}

// measure runs trendlab with args as a child and returns its wall time and
// peak resident set.
func measure(ctx context.Context, self string, args []string) (benchRun, error) {
	c := exec.CommandContext(ctx, self, args...)
	var stderr strings.Builder
	c.Stderr = &stderr
	c.Stdout = io.Discard
	start := time.Now()
	if err := c.Run(); err != nil {
		return benchRun{}, fmt.Errorf("%v: %s", err, stderr.String())
	}
	r := benchRun{Seconds: time.Since(start).Seconds()}
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.PeakRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return r, nil
}

// printBench prints, per format, the bare read, the floor and the import,
// and the import against each (runs come in threes, in that order).
func printBench(w io.Writer, runs []benchRun) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "format\tduckdb s\tfloor s\ttrendlab s\tvs floor\tvs duckdb\tfloor RSS\ttrendlab RSS\t")
	for i := 0; i+2 < len(runs); i += 3 {
		raw, floor, ours := runs[i], runs[i+1], runs[i+2]
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%.2fx\t%.2fx\t%s\t%s\t\n", raw.Format, raw.Seconds, floor.Seconds, ours.Seconds,
			ours.Seconds/floor.Seconds, ours.Seconds/raw.Seconds, humanBytes(floor.PeakRSS), humanBytes(ours.PeakRSS))
	}
	tw.Flush()
}

// floorSQL builds the tables an investigation needs by plain SQL, without
// validation, rejects or provenance, as a careful analyst would by hand:
// the yardstick of the import (trendlab bench's "floor"). %[1]s is the
// reader of the videos, %[2]s of the events; %[3]s turns the hashtags
// column into a list.
const floorSQL = `
SET TimeZone = 'UTC';
CREATE TABLE videos AS SELECT video_id, author_id,
	CAST(CAST(created_at AS TIMESTAMPTZ) AS TIMESTAMP) AS created_at, caption, %[3]s AS hashtags,
	region, language, author_age_band, CAST(view_count AS BIGINT) AS view_count, CAST(like_count AS BIGINT) AS like_count,
	CAST(share_count AS BIGINT) AS share_count, CAST(comment_count AS BIGINT) AS comment_count, CAST(duration_s AS DOUBLE) AS duration_s
FROM %[1]s;
CREATE TABLE moderation_events AS SELECT event_id, video_id,
	CAST(CAST(event_time AS TIMESTAMPTZ) AS TIMESTAMP) AS event_time, event_type, source, policy, policy_title, decision, action
FROM %[2]s;
CREATE TABLE video_tags AS SELECT video_id, position, tag_raw,
	regexp_replace(lower(ltrim(tag_raw, '#')), '[[:punct:]]+$', '') AS tag
FROM (SELECT video_id, unnest(hashtags) AS tag_raw, generate_subscripts(hashtags, 1) AS position FROM videos);
CREATE TABLE tag_days AS SELECT t.tag, CAST(v.created_at AS DATE) AS day, count(DISTINCT t.video_id) AS videos
FROM video_tags t JOIN videos v USING (video_id) WHERE t.tag <> '' GROUP BY ALL;
CREATE TABLE video_outcomes (video_id VARCHAR, policy VARCHAR, created_at TIMESTAMP, violating BOOLEAN, removed_at TIMESTAMP,
	proactive BOOLEAN, within_24h BOOLEAN, time_to_action_s DOUBLE, escalated BOOLEAN, reinstated BOOLEAN,
	reported BOOLEAN, flagged BOOLEAN, reviewed BOOLEAN, appealed BOOLEAN, first_report_at TIMESTAMP,
	first_violating BOOLEAN);
`

// newBenchRawCmd is the baseline bench measures: DuckDB reading the files
// into tables with nothing of trendlab's around it.
func newBenchRawCmd() *cobra.Command {
	var db, format, memoryLimit string
	var floor bool
	cmd := &cobra.Command{
		Use:    "bench-raw --db FILE --format csv|parquet [--floor] VIDEOS EVENTS",
		Short:  "DuckDB's own CREATE TABLE AS of the files (the baseline of trendlab bench)",
		Args:   cobra.ExactArgs(2),
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			conn, err := sql.Open("duckdb", db+"?memory_limit="+memoryLimit)
			if err != nil {
				return err
			}
			defer conn.Close()
			reader := "read_csv"
			if format == "parquet" {
				reader = "read_parquet"
			}
			from := func(file string) string { return fmt.Sprintf("%s('%s')", reader, strings.ReplaceAll(file, "'", "''")) }
			if floor {
				tags := "list_filter(string_split(hashtags, ' '), x -> x <> '')"
				if format == "parquet" {
					tags = "hashtags"
				}
				if _, err := conn.ExecContext(cmd.Context(), fmt.Sprintf(floorSQL, from(args[0]), from(args[1]), tags)); err != nil {
					return err
				}
				_, err := conn.ExecContext(cmd.Context(), datasets.OutcomesSQL())
				return err
			}
			for i, table := range []string{"videos", "moderation_events"} {
				if _, err := conn.ExecContext(cmd.Context(), fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM %s", table, from(args[i]))); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "database file")
	cmd.Flags().BoolVar(&floor, "floor", false, "build the investigation's tables by plain SQL (floorSQL), not only read the files")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or parquet")
	cmd.Flags().StringVar(&memoryLimit, "memory-limit", "1536MB", "DuckDB memory_limit")
	return cmd
}
