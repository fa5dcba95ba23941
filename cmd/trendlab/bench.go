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
		Short: "Measure import against DuckDB's own read of the same files",
		Long: `bench generates a synthetic platform (once per size and format, kept in
--dir), then for each format times, in separate processes on the same files:
DuckDB's own CREATE TABLE ... AS SELECT * FROM read_csv(...) / read_parquet(...)
of the videos and events into a fresh database, and trendlab import of the
same files (validation, rejects, tags and outcomes included) into a fresh
workspace with DuckDB's memory_limit set. It prints wall time and peak RSS of
each process (from the kernel's rusage) and the ratio, and writes them to
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
			var runs []benchRun
			for _, format := range formats {
				data := filepath.Join(dir, fmt.Sprintf("%s-%d", format, videos))
				if _, err := os.Stat(filepath.Join(data, "manifest.json")); err != nil {
					fmt.Fprintf(out, "generating %d videos as %s in %s\n", videos, format, data)
					if _, err := synth.Generate(ctx, synth.Config{Videos: videos, Seed: 1, Format: format, Dir: data}); err != nil {
						return err
					}
				}
				var m synth.Manifest
				b, err := os.ReadFile(filepath.Join(data, "manifest.json"))
				if err == nil {
					err = json.Unmarshal(b, &m)
				}
				if err != nil {
					return fmt.Errorf("reading the manifest of %s: %w", data, err)
				}
				for _, what := range []string{"duckdb", "trendlab import"} {
					db := filepath.Join(dir, "bench.duckdb")
					os.Remove(db)
					os.Remove(db + ".wal")
					var args []string
					if what == "duckdb" {
						args = []string{"bench-raw", "--db", db, "--format", format, "--memory-limit", memoryLimit, m.Files.Videos, m.Files.Events}
					} else {
						args = []string{"-w", db, "--memory-limit", memoryLimit, "import", "--videos", m.Files.Videos, "--events", m.Files.Events}
					}
					r, err := measure(ctx, self, args)
					if err != nil {
						return fmt.Errorf("%s on %s: %w", what, format, err)
					}
					r.Format, r.What = format, what
					runs = append(runs, r)
					fmt.Fprintf(out, "%-8s %-16s %7.2f s  peak RSS %s\n", format, what, r.Seconds, humanBytes(r.PeakRSS))
				}
				os.Remove(filepath.Join(dir, "bench.duckdb"))
			}
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

func printBench(w io.Writer, runs []benchRun) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "format\tduckdb s\ttrendlab s\tratio\tduckdb RSS\ttrendlab RSS\t")
	for i := 0; i+1 < len(runs); i += 2 {
		raw, ours := runs[i], runs[i+1]
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2fx\t%s\t%s\t\n", raw.Format, raw.Seconds, ours.Seconds, ours.Seconds/raw.Seconds, humanBytes(raw.PeakRSS), humanBytes(ours.PeakRSS))
	}
	tw.Flush()
}

// newBenchRawCmd is the baseline bench measures: DuckDB reading the files
// into tables with nothing of trendlab's around it.
func newBenchRawCmd() *cobra.Command {
	var db, format, memoryLimit string
	cmd := &cobra.Command{
		Use:    "bench-raw --db FILE --format csv|parquet VIDEOS EVENTS",
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
			for i, table := range []string{"videos", "moderation_events"} {
				q := fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM %s('%s')", table, reader, strings.ReplaceAll(args[i], "'", "''"))
				if _, err := conn.ExecContext(cmd.Context(), q); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "database file")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or parquet")
	cmd.Flags().StringVar(&memoryLimit, "memory-limit", "1536MB", "DuckDB memory_limit")
	return cmd
}
