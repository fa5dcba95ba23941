package tui

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
)

func (m tagsModel) View(th theme) string {
	var b strings.Builder
	b.WriteString(m.input.View())
	switch {
	case m.busy:
		b.WriteString("  " + m.spin.View() + " investigating…")
	case m.err != "":
		b.WriteString("  " + th.Error.Render(oneLine(m.err, max(10, m.width/2))))
	case m.note != "":
		b.WriteString("  " + th.Faint.Render(m.note))
	}
	b.WriteByte('\n')
	if m.inv == nil {
		b.WriteString(th.Faint.Render("Type a hashtag and press enter: trendlab finds its spellings, compares its violation rates with the baseline,\nmarks spikes, lists related tags and the moderation funnel. / starts a new search."))
		return b.String()
	}
	inv := m.inv
	ts := inv.TagSet
	summary := fmt.Sprintf("#%s: %s accepted tags · %s videos · baseline %s videos (%s) · %s to %s",
		tagText(ts.Seed), analysis.GroupDigits(int64(len(ts.Accepted))), analysis.GroupDigits(ts.Videos), analysis.GroupDigits(inv.Baseline.Videos),
		textsafe.StripLine(inv.Baseline.Kind), inv.Period.Since, inv.Period.Until)
	if m.savedAs != "" {
		summary += " · tag set " + textsafe.StripLine(m.savedAs)
	}
	b.WriteString(th.Title.Render(ansi.Truncate(summary, m.width, "…")) + "\n")
	var tabs []string
	for i := range sectionNames {
		if i == m.section {
			tabs = append(tabs, th.TabActive.Render(m.sectionLabel(i)))
		} else {
			tabs = append(tabs, th.TabInactive.Render(m.sectionLabel(i)))
		}
	}
	b.WriteString(strings.Join(tabs, " ") + "\n")
	var lines []string
	switch m.section {
	case secVariants:
		lines = m.variantsView(th)
	case secVolume:
		lines = m.volumeView(th)
	case secRates:
		lines = m.ratesView(th)
	case secFunnel:
		lines = m.funnelView(th)
	case secRelated:
		lines = m.relatedView(th)
	case secMetrics:
		lines = m.metricsView(th)
	case secRemoval:
		lines = m.removalView(th)
	case secImpact:
		lines = m.impactView(th)
	case secSweep:
		lines = m.sweepView(th)
	case secAlerts:
		lines = m.alertsView(th)
	}
	b.WriteString(strings.Join(lines, "\n"))
	if len(inv.Notes) > 0 {
		b.WriteString("\n" + th.Warn.Render(oneLine("note: "+inv.Notes[0], m.width)))
	}
	return b.String()
}

func (m tagsModel) variantsView(th theme) []string {
	cands := m.inv.TagSet.Candidates
	head := th.Header.Render(pad("status", 10) + " " + pad("tag", 32) + " " + padLeft("videos", 9) + " " + padLeft("score", 6) + "  why it matched")
	items := make([]string, len(cands))
	for i, v := range cands {
		st := m.status(v)
		mark := "  " + st
		if _, pending := m.decided[v.Tag]; pending {
			mark = "* " + st
		}
		why := strings.Join(v.Reasons, ", ")
		if v.Lookalike {
			why += " (look-alike)"
		}
		items[i] = pad(mark, 10) + " " + pad("#"+tagText(v.Tag), 32) + " " + padLeft(analysis.GroupDigits(v.Videos), 9) + " " +
			padLeft(fmt.Sprintf("%.2f", v.Score), 6) + "  " + textsafe.StripLine(why)
	}
	return append([]string{head}, renderList(th, items, m.lists[secVariants], m.width, m.listHeight(), true)...)
}

// sparkChars draw a sparkline from low to high.
var sparkChars = []rune(" ▁▂▃▄▅▆▇█")

// sparkline draws values scaled to the largest as block characters.
func sparkline(vals []int64) string {
	var top int64
	for _, v := range vals {
		top = max(top, v)
	}
	out := make([]rune, len(vals))
	for i, v := range vals {
		if top == 0 {
			out[i] = sparkChars[0]
			continue
		}
		out[i] = sparkChars[int(math.Round(float64(v)/float64(top)*float64(len(sparkChars)-1)))]
	}
	return string(out)
}

func (m tagsModel) volumeView(th theme) []string {
	vol := m.inv.Trend.Volume
	spikes := map[string][]analysis.Spike{}
	for _, s := range m.inv.Trend.Spikes {
		if s.Group == "tag_set" {
			spikes[s.Day] = append(spikes[s.Day], s)
		}
	}
	// The sparkline shows the days around the cursor that fit the width.
	w := max(10, m.width-2)
	cur := m.cursor()
	start := max(0, min(cur-w/2, len(vol)-w))
	end := min(len(vol), start+w)
	vals := make([]int64, 0, end-start)
	var marks strings.Builder
	for i := start; i < end; i++ {
		vals = append(vals, vol[i].TagSet)
		switch {
		case i == cur:
			marks.WriteRune('^')
		case len(spikes[vol[i].Day]) > 0:
			marks.WriteRune('▲')
		default:
			marks.WriteRune(' ')
		}
	}
	lines := []string{
		th.Bar.Render(sparkline(vals)),
		th.Spike.Render(marks.String()),
		th.Faint.Render(fmt.Sprintf("daily videos of the tag set, %s to %s; ▲ a significant rise in a violation rate; ^ the cursor", m.inv.Period.Since, m.inv.Period.Until)),
		th.Faint.Render(oneLine(m.shareChangeText(), m.width)),
		th.Faint.Render(oneLine(m.alertsText(), m.width)),
		th.Header.Render(pad("day", 11) + " " + padLeft("tag set", 8) + " " + padLeft("baseline", 9) + "  spike"),
	}
	items := make([]string, len(vol))
	for i, d := range vol {
		var sp []string
		for _, s := range spikes[d.Day] {
			sp = append(sp, fmt.Sprintf("▲ %s %.1f%% → %.1f%% (p.adj %s)", textsafe.StripLine(s.Policy), 100*s.Before, 100*s.After, formatP(s.PAdjusted)))
		}
		items[i] = pad(d.Day, 11) + " " + padLeft(analysis.GroupDigits(d.TagSet), 8) + " " + padLeft(analysis.GroupDigits(d.Baseline), 9) + "  " + strings.Join(sp, "; ")
	}
	return append(lines, renderList(th, items, m.lists[secVolume], m.width, m.listHeight()-6, true)...)
}

// intervalBar draws a proportion's interval on a 0..scale axis of w cells:
// ─ the interval, ● the estimate.
func intervalBar(p, lo, hi, scale float64, w int) string {
	if scale <= 0 || w <= 0 {
		return strings.Repeat(" ", max(0, w))
	}
	pos := func(x float64) int { return max(0, min(w-1, int(x/scale*float64(w-1)+0.5))) }
	out := []rune(strings.Repeat("·", w))
	for i := pos(lo); i <= pos(hi); i++ {
		out[i] = '─'
	}
	out[pos(p)] = '●'
	return string(out)
}

func (m tagsModel) ratesView(th theme) []string {
	scale := 0.0
	for _, r := range m.inv.Rates {
		scale = max(scale, r.TagSet.CI.Hi, r.Baseline.CI.Hi)
	}
	barW := max(0, min(30, m.width-110))
	head := th.Header.Render(pad("policy", 20) + " " + pad("group", 8) + " " + padLeft("rate", 7) + " " + pad("95% interval", 17) + " " + pad("", barW) + map[bool]string{true: " ", false: ""}[barW > 0] + padLeft("p.adj", 8) + "  finding / materiality · MDE")
	conf := fmt.Sprintf("%g%%", 100*m.inv.Confidence)
	head = strings.Replace(head, "95%", conf, 1)
	var items []string
	for _, r := range m.inv.Rates {
		row := func(group string, pr analysis.Proportion, extra string) string {
			return pad(group, 8) + " " + padLeft(fmt.Sprintf("%.2f%%", 100*pr.P), 7) + " " +
				pad(fmt.Sprintf("[%.2f, %.2f]%%", 100*pr.CI.Lo, 100*pr.CI.Hi), 17) + " " +
				intervalBar(pr.P, pr.CI.Lo, pr.CI.Hi, scale, barW) + map[bool]string{true: " ", false: ""}[barW > 0] + extra
		}
		finding := r.Finding
		if r.Significant {
			finding = "▲ " + finding
		}
		mde := "MDE –"
		if r.MDE.TagSetRate.Valid() {
			mde = fmt.Sprintf("MDE %.2f%%", 100*float64(r.MDE.TagSetRate))
		}
		items = append(items,
			pad(textsafe.StripLine(r.Policy), 20)+" "+row("tag set", r.TagSet, padLeft(formatP(r.Test.PAdjusted), 8)+"  "+finding),
		)
		items = append(items, pad("", 20)+" "+th.Faint.Render(row("baseline", r.Baseline, fmt.Sprintf("%8s  %s · %s · %s, x/n %s/%s vs %s/%s", "", materialText(r.Materiality), mde, textsafe.StripLine(r.Test.Method),
			analysis.GroupDigits(r.TagSet.X), analysis.GroupDigits(r.TagSet.N), analysis.GroupDigits(r.Baseline.X), analysis.GroupDigits(r.Baseline.N)))))
	}
	// The cursor moves by policy, two lines each.
	l := m.lists[secRates]
	l2 := listState{cursor: 2 * l.cursor, top: 2 * l.top}
	l2.follow(len(items), m.listHeight()-1)
	foot := th.Faint.Render(oneLine(m.readingsNote()+" · every monitoring metric: Metrics", m.width))
	return append(append([]string{head}, renderList(th, items, l2, m.width, m.listHeight()-1, true)...), foot)
}

func (m tagsModel) funnelView(th theme) []string {
	c := m.cursor()
	var lines []string
	names := make([]string, len(m.inv.Funnel))
	for i, f := range m.inv.Funnel {
		names[i] = textsafe.StripLine(f.Policy)
	}
	left := renderList(th, names, m.lists[secFunnel], 22, m.listHeight(), true)
	if c >= len(m.inv.Funnel) {
		return left
	}
	f := m.inv.Funnel[c]
	steps := []struct {
		name   string
		ts, bl int64
	}{
		{"videos", f.TagSet.Videos, f.Baseline.Videos},
		{"reported", f.TagSet.Reported, f.Baseline.Reported},
		{"flagged", f.TagSet.Flagged, f.Baseline.Flagged},
		{"reviewed", f.TagSet.Reviewed, f.Baseline.Reviewed},
		{"violating", f.TagSet.Violating, f.Baseline.Violating},
		{"removed", f.TagSet.Removed, f.Baseline.Removed},
		{"escalated", f.TagSet.Escalated, f.Baseline.Escalated},
		{"appealed", f.TagSet.Appealed, f.Baseline.Appealed},
		{"reinstated", f.TagSet.Reinstated, f.Baseline.Reinstated},
	}
	barW := max(5, min(25, (m.width-60)/2))
	lines = append(lines, th.Header.Render(pad("step", 11)+" "+padLeft("tag set", 9)+" "+pad("", barW)+" "+padLeft("baseline", 10)+" "+pad("", barW)))
	for _, s := range steps {
		lines = append(lines, pad(s.name, 11)+" "+padLeft(analysis.GroupDigits(s.ts), 9)+" "+th.Bar.Render(pad(strings.Repeat("█", int(ratio(s.ts, f.TagSet.Videos)*float64(barW))), barW))+" "+
			padLeft(analysis.GroupDigits(s.bl), 10)+" "+th.Faint.Render(pad(strings.Repeat("█", int(ratio(s.bl, f.Baseline.Videos)*float64(barW))), barW)))
	}
	lines = append(lines, "", th.Header.Render("conversions (tag set vs baseline)"))
	for i, st := range f.TagSet.Steps {
		bl := ""
		if i < len(f.Baseline.Steps) {
			bl = fmt.Sprintf("%.1f%%", 100*f.Baseline.Steps[i].Rate.P)
		}
		lines = append(lines, fmt.Sprintf("%s %6.1f%% [%.1f, %.1f]  vs %s", pad(textsafe.StripLine(st.From)+" → "+textsafe.StripLine(st.To), 32),
			100*st.Rate.P, 100*st.Rate.CI.Lo, 100*st.Rate.CI.Hi, bl))
	}
	for i := range lines {
		lines[i] = pad(lines[i], max(10, m.width-25))
	}
	return strings.Split(joinColumns(" │ ", left, lines), "\n")
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (m tagsModel) relatedView(th theme) []string {
	rel := m.inv.Related
	head := th.Header.Render(pad("association", 11) + " " + pad("tag", 26) + " " + padLeft("together", 9) + " " + padLeft("support", 8) + " " + padLeft("lift", 6) + " " + padLeft("NPMI", 6) + " " + padLeft("q", 8))
	items := make([]string, len(rel.Tags))
	for i, t := range rel.Tags {
		items[i] = pad(associationText(t), 11) + " " + pad("#"+tagText(t.Tag), 26) + " " + padLeft(analysis.GroupDigits(t.Together), 9) + " " + padLeft(fmt.Sprintf("%.1f%%", 100*t.Support), 8) + " " +
			padLeft(formatNum(t.Lift, 1), 6) + " " + padLeft(formatNum(t.NPMI, 2), 6) + " " + padLeft(formatP(t.QValue), 8)
		if !t.Significant {
			items[i] = th.Faint.Render(items[i])
		}
	}
	foot := th.Faint.Render(oneLine(fmt.Sprintf("%d tags tested (%s, %s); strongest first: ▲▲ strong (significant, lift ≥ 2), ▲ weak (significant, lift < 2), faint: not significant; enter investigates the tag, W sweeps them",
		rel.Tested, rel.TestMethod, rel.AdjustMethod), m.width))
	return append(append([]string{head}, renderList(th, items, m.lists[secRelated], m.width, m.listHeight()-1, true)...), foot)
}

func formatNum(n analysis.Num, prec int) string {
	if !n.Valid() {
		return "–"
	}
	return fmt.Sprintf("%.*f", prec, float64(n))
}

// formatP writes a p-value readably: <0.001 below a thousandth.
func formatP(p float64) string {
	switch {
	case math.IsNaN(p):
		return "–"
	case p < 0.001:
		return "<0.001"
	}
	return fmt.Sprintf("%.3f", p)
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
