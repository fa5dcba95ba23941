package engine

import (
	"context"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/pgtest"
)

// quantileTol is the tolerance for quantiles that are exact up to the
// rounding of the interpolation.
const quantileTol = 1e-12

// bucketKey is bucketSQL in Go, the reference the SQL is checked against.
func bucketKey(s int64) int64 {
	if s < exactBelow {
		return s
	}
	k := 63 - bits.LeadingZeros64(uint64(s)) // 2^k <= s < 2^(k+1)
	w := int64(1) << (k - subBucketBits)
	return s - s%w
}

// histogram buckets values as the engines do.
func histogram(values []float64) []RemovalBucket {
	var out []RemovalBucket
	for _, v := range values {
		out = append(out, RemovalBucket{Key: bucketKey(int64(math.Floor(v))), N: 1, Min: v, Max: v})
	}
	return out // Quantiles adds up buckets of one key
}

// TestQuantilesExact: when every needed order statistic is a bucket's least
// or greatest value, the quantiles are R's type 7. Reference values from R
// 4 (quantile(x, c(0.5, 0.9, 0.99), type = 7)).
func TestQuantilesExact(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   [3]float64
	}{
		{"seconds and hours", []float64{3, 3, 7, 90, 108000, 108000, 216000, 50.5},
			[3]float64{70.25, 140399.99999999997, 208439.99999999997}},
		// 1000-1003 share a bucket of width 8 and are evenly spread in it.
		{"one bucket evenly", []float64{1000, 1001, 1002, 1003, 1010},
			[3]float64{1002, 1007.2, 1009.7199999999999}},
		{"one value", []float64{42}, [3]float64{42, 42, 42}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Quantiles(histogram(tt.values), 0.5, 0.9, 0.99)
			for i, w := range tt.want {
				if math.Abs(got[i]-w) > quantileTol*math.Max(1, w) {
					t.Errorf("quantile %d: got %v, want %v", i, got[i], w)
				}
			}
		})
	}
	if q := Quantiles(nil, 0.5); !math.IsNaN(q[0]) {
		t.Errorf("no values: got %v, want NaN", q[0])
	}
}

// typeSeven is R's type 7 over the values themselves.
func typeSeven(xs []float64, p float64) float64 {
	xs = slices.Sorted(slices.Values(xs))
	h := float64(len(xs)-1) * p
	j := int(math.Floor(h))
	if j+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[j] + (xs[j+1]-xs[j])*(h-float64(j))
}

// TestQuantilesWithinABucket: on any data the quantile is within 1/64 of
// the exact one (the bucket width), the bound QuantileMethod states.
func TestQuantilesWithinABucket(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for run := range 50 {
		n := 1 + rng.IntN(3000)
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = math.Exp(rng.Float64()*14) + rng.Float64() // 1 s to ~2 weeks
		}
		for _, p := range []float64{0, 0.01, 0.5, 0.9, 0.99, 1} {
			want := typeSeven(xs, p)
			got := Quantiles(histogram(xs), p)[0]
			if math.Abs(got-want) > want/64+1 { // +1: whole seconds below 128
				t.Fatalf("run %d, n %d, p %v: got %v, exact %v", run, n, p, got, want)
			}
		}
	}
}

// TestBucketSQL: each engine's bucket of the seconds around each doubling
// is bucketKey's.
func TestBucketSQL(t *testing.T) {
	t.Run("duckdb", func(t *testing.T) {
		ws, err := datasets.OpenMemory(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		checkBucketSQL(t, ws)
	})
	t.Run("postgres", func(t *testing.T) {
		ws, err := datasets.Open(context.Background(), pgtest.NewDatabase(t), datasets.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		checkBucketSQL(t, ws)
	})
}

func checkBucketSQL(t *testing.T, ws *datasets.Workspace) {
	t.Helper()
	var values []int64
	for k := range 40 {
		for d := int64(-3); d <= 3; d++ {
			values = append(values, int64(1)<<k+d)
		}
	}
	for _, s := range values {
		var got int64
		q := `SELECT ` + bucketSQL("s") + ` FROM (SELECT CAST($1 AS BIGINT) AS s) x`
		if ws.Dialect != datasets.Postgres {
			q = `SELECT ` + bucketSQL("s") + ` FROM (SELECT CAST(? AS BIGINT) AS s) x`
		}
		if err := ws.DB.QueryRow(q, s).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := bucketKey(s); got != want {
			t.Errorf("bucket of %d: SQL %d, want %d", s, got, want)
		}
	}
}
