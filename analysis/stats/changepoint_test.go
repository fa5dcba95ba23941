package stats

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// simBinomial simulates days with n[i] ~ 800..1200 trials and rate p
// before day change and q from it on.
func simBinomial(seed uint64, days, change int, p, q float64) (x, n []int64) {
	src := rand.NewPCG(seed, 99)
	rng := rand.New(src)
	for i := range days {
		ni := int64(800 + rng.IntN(401))
		r := p
		if i >= change {
			r = q
		}
		xi := distuv.Binomial{N: float64(ni), P: r, Src: src}.Rand()
		x = append(x, int64(xi))
		n = append(n, ni)
	}
	return x, n
}

func simPoisson(seed uint64, days, change int, rate, rate2 float64) (x []int64, e []float64) {
	src := rand.NewPCG(seed, 77)
	rng := rand.New(src)
	for i := range days {
		ei := 50 + 100*rng.Float64()
		r := rate
		if i >= change {
			r = rate2
		}
		x = append(x, int64(distuv.Poisson{Lambda: r * ei, Src: src}.Rand()))
		e = append(e, ei)
	}
	return x, e
}

func TestChangepointFindsPlantedChange(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		x, n := simBinomial(seed, 60, 40, 0.02, 0.05)
		cp := ChangepointBinomial(x, n, 199, seed)
		if cp.Index != 40 || cp.PValue != 1.0/200 {
			t.Errorf("seed %d binomial: index %d p %v, want 40 and 1/200", seed, cp.Index, cp.PValue)
		}
		if math.Abs(cp.Before-0.02) > 0.005 || math.Abs(cp.After-0.05) > 0.01 {
			t.Errorf("seed %d binomial: rates %v -> %v, want about 0.02 -> 0.05", seed, cp.Before, cp.After)
		}
		xp, e := simPoisson(seed, 90, 25, 0.3, 0.75)
		cpp := ChangepointPoisson(xp, e, 199, seed)
		if cpp.Index != 25 || cpp.PValue != 1.0/200 {
			t.Errorf("seed %d Poisson: index %d p %v, want 25 and 1/200", seed, cpp.Index, cpp.PValue)
		}
	}
}

func TestChangepointStationary(t *testing.T) {
	const seeds = 40
	var sigB, sigP int
	for seed := uint64(1); seed <= seeds; seed++ {
		x, n := simBinomial(seed+1000, 60, 60, 0.03, 0.03)
		if ChangepointBinomial(x, n, 199, seed).PValue <= 0.05 {
			sigB++
		}
		xp, e := simPoisson(seed+1000, 60, 60, 0.4, 0.4)
		if ChangepointPoisson(xp, e, 199, seed).PValue <= 0.05 {
			sigP++
		}
	}
	// At the 5% level about 2 of 40 stationary series are flagged; more
	// than 6 (P < 0.01 under a correct test) means the test is miscalibrated.
	if sigB > 6 || sigP > 6 {
		t.Errorf("stationary series flagged significant: binomial %d/%d, Poisson %d/%d", sigB, seeds, sigP, seeds)
	}
}

func TestChangepointReproducible(t *testing.T) {
	x, n := simBinomial(5, 50, 30, 0.03, 0.036)
	a := ChangepointBinomial(x, n, 499, 42)
	b := ChangepointBinomial(x, n, 499, 42)
	if a != b {
		t.Errorf("same seed, different results: %+v vs %+v", a, b)
	}
	if a.PValue <= 0 || a.PValue > 1 || a.PValue*500 != math.Round(a.PValue*500) {
		t.Errorf("p-value %v is not (k+1)/(B+1) with B = 499", a.PValue)
	}
	if c := ChangepointBinomial(x, n, 0, 42); !math.IsNaN(c.PValue) || c.Index != a.Index || c.LogLR != a.LogLR {
		t.Errorf("without permutations: %+v, want NaN p-value and the same split as %+v", c, a)
	}
}

// TestChangepointLogLR checks the scan statistic against full binomial
// and Poisson log likelihoods from gonum (constants included, so they
// must cancel).
func TestChangepointLogLR(t *testing.T) {
	x, n := simBinomial(11, 30, 12, 0.1, 0.2)
	cp := ChangepointBinomial(x, n, 0, 0)
	ll := func(from, to int) float64 {
		var X, N float64
		for i := from; i < to; i++ {
			X += float64(x[i])
			N += float64(n[i])
		}
		s := 0.0
		for i := from; i < to; i++ {
			s += distuv.Binomial{N: float64(n[i]), P: X / N}.LogProb(float64(x[i]))
		}
		return s
	}
	best := math.Inf(-1)
	for k := 1; k < len(x); k++ {
		best = math.Max(best, ll(0, k)+ll(k, len(x))-ll(0, len(x)))
	}
	want := ll(0, cp.Index) + ll(cp.Index, len(x)) - ll(0, len(x))
	if !near(cp.LogLR, want, 1e-8, 1e-9) || !near(cp.LogLR, best, 1e-8, 1e-9) {
		t.Errorf("binomial LogLR %v, gonum likelihoods give %v at the split and %v at the best split", cp.LogLR, want, best)
	}

	xp, e := simPoisson(12, 30, 20, 1, 0.5)
	cpp := ChangepointPoisson(xp, e, 0, 0)
	llp := func(from, to int) float64 {
		var X, E float64
		for i := from; i < to; i++ {
			X += float64(xp[i])
			E += e[i]
		}
		s := 0.0
		for i := from; i < to; i++ {
			s += distuv.Poisson{Lambda: X / E * e[i]}.LogProb(float64(xp[i]))
		}
		return s
	}
	wantP := llp(0, cpp.Index) + llp(cpp.Index, len(xp)) - llp(0, len(xp))
	if !near(cpp.LogLR, wantP, 1e-8, 1e-9) {
		t.Errorf("Poisson LogLR %v, gonum likelihoods give %v", cpp.LogLR, wantP)
	}
}

func TestChangepointEdges(t *testing.T) {
	tests := []struct {
		name  string
		cp    Changepoint
		index int
		p     float64
	}{
		{"empty", ChangepointBinomial(nil, nil, 99, 1), -1, nan},
		{"one day", ChangepointBinomial([]int64{3}, []int64{10}, 99, 1), -1, nan},
		{"one day Poisson", ChangepointPoisson([]int64{3}, []float64{10}, 99, 1), -1, nan},
		{"no events", ChangepointBinomial([]int64{0, 0, 0}, []int64{10, 10, 10}, 99, 1), 1, 1},
		{"two days", ChangepointBinomial([]int64{0, 10}, []int64{10, 10}, 99, 1), 1, 1},
		{"no events Poisson", ChangepointPoisson([]int64{0, 0, 0}, []float64{1, 0, 2}, 9, 1), 1, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cp.Index != tc.index || !same(tc.cp.PValue, tc.p) {
				t.Errorf("got index %d p %v, want %d and %v (%+v)", tc.cp.Index, tc.cp.PValue, tc.index, tc.p, tc.cp)
			}
			if tc.cp.Method == "" {
				t.Error("Method is empty")
			}
		})
	}
}

func simNormal(seed uint64, days int, mu, sd float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 5))
	x := make([]float64, days)
	for i := range x {
		x[i] = mu + sd*rng.NormFloat64()
	}
	return x
}

func TestControlCharts(t *testing.T) {
	var alarmedE, alarmedC int
	for seed := uint64(1); seed <= 20; seed++ {
		// Stationary: most series raise no alert at all. With a known
		// mean and SD the in-control average run lengths are about 500
		// days (EWMA λ = 0.2, L = 3) and 230 (two-sided CUSUM k = 0.5,
		// h = 5); estimating both from 56 baseline days shortens them.
		x := simNormal(seed, 156, 1000, 30)
		if len(EWMAAlerts(x, 0.2, 3, 56)) > 0 {
			alarmedE++
		}
		if len(CUSUMAlerts(x, 0.5, 5, 56)) > 0 {
			alarmedC++
		}

		// A planted spike of +5σ over days 70-74 is flagged within two days.
		y := simNormal(seed, 100, 1000, 30)
		for i := 70; i < 75; i++ {
			y[i] += 150
		}
		for name, alerts := range map[string][]int{
			"EWMA":  EWMAAlerts(y, 0.3, 3, 56),
			"CUSUM": CUSUMAlerts(y, 0.5, 4, 56),
		} {
			found := false
			for _, a := range alerts {
				found = found || (a >= 70 && a <= 72)
			}
			if !found {
				t.Errorf("seed %d %s: alerts %v, want one within days 70-72", seed, name, alerts)
			}
		}
	}
	t.Logf("stationary series with any alert: EWMA %d/20, CUSUM %d/20", alarmedE, alarmedC)
	if alarmedE > 6 || alarmedC > 8 {
		t.Errorf("stationary series with alerts: EWMA %d/20, CUSUM %d/20", alarmedE, alarmedC)
	}
}

func TestControlChartEdges(t *testing.T) {
	flat := []float64{5, 5, 5, 5, 5, 7, 5, 3}
	if got := CUSUMAlerts(flat, 0.5, 4, 5); !equalInts(got, []int{5, 7}) {
		t.Errorf("CUSUM on a constant baseline = %v, want [5 7]", got)
	}
	if got := EWMAAlerts(flat, 0.2, 3, 5); len(got) == 0 || got[0] != 5 {
		t.Errorf("EWMA on a constant baseline = %v, want alerts from day 5", got)
	}
	if got := EWMAAlerts([]float64{1, 2, 3}, 0.2, 3, 3); got != nil {
		t.Errorf("EWMA with no monitored days = %v, want nil", got)
	}
	if got := CUSUMAlerts([]float64{1, 2}, 0.5, 4, 10); got != nil {
		t.Errorf("CUSUM baseline longer than series = %v, want nil", got)
	}
	// A sustained shift keeps CUSUM out of control on every day.
	x := simNormal(9, 60, 0, 1)
	for i := 40; i < 60; i++ {
		x[i] += 3
	}
	got := CUSUMAlerts(x, 0.5, 4, 20)
	if len(got) < 15 || got[len(got)-1] != 59 {
		t.Errorf("CUSUM on a sustained shift = %v, want most days 41-59", got)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// arlRelTol is the relative tolerance of a simulated average run length:
// 4,000 runs have a standard error of about 1.6 % of the mean (the run
// length is roughly geometric), so 6 % is over three standard errors.
const arlRelTol = 0.06

// TestControlChartARL0 checks the simulated in-control run lengths against
// Montgomery's Table 9.3 (two-sided tabular CUSUM, k = 0.5) and, for the
// EWMA with exact limits, against Lucas and Saccucci's 562 for the
// asymptotic limits (λ = 0.2, L = 3), which it should not exceed by much.
func TestControlChartARL0(t *testing.T) {
	for _, c := range []struct{ h, want float64 }{{4, 168}, {5, 465}} {
		got := CUSUMARL0(0.5, c.h, 4000, 1)
		if math.Abs(got-c.want) > arlRelTol*c.want {
			t.Errorf("CUSUMARL0(0.5, %v) = %.1f; want %v (Montgomery Table 9.3)", c.h, got, c.want)
		}
	}
	got := EWMAARL0(0.2, 3, 4000, 1)
	if got > 562*(1+arlRelTol) || got < 400 {
		t.Errorf("EWMAARL0(0.2, 3) = %.1f; want about 562", got)
	}
	if a, b := CUSUMARL0(0.5, 5, 50, 7), CUSUMARL0(0.5, 5, 50, 7); a != b {
		t.Errorf("CUSUMARL0 with one seed gave %v and %v", a, b)
	}
}
