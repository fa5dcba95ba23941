package stats

import "math"

// Lift returns the lift of the co-occurrence of items a and b among n
// records (videos): nab records have both, na have a, nb have b.
//
//	lift = P(a,b) / (P(a)·P(b)) = nab·n / (na·nb)
//
// 1 means independence, above 1 that they travel together. Undefined
// (na, nb or n = 0) gives NaN. It panics unless 0 <= nab <= min(na, nb)
// and max(na, nb) <= n.
func Lift(nab, na, nb, n int64) float64 {
	checkCooc(nab, na, nb, n)
	if na == 0 || nb == 0 {
		return nan
	}
	return float64(nab) / float64(na) * float64(n) / float64(nb)
}

// PMI returns the pointwise mutual information ln(lift) in nats (natural
// logarithm): ln(P(a,b)/(P(a)P(b))). nab = 0 gives -Inf; undefined
// (na, nb or n = 0) gives NaN.
func PMI(nab, na, nb, n int64) float64 {
	return math.Log(Lift(nab, na, nb, n))
}

// NPMI returns the normalised pointwise mutual information (Bouma 2009)
//
//	NPMI = PMI / -ln P(a,b) = ln(lift) / -ln(nab/n)
//
// in [-1, 1]: -1 when a and b never occur together (nab = 0), 0 under
// independence, 1 when they only occur together. The case nab = n
// (every record has both, so na = nb = n) is complete co-occurrence and
// gives 1. Undefined (na, nb or n = 0) gives NaN.
func NPMI(nab, na, nb, n int64) float64 {
	checkCooc(nab, na, nb, n)
	switch {
	case na == 0 || nb == 0:
		return nan
	case nab == 0:
		return -1
	case nab == n:
		return 1
	}
	v := PMI(nab, na, nb, n) / -math.Log(float64(nab)/float64(n))
	return math.Max(-1, math.Min(1, v))
}

func checkCooc(nab, na, nb, n int64) {
	if nab < 0 || nab > na || nab > nb || na > n || nb > n || nab+n < na+nb {
		panic("stats: inconsistent co-occurrence counts (need 0 <= nab <= na, nb <= n and na+nb-nab <= n)")
	}
}
