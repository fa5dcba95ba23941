package stats

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// simWindow simulates daily counts with rate p, and q on days [from, to):
// binomial with 800..1200 trials a day, or Poisson over exposure 50..150.
func simWindow(seed uint64, days, from, to int, p, q float64, poisson bool) (x []int64, w []float64) {
	src := rand.NewPCG(seed, 31)
	rng := rand.New(src)
	for i := range days {
		r := p
		if i >= from && i < to {
			r = q
		}
		if poisson {
			e := 50 + 100*rng.Float64()
			x = append(x, int64(distuv.Poisson{Lambda: r * e, Src: src}.Rand()))
			w = append(w, e)
			continue
		}
		n := float64(800 + rng.IntN(401))
		x = append(x, int64(distuv.Binomial{N: n, P: r, Src: src}.Rand()))
		w = append(w, n)
	}
	return x, w
}

func toInt64(w []float64) []int64 {
	out := make([]int64, len(w))
	for i, v := range w {
		out[i] = int64(v)
	}
	return out
}

func TestSpikeFindsPlantedBurst(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		// Poisson: 0.4 events per unit exposure, 0.8 on days 50-52.
		x, e := simWindow(seed, 90, 50, 53, 0.4, 0.8, true)
		sp := SpikePoisson(x, e, 14, 99, seed)
		if math.Abs(float64(sp.Start-50)) > 2 || sp.PValue != 1.0/100 || sp.Inside <= sp.Outside {
			t.Errorf("seed %d Poisson: window [%d, %d) p %v, want a start within 2 days of 50 and p = 1/100", seed, sp.Start, sp.End, sp.PValue)
		}
		// Binomial: 2% violating, 4% on days 30-33.
		xb, n := simWindow(seed, 60, 30, 34, 0.02, 0.04, false)
		sb := SpikeBinomial(xb, toInt64(n), 10, 99, seed)
		if math.Abs(float64(sb.Start-30)) > 2 || sb.PValue != 1.0/100 {
			t.Errorf("seed %d binomial: window [%d, %d) p %v, want a start within 2 days of 30 and p = 1/100", seed, sb.Start, sb.End, sb.PValue)
		}
	}
}

func TestSpikeStationary(t *testing.T) {
	const seeds = 20
	var sig int
	for seed := uint64(1); seed <= seeds; seed++ {
		x, e := simWindow(seed+500, 90, 0, 0, 0.4, 0.4, true)
		if SpikePoisson(x, e, 14, 99, seed).PValue <= 0.05 {
			sig++
		}
		xb, n := simWindow(seed+500, 60, 0, 0, 0.03, 0.03, false)
		if SpikeBinomial(xb, toInt64(n), 14, 99, seed).PValue <= 0.05 {
			sig++
		}
	}
	// About 2 of 40 at the 5% level; more than 6 (P < 0.01 for a
	// calibrated test) means miscalibration.
	if sig > 6 {
		t.Errorf("stationary series flagged with a spike: %d/%d", sig, 2*seeds)
	}
}

// TestSpikeBruteForce compares the prefix-sum scan with a direct
// computation over all windows.
func TestSpikeBruteForce(t *testing.T) {
	x, e := simPoisson(3, 25, 25, 0.5, 0.5)
	sp := SpikePoisson(x, e, 6, 0, 0)
	best, bs, be := 0.0, -1, -1
	for s := 0; s < len(x); s++ {
		for end := s + 1; end <= min(len(x), s+6); end++ {
			var xin, ein, xout, eout float64
			for i := range x {
				if i >= s && i < end {
					xin, ein = xin+float64(x[i]), ein+e[i]
				} else {
					xout, eout = xout+float64(x[i]), eout+e[i]
				}
			}
			if xin/ein <= xout/eout {
				continue
			}
			lr := poisLL(xin, ein) + poisLL(xout, eout) - poisLL(xin+xout, ein+eout)
			if lr > best+1e-12 {
				best, bs, be = lr, s, end
			}
		}
	}
	if sp.Start != bs || sp.End != be || !near(sp.LogLR, best, 1e-9, 1e-9) {
		t.Errorf("scan [%d, %d) LogLR %v, brute force [%d, %d) %v", sp.Start, sp.End, sp.LogLR, bs, be, best)
	}
	if sp.End-sp.Start > 6 {
		t.Errorf("window longer than maxLen: [%d, %d)", sp.Start, sp.End)
	}
}

func TestSpikeEdges(t *testing.T) {
	tests := []struct {
		name       string
		sp         Spike
		start, end int
		p          float64
	}{
		{"empty", SpikePoisson(nil, nil, 7, 99, 1), -1, -1, nan},
		{"one day", SpikeBinomial([]int64{1}, []int64{5}, 7, 99, 1), -1, -1, nan},
		{"flat", SpikePoisson([]int64{3, 3, 3, 3}, []float64{1, 1, 1, 1}, 2, 99, 1), -1, -1, 1},
		{"no events", SpikeBinomial([]int64{0, 0, 0}, []int64{5, 5, 5}, 0, 99, 1), -1, -1, 1},
		{"two days, no replicates", SpikeBinomial([]int64{0, 4}, []int64{5, 5}, 0, 0, 1), 1, 2, nan},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.sp.Start != tc.start || tc.sp.End != tc.end || !same(tc.sp.PValue, tc.p) {
				t.Errorf("got [%d, %d) p %v, want [%d, %d) p %v", tc.sp.Start, tc.sp.End, tc.sp.PValue, tc.start, tc.end, tc.p)
			}
		})
	}
	a := SpikePoisson([]int64{1, 2, 9, 2, 1, 3}, []float64{1, 1, 1, 1, 1, 1}, 3, 99, 7)
	b := SpikePoisson([]int64{1, 2, 9, 2, 1, 3}, []float64{1, 1, 1, 1, 1, 1}, 3, 99, 7)
	if a != b || a.Start != 2 || a.End != 3 {
		t.Errorf("reproducibility or location: %+v vs %+v", a, b)
	}
}
