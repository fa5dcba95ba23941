package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// countGrid covers the edge cases x = 0, x = n, n = 1, tiny and huge n.
func countGrid() [][2]int64 {
	var g [][2]int64
	for _, n := range []int64{1, 2, 3, 5, 10, 37, 100, 1000, 1e6, 1e9} {
		for _, x := range []int64{0, 1, n / 3, n / 2, n - 1, n} {
			if x >= 0 && x <= n {
				g = append(g, [2]int64{x, n})
			}
		}
	}
	return g
}

func TestIntervalsContainEstimate(t *testing.T) {
	fns := map[string]func(x, n int64, conf float64) Interval{
		"Wilson": Wilson, "ClopperPearson": ClopperPearson, "AgrestiCoull": AgrestiCoull,
		"WilsonFPC(N=2n)": func(x, n int64, conf float64) Interval { return WilsonFPC(x, n, 2*n, conf) },
	}
	for name, fn := range fns {
		for _, c := range countGrid() {
			for _, conf := range []float64{0.5, 0.9, 0.95, 0.999} {
				iv := fn(c[0], c[1], conf)
				p := float64(c[0]) / float64(c[1])
				if !(iv.Lo >= 0 && iv.Hi <= 1 && iv.Contains(p)) {
					t.Errorf("%s(%d, %d, %v) = %v: not in [0, 1] or misses %v", name, c[0], c[1], conf, iv, p)
				}
				if wider := fn(c[0], c[1], math.Min(conf+0.04, 0.9999)); wider.Lo > iv.Lo || wider.Hi < iv.Hi {
					t.Errorf("%s(%d, %d): interval at higher confidence %v is not wider than %v", name, c[0], c[1], wider, iv)
				}
			}
		}
	}
}

func TestTwoGroupIntervalsContainEstimate(t *testing.T) {
	grid := countGrid()
	for i, a := range grid {
		b := grid[(i*7+3)%len(grid)]
		x1, n1, x2, n2 := a[0], a[1], b[0], b[1]
		d, ci := RiskDifference(x1, n1, x2, n2, 0.95)
		if !(ci.Lo >= -1 && ci.Hi <= 1 && ci.Contains(d)) {
			t.Errorf("RiskDifference(%d, %d, %d, %d) = %v %v", x1, n1, x2, n2, d, ci)
		}
		if rr, ci := RiskRatio(x1, n1, x2, n2, 0.95); !math.IsNaN(rr) && !(ci.Lo >= 0 && ci.Contains(rr)) {
			t.Errorf("RiskRatio(%d, %d, %d, %d) = %v %v", x1, n1, x2, n2, rr, ci)
		}
		if or, ci := OddsRatio(x1, n1-x1, x2, n2-x2, 0.95); !math.IsNaN(or) && !(ci.Lo >= 0 && ci.Contains(or)) {
			t.Errorf("OddsRatio(%d, %d, %d, %d) = %v %v", x1, n1-x1, x2, n2-x2, or, ci)
		}
	}
}

// TestPValuesInRange runs every test over the grid and checks p in [0, 1]
// and the relations between alternatives and between tests.
func TestPValuesInRange(t *testing.T) {
	grid := countGrid()
	in01 := func(what string, p float64) {
		if !(p >= 0 && p <= 1) {
			t.Errorf("%s: p = %v not in [0, 1]", what, p)
		}
	}
	for i, a := range grid {
		b := grid[(i*5+1)%len(grid)]
		x1, n1, x2, n2 := a[0], a[1], b[0], b[1]
		what := fmt.Sprintf("(%d, %d, %d, %d)", x1, n1, x2, n2)
		for _, alt := range []Alternative{TwoSided, Greater, Less} {
			in01("z"+what, TwoProportionZ(x1, n1, x2, n2, alt).PValue)
			in01("fisher"+what, FisherExact(x1, n1-x1, x2, n2-x2, alt).PValue)
			in01("binom"+what, BinomialTest(x1, n1, 0.3, alt).PValue)
			in01("poisson exact"+what, PoissonRateRatioExact(x1, float64(n1), x2, float64(n2), alt).PValue)
			in01("poisson score"+what, PoissonRateRatioScore(x1, float64(n1), x2, float64(n2), alt).PValue)
		}
		for _, yates := range []bool{false, true} {
			in01("chi2"+what, ChiSquare2x2(x1, n1-x1, x2, n2-x2, yates).PValue)
		}
		// Exact one-sided tails both contain the observed outcome.
		if g, l := FisherExact(x1, n1-x1, x2, n2-x2, Greater).PValue, FisherExact(x1, n1-x1, x2, n2-x2, Less).PValue; g+l < 1-1e-9 {
			t.Errorf("Fisher%s: greater %v + less %v < 1", what, g, l)
		}
		if g, l := BinomialTest(x1, n1, 0.3, Greater).PValue, BinomialTest(x1, n1, 0.3, Less).PValue; g+l < 1-1e-9 {
			t.Errorf("binomial%s: greater %v + less %v < 1", what, g, l)
		}
		// The pooled z test squared is Pearson's chi-square.
		z := TwoProportionZ(x1, n1, x2, n2, TwoSided)
		c := ChiSquare2x2(x1, n1-x1, x2, n2-x2, false)
		if !near(z.Statistic*z.Statistic, c.Statistic, 1e-9, 1e-9) || !near(z.PValue, c.PValue, 1e-12, 1e-9) {
			t.Errorf("%s: z² = %v, p = %v but chi-square %v, p = %v", what, z.Statistic*z.Statistic, z.PValue, c.Statistic, c.PValue)
		}
		// The exact conditional Poisson test is a binomial test.
		if x1+x2 > 0 {
			pe := PoissonRateRatioExact(x1, float64(n1), x2, float64(n2), TwoSided).PValue
			pb := BinomialTest(x1, x1+x2, float64(n1)/float64(n1+n2), TwoSided).PValue
			if pe != pb {
				t.Errorf("%s: Poisson exact %v != binomial %v", what, pe, pb)
			}
		}
	}
}

// TestExactTestsMatchBruteForce compares the fast tail sums with direct
// summation of gonum probabilities over the whole support, for every
// table and count up to a small size (the fast path equals the simple one).
func TestExactTestsMatchBruteForce(t *testing.T) {
	const tol = 1e-12
	for n := int64(1); n <= 25; n++ {
		for _, p0 := range []float64{0.03, 0.3, 0.5, 0.77} {
			b := distuv.Binomial{N: float64(n), P: p0}
			for x := int64(0); x <= n; x++ {
				px := b.Prob(float64(x))
				var two, ge, le float64
				for k := int64(0); k <= n; k++ {
					pk := b.Prob(float64(k))
					if pk <= px*relErr {
						two += pk
					}
					if k >= x {
						ge += pk
					}
					if k <= x {
						le += pk
					}
				}
				for alt, want := range map[Alternative]float64{TwoSided: math.Min(1, two), Greater: math.Min(1, ge), Less: math.Min(1, le)} {
					if got := BinomialTest(x, n, p0, alt).PValue; !near(got, want, tol, tol) {
						t.Errorf("BinomialTest(%d, %d, %v, %v) = %v, brute force %v", x, n, p0, alt, got, want)
					}
				}
			}
		}
	}
	lchoose := func(n, k int64) float64 {
		a, _ := math.Lgamma(float64(n + 1))
		b, _ := math.Lgamma(float64(k + 1))
		c, _ := math.Lgamma(float64(n - k + 1))
		return a - b - c
	}
	for r1 := int64(1); r1 <= 9; r1++ {
		for r2 := int64(1); r2 <= 9; r2++ {
			for c1 := int64(0); c1 <= r1+r2; c1++ {
				lo, hi := max(0, c1-r2), min(r1, c1)
				prob := func(k int64) float64 {
					return math.Exp(lchoose(r1, k) + lchoose(r2, c1-k) - lchoose(r1+r2, c1))
				}
				for a := lo; a <= hi; a++ {
					pa := prob(a)
					var two, ge, le float64
					for k := lo; k <= hi; k++ {
						pk := prob(k)
						if pk <= pa*relErr {
							two += pk
						}
						if k >= a {
							ge += pk
						}
						if k <= a {
							le += pk
						}
					}
					b, c, d := r1-a, c1-a, r2-(c1-a)
					for alt, want := range map[Alternative]float64{TwoSided: math.Min(1, two), Greater: math.Min(1, ge), Less: math.Min(1, le)} {
						if got := FisherExact(a, b, c, d, alt).PValue; !near(got, want, tol, tol) {
							t.Errorf("FisherExact(%d, %d, %d, %d, %v) = %v, brute force %v", a, b, c, d, alt, got, want)
						}
					}
				}
			}
		}
	}
}

func TestAdjustmentOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		m := 1 + rng.IntN(30)
		p := make([]float64, m)
		for i := range p {
			p[i] = math.Pow(rng.Float64(), 3) // many small p-values
		}
		bon, holm, bh := Bonferroni(p), Holm(p), BenjaminiHochberg(p)
		for i := range p {
			if !(bon[i] >= holm[i] && holm[i] >= bh[i] && bh[i] >= p[i] && bon[i] <= 1) {
				t.Fatalf("trial %d: p=%v bonferroni=%v holm=%v bh=%v at %d", trial, p[i], bon[i], holm[i], bh[i], i)
			}
		}
		// Adjusted values keep the order of the raw ones.
		idx := make([]int, m)
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
		for j := 1; j < m; j++ {
			if holm[idx[j]] < holm[idx[j-1]] || bh[idx[j]] < bh[idx[j-1]] {
				t.Fatalf("trial %d: adjustment not monotone in p", trial)
			}
		}
	}
}

func TestQuantileMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		x := make([]float64, 1+rng.IntN(50))
		for i := range x {
			x[i] = rng.ExpFloat64() * 3600
		}
		sort.Float64s(x)
		prev := math.Inf(-1)
		for i := 0; i <= 1000; i++ {
			q := Quantile(x, float64(i)/1000)
			if q < prev || q < x[0] || q > x[len(x)-1] {
				t.Fatalf("Quantile not monotone or out of range at p=%v: %v after %v", float64(i)/1000, q, prev)
			}
			prev = q
		}
	}
}

func TestPlanningConsistency(t *testing.T) {
	// The MDE is where the power function reaches the requested power.
	for _, c := range []struct {
		p0     float64
		n1, n2 int64
	}{{0.05, 1000, 1000}, {0.001, 1e6, 5e6}, {0.3, 20, 40}, {0, 500, 500}} {
		p1, h := MinimumDetectableEffect(c.p0, c.n1, c.n2, 0.05, 0.8)
		if pw := PowerTwoProportions(p1, c.p0, c.n1, c.n2, 0.05, TwoSided); !near(pw, 0.8, 1e-9, 0) {
			t.Errorf("power at MDE p1=%v for p0=%v is %v, want 0.8", p1, c.p0, pw)
		}
		if !near(CohensH(p1, c.p0), h, 1e-12, 1e-9) || p1 <= c.p0 {
			t.Errorf("MDE(%v) = %v, h %v; CohensH gives %v", c.p0, p1, h, CohensH(p1, c.p0))
		}
	}
	// The sample size is the smallest n meeting the margin (Wald with FPC).
	for _, c := range []struct {
		p, e, conf float64
		N          int64
	}{{0.5, 0.05, 0.95, 0}, {0.5, 0.05, 0.95, 1000}, {0.1, 0.02, 0.99, 0}, {0.3, 0.03, 0.9, 50000}} {
		n := SampleSizeProportion(c.p, c.e, c.conf, c.N)
		margin := func(n int64) float64 {
			f := 1.0
			if c.N > 0 {
				f = float64(c.N-n) / float64(c.N-1)
			}
			return zCrit(c.conf) * math.Sqrt(c.p*(1-c.p)/float64(n)*f)
		}
		if margin(n) > c.e+1e-12 || margin(n-1) <= c.e {
			t.Errorf("SampleSizeProportion(%v) = %d: margin %v at n, %v at n-1", c, n, margin(n), margin(n-1))
		}
	}
	// Power grows with the sample size.
	prev := 0.0
	for _, n := range []int64{10, 100, 1000, 10000} {
		pw := PowerTwoProportions(0.12, 0.1, n, n, 0.05, TwoSided)
		if pw <= prev {
			t.Errorf("power %v at n=%d not above %v", pw, n, prev)
		}
		prev = pw
	}
}

func TestStratifiedMatchesSimple(t *testing.T) {
	// One stratum from a huge frame: the plain proportion, with the usual
	// SE sqrt(p(1-p)/(n-1)) up to the negligible FPC.
	got := StratifiedProportion([]Stratum{{N: 1e12, N_sampled: 400, X: 40}}, 0.95)
	if !near(got.P, 0.1, 1e-15, 0) || !near(got.SE, math.Sqrt(0.09/399), 0, 1e-9) || !got.CI.Contains(got.P) {
		t.Errorf("single stratum: %+v", got)
	}
	// Splitting a stratum proportionally leaves P unchanged.
	a := StratifiedProportion([]Stratum{{N: 1000, N_sampled: 100, X: 10}, {N: 1000, N_sampled: 100, X: 30}}, 0.95)
	if !near(a.P, 0.2, 1e-15, 0) || !a.CI.Contains(a.P) || a.CI.Lo < 0 || a.CI.Hi > 1 {
		t.Errorf("two strata: %+v", a)
	}
}
