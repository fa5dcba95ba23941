package analysis

import (
	"context"
	"os"
	"testing"

	"github.com/trendlab/trendlab/datasets"
)

// The impact benchmarks run on a large workspace made beforehand (they
// skip without one):
//
//	trendlab synth --videos 10000000 --days 365 --optional --out /work/data/impact10m
//	trendlab -w /work/data/impact10m.duckdb import --videos ... --views ... --searches ... --interventions ...
//	trendlab -w /work/data/impact10m.duckdb investigate --tag omegle --save-as omegle
//	TRENDLAB_IMPACT_WS=/work/data/impact10m.duckdb go test -tags=duckdb_arrow -run XXX -bench Impact -benchtime 3x ./analysis/
//
// Figures are in the README (Impact).
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
