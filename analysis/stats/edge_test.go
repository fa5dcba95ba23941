package stats

import (
	"math"
	"strings"
	"testing"
)

var inf = math.Inf(1)

// same reports whether got equals want, treating NaN as equal to NaN.
func same(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return got == want || math.Abs(got-want) <= 1e-12*math.Max(1, math.Abs(want))
}

func TestIntervalEdges(t *testing.T) {
	const g = int64(1e9)
	tests := []struct {
		name string
		got  Interval
		want Interval
	}{
		{"Wilson n=0", Wilson(0, 0, 0.95), Interval{0, 1}},
		{"ClopperPearson n=0", ClopperPearson(0, 0, 0.95), Interval{0, 1}},
		{"AgrestiCoull n=0", AgrestiCoull(0, 0, 0.95), Interval{0, 1}},
		{"WilsonFPC n=0", WilsonFPC(0, 0, 100, 0.95), Interval{0, 1}},
		{"WilsonFPC census", WilsonFPC(3, 10, 10, 0.95), Interval{0.3, 0.3}},
		{"WilsonFPC census n=1", WilsonFPC(1, 1, 1, 0.95), Interval{1, 1}},
		{"WilsonFPC N<=0 is Wilson", WilsonFPC(3, 10, 0, 0.95), Wilson(3, 10, 0.95)},
		{"ClopperPearson x=0 n=1", ClopperPearson(0, 1, 0.95), Interval{0, 0.975}},
		{"ClopperPearson x=1 n=1", ClopperPearson(1, 1, 0.95), Interval{0.025, 1}},
		{"Wilson x=0 huge", Interval{Wilson(0, g, 0.95).Lo, 0}, Interval{0, 0}},
		{"Wilson x=n huge", Interval{Wilson(g, g, 0.95).Hi, 0}, Interval{1, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !same(tc.got.Lo, tc.want.Lo) || !same(tc.got.Hi, tc.want.Hi) {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
}

func TestTestEdges(t *testing.T) {
	tests := []struct {
		name      string
		got       Test
		stat, p   float64
		checkStat bool
	}{
		{"z empty group", TwoProportionZ(1, 10, 0, 0, TwoSided), nan, nan, true},
		{"z no events", TwoProportionZ(0, 10, 0, 20, TwoSided), 0, 1, true},
		{"z all events", TwoProportionZ(10, 10, 20, 20, Greater), 0, 1, true},
		{"z n=1 each, differ", TwoProportionZ(1, 1, 0, 1, TwoSided), math.Sqrt2, 2 * stdNormal.CDF(-math.Sqrt2), true},
		{"chi2 empty row", ChiSquare2x2(0, 0, 3, 4, false), nan, nan, true},
		{"chi2 empty column", ChiSquare2x2(0, 5, 0, 7, true), 0, 1, true},
		{"chi2 yates clipped to 0", ChiSquare2x2(5, 5, 5, 5, true), 0, 1, true},
		{"fisher empty row", FisherExact(0, 0, 3, 4, TwoSided), nan, 1, false},
		{"fisher empty second row", FisherExact(3, 4, 0, 0, Greater), nan, 1, false},
		{"fisher empty column", FisherExact(0, 5, 0, 7, Less), nan, 1, false},
		{"fisher 1x1 diagonal", FisherExact(1, 0, 0, 1, TwoSided), nan, 1, false},
		{"fisher all zero", FisherExact(0, 0, 0, 0, TwoSided), nan, 1, false},
		{"binom n=0", BinomialTest(0, 0, 0.5, TwoSided), nan, nan, true},
		{"binom x=0 n=1", BinomialTest(0, 1, 0.5, TwoSided), nan, 1, true},
		{"binom p0=0 x=0", BinomialTest(0, 5, 0, TwoSided), nan, 1, true},
		{"binom p0=0 x>0", BinomialTest(1, 5, 0, TwoSided), nan, 0, true},
		{"binom p0=0 x>0 greater", BinomialTest(1, 5, 0, Greater), nan, 0, true},
		{"binom p0=0 x>0 less", BinomialTest(1, 5, 0, Less), nan, 1, true},
		{"binom p0=1 x=n", BinomialTest(5, 5, 1, TwoSided), nan, 1, true},
		{"binom p0=1 x<n less", BinomialTest(4, 5, 1, Less), nan, 0, true},
		{"binom x=0 huge", BinomialTest(0, 1e9, 1e-9, Less), nan, math.Exp(1e9 * math.Log1p(-1e-9)), true},
		{"poisson exact zero exposure", PoissonRateRatioExact(0, 0, 3, 2, TwoSided), nan, nan, true},
		{"poisson exact no events", PoissonRateRatioExact(0, 1, 0, 2, TwoSided), nan, 1, true},
		{"poisson score zero exposure", PoissonRateRatioScore(0, 1, 0, 0, TwoSided), nan, nan, true},
		{"poisson score no events", PoissonRateRatioScore(0, 1, 0, 2, Less), 0, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !same(tc.got.PValue, tc.p) {
				t.Errorf("PValue = %v, want %v", tc.got.PValue, tc.p)
			}
			if tc.checkStat && !same(tc.got.Statistic, tc.stat) {
				t.Errorf("Statistic = %v, want %v", tc.got.Statistic, tc.stat)
			}
			if !tc.checkStat && !math.IsNaN(tc.got.Statistic) {
				t.Errorf("Statistic = %v, want NaN", tc.got.Statistic)
			}
			if tc.got.Method == "" {
				t.Error("Method is empty")
			}
		})
	}
}

func TestEffectEdges(t *testing.T) {
	// Zero-count corrections: the finite bound comes from the table with
	// 0.5 added to every cell.
	// x1 = 0 of 10 against 3 of 12, corrected to 0.5 of 10.5 against 3.5 of 12.5.
	_, katz := riskRatioKatz(0.5, 10.5, 3.5, 12.5, 0.95)
	// [[0 10][6 3]] corrected to [[0.5 10.5][6.5 3.5]].
	lor := math.Log(0.5) + math.Log(3.5) - math.Log(10.5) - math.Log(6.5)
	se := math.Sqrt(1/0.5 + 1/10.5 + 1/6.5 + 1/3.5)
	z := zCrit(0.95)
	hald := Interval{math.Exp(lor - z*se), math.Exp(lor + z*se)}
	tests := []struct {
		name    string
		est     float64
		ci      Interval
		wantEst float64
		wantCI  Interval
	}{
		{"RD empty group", first(RiskDifference(0, 0, 1, 2, 0.95)), second(RiskDifference(0, 0, 1, 2, 0.95)), nan, Interval{-1, 1}},
		{"RD both zero", first(RiskDifference(0, 10, 0, 10, 0.95)), second(RiskDifference(0, 10, 0, 10, 0.95)), 0, Interval{-Wilson(0, 10, 0.95).Hi, Wilson(0, 10, 0.95).Hi}},
		{"RD extreme", first(RiskDifference(1, 1, 0, 1, 0.95)), second(RiskDifference(1, 1, 0, 1, 0.95)), 1, Interval{1 - math.Hypot(1-Wilson(1, 1, 0.95).Lo, Wilson(0, 1, 0.95).Hi), 1}},
		{"RR x1=0", first(RiskRatio(0, 10, 3, 12, 0.95)), second(RiskRatio(0, 10, 3, 12, 0.95)), 0, Interval{0, katz.Hi}},
		{"RR x2=0", first(RiskRatio(3, 12, 0, 10, 0.95)), second(RiskRatio(3, 12, 0, 10, 0.95)), inf, Interval{1 / katz.Hi, inf}},
		{"RR both zero", first(RiskRatio(0, 10, 0, 12, 0.95)), second(RiskRatio(0, 10, 0, 12, 0.95)), nan, Interval{0, inf}},
		{"RR empty group", first(RiskRatio(0, 0, 1, 12, 0.95)), second(RiskRatio(0, 0, 1, 12, 0.95)), nan, Interval{0, inf}},
		{"OR a=0", first(OddsRatio(0, 10, 6, 3, 0.95)), second(OddsRatio(0, 10, 6, 3, 0.95)), 0, Interval{0, hald.Hi}},
		{"OR b=0", first(OddsRatio(10, 0, 3, 6, 0.95)), second(OddsRatio(10, 0, 3, 6, 0.95)), inf, Interval{1 / hald.Hi, inf}},
		{"OR empty row", first(OddsRatio(0, 0, 3, 6, 0.95)), second(OddsRatio(0, 0, 3, 6, 0.95)), nan, Interval{0, inf}},
		{"OR zero diagonal both", first(OddsRatio(0, 4, 3, 0, 0.95)), second(OddsRatio(0, 4, 3, 0, 0.95)), 0, second(OddsRatio(0, 4, 3, 0, 0.95))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !same(tc.est, tc.wantEst) {
				t.Errorf("estimate = %v, want %v", tc.est, tc.wantEst)
			}
			if !same(tc.ci.Lo, tc.wantCI.Lo) || !same(tc.ci.Hi, tc.wantCI.Hi) {
				t.Errorf("interval = %v, want %v", tc.ci, tc.wantCI)
			}
		})
	}
}

func mdeP1(p0 float64, n1, n2 int64, alpha, power float64) float64 {
	p1, _ := MinimumDetectableEffect(p0, n1, n2, alpha, power)
	return p1
}

func first(v float64, _ Interval) float64    { return v }
func second(_ float64, iv Interval) Interval { return iv }

// riskRatioKatz is the plain Katz interval for (possibly fractional) counts.
func riskRatioKatz(x1, n1, x2, n2, conf float64) (float64, Interval) {
	r := (x1 / n1) / (x2 / n2)
	se := math.Sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)
	z := zCrit(conf)
	return r, Interval{r * math.Exp(-z*se), r * math.Exp(z*se)}
}

func TestOtherEdges(t *testing.T) {
	tests := []struct {
		name      string
		got, want float64
	}{
		{"Quantile empty", Quantile(nil, 0.5), nan},
		{"Quantile one value", Quantile([]float64{7}, 0.3), 7},
		{"Quantile p<0", Quantile([]float64{1, 2}, -0.1), nan},
		{"Quantile p>1", Quantile([]float64{1, 2}, 1.1), nan},
		{"Quantile p NaN", Quantile([]float64{1, 2}, nan), nan},
		{"Quantile min", Quantile([]float64{1, 2, 5}, 0), 1},
		{"Quantile max", Quantile([]float64{1, 2, 5}, 1), 5},
		{"Lift na=0", Lift(0, 0, 5, 10), nan},
		{"Lift n=0", Lift(0, 0, 0, 0), nan},
		{"PMI nab=0", PMI(0, 3, 5, 10), math.Inf(-1)},
		{"NPMI nab=0", NPMI(0, 3, 5, 10), -1},
		{"NPMI all together", NPMI(10, 10, 10, 10), 1},
		{"NPMI independent", NPMI(25, 50, 50, 100), 0},
		{"NPMI only together", NPMI(5, 5, 5, 100), 1},
		{"SampleSize p=0 at least 1", float64(SampleSizeProportion(0, 0.05, 0.95, 0)), 1},
		// n0 = 2.5758² · 0.25 / 0.01² = 16587.24; 16587.24 / (1 + 16586.24/300) = 294.69
		{"SampleSize small frame", float64(SampleSizeProportion(0.5, 0.01, 0.99, 300)), 295},
		{"SampleSize N=1", float64(SampleSizeProportion(0.5, 0.05, 0.95, 1)), 1},
		{"SampleSize classic 385", float64(SampleSizeProportion(0.5, 0.05, 0.95, 0)), 385},
		{"Power empty group", PowerTwoProportions(0.1, 0.2, 0, 10, 0.05, TwoSided), nan},
		{"Power no effect two-sided = alpha", PowerTwoProportions(0.3, 0.3, 100, 100, 0.05, TwoSided), 0.05},
		{"Power no effect one-sided = alpha", PowerTwoProportions(0.3, 0.3, 100, 100, 0.05, Greater), 0.05},
		{"CohensH", CohensH(1, 0), math.Pi},
		{"MDE undetectable", mdeP1(0.9, 3, 3, 0.05, 0.8), nan},
		{"MDE empty group", mdeP1(0.1, 0, 3, 0.05, 0.8), nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !same(tc.got, tc.want) {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	k, se := CohensKappa(nil, nil)
	if !math.IsNaN(k) || !math.IsNaN(se) {
		t.Errorf("CohensKappa(empty) = %v, %v, want NaN, NaN", k, se)
	}
	k, se = CohensKappa([]string{"a", "a"}, []string{"a", "a"})
	if !math.IsNaN(k) || !math.IsNaN(se) {
		t.Errorf("CohensKappa(one label) = %v, %v, want NaN, NaN", k, se)
	}
	k, se = CohensKappa([]string{"a", "b", "a", "c"}, []string{"a", "b", "a", "c"})
	if k != 1 || se != 0 {
		t.Errorf("CohensKappa(perfect agreement) = %v, %v, want 1, 0", k, se)
	}
	if got := Bonferroni(nil); len(got) != 0 {
		t.Errorf("Bonferroni(nil) = %v", got)
	}
	got := Holm([]float64{0.01, nan, 0.02})
	if got[0] != 0.02 || !math.IsNaN(got[1]) || got[2] != 0.02 {
		t.Errorf("Holm with NaN = %v, want [0.02 NaN 0.02] (NaN not counted)", got)
	}
}

func TestStratifiedEdges(t *testing.T) {
	tests := []struct {
		name   string
		strata []Stratum
		p, se  float64
		ci     Interval
	}{
		{"no strata", nil, nan, nan, Interval{0, 1}},
		{"unsampled stratum", []Stratum{{N: 100, N_sampled: 10, X: 1}, {N: 50}}, nan, nan, Interval{0, 1}},
		{"empty frame stratum ignored", []Stratum{{N: 100, N_sampled: 100, X: 25}, {}}, 0.25, 0, Interval{0.25, 0.25}},
		{"census", []Stratum{{N: 10, N_sampled: 10, X: 2}, {N: 30, N_sampled: 30, X: 3}}, 0.125, 0, Interval{0.125, 0.125}},
		{"all zero", []Stratum{{N: 1000, N_sampled: 20, X: 0}, {N: 500, N_sampled: 20, X: 0}}, 0, 0, Wilson(0, 40, 0.95)},
		{"all positive", []Stratum{{N: 1000, N_sampled: 20, X: 20}}, 1, 0, Wilson(20, 20, 0.95)},
		{"single draw stratum", []Stratum{{N: 4, N_sampled: 1, X: 1}}, 1, math.Sqrt(0.75 * 0.25), Interval{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := StratifiedProportion(tc.strata, 0.95)
			if !same(got.P, tc.p) || !same(got.SE, tc.se) {
				t.Errorf("P, SE = %v, %v, want %v, %v", got.P, got.SE, tc.p, tc.se)
			}
			if tc.ci != (Interval{}) && (!same(got.CI.Lo, tc.ci.Lo) || !same(got.CI.Hi, tc.ci.Hi)) {
				t.Errorf("CI = %v, want %v", got.CI, tc.ci)
			}
			if got.Method == "" {
				t.Error("Method is empty")
			}
		})
	}
}

// TestPanics checks that programming errors panic with a "stats:" message.
func TestPanics(t *testing.T) {
	tests := []struct {
		name string
		fn   func()
	}{
		{"x > n", func() { Wilson(3, 2, 0.95) }},
		{"negative n", func() { ClopperPearson(0, -1, 0.95) }},
		{"conf 1", func() { Wilson(1, 2, 1) }},
		{"conf NaN", func() { AgrestiCoull(1, 2, nan) }},
		{"n > N", func() { WilsonFPC(1, 20, 10, 0.95) }},
		{"negative cell", func() { FisherExact(-1, 2, 3, 4, TwoSided) }},
		{"bad alternative", func() { TwoProportionZ(1, 2, 1, 2, Alternative(7)) }},
		{"p0 > 1", func() { BinomialTest(1, 2, 1.5, TwoSided) }},
		{"events without exposure", func() { PoissonRateRatioExact(1, 0, 1, 1, TwoSided) }},
		{"p-value > 1", func() { Holm([]float64{1.5}) }},
		{"margin 0", func() { SampleSizeProportion(0.5, 0, 0.95, 0) }},
		{"power <= alpha", func() { MinimumDetectableEffect(0.1, 10, 10, 0.05, 0.01) }},
		{"stratum oversampled", func() { StratifiedProportion([]Stratum{{N: 1, N_sampled: 2}}, 0.95) }},
		{"cooccurrence nab > na", func() { Lift(3, 2, 5, 10) }},
		{"kappa lengths", func() { CohensKappa([]string{"a"}, nil) }},
		{"changepoint lengths", func() { ChangepointBinomial([]int64{1}, nil, 0, 1) }},
		{"ewma baseline 1", func() { EWMAAlerts([]float64{1, 2, 3}, 0.2, 3, 1) }},
		{"cusum h 0", func() { CUSUMAlerts([]float64{1, 2, 3}, 0.5, 0, 2) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, ok := r.(string)
				if !ok || !strings.HasPrefix(msg, "stats: ") {
					t.Errorf("recovered %#v, want a panic message starting with \"stats: \"", r)
				}
			}()
			tc.fn()
		})
	}
}

func TestCompareProportions(t *testing.T) {
	tests := []struct {
		name           string
		x1, n1, x2, n2 int64
		want           Test
		minExpected    float64
	}{
		// Expected counts: row 20 × column 4 / 45 = 1.78 < 5: Fisher.
		{"small counts use Fisher", 3, 20, 1, 25, FisherExact(3, 17, 1, 24, TwoSided), 20.0 * 4 / 45},
		{"large counts use z", 150, 1000, 120, 1000, TwoProportionZ(150, 1000, 120, 1000, TwoSided), 270.0 * 1000 / 2000},
		{"empty group", 0, 0, 3, 10, FisherExact(0, 0, 3, 7, TwoSided), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CompareProportions(tc.x1, tc.n1, tc.x2, tc.n2, TwoSided)
			if !same(got.PValue, tc.want.PValue) || !same(got.Statistic, tc.want.Statistic) {
				t.Errorf("got %+v, want the numbers of %+v", got, tc.want)
			}
			if !strings.HasPrefix(got.Method, tc.want.Method) {
				t.Errorf("Method %q does not name %q", got.Method, tc.want.Method)
			}
			if e := MinExpected(tc.x1, tc.n1-tc.x1, tc.x2, tc.n2-tc.x2); !same(e, tc.minExpected) {
				t.Errorf("MinExpected = %v, want %v", e, tc.minExpected)
			}
		})
	}
	if e := MinExpected(0, 0, 0, 0); !math.IsNaN(e) {
		t.Errorf("MinExpected(empty) = %v, want NaN", e)
	}
}
