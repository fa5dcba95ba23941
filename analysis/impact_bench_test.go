package analysis

import (
	"context"
	"os"
	"testing"

	"github.com/trendlab/trendlab/datasets"
)

// The impact benchmarks run on a large workspace made beforehand (they
// skip without one). The 10M-video, one-year workspace of the README's
// figures (start a year back, so that no row is after the import day):
//
//	trendlab synth --videos 10000000 --days 365 --start 2025-12-01 --out /work/data/imp/d10m
//	trendlab -w /work/data/imp/i10m.duckdb --memory-limit 1GB import --videos .../videos.csv --events .../moderation_events.csv
//	/usr/bin/time -v trendlab -w /work/data/imp/i10m.duckdb --memory-limit 1GB import --views .../views_daily.csv --searches .../search_daily.csv --interventions .../interventions.csv
//	trendlab -w /work/data/imp/i10m.duckdb investigate --tag omegle --save-as omegle --policies bullying_harassment
//	TRENDLAB_IMPACT_WS=/work/data/imp/i10m.duckdb go test -tags=duckdb_arrow -run XXX -bench Impact -benchtime 3x ./analysis/
//
// TRENDLAB_TRACE=1 prints the time of each step. Figures are in the
// README (Impact).
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

func BenchmarkImpactPlatform(b *testing.B) {
	ws := impactBenchWorkspace(b)
	for b.Loop() {
		if _, err := ImpactPlatform(context.Background(), ws, PlatformRequest{TagSet: "omegle", Policy: "bullying_harassment", Lag: 2}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImpactIntervention(b *testing.B) {
	ws := impactBenchWorkspace(b)
	for b.Loop() {
		if _, err := ImpactIntervention(context.Background(), ws, InterventionRequest{TagSet: "omegle"}); err != nil {
			b.Fatal(err)
		}
	}
}
