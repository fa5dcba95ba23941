package synth_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/trendlab/trendlab/datasets/synth"
)

// countingWriter counts bytes and discards them.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkWrite generates videos and events into memory, per format and
// compression; it reports videos/s and output MB/s.
func BenchmarkWrite(b *testing.B) {
	for _, c := range []struct{ format, compress string }{
		{"csv", "none"}, {"jsonl", "none"}, {"parquet", "snappy"}, {"csv", "gzip"}, {"csv", "zstd"},
	} {
		for _, n := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%s/%d", c.format, c.compress, n), func(b *testing.B) {
				b.ReportAllocs()
				var out countingWriter
				for b.Loop() {
					cfg := synth.Config{Videos: n, Seed: 1, Format: c.format, Compression: c.compress}
					if _, err := synth.Write(context.Background(), cfg, &out, &out); err != nil {
						b.Fatal(err)
					}
				}
				sec := b.Elapsed().Seconds()
				b.ReportMetric(float64(n*b.N)/sec, "videos/s")
				b.SetBytes(out.n / int64(b.N))
			})
		}
	}
}
