package stats

import (
	"math"
	"sort"
)

// CohensKappa returns Cohen's (1960) kappa for two raters who labelled the
// same items (a[i] and b[i] are the labels of item i), and its asymptotic
// standard error (Fleiss, Cohen & Everitt 1969). With the table p_ij
// (share of items labelled i by a and j by b), margins p_i. (rater a) and
// p_.j (rater b), po = Σ p_ii and pe = Σ p_i.·p_.i:
//
//	κ   = (po - pe) / (1 - pe)
//	Var = [Σ_i p_ii(1 - (p_i. + p_.i)(1-κ))²
//	       + (1-κ)² Σ_{i≠j} p_ij (p_.i + p_j.)² - (κ - pe(1-κ))²] / ((1-pe)² n)
//
// Reference: statsmodels cohens_kappa (kappa, std_kappa). Empty input
// gives NaN, NaN; when both raters use one and the same label for every
// item pe = 1 and κ is 0/0: NaN, NaN. It panics if len(a) != len(b).
func CohensKappa(a, b []string) (kappa float64, se float64) {
	if len(a) != len(b) {
		panic("stats: CohensKappa needs the same number of labels from both raters")
	}
	n := len(a)
	if n == 0 {
		return nan, nan
	}
	// Category index over the union of labels, sorted for determinism.
	seen := map[string]int{}
	for _, s := range append(append([]string{}, a...), b...) {
		seen[s] = 0
	}
	cats := make([]string, 0, len(seen))
	for s := range seen {
		cats = append(cats, s)
	}
	sort.Strings(cats)
	for i, s := range cats {
		seen[s] = i
	}
	k := len(cats)
	tab := make([]float64, k*k)
	row := make([]float64, k)
	col := make([]float64, k)
	fn := float64(n)
	for i := range a {
		r, c := seen[a[i]], seen[b[i]]
		tab[r*k+c] += 1 / fn
		row[r] += 1 / fn
		col[c] += 1 / fn
	}
	var po, pe float64
	for i := 0; i < k; i++ {
		po += tab[i*k+i]
		pe += row[i] * col[i]
	}
	if pe >= 1 {
		return nan, nan
	}
	kappa = (po - pe) / (1 - pe)
	var ta, tb float64
	for i := 0; i < k; i++ {
		t := 1 - (row[i]+col[i])*(1-kappa)
		ta += tab[i*k+i] * t * t
		for j := 0; j < k; j++ {
			if i != j {
				s := col[i] + row[j]
				tb += tab[i*k+j] * s * s
			}
		}
	}
	tb *= (1 - kappa) * (1 - kappa)
	tc := kappa - pe*(1-kappa)
	v := (ta + tb - tc*tc) / ((1 - pe) * (1 - pe) * fn)
	return kappa, math.Sqrt(math.Max(0, v))
}
