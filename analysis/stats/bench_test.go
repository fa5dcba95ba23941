package stats

import (
	"strconv"
	"testing"
)

// Benchmarks for the entry points whose cost grows with the counts or the
// series length. Run: go test -bench=. -run='^$' ./analysis/stats/
func BenchmarkFisherExact(b *testing.B) {
	for _, bc := range []struct {
		name       string
		a, b, c, d int64
	}{
		{"small", 3, 17, 1, 24},
		{"1e5", 370, 11630, 4100, 985900},
		{"1e9", 1000000, 999000000, 1001000, 998999000},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				FisherExact(bc.a, bc.b, bc.c, bc.d, TwoSided)
			}
		})
	}
}

func BenchmarkBinomialTest(b *testing.B) {
	for _, bc := range []struct {
		name string
		x, n int64
	}{
		{"small", 7, 20},
		{"1e9", 500001234, 1e9},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				BinomialTest(bc.x, bc.n, 0.5, TwoSided)
			}
		})
	}
}

func BenchmarkChangepointBinomial(b *testing.B) {
	for _, days := range []int{90, 365} {
		x, n := simBinomial(1, days, days/2, 0.02, 0.025)
		b.Run(strconv.Itoa(days)+"days-999perm", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ChangepointBinomial(x, n, 999, 1)
			}
		})
	}
}

func BenchmarkSpikePoisson(b *testing.B) {
	x, e := simWindow(1, 365, 200, 203, 0.4, 0.8, true)
	b.ReportAllocs()
	for b.Loop() {
		SpikePoisson(x, e, 14, 999, 1)
	}
}
