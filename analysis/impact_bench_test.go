package analysis

import (
	"context"
	"os"
	"testing"

	"github.com/trendlab/trendlab/datasets"
)

// The impact benchmarks run on a large workspace made beforehand (they
// skip without one): a DuckDB file or a postgres:// URL. The 10M-video,
// one-year workspace of the README's figures (start a year back, so that
// no row is after the import day):
//
//	trendlab synth --videos 10000000 --days 365 --start 2025-12-01 --out /work/data/imp/d10m
//	trendlab -w /work/data/imp/i10m.duckdb --memory-limit 1GB import --videos .../videos.csv --events .../moderation_events.csv
//	/usr/bin/time -v trendlab -w /work/data/imp/i10m.duckdb --memory-limit 1GB import --views .../views_daily.csv --searches .../search_daily.csv --interventions .../interventions.csv
//	trendlab -w /work/data/imp/i10m.duckdb investigate --tag omegle --save-as omegle --policies bullying_harassment
//	TRENDLAB_IMPACT_WS=/work/data/imp/i10m.duckdb go test -tags=duckdb_arrow -run XXX -bench 'Impact|ScanSpikes' -benchtime 3x ./analysis/
//
// On a server: the same three trendlab commands with -w postgres://.../db
// (a database of its own), then TRENDLAB_IMPACT_WS=postgres://.../db.
// TRENDLAB_TRACE=1 prints the time of each step; rows/op is the rows read
// from the engine into Go. Figures are in the README (Impact).
func impactBenchWorkspace(b *testing.B) *datasets.Workspace {
	path := os.Getenv("TRENDLAB_IMPACT_WS")
	if path == "" {
		b.Skip("set TRENDLAB_IMPACT_WS to a workspace with the optional exports and a tag set omegle")
	}
	ws, err := datasets.Open(context.Background(), path, datasets.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	return ws
}

// benchRows counts the rows each run reads into Go; the function it
// returns, called after the loop, reports them.
func benchRows(b *testing.B) (report func()) {
	var moved int64
	rowsMoved = func(n int64) { moved = n }
	return func() {
		rowsMoved = nil
		b.ReportMetric(float64(moved), "rows/op")
	}
}

func BenchmarkImpactPlatform(b *testing.B) {
	ws := impactBenchWorkspace(b)
	report := benchRows(b)
	defer report()
	for b.Loop() {
		if _, err := ImpactPlatform(context.Background(), ws, PlatformRequest{TagSet: "omegle", Policy: "bullying_harassment", Lag: 2}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImpactIntervention(b *testing.B) {
	ws := impactBenchWorkspace(b)
	report := benchRows(b)
	defer report()
	for b.Loop() {
		if _, err := ImpactIntervention(context.Background(), ws, InterventionRequest{TagSet: "omegle"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkScanSpikes(b *testing.B) {
	ws := impactBenchWorkspace(b)
	report := benchRows(b)
	defer report()
	for b.Loop() {
		if _, err := ScanSpikes(context.Background(), ws, ScanRequest{}); err != nil {
			b.Fatal(err)
		}
	}
}
