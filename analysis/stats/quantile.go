package stats

import "math"

// Quantile returns the p-quantile of sorted (ascending) data by linear
// interpolation between order statistics, Hyndman & Fan (1996) type 7, the
// default of R's quantile() and numpy.quantile(method="linear"):
//
//	h = (n-1)·p,  Q = x[⌊h⌋] + (h-⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋])
//
// (0-based). Quantile(x, 0) is the minimum and Quantile(x, 1) the maximum.
// Empty input, or p outside [0, 1] or NaN, gives NaN. The input is not
// checked for order; unsorted input gives meaningless results.
func Quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 || !(p >= 0 && p <= 1) {
		return nan
	}
	h := float64(n-1) * p
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	frac := h - float64(lo)
	if frac == 0 {
		return sorted[lo]
	}
	return sorted[lo] + frac*(sorted[lo+1]-sorted[lo])
}
