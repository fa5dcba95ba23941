package notebooks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/trendlab/trendlab/analysis"
)

// The investigation's tables, one function per section of the report.

func variantsTable(inv *analysis.Investigation) *table {
	t := newTable("", "tag", "status", "decided by", "score", "videos", "reasons", "spellings")
	for _, c := range inv.TagSet.Candidates {
		var raws []string
		for _, rf := range c.RawForms {
			raws = append(raws, fmt.Sprintf("%s (%d)", analysis.VisibleSpelling(rf.Raw), rf.Count))
		}
		status := c.Status
		if c.Lookalike {
			status += ", look-alike"
		}
		t.add(text(analysis.VisibleSpelling(c.Tag)), text(status), text(c.DecidedBy), num(fmt.Sprintf("%.2f", c.Score)), num(analysis.GroupDigits(c.Videos)),
			text(strings.Join(c.Reasons, "; ")), text(strings.Join(raws, ", ")))
	}
	if len(t.Rows) == 0 {
		t.Note = "No tag in the data resembles the seed."
	}
	return t
}

func ratesTable(inv *analysis.Investigation) *table {
	t := newTable("", "policy", "tag set", "baseline", "test", "p", "p adjusted", "risk difference", "risk ratio", "MDE (tag-set rate at "+level(mdePower(inv))+" power)", "finding", "material? (risk ratio margin "+marginText(inv.Request.Margin)+")")
	for _, pr := range inv.Rates {
		t.add(text(pr.Policy), text(propText(pr.TagSet)), text(propText(pr.Baseline)),
			cell{Text: pr.Test.Method, Title: pr.Test.Reason},
			num(pval(pr.Test.PValue)), num(pval(pr.Test.PAdjusted)),
			text(effectText(pr.RiskDifference, true)), text(effectText(pr.RiskRatio, false)),
			text(mdeText(pr.MDE)), text(pr.Finding), materialCell(pr.Materiality))
	}
	return t
}

// metricsTable compares every monitoring metric, policy by policy.
func metricsTable(inv *analysis.Investigation) *table {
	t := newTable("", "policy", "metric", "tag set", "baseline", "risk ratio", "p adjusted", "finding", "material? (margin "+marginText(inv.Request.Margin)+")")
	for _, m := range inv.Metrics {
		finding := cell{Text: m.Finding}
		if m.Significant {
			finding.Class = "strong"
		}
		t.add(text(m.Policy), cell{Text: m.Label, Title: "a share of " + m.Denominator}, text(propText(m.TagSet)), text(propText(m.Baseline)),
			text(effectText(m.RiskRatio, false)), cell{Text: pval(m.Test.PAdjusted), Class: "num", Title: m.Test.Method},
			finding, materialCell(m.Materiality))
	}
	if len(t.Rows) > 0 {
		t.Note = "Each metric is a share of the group's videos (the reinstatement rate: of its appealed videos). P-values are adjusted across all metrics and policies as one family."
	}
	return t
}

func materialCell(m analysis.Materiality) cell {
	return cell{Text: m.Finding, Title: m.Method}
}

func marginText(m analysis.Margin) string {
	if m.Lo == 0 && m.Hi == 0 {
		m = analysis.DefaultMargin
	}
	return fmt.Sprintf("[%s, %s]", strconv.FormatFloat(m.Lo, 'f', -1, 64), strconv.FormatFloat(m.Hi, 'f', -1, 64))
}

// relatedTable lists the significant related tags first, strongest lift
// first, then the rest, so that the eye lands on what matters.
func relatedTable(inv *analysis.Investigation) *table {
	t := newTable("", "tag", "association", "with tag set", "videos with tag", "support", "lift", "NPMI", "p", "q (BH)")
	for _, rt := range relatedOrder(inv.Related.Tags) {
		assoc := cell{Text: "not significant", Class: "muted"}
		switch {
		case rt.Association == "strong":
			assoc = cell{Text: "strong (significant, lift ≥ 2)", Class: "strong"}
		case rt.Significant:
			assoc = cell{Text: "weak (significant, lift < 2)"}
		}
		t.add(text(rt.Tag), assoc, num(analysis.GroupDigits(rt.Together)), num(analysis.GroupDigits(rt.TagVideos)), num(pct(rt.Support)), num(numText(rt.Lift)), num(numText(rt.NPMI)),
			num(pval(rt.PValue)), num(pval(rt.QValue)))
	}
	if len(t.Rows) == 0 {
		t.Note = "No tag passed the thresholds."
	}
	for i := range t.Rows {
		t.Rows[i][0].Text = "#" + analysis.VisibleSpelling(t.Rows[i][0].Text)
	}
	return t
}

// relatedOrder puts significant tags first; within each group the order
// analysis gave (by association) is kept.
func relatedOrder(tags []analysis.RelatedTag) []analysis.RelatedTag {
	out := make([]analysis.RelatedTag, 0, len(tags))
	for _, sig := range []bool{true, false} {
		for _, rt := range tags {
			if rt.Significant == sig {
				out = append(out, rt)
			}
		}
	}
	return out
}

// removalTable gives the proactive share in both readings, each named.
func removalTable(inv *analysis.Investigation) *table {
	t := newTable("", "policy", "group", "removals", "proactive (no user report of any policy before removal)",
		"proactive (no user report of the same policy before removal)", "within 24 h", "time to action p50", "p90", "p99")
	for _, rm := range inv.Removal {
		for _, g := range []struct {
			name string
			s    analysis.RemovalStats
		}{{"tag set", rm.TagSet}, {"all videos", rm.Overall}} {
			t.add(text(rm.Policy), text(g.name), num(analysis.GroupDigits(g.s.Removals)), text(propText(g.s.Proactive)), text(propText(g.s.ProactiveSamePolicy)),
				text(propText(g.s.Within24h)), num(durText(g.s.TimeToAction.P50)), num(durText(g.s.TimeToAction.P90)), num(durText(g.s.TimeToAction.P99)))
		}
	}
	if len(t.Rows) > 0 {
		t.Note = "The first proactive reading is the data contract's and the one used elsewhere in this report."
	}
	return t
}

func funnelTable(inv *analysis.Investigation) *table {
	t := newTable("Videos reaching each step", "policy", "group", "videos", "reported", "flagged", "reviewed", "violating", "removed", "escalated", "appealed", "reinstated")
	for _, f := range inv.Funnel {
		for _, g := range []struct {
			name string
			c    analysis.FunnelCounts
		}{{"tag set", f.TagSet}, {"baseline", f.Baseline}} {
			c := g.c
			t.add(text(f.Policy), text(g.name), num(analysis.GroupDigits(c.Videos)), num(analysis.GroupDigits(c.Reported)), num(analysis.GroupDigits(c.Flagged)), num(analysis.GroupDigits(c.Reviewed)),
				num(analysis.GroupDigits(c.Violating)), num(analysis.GroupDigits(c.Removed)), num(analysis.GroupDigits(c.Escalated)), num(analysis.GroupDigits(c.Appealed)), num(analysis.GroupDigits(c.Reinstated)))
		}
	}
	return t
}

// funnelSteps shows each step's conversion, tag set beside baseline.
func funnelSteps(inv *analysis.Investigation) *table {
	t := newTable("Step conversion (of the videos at the first step, the share reaching the second)", "policy", "step", "tag set", "baseline")
	for _, f := range inv.Funnel {
		base := map[string]analysis.Proportion{}
		for _, s := range f.Baseline.Steps {
			base[s.From+"→"+s.To] = s.Rate
		}
		for _, s := range f.TagSet.Steps {
			key := s.From + "→" + s.To
			b, ok := base[key]
			bt := "n/a"
			if ok {
				bt = propText(b)
			}
			t.add(text(f.Policy), text(s.From+" → "+s.To), text(propText(s.Rate)), text(bt))
		}
	}
	return t
}
