package stats

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"
)

// rExactRelTol is the relative tolerance against R for the exact tests:
// both compute the binomial and hypergeometric probabilities with
// Loader's saddle-point formulas, so they agree to rounding even at 10⁹.
const rExactRelTol = 1e-12

// TestReferenceR compares with R's fisher.test, binom.test and quantile
// (type 7), read from testdata/reference_r.csv (written by
// testdata/reference.R; the R version is on its first line). For tables
// near 10⁹ R is the only reference (scipy 1.10 loses digits there).
func TestReferenceR(t *testing.T) {
	f, err := os.Open("testdata/reference_r.csv")
	if err != nil {
		t.Fatalf("%v (regenerate with: cd testdata && Rscript reference.R > reference_r.csv)", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("testdata/reference_r.csv: %v", err)
	}
	seen := map[string]int{}
	for i, rec := range recs[1:] {
		line := i + 3 // comment line and header come first
		var k [4]float64
		for j := range k {
			if k[j], err = strconv.ParseFloat(rec[1+j], 64); err != nil {
				t.Fatalf("testdata/reference_r.csv:%d: %v", line, err)
			}
		}
		want, err := strconv.ParseFloat(rec[6], 64)
		if err != nil {
			t.Fatalf("testdata/reference_r.csv:%d: %v", line, err)
		}
		kind := rec[0]
		seen[kind]++
		switch kind {
		case "fisher":
			got := FisherExact(int64(k[0]), int64(k[1]), int64(k[2]), int64(k[3]), alternative(t, rec[5]))
			checkTol(t, "R fisher.test "+rec[1]+" "+rec[2]+" "+rec[3]+" "+rec[4]+" "+rec[5], got.PValue, num(want), 0, rExactRelTol)
		case "binom":
			got := BinomialTest(int64(k[0]), int64(k[1]), k[2], alternative(t, rec[5]))
			checkTol(t, "R binom.test "+rec[1]+" "+rec[2]+" "+rec[3]+" "+rec[5], got.PValue, num(want), 0, rExactRelTol)
		case "quantile":
			m := int(k[1])
			x := make([]float64, m)
			for j := range x {
				v := float64(j + 1)
				x[j] = v*1.5 - v*v/40
			}
			sortFloats(x)
			check(t, "R quantile type 7 "+rec[1]+" "+rec[2], Quantile(x, k[0]), num(want))
		default:
			t.Fatalf("testdata/reference_r.csv:%d: unknown kind %q", line, kind)
		}
	}
	for _, kind := range []string{"fisher", "binom", "quantile"} {
		if seen[kind] == 0 {
			t.Errorf("no %s rows in testdata/reference_r.csv", kind)
		}
	}
}
