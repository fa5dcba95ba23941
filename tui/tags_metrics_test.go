package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// readingsInvestigation is an investigation built by hand with one of each
// case the Tags screen must tell apart.
func readingsInvestigation() *analysis.Investigation {
	prop := func(x, n int64) analysis.Proportion {
		return analysis.Proportion{X: x, N: n, P: float64(x) / float64(n)}
	}
	rate := func(policy string, sig bool, finding, verdict string) analysis.PolicyRate {
		return analysis.PolicyRate{Policy: policy, TagSet: prop(30, 100), Baseline: prop(10, 100), Significant: sig, Finding: finding,
			Test:        analysis.TestResult{Method: "fisher_exact", PAdjusted: map[bool]float64{true: 0.0004, false: 0.6}[sig]},
			Materiality: analysis.Materiality{Verdict: verdict}}
	}
	return &analysis.Investigation{
		Confidence: 0.95,
		Request:    analysis.Request{Margin: analysis.Margin{Lo: 0.8, Hi: 1.25}},
		TagSet: analysis.TagSet{Seed: "omegle", Accepted: []string{"omegle", "\u03bfmegle"}, Candidates: []analysis.Variant{
			{Tag: "omegle", Status: analysis.VariantAccepted}, {Tag: "\u03bfmegle\x1b[31m", Status: analysis.VariantAccepted, Lookalike: true}}},
		Rates: []analysis.PolicyRate{rate("minor_safety", false, "no detectable difference", "inconclusive")},
		Metrics: []analysis.MetricRate{
			{Metric: analysis.MetricReport, Label: "report rate", Denominator: "videos", PolicyRate: rate("minor_safety", true, "higher", "material")},
			{Metric: analysis.MetricReport, Label: "report rate", Denominator: "videos", PolicyRate: rate("hate_speech", false, "no detectable difference", "equivalent")},
			{Metric: analysis.MetricFlag, Label: "automated-flag rate", Denominator: "videos", PolicyRate: rate("minor_safety", true, "lower", "within_margin")},
		},
		Removal: []analysis.Removal{{Policy: "minor_safety",
			TagSet:  analysis.RemovalStats{Removals: 4, Proactive: prop(1, 4), ProactiveSamePolicy: prop(3, 4)},
			Overall: analysis.RemovalStats{Removals: 40, Proactive: prop(20, 40), ProactiveSamePolicy: prop(30, 40)}}},
		Related: analysis.Related{Tested: 3, Tags: []analysis.RelatedTag{
			{Tag: "chatroulette", Significant: true, Association: "strong", Lift: 174},
			{Tag: "fyp", Significant: true, Association: "weak", Lift: 1.48},
			{Tag: "cats", Association: "none", Lift: 1.1},
		}},
		Trend: analysis.Trend{
			Volume:            []analysis.DayVolume{{Day: "2026-06-01", TagSet: 3, Baseline: 90, All: 93}},
			VolumeShareChange: analysis.Change{Day: "2026-06-20", Before: 0.01, After: 0.02, PAdjusted: 0.3},
			ControlCharts:     analysis.ControlCharts{MinDailyVariance: 5, EWMAFalseAlarmPerDay: 0.002, CUSUMFalseAlarmPerDay: 0.0025},
		},
	}
}

// TestTagsReadings checks each section of the Tags screen for what issues 10
// and 16 ask of it, on an investigation with every case.
func TestTagsReadings(t *testing.T) {
	m := tagsModel{inv: readingsInvestigation(), decided: map[string]string{}, width: 140, height: 30}
	th := newTheme(true, true)
	view := func(sec int) []string {
		m.section = sec
		lines := strings.Split(ansi.Strip(m.View(th)), "\n")
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > m.width {
				t.Errorf("section %s line %d is %d cells wide", sectionNames[sec], i, w)
			}
		}
		return lines
	}
	find := func(lines []string, s string) string {
		for _, l := range lines {
			if strings.Contains(l, s) {
				return l
			}
		}
		t.Errorf("no line with %q in\n%s", s, strings.Join(lines, "\n"))
		return ""
	}

	// A look-alike spelling names its code point, and its escape is gone.
	v := view(secVariants)
	if l := find(v, "U+03BF Greek"); strings.Contains(l, "\x1b") || strings.Contains(l, "[31m") {
		t.Errorf("variant line keeps an escape: %q", l)
	}

	// Rates: both readings, and the margin they use.
	r := view(secRates)
	find(r, "inconclusive · MDE")
	find(r, "margin [0.8, 1.25]")

	// Every metric with both readings; only the significant are marked.
	mt := view(secMetrics)
	if l := find(mt, "hate_speech"); strings.Contains(l, "▲") || !strings.Contains(l, "no detectable difference · equivalent") {
		t.Errorf("not significant, equivalent: %q", l)
	}
	if l := find(mt, "higher · material"); !strings.HasPrefix(l, "▲ minor_safety") {
		t.Errorf("significant report rate not marked: %q", l)
	}
	if l := find(mt, "lower · within margin"); !strings.HasPrefix(l, "▲ minor_safety") {
		t.Errorf("significant flag rate not marked: %q", l)
	}
	if strings.Count(strings.Join(mt, "\n"), "report rate (of videos)") != 1 {
		t.Errorf("one heading per metric:\n%s", strings.Join(mt, "\n"))
	}

	// Removal names both readings of "proactive" and shows both figures.
	rm := view(secRemoval)
	find(rm, analysis.ProactiveAnyPolicy[:40])
	find(rm, analysis.ProactiveSamePolicy[:40])
	if l := find(rm, "minor_safety"); !strings.Contains(l, "25.00%") || !strings.Contains(l, "75.00%") {
		t.Errorf("removal row lacks the two proactive shares: %q", l)
	}

	// Related: strong and weak are labelled apart, the rest carry no mark.
	rel := view(secRelated)
	if l := find(rel, "#chatroulette"); !strings.Contains(l, "▲▲ strong") {
		t.Errorf("strong association not labelled: %q", l)
	}
	if l := find(rel, "#fyp"); !strings.Contains(l, "▲ weak") || strings.Contains(l, "▲▲") {
		t.Errorf("weak association mislabelled: %q", l)
	}
	if l := find(rel, "#cats"); strings.Contains(l, "▲") {
		t.Errorf("a tag that is not significant is marked: %q", l)
	}

	// Volume: a change that is not significant is not named as one, and
	// alerts come with the charts' false-alarm rate.
	vol := view(secVolume)
	if l := find(vol, "share of all uploads"); strings.Contains(l, "2026-06-20") || !strings.Contains(l, "no significant change") {
		t.Errorf("a changepoint that is not significant is reported: %q", l)
	}
	find(vol, "false alarm in control: 1 day in 500, 1 day in 400")
	m.inv.Trend.VolumeShareChange.Significant = true
	find(view(secVolume), "changed on 2026-06-20, 1.00% → 2.00%")
}

// TestTagExplorerReadings walks the synthetic omegle investigation's new
// sections: the numbers on screen are analysis's, and the All metrics
// section is pinned by a golden.
func TestTagExplorerReadings(t *testing.T) {
	ws := synthWorkspace(t, 3000)
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "4")
	tm.Type("omegle")
	send(tm, "enter")
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.inv != nil && !m.tags.busy })
	send(tm, "h", "h", "h", "h") // removal
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.section == secRemoval })
	rm := screenNow(t, tm)
	send(tm, "h", "h") // related tags
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.section == secRelated })
	rel := screenNow(t, tm)
	send(tm, "l") // all metrics
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.section == secMetrics })
	fm := quit(t, tm)
	inv := fm.tags.inv
	if len(inv.Metrics) != len(analysis.Metrics)*len(inv.Policies) || len(inv.Removal) == 0 {
		t.Fatalf("%d metrics, %d removal rows", len(inv.Metrics), len(inv.Removal))
	}
	if !strings.Contains(rm, analysis.ProactiveAnyPolicy[:40]) || !strings.Contains(rm, analysis.ProactiveSamePolicy[:40]) || !strings.Contains(rm, textsafe.StripLine(inv.Removal[0].Policy)) {
		t.Errorf("removal section:\n%s", rm)
	}
	for _, rt := range inv.Related.Tags {
		if !strings.Contains(rel, "#"+tagText(rt.Tag)) {
			continue // below the fold
		}
		want := associationText(rt)
		if want != "" && !strings.Contains(rel, want+strings.Repeat(" ", 11-ansi.StringWidth(want))+" #"+tagText(rt.Tag)) {
			t.Errorf("related #%s (%s) not labelled %q:\n%s", rt.Tag, rt.Association, want, rel)
		}
	}
	s := screen(fm)
	first := inv.Metrics[0]
	if !strings.Contains(s, first.Label) || !strings.Contains(s, pctText(first.TagSet)) || !strings.Contains(s, materialText(first.Materiality)) {
		t.Errorf("metrics section lacks %s %s %s", first.Label, pctText(first.TagSet), materialText(first.Materiality))
	}
	requireGolden(t, fm)
}
