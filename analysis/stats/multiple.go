package stats

import (
	"math"
	"sort"
)

// Bonferroni adjusts p-values for m tests: min(1, m·p). NaN entries (tests
// that could not be run) are returned as NaN and do not count towards m.
// The result is a new slice in the input order. Reference: statsmodels
// multipletests(method="bonferroni").
func Bonferroni(p []float64) []float64 {
	idx, out := validP(p)
	m := float64(len(idx))
	for _, i := range idx {
		out[i] = math.Min(1, m*p[i])
	}
	return out
}

// Holm applies Holm's (1979) step-down adjustment. With the m valid
// p-values sorted ascending p(1) <= ... <= p(m):
//
//	adj(i) = max_{j <= i} min(1, (m-j+1)·p(j))
//
// NaN entries are passed through and not counted. Holm's adjusted values
// are never above Bonferroni's. Reference: statsmodels
// multipletests(method="holm").
func Holm(p []float64) []float64 {
	idx, out := validP(p)
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	m := len(idx)
	run := 0.0
	for j, i := range idx {
		run = math.Max(run, math.Min(1, float64(m-j)*p[i]))
		out[i] = run
	}
	return out
}

// BenjaminiHochberg applies the Benjamini-Hochberg (1995) step-up
// adjustment controlling the false discovery rate. With p(1) <= ... <= p(m):
//
//	adj(i) = min_{j >= i} min(1, m/j·p(j))
//
// NaN entries are passed through and not counted. BH adjusted values are
// never above Holm's. Reference: statsmodels multipletests(method="fdr_bh").
func BenjaminiHochberg(p []float64) []float64 {
	idx, out := validP(p)
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	m := len(idx)
	run := 1.0
	for j := m - 1; j >= 0; j-- {
		i := idx[j]
		run = math.Min(run, float64(m)/float64(j+1)*p[i])
		out[i] = run
	}
	return out
}

// validP returns the indexes of the non-NaN p-values and an output slice
// prefilled with NaN. It panics on p-values outside [0, 1].
func validP(p []float64) ([]int, []float64) {
	out := make([]float64, len(p))
	idx := make([]int, 0, len(p))
	for i, v := range p {
		out[i] = nan
		if math.IsNaN(v) {
			continue
		}
		if v < 0 || v > 1 {
			panic("stats: p-value outside [0, 1]")
		}
		idx = append(idx, i)
	}
	return idx, out
}
