package analysis

import (
	"math"

	"github.com/trendlab/trendlab/analysis/stats"
	"strings"
	"testing"
)

// Each comparison reads as one of the materiality findings, beside the
// finding of a detectable difference. Before the margin existed, the first
// case was only "lower" (issue 10: a platform-scale difference no one would
// act on).
func TestMaterialityFindings(t *testing.T) {
	req, err := Request{Tag: "x"}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	r := &run{req: req}
	tests := []struct {
		name               string
		x1, n1, x2, n2     int64
		finding, material  string
		verdict            string
		noMaterialDiffence bool
	}{
		{"platform scale: significant, not material", 965_000, 10_000_000, 10_000_000, 100_000_000,
			"lower", "lower but within the margin", VerdictWithinMargin, true},
		{"equal at scale: equivalent", 100_000, 10_000_000, 1_000_000, 100_000_000,
			"no detectable difference", "equivalent within the margin", VerdictEquivalent, true},
		{"three times: materially higher", 300, 10_000, 1_000, 100_000,
			"higher", "materially higher", VerdictMaterial, false},
		{"a third: materially lower", 100, 30_000, 1_000, 100_000,
			"lower", "materially lower", VerdictMaterial, false},
		{"small groups: inconclusive", 3, 25, 4, 35,
			"no detectable difference", "inconclusive", VerdictInconclusive, false},
		{"higher, straddling the margin", 1_300, 100_000, 1_000, 100_000,
			"higher", "higher, inconclusive whether material", VerdictInconclusive, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := r.compareRates("p", tt.x1, tt.n1, tt.x2, tt.n2)
			pr.Materiality.PEquivalenceAdjusted = float64(pr.Materiality.PEquivalence)
			pr.Materiality.PMaterialAdjusted = float64(pr.Materiality.PMaterial)
			pr = finding(pr, req.Alpha)
			m := pr.Materiality
			if pr.Finding != tt.finding || m.Finding != tt.material || m.Verdict != tt.verdict || m.NoMaterialDifference() != tt.noMaterialDiffence {
				t.Errorf("finding %q, materiality %q (%s, no material difference %v); want %q, %q (%s, %v)\nRR %v %v, p equiv %v, p material %v",
					pr.Finding, m.Finding, m.Verdict, m.NoMaterialDifference(), tt.finding, tt.material, tt.verdict, tt.noMaterialDiffence,
					pr.RiskRatio.Estimate, pr.RiskRatio.CI, m.PEquivalence, m.PMaterial)
			}
			if m.Margin != DefaultMargin {
				t.Errorf("margin %v; want the default %v printed with the finding", m.Margin, DefaultMargin)
			}
		})
	}
}

// The margin is the investigator's: a narrower one turns "within the
// margin" into "material".
func TestMaterialityMarginIsSettable(t *testing.T) {
	req, err := Request{Tag: "x", Margin: Margin{Lo: 0.99, Hi: 1.01}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	r := &run{req: req}
	pr := r.compareRates("p", 965_000, 10_000_000, 10_000_000, 100_000_000)
	pr.Materiality.PEquivalenceAdjusted = float64(pr.Materiality.PEquivalence)
	pr.Materiality.PMaterialAdjusted = float64(pr.Materiality.PMaterial)
	pr = finding(pr, req.Alpha)
	if pr.Materiality.Finding != "materially lower" || pr.Materiality.Margin != req.Margin {
		t.Errorf("margin %v: %q; want materially lower", pr.Materiality.Margin, pr.Materiality.Finding)
	}
	for _, m := range []Margin{{Lo: 1, Hi: 1.25}, {Lo: 0.8, Hi: 0.9}, {Lo: -1, Hi: 2}} {
		if _, err := (Request{Tag: "x", Margin: m}).withDefaults(); err == nil {
			t.Errorf("margin %v accepted", m)
		}
	}
}

// A companion tag planted with the tag set (lift 174) is marked strong and
// listed first; a platform-wide tag that is significant only by the size of
// the data (lift 1.48) is marked weak; a tag that is not significant gets
// no mark. Before, the first two had the same marker.
func TestRankRelated(t *testing.T) {
	tags := []RelatedTag{
		{Tag: "fyp", Together: 5000, Lift: 1.48, NPMI: 0.05},
		{Tag: "cooking", Together: 5, Lift: 0.33, NPMI: -0.4},
		{Tag: "chatroulette", Together: 300, Lift: 174, NPMI: 0.7},
		{Tag: "rare", Together: 6, Lift: 3, NPMI: 0.2},
	}
	rankRelated(tags, []float64{1e-9, 1e-6, 1e-12, 0.2}, 0.05)
	var got []string
	for _, r := range tags {
		got = append(got, r.Tag+":"+r.Association)
	}
	want := []string{"chatroulette:strong", "fyp:weak", "rare:none", "cooking:none"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ranked %v; want %v", got, want)
	}
}

// The stated in-control run lengths are the simulation's.
func TestControlChartARL0Constants(t *testing.T) {
	if got := stats.CUSUMARL0(cusumK, cusumH, 4000, 1); math.Abs(got-cusumARL0) > 0.05 {
		t.Errorf("cusumARL0 = %v; the simulation gives %.1f", cusumARL0, got)
	}
	if got := stats.EWMAARL0(ewmaLambda, ewmaL, 4000, 1); math.Abs(got-ewmaARL0) > 0.05 {
		t.Errorf("ewmaARL0 = %v; the simulation gives %.1f", ewmaARL0, got)
	}
}
