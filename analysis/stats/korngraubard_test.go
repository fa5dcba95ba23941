package stats

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

var kgFull = flag.Bool("kg.full", false, "run the Korn-Graubard coverage simulation on the full grid with 10,000 draws per cell")

// kgDesign is one cell of the coverage simulation: a stratified frame with
// a known number of positives per stratum, and a proportional allocation.
type kgDesign struct {
	frame, pos, alloc []int64
	truth             float64 // Σ pos / Σ frame
}

// kgWeights are the strata's shares of the frame, and kgRisk how much more
// or less often each stratum is positive than the frame, so that strata
// differ as real ones do.
var (
	kgWeights = map[int][]float64{2: {0.7, 0.3}, 3: {0.5, 0.3, 0.2}, 4: {0.4, 0.3, 0.2, 0.1}}
	kgRisk    = map[int][]float64{2: {0.6, 1.9}, 3: {0.4, 1.2, 2.5}, 4: {0.5, 0.8, 1.6, 2.4}}
)

// newKGDesign lays out H strata over a frame of n/fraction items with true
// share about p, and allocates n in proportion to the frame (each stratum
// at least one), by largest remainder.
func newKGDesign(h int, n int64, p, fraction float64) kgDesign {
	total := int64(math.Round(float64(n) / fraction))
	w, risk := kgWeights[h], kgRisk[h]
	var norm float64
	for i := range w {
		norm += w[i] * risk[i]
	}
	d := kgDesign{frame: make([]int64, h), pos: make([]int64, h), alloc: make([]int64, h)}
	var sumN, sumPos, given int64
	for i := range w {
		d.frame[i] = int64(math.Round(float64(total) * w[i]))
		ph := math.Min(1, p*risk[i]/norm)
		d.pos[i] = int64(math.Round(float64(d.frame[i]) * ph))
		d.alloc[i] = max(1, int64(float64(n)*w[i]))
		sumN += d.frame[i]
		sumPos += d.pos[i]
		given += d.alloc[i]
	}
	for i := 0; given < n; i = (i + 1) % h {
		if d.alloc[i] < d.frame[i] {
			d.alloc[i]++
			given++
		}
	}
	d.truth = float64(sumPos) / float64(sumN)
	return d
}

// draw samples each stratum without replacement and returns its counts.
func (d kgDesign) draw(rng *rand.Rand) []Stratum {
	out := make([]Stratum, len(d.frame))
	for i := range d.frame {
		var x int64
		for j := range d.alloc[i] {
			if rng.Float64()*float64(d.frame[i]-j) < float64(d.pos[i]-x) {
				x++
			}
		}
		out[i] = Stratum{N: d.frame[i], N_sampled: d.alloc[i], X: x}
	}
	return out
}

type kgCell struct {
	H        int     `json:"strata"`
	N        int64   `json:"n"`
	P        float64 `json:"p"`
	Fraction float64 `json:"sampling_fraction"`
	Coverage float64 `json:"coverage"`
	Width    float64 `json:"mean_width"`
	ZeroW    int     `json:"zero_width"`
}

// kgCoverage runs draws seeded draws of one design.
func kgCoverage(h int, n int64, p, fraction float64, draws int) kgCell {
	d := newKGDesign(h, n, p, fraction)
	rng := rand.New(rand.NewPCG(uint64(h)<<40|uint64(n)<<20|uint64(p*1e5), uint64(fraction*1000)))
	c := kgCell{H: h, N: n, P: p, Fraction: fraction}
	covered := 0
	// Draws repeat the same counts often; the interval depends on nothing else.
	seen := map[[4]int64]Estimate{}
	for range draws {
		strata := d.draw(rng)
		var key [4]int64
		for i, s := range strata {
			key[i] = s.X
		}
		e, ok := seen[key]
		if !ok {
			e = StratifiedKornGraubard(strata, 0.95)
			seen[key] = e
		}
		if e.CI.Lo <= d.truth+1e-12 && d.truth <= e.CI.Hi+1e-12 {
			covered++
		}
		c.Width += e.CI.Hi - e.CI.Lo
		if e.CI.Hi-e.CI.Lo <= 0 {
			c.ZeroW++
		}
	}
	c.Coverage = float64(covered) / float64(draws)
	c.Width /= float64(draws)
	return c
}

// TestKornGraubardCoverage is the coverage simulation: stratified designs
// with 2 to 4 strata of different sizes and rates, proportional allocation,
// n from 10 to 400, true shares from 0.005 to 0.5, a small (5 %) and a
// large (40 %) sampling fraction; 2,000 seeded draws per cell, and the 95 %
// interval must cover the truth in at least 93 % of them, with no
// zero-width interval (no cell is a census). -kg.full runs a finer grid
// with 10,000 draws per cell and writes its table to
// testdata/korngraubard_coverage.json.
func TestKornGraubardCoverage(t *testing.T) {
	ns := []int64{10, 25, 50, 100, 200, 400}
	ps := []float64{0.005, 0.01, 0.05, 0.1, 0.25, 0.5}
	fractions := []float64{0.05, 0.4}
	draws := 2000
	if *kgFull {
		ns = []int64{10, 15, 20, 25, 30, 40, 50, 75, 100, 150, 200, 300, 400}
		ps = []float64{0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5}
		fractions = []float64{0.01, 0.05, 0.2, 0.4}
		draws = 10000
	} else if testing.Short() {
		ns = []int64{10, 50, 400}
	}
	var cells []kgCell
	worst := kgCell{Coverage: 2}
	for h := 2; h <= 4; h++ {
		for _, n := range ns {
			for _, p := range ps {
				for _, f := range fractions {
					c := kgCoverage(h, n, p, f, draws)
					cells = append(cells, c)
					if c.Coverage < 0.93 {
						t.Errorf("%d strata, n = %d, p = %g, sampling fraction %g: coverage %.4f < 0.93", h, n, p, f, c.Coverage)
					}
					if c.ZeroW > 0 {
						t.Errorf("%d strata, n = %d, p = %g, sampling fraction %g: %d zero-width intervals", h, n, p, f, c.ZeroW)
					}
					if c.Coverage < worst.Coverage {
						worst = c
					}
				}
			}
		}
	}
	var mean float64
	for _, c := range cells {
		mean += c.Coverage
	}
	mean /= float64(len(cells))
	t.Logf("%d cells x %d draws: mean coverage %.4f, lowest %.4f (%d strata, n = %d, p = %g, fraction %g)",
		len(cells), draws, mean, worst.Coverage, worst.H, worst.N, worst.P, worst.Fraction)
	if *kgFull {
		b, err := json.MarshalIndent(map[string]any{"draws_per_cell": draws, "confidence": 0.95,
			"mean_coverage": mean, "lowest": worst, "cells": cells}, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", "korngraubard_coverage.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKornGraubardZeroVariance is issue 10's case: every labelled share per
// stratum is 0 or 1, so the variance estimate is 0, but only 10 of 25 frame
// videos were reviewed. The interval must not collapse to [28%, 28%]; it is
// Clopper-Pearson at n = 10 (the degrees-of-freedom factor shrinks n
// slightly), and only a census gives [P, P].
func TestKornGraubardZeroVariance(t *testing.T) {
	e := StratifiedKornGraubard([]Stratum{{N: 7, N_sampled: 3, X: 3}, {N: 18, N_sampled: 7, X: 0}}, 0.95)
	if math.Abs(e.P-0.28) > 1e-12 || e.SE != 0 {
		t.Fatalf("P = %g, SE = %g; want 0.28, 0", e.P, e.SE)
	}
	srs := clopperPearsonReal(2.8, 10, 0.95)
	if !(e.CI.Lo < 0.28 && e.CI.Hi > 0.28) || e.CI.Lo < srs.Lo-0.02 || e.CI.Hi > srs.Hi+0.02 || e.CI.Hi-e.CI.Lo < srs.Hi-srs.Lo {
		t.Errorf("interval %v; want about Clopper-Pearson at n = 10 %v, a little wider", e.CI, srs)
	}
	census := StratifiedKornGraubard([]Stratum{{N: 7, N_sampled: 7, X: 7}, {N: 18, N_sampled: 18, X: 0}}, 0.95)
	if census.CI != (Interval{0.28, 0.28}) {
		t.Errorf("census: %v, want [0.28, 0.28]", census.CI)
	}
	// One stratum a census, the other sampled: still an interval.
	part := StratifiedKornGraubard([]Stratum{{N: 7, N_sampled: 7, X: 7}, {N: 18, N_sampled: 7, X: 0}}, 0.95)
	if !(part.CI.Hi > part.CI.Lo) {
		t.Errorf("one stratum sampled short of a census: %v has no width", part.CI)
	}
	// Nothing positive: [0, hi] with hi > 0.
	zero := StratifiedKornGraubard([]Stratum{{N: 100, N_sampled: 10}, {N: 300, N_sampled: 30}}, 0.95)
	if zero.P != 0 || zero.CI.Lo != 0 || !(zero.CI.Hi > 0.05 && zero.CI.Hi < 0.12) {
		t.Errorf("no positives: P = %g, %v; want 0, [0, about 0.09]", zero.P, zero.CI)
	}
}

// TestKornGraubardEdges: empty and unobserved strata, and bad input.
func TestKornGraubardEdges(t *testing.T) {
	for _, tc := range []struct {
		name   string
		strata []Stratum
	}{
		{"no strata", nil},
		{"empty frame", []Stratum{{N: 0}}},
		{"a stratum not sampled", []Stratum{{N: 10, N_sampled: 2, X: 1}, {N: 5}}},
	} {
		e := StratifiedKornGraubard(tc.strata, 0.95)
		if !math.IsNaN(e.P) || e.CI != (Interval{0, 1}) {
			t.Errorf("%s: %+v, want NaN and [0, 1]", tc.name, e)
		}
	}
	for _, bad := range [][]Stratum{{{N: 1, N_sampled: 2}}, {{N: 5, N_sampled: 2, X: 3}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%v: no panic", bad)
				}
			}()
			StratifiedKornGraubard(bad, 0.95)
		}()
	}
}

func BenchmarkKornGraubardCoverageCell(b *testing.B) {
	for range b.N {
		kgCoverage(4, 400, 0.05, 0.05, 2000)
	}
}

// ExampleStratifiedKornGraubard: a sample whose strata are all 0 or all 1
// still has an interval.
func ExampleStratifiedKornGraubard() {
	e := StratifiedKornGraubard([]Stratum{{N: 7, N_sampled: 3, X: 3}, {N: 18, N_sampled: 7, X: 0}}, 0.95)
	fmt.Printf("%.1f%% [%.1f%%, %.1f%%]\n", 100*e.P, 100*e.CI.Lo, 100*e.CI.Hi)
	// Output: 28.0% [5.5%, 64.1%]
}
