package tui

import (
	"fmt"
	"strconv"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// This file draws what the Tags screen shows beyond the violation rates:
// every monitoring metric with both readings of a finding, the removal
// metrics under both readings of "proactive", the trend's tests, and the
// helpers that make look-alike spellings and related tags' strength
// visible.

// tagText is a tag (or spelling) for the terminal: look-alike characters
// named (analysis.VisibleSpelling), then terminal escapes stripped.
func tagText(tag string) string {
	return textsafe.StripLine(analysis.VisibleSpelling(tag))
}

// materialText is the materiality verdict in a few words; the direction
// is the finding's.
func materialText(m analysis.Materiality) string {
	switch m.Verdict {
	case "equivalent":
		return "equivalent"
	case "within_margin":
		return "within margin"
	case "material":
		return "material"
	case "inconclusive":
		return "inconclusive"
	}
	return "–"
}

// marginText writes the equivalence margin of the risk ratio.
func marginText(m analysis.Margin) string {
	return "[" + strconv.FormatFloat(m.Lo, 'f', -1, 64) + ", " + strconv.FormatFloat(m.Hi, 'f', -1, 64) + "]"
}

// readingsNote names the materiality reading's margin under the rates
// and metrics tables.
func (m tagsModel) readingsNote() string {
	return "materiality: risk ratio against the margin " + marginText(m.inv.Request.Margin) + " (TOST)"
}

// metricsView lists every monitoring metric of every policy, the tag set
// against the baseline, with both readings, under a heading per metric;
// significant rows are marked and the rest drawn faint, so that the eye
// lands on what differs. The cursor moves by row, skipping the headings.
func (m tagsModel) metricsView(th theme) []string {
	head := th.Header.Render("  " + pad("policy", 20) + " " + padLeft("tag set", 8) + " " + padLeft("baseline", 8) + " " +
		padLeft("ratio", 6) + " " + padLeft("p.adj", 7) + "  finding · materiality")
	var items []string
	pos := make([]int, len(m.inv.Metrics)) // item index of each metric row
	last := ""
	for i, r := range m.inv.Metrics {
		if r.Label != last {
			last = r.Label
			items = append(items, th.Title.Render(r.Label+" (of "+r.Denominator+")"))
		}
		pos[i] = len(items)
		row := pad(textsafe.StripLine(r.Policy), 20) + " " + padLeft(pctText(r.TagSet), 8) + " " + padLeft(pctText(r.Baseline), 8) + " " +
			padLeft(formatNum(r.RiskRatio.Estimate, 2), 6) + " " + padLeft(formatP(r.Test.PAdjusted), 7) + "  " + r.Finding + " · " + materialText(r.Materiality)
		if r.Significant {
			items = append(items, "▲ "+row)
		} else {
			items = append(items, th.Faint.Render("  "+row))
		}
	}
	h := m.listHeight() - 1
	l := m.lists[secMetrics]
	var l2 listState
	if l.cursor < len(pos) {
		l2 = listState{cursor: pos[l.cursor], top: max(0, pos[l.top]-1)}
	}
	l2.follow(len(items), h)
	foot := th.Faint.Render(oneLine(fmt.Sprintf("▲ significant (p adjusted across all %d) · ", len(m.inv.Metrics))+m.readingsNote(), m.width))
	return append(append([]string{head}, renderList(th, items, l2, m.width, h, true)...), foot)
}

// pctText is a proportion's estimate in percent, "–" without a denominator.
func pctText(p analysis.Proportion) string {
	if p.N == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f%%", 100*p.P)
}

// removalView shows the removal metrics per policy under both readings of
// "proactive", each named above the table.
func (m tagsModel) removalView(th theme) []string {
	lines := []string{
		th.Faint.Render(oneLine(analysis.ProactiveAnyPolicy, m.width)),
		th.Faint.Render(oneLine(analysis.ProactiveSamePolicy, m.width)),
		th.Header.Render(pad("policy", 20) + " " + pad("group", 8) + " " + padLeft("removed", 8) + " " + padLeft("proactive", 10) + " " +
			padLeft("same-policy", 12) + " " + padLeft("within 24h", 11) + " " + padLeft("time to action p50", 19)),
	}
	var items []string
	for _, r := range m.inv.Removal {
		row := func(group string, s analysis.RemovalStats) string {
			return pad(group, 8) + " " + padLeft(analysis.GroupDigits(s.Removals), 8) + " " + padLeft(pctText(s.Proactive), 10) + " " +
				padLeft(pctText(s.ProactiveSamePolicy), 12) + " " + padLeft(pctText(s.Within24h), 11) + " " + padLeft(secondsText(s.TimeToAction.P50), 19)
		}
		items = append(items, pad(textsafe.StripLine(r.Policy), 20)+" "+row("tag set", r.TagSet),
			pad("", 20)+" "+th.Faint.Render(row("all", r.Overall)))
	}
	// The cursor moves by policy, two lines each.
	l := m.lists[secRemoval]
	l2 := listState{cursor: 2 * l.cursor, top: 2 * l.top}
	l2.follow(len(items), m.listHeight()-2)
	return append(lines, renderList(th, items, l2, m.width, m.listHeight()-2, true)...)
}

// secondsText writes a duration in seconds readably.
func secondsText(s analysis.Num) string {
	if !s.Valid() {
		return "–"
	}
	switch v := float64(s); {
	case v < 120:
		return fmt.Sprintf("%.0fs", v)
	case v < 7200:
		return fmt.Sprintf("%.0fm", v/60)
	case v < 172800:
		return fmt.Sprintf("%.1fh", v/3600)
	default:
		return fmt.Sprintf("%.1fd", v/86400)
	}
}

// shareChangeText says whether the tag set's share of all uploads changed:
// a change is named only when it is significant.
func (m tagsModel) shareChangeText() string {
	ch := m.inv.Trend.VolumeShareChange
	switch {
	case ch.Day == "":
		return "share of all uploads: too few days to test for a change"
	case ch.Significant:
		return fmt.Sprintf("share of all uploads: changed on %s, %.2f%% → %.2f%% (p.adj %s)", ch.Day, 100*ch.Before, 100*ch.After, formatP(ch.PAdjusted))
	}
	return fmt.Sprintf("share of all uploads: no significant change (p %s)", formatP(ch.PAdjusted))
}

// alertsText counts the tag set's control-chart alerts with the charts'
// in-control false-alarm rates, without which an alert means nothing.
func (m tagsModel) alertsText() string {
	cc := m.inv.Trend.ControlCharts
	if cc.EWMAFalseAlarmPerDay <= 0 && cc.CUSUMFalseAlarmPerDay <= 0 {
		return "control charts: no day had enough videos to chart"
	}
	var ewma, cusum int
	for _, p := range m.inv.Trend.Policies {
		ewma += len(p.EWMAAlerts)
		cusum += len(p.CUSUMAlerts)
	}
	every := func(p float64) string {
		if p <= 0 {
			return "n/a"
		}
		return fmt.Sprintf("1 day in %.0f", 1/p)
	}
	return fmt.Sprintf("alerts: EWMA %d, CUSUM %d (false alarm in control: %s, %s; only days with n·p0·(1−p0) ≥ %s)",
		ewma, cusum, every(cc.EWMAFalseAlarmPerDay), every(cc.CUSUMFalseAlarmPerDay), strconv.FormatFloat(cc.MinDailyVariance, 'f', -1, 64))
}

// associationText labels a related tag: strong, weak, or nothing when
// the co-occurrence is not significant.
func associationText(t analysis.RelatedTag) string {
	switch {
	case t.Association == "strong":
		return "▲▲ strong"
	case t.Significant:
		return "▲ weak"
	}
	return ""
}
