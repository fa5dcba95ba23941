package analysis

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/trendlab/trendlab/internal/textsafe"
)

// WriteText writes a readable summary of the investigation: aligned
// tables, every rate as "x/n = p% [lo%, hi%]". Text from the data (tags,
// spellings, file names) shows control and bidirectional formatting
// characters as visible escapes (textsafe.Show), so it cannot move the
// cursor or recolour the terminal.
func WriteText(w io.Writer, inv *Investigation) error {
	tw := &textWriter{w: w}
	inv.writeText(tw)
	return tw.err
}

// textWriter remembers the first write error.
type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

// table writes rows aligned in columns, indented by two spaces.
func (t *textWriter) table(header []string, rows [][]string) {
	if t.err != nil {
		return
	}
	tw := tabwriter.NewWriter(t.w, 0, 0, 2, ' ', 0)
	line := func(cells []string) {
		fmt.Fprintf(tw, "  %s\n", strings.Join(cells, "\t"))
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
	t.err = tw.Flush()
}

// GroupDigits writes n with a comma between groups of three digits:
// GroupDigits(-1234) == "-1,234".
func GroupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// pct formats a proportion in percent.
func pct(p float64) string { return fmt.Sprintf("%.2f%%", 100*p) }

// FormatProportion formats "x/n = p% [lo%, hi%]".
func FormatProportion(p Proportion) string {
	if p.N == 0 {
		return "0/0 = n/a"
	}
	return fmt.Sprintf("%d/%d = %s [%.2f, %.2f]", p.X, p.N, pct(p.P), 100*p.CI.Lo, 100*p.CI.Hi)
}

// fmtNum formats a number with 3 significant digits, "n/a" if undefined.
func fmtNum(n Num) string {
	if math.IsInf(float64(n), 1) {
		return "inf"
	}
	if !n.Valid() {
		return "n/a"
	}
	return fmt.Sprintf("%.3g", float64(n))
}

// fmtP formats a p-value.
func fmtP(p float64) string {
	if p < 0.0001 {
		return "<0.0001"
	}
	return fmt.Sprintf("%.4f", p)
}

// fmtDuration formats seconds as hours with one decimal.
func fmtDuration(s Num) string {
	if !s.Valid() {
		return "n/a"
	}
	return fmt.Sprintf("%.1fh", float64(s)/3600)
}

func (inv *Investigation) writeText(t *textWriter) {
	ts := &inv.TagSet
	title := "#" + textsafe.Show(ts.Seed)
	if ts.Name != "" {
		title = fmt.Sprintf("tag set %s (%s)", textsafe.Show(ts.Name), title)
	}
	t.printf("Investigation of %s, videos created %s to %s (%d days)\n", title, inv.Period.Since, inv.Period.Until, inv.Period.Days)
	p := &inv.Provenance
	t.printf("Workspace %s: schema v%d, %d videos, %d events, %d imports; trendlab %s; generated %s\n",
		textsafe.Show(p.Workspace), p.SchemaVersion, p.Videos, p.Events, len(p.Imports), p.TrendlabVersion, inv.GeneratedAt.Format(time.RFC3339))
	for _, im := range p.Imports {
		sha := im.SHA256
		if len(sha) > 12 {
			sha = sha[:12]
		}
		t.printf("  import %d: %s %s, sha256 %s, %d rows loaded, %d rejected\n", im.ID, im.Kind, textsafe.Show(im.File), sha, im.RowsLoaded, im.RowsRejected)
	}

	t.printf("\nTag set: %d videos, %d tags accepted (%s", ts.Videos, len(ts.Accepted), ts.Source)
	if ts.Source == "score" {
		t.printf(" >= %.2f", ts.MinScore)
	}
	t.printf(")")
	if ts.IncludeCaptions {
		t.printf(", %d through caption mentions only", ts.CaptionOnlyVideos)
	}
	t.printf("\n")
	var rows [][]string
	for _, v := range ts.Candidates {
		status := v.Status
		if v.Lookalike {
			status += " (look-alike)"
		}
		var forms []string
		for _, f := range v.RawForms {
			forms = append(forms, fmt.Sprintf("%s×%d", textsafe.Show(VisibleSpelling(f.Raw)), f.Count))
		}
		rows = append(rows, []string{textsafe.Show(VisibleSpelling(v.Tag)), fmt.Sprint(v.Videos), fmt.Sprintf("%.2f", v.Score), status,
			textsafe.Show(strings.Join(v.Reasons, "; ")), strings.Join(forms, " ")})
	}
	t.table([]string{"TAG", "VIDEOS", "SCORE", "STATUS", "REASONS", "SPELLINGS"}, rows)
	t.printf("Baseline: %s (%d videos)\n", textsafe.Show(inv.Baseline.Description), inv.Baseline.Videos)

	margin := inv.Request.Margin
	t.printf("\nViolation rate by policy (%s %.0f%% intervals; p adjusted by Holm across all %d metric comparisons; material: risk ratio outside %s, TOST)\n",
		inv.IntervalMethod, 100*inv.Confidence, len(inv.Metrics), margin)
	rows = nil
	for _, r := range inv.Rates {
		rows = append(rows, []string{textsafe.Show(r.Policy), FormatProportion(r.TagSet), FormatProportion(r.Baseline),
			fmt.Sprintf("%s [%s, %s]", fmtNum(r.RiskRatio.Estimate), fmtNum(r.RiskRatio.CI.Lo), fmtNum(r.RiskRatio.CI.Hi)),
			fmt.Sprintf("%+.2f [%+.2f, %+.2f]", 100*float64(r.RiskDifference.Estimate), 100*float64(r.RiskDifference.CI.Lo), 100*float64(r.RiskDifference.CI.Hi)),
			testName(r.Test.Method), fmtP(r.Test.PAdjusted), r.Finding, r.Materiality.Finding})
	}
	if a := inv.AnyPolicy; a.Policy != "" {
		rows = append(rows, []string{"(any policy)", FormatProportion(a.TagSet), FormatProportion(a.Baseline),
			fmt.Sprintf("%s [%s, %s]", fmtNum(a.RiskRatio.Estimate), fmtNum(a.RiskRatio.CI.Lo), fmtNum(a.RiskRatio.CI.Hi)),
			fmt.Sprintf("%+.2f [%+.2f, %+.2f]", 100*float64(a.RiskDifference.Estimate), 100*float64(a.RiskDifference.CI.Lo), 100*float64(a.RiskDifference.CI.Hi)),
			testName(a.Test.Method), fmtP(a.Test.PAdjusted) + " (unadj.)", a.Finding, a.Materiality.Finding})
	}
	t.table([]string{"POLICY", "TAG SET", "BASELINE", "RISK RATIO", "DIFF (pp)", "TEST", "P ADJ", "FINDING", "MATERIALITY"}, rows)
	for _, r := range inv.Rates {
		if r.Finding == "no detectable difference" && r.MDE.TagSetRate.Valid() {
			ratio := ""
			if r.MDE.Ratio.Valid() {
				ratio = "x" + fmtNum(r.MDE.Ratio) + " "
			}
			t.printf("  %s: no detectable difference; %.0f%% power to detect a tag-set rate of %s or more (%sthe baseline's %s)\n",
				textsafe.Show(r.Policy), 100*r.MDE.Power, pct(float64(r.MDE.TagSetRate)), ratio, pct(r.MDE.BaselineRate))
		}
	}

	inv.writeMetrics(t)

	t.printf("\nTrend (one-change scan per policy, Holm across policies)\n")
	if len(inv.Trend.Spikes) == 0 {
		t.printf("  no significant rise in any policy's daily violation rate\n")
	}
	for _, s := range inv.Trend.Spikes {
		group := "tag set"
		if s.Group == "baseline" {
			group = "baseline"
		}
		t.printf("  spike: %s %s from %s, rate %s -> %s (p adj %s)\n", group, textsafe.Show(s.Policy), s.Day, pct(s.Before), pct(s.After), fmtP(s.PAdjusted))
	}
	if vc := inv.Trend.VolumeShareChange; vc.Significant {
		t.printf("  the tag set's share of uploads changed from %s: %s -> %s (p %s)\n", vc.Day, pct(vc.Before), pct(vc.After), fmtP(vc.PValue))
	} else {
		t.printf("  no significant change in the tag set's share of uploads\n")
	}
	cc := inv.Trend.ControlCharts
	for _, pt := range inv.Trend.Policies {
		if len(pt.EWMAAlerts)+len(pt.CUSUMAlerts) > 0 {
			t.printf("  %s alerts over %d charted days: EWMA %s; CUSUM %s\n", textsafe.Show(pt.Policy), pt.ChartedDays, listOrNone(pt.EWMAAlerts), listOrNone(pt.CUSUMAlerts))
		}
	}
	t.printf("  control charts: in control, one false alarm per %.0f charted days (EWMA) and %.0f (CUSUM); days with n·p0·(1-p0) < %g are not charted\n",
		cc.EWMAARL0, cc.CUSUMARL0, cc.MinDailyVariance)
	if inv.Trend.ChangeDate != "" {
		t.printf("Before/after %s (%s; exact conditional Poisson rate-ratio test, Holm)\n", inv.Trend.ChangeDate, inv.Trend.ChangeDateSource)
		rows = nil
		for _, pt := range inv.Trend.Policies {
			if ba := pt.BeforeAfter; ba != nil {
				rows = append(rows, []string{textsafe.Show(pt.Policy), FormatProportion(ba.Before), FormatProportion(ba.After), fmtNum(ba.RateRatio), fmtP(ba.Test.PAdjusted)})
			}
		}
		t.table([]string{"POLICY", "BEFORE", "AFTER", "RATIO", "P ADJ"}, rows)
	}

	rel := &inv.Related
	t.printf("\nRelated tags (at least %d tag-set videos and %.1f%% support; %d tested; q by %s; ** strong: significant, lift >= %d; * weak: significant, lift below %d)\n",
		rel.MinVideos, 100*rel.MinSupport, rel.Tested, rel.AdjustMethod, strongLift, strongLift)
	if len(rel.Tags) == 0 {
		t.printf("  none passed the thresholds\n")
	} else {
		rows = nil
		for _, r := range rel.Tags {
			mark := map[string]string{associationStrong: "** strong", associationWeak: "* weak"}[r.Association]
			rows = append(rows, []string{textsafe.Show(VisibleSpelling(r.Tag)), fmt.Sprint(r.Together), fmt.Sprint(r.TagVideos), pct(r.Support),
				fmtNum(r.Lift), fmtNum(r.NPMI), fmtP(r.QValue), mark})
		}
		t.table([]string{"TAG", "TOGETHER", "TAG VIDEOS", "SUPPORT", "LIFT", "NPMI", "Q", "ASSOCIATION"}, rows)
	}

	t.printf("\nRemovals (tag set | all videos in the period; time to action p50/p90/p99)\n")
	t.printf("  PROACTIVE = %s\n  SAME-POLICY = %s\n", ProactiveAnyPolicy, ProactiveSamePolicy)
	rows = nil
	for _, r := range inv.Removal {
		rows = append(rows, []string{textsafe.Show(r.Policy),
			fmt.Sprint(r.TagSet.Removals), FormatProportion(r.TagSet.Proactive), FormatProportion(r.TagSet.ProactiveSamePolicy), FormatProportion(r.TagSet.Within24h), ttaText(r.TagSet.TimeToAction),
			fmt.Sprint(r.Overall.Removals), FormatProportion(r.Overall.Proactive), FormatProportion(r.Overall.ProactiveSamePolicy), FormatProportion(r.Overall.Within24h), ttaText(r.Overall.TimeToAction)})
	}
	t.table([]string{"POLICY", "REMOVED", "PROACTIVE", "SAME-POLICY", "WITHIN 24H", "TTA", "ALL REMOVED", "ALL PROACTIVE", "ALL SAME-POLICY", "ALL WITHIN 24H", "ALL TTA"}, rows)

	t.printf("\nModeration funnel (videos: reported, flagged, reviewed, violating, removed, escalated, appealed, reinstated)\n")
	rows = nil
	for _, f := range inv.Funnel {
		for _, g := range []struct {
			name string
			c    FunnelCounts
		}{{"tag set", f.TagSet}, {"baseline", f.Baseline}} {
			c := g.c
			rows = append(rows, []string{textsafe.Show(f.Policy), g.name, fmt.Sprint(c.Videos),
				fmt.Sprintf("%d %d %d %d %d %d %d %d", c.Reported, c.Flagged, c.Reviewed, c.Violating, c.Removed, c.Escalated, c.Appealed, c.Reinstated),
				stepText(c, "reviewed", "violating"), stepText(c, "violating", "removed"), stepText(c, "violating", "escalated")})
		}
	}
	t.table([]string{"POLICY", "GROUP", "VIDEOS", "COUNTS", "REVIEWED->VIOLATING", "VIOLATING->REMOVED", "VIOLATING->ESCALATED"}, rows)

	if len(inv.Notes) > 0 {
		t.printf("\nNotes\n")
		for _, n := range inv.Notes {
			t.printf("  - %s\n", textsafe.Show(n))
		}
	}
}

func testName(method string) string {
	switch {
	case strings.HasPrefix(method, "Fisher"):
		return "Fisher"
	case strings.HasPrefix(method, "two-proportion z"):
		return "z"
	}
	return method
}

func listOrNone(days []string) string {
	if len(days) == 0 {
		return "none"
	}
	return strings.Join(days, ", ")
}

func ttaText(q Quantiles) string {
	return fmt.Sprintf("%s/%s/%s", fmtDuration(q.P50), fmtDuration(q.P90), fmtDuration(q.P99))
}

func stepText(c FunnelCounts, from, to string) string {
	for _, s := range c.Steps {
		if s.From == from && s.To == to {
			return FormatProportion(s.Rate)
		}
	}
	return ""
}

// writeMetrics writes the table of every monitoring metric per policy.
func (inv *Investigation) writeMetrics(t *textWriter) {
	if len(inv.Metrics) == 0 {
		return
	}
	t.printf("\nMonitoring metrics by policy (shares of videos; reinstatement: of appealed videos; p adjusted by Holm across all %d; material: risk ratio outside %s; MDE: the smallest detectable ratio)\n",
		len(inv.Metrics), inv.Request.Margin)
	var rows [][]string
	for _, m := range inv.Metrics {
		mdeText := ""
		if m.Finding == "no detectable difference" && m.MDE.Ratio.Valid() {
			mdeText = "x" + fmtNum(m.MDE.Ratio)
		}
		rows = append(rows, []string{m.Label, textsafe.Show(m.Policy), FormatProportion(m.TagSet), FormatProportion(m.Baseline),
			fmt.Sprintf("%s [%s, %s]", fmtNum(m.RiskRatio.Estimate), fmtNum(m.RiskRatio.CI.Lo), fmtNum(m.RiskRatio.CI.Hi)),
			testName(m.Test.Method), fmtP(m.Test.PAdjusted), m.Finding, mdeText, m.Materiality.Finding})
	}
	t.table([]string{"METRIC", "POLICY", "TAG SET", "BASELINE", "RISK RATIO", "TEST", "P ADJ", "FINDING", "MDE", "MATERIALITY"}, rows)
}
