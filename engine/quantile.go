package engine

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Removal-time quantiles come from a histogram, not from the engine's
// quantile function. Citus cannot push percentile_cont down to its workers
// (it would ship every removal to the coordinator), while a histogram is a
// plain GROUP BY that each shard computes and the coordinator adds up. Both
// engines compute the same histogram (bucketSQL) and one Go function turns
// it into quantiles (Quantiles), so DuckDB and PostgreSQL give the same
// numbers to the last bit.
//
// The buckets are log-linear in whole seconds: every second below 128 s,
// then 64 buckets per doubling, so a bucket is less than 1/64 of its values
// wide and a histogram has at most ~1,300 buckets per (policy, group)
// whatever the number of removals. Each bucket carries its least and
// greatest value, so an order statistic that is a bucket's least or
// greatest value, or lies in a bucket of one value, is exact.

// Every second is a bucket below exactBelow; above, 2^subBucketBits
// buckets per doubling.
const (
	subBucketBits = 6
	exactBelow    = 2 << subBucketBits // 128
)

// QuantileMethod describes how Quantiles reads a histogram.
const QuantileMethod = "linear interpolation (R type 7) over a histogram of the values (one bucket per second below 128 s, then 64 per doubling, each with its least and greatest value); exact when the order statistics are a bucket's least or greatest value, else within 1/64"

// bucketSQL is the bucket key of the whole seconds s (a BIGINT column), in
// the SQL both dialects share: s itself below exactBelow, else s rounded
// down to a multiple of 2^(k-subBucketBits) where 2^k <= s < 2^(k+1).
func bucketSQL(s string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CASE WHEN %s < %d THEN %s", s, exactBelow, s)
	for k := subBucketBits + 1; k < 62; k++ {
		fmt.Fprintf(&b, " WHEN %s < %d THEN %s - %s %% %d", s, int64(1)<<(k+1), s, s, int64(1)<<(k-subBucketBits))
	}
	fmt.Fprintf(&b, " ELSE %s END", s)
	return b.String()
}

// RemovalBucket is one bucket of the removals' time to action, in seconds,
// for a policy inside (InSet) or outside the tag set: how many removals,
// how many of them had no user report of the same policy at or before
// them, and the least and greatest value.
type RemovalBucket struct {
	Policy              string
	InSet               bool
	Key                 int64
	N                   int64
	SamePolicyProactive int64
	Min, Max            float64
}

// Quantiles returns the quantiles ps of the values a histogram counts
// (buckets of one policy and group, in any order; buckets with the same
// key are added up), by R's type 7 (linear interpolation between order
// statistics, as DuckDB's quantile_cont and PostgreSQL's percentile_cont).
// An order statistic inside a bucket is read as spread evenly between the
// bucket's least and greatest value. NaN for each p without values.
func Quantiles(buckets []RemovalBucket, ps ...float64) []float64 {
	hist := mergeBuckets(buckets)
	var n int64
	for _, b := range hist {
		n += b.N
	}
	out := make([]float64, len(ps))
	for i, p := range ps {
		if n == 0 {
			out[i] = math.NaN()
			continue
		}
		h := float64(n-1) * p
		j := int64(math.Floor(h))
		lo := orderStatistic(hist, j)
		if j+1 >= n {
			out[i] = lo
			continue
		}
		hi := orderStatistic(hist, j+1)
		// lo + (hi-lo)·frac, as DuckDB interpolates, so that exact values
		// round alike.
		out[i] = lo + (hi-lo)*(h-float64(j))
	}
	return out
}

// mergeBuckets adds up the buckets of the same key and sorts them by key.
func mergeBuckets(buckets []RemovalBucket) []RemovalBucket {
	by := map[int64]RemovalBucket{}
	for _, b := range buckets {
		if b.N <= 0 {
			continue
		}
		m, ok := by[b.Key]
		if !ok {
			by[b.Key] = b
			continue
		}
		m.N += b.N
		m.SamePolicyProactive += b.SamePolicyProactive
		m.Min, m.Max = min(m.Min, b.Min), max(m.Max, b.Max)
		by[b.Key] = m
	}
	out := make([]RemovalBucket, 0, len(by))
	for _, b := range by {
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b RemovalBucket) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	return out
}

// orderStatistic is the value of rank r (0-based) of sorted buckets.
func orderStatistic(hist []RemovalBucket, r int64) float64 {
	var cum int64
	for _, b := range hist {
		if r < cum+b.N {
			k := r - cum
			switch {
			case k == 0 || b.Min == b.Max:
				return b.Min
			case k == b.N-1:
				return b.Max
			}
			return b.Min + (b.Max-b.Min)*float64(k)/float64(b.N-1)
		}
		cum += b.N
	}
	return hist[len(hist)-1].Max
}
