package datasets_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
)

// BenchmarkDailyImports measures what an import costs as the workspace
// grows: TRENDLAB_BENCH_VIDEOS videos (default 200000) imported whole into
// an empty workspace, and the same rows as 30 daily exports one after the
// other. It reports the first and the last daily import, the last over the
// first (target at most 1.5), and the 30 together over the bulk import
// (target at most 1.5). Generated data goes under TRENDLAB_BENCH_DIR (a
// temporary folder by default).
//
//	TRENDLAB_BENCH_VIDEOS=10000000 TRENDLAB_BENCH_DIR=/work/data/daily \
//	  go test -tags=duckdb_arrow ./datasets/ -run '^$' -bench DailyImports -benchtime 1x -timeout 3h
func BenchmarkDailyImports(b *testing.B) {
	ctx := context.Background()
	videos := 200000
	if v := os.Getenv("TRENDLAB_BENCH_VIDEOS"); v != "" {
		videos, _ = strconv.Atoi(v)
	}
	dir := os.Getenv("TRENDLAB_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	const days = 30
	start := synth.DefaultStart
	if _, err := os.Stat(filepath.Join(dir, "events-29.csv")); err != nil {
		if _, err := synth.Generate(ctx, synth.Config{Videos: videos, Seed: 7, Days: days, Start: start, Format: "csv", Dir: dir}); err != nil {
			b.Fatal(err)
		}
		splitByDay(b, filepath.Join(dir, "videos.csv"), "created_at", dir, "videos", start, days, 6*time.Hour)
		splitByDay(b, filepath.Join(dir, "moderation_events.csv"), "event_time", dir, "events", start, days, 0)
	}
	for range b.N {
		wsDir := b.TempDir()
		bulk := timeImport(b, filepath.Join(wsDir, "bulk.duckdb"), []string{filepath.Join(dir, "videos.csv")}, []string{filepath.Join(dir, "moderation_events.csv")})
		path := filepath.Join(wsDir, "daily.duckdb")
		var first, last, total time.Duration
		for d := range days {
			name := func(kind string) []string { return []string{filepath.Join(dir, kind+"-"+twoDigits(d)+".csv")} }
			took := timeImport(b, path, name("videos"), name("events"))
			total += took
			if d == 0 {
				first = took
			}
			last = took
		}
		b.ReportMetric(bulk.Seconds(), "bulk-s")
		b.ReportMetric(first.Seconds(), "first-daily-s")
		b.ReportMetric(last.Seconds(), "last-daily-s")
		b.ReportMetric(total.Seconds(), "30-daily-s")
		b.ReportMetric(last.Seconds()/first.Seconds(), "last/first")
		b.ReportMetric(total.Seconds()/bulk.Seconds(), "daily/bulk")
	}
}

func twoDigits(d int) string {
	if d < 10 {
		return "0" + strconv.Itoa(d)
	}
	return strconv.Itoa(d)
}

// timeImport opens the workspace at path, imports into it and closes it,
// as one trendlab import command does, and returns the time it took.
func timeImport(b *testing.B, path string, videos, events []string) time.Duration {
	b.Helper()
	start := time.Now()
	ws, err := datasets.Open(context.Background(), path, datasets.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := datasets.Import(context.Background(), ws, datasets.ImportRequest{Videos: videos, Events: events}); err != nil {
		b.Fatal(err)
	}
	if err := ws.Close(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}
