package notebooks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/trendlab/trendlab/analysis"
)

// Every sentence that states a finding is written here, from the computed
// result, never from what a notebook's author expected.

// leadSentences states the main findings in words, each with its numbers.
func leadSentences(inv *analysis.Investigation) []string {
	out := []string{fmt.Sprintf("The tag set has %s videos in the period (%s to %s, %d days); the baseline (%s) has %s.",
		analysis.GroupDigits(inv.TagSet.Videos), inv.Period.Since, inv.Period.Until, inv.Period.Days, inv.Baseline.Description, analysis.GroupDigits(inv.Baseline.Videos))}
	for _, pr := range inv.Rates {
		out = append(out, rateFinding(pr))
	}
	if s := volumeFinding(inv.Trend); s != "" {
		out = append(out, s)
	}
	for _, sp := range inv.Trend.Spikes {
		out = append(out, fmt.Sprintf("Spike: the %s rate of %s rises from %s to %s from %s (adjusted %s).",
			strings.ReplaceAll(sp.Group, "_", " "), sp.Policy, pct(sp.Before), pct(sp.After), sp.Day, pEq(sp.PAdjusted)))
	}
	if len(inv.Trend.Spikes) == 0 && len(inv.Trend.Policies) > 0 {
		out = append(out, "No significant rise in a daily violation rate was found.")
	}
	if s := metricsFinding(inv); s != "" {
		out = append(out, s)
	}
	if s := relatedFinding(inv.Related); s != "" {
		out = append(out, s)
	}
	return out
}

// volumeFinding answers "did the tag rise?": the scan of the tag set's
// share of all uploads.
func volumeFinding(tr analysis.Trend) string {
	ch := tr.VolumeShareChange
	switch {
	case ch.Day == "":
		return ""
	case ch.Significant:
		dir := "rises"
		if ch.After < ch.Before {
			dir = "falls"
		}
		return fmt.Sprintf("Volume: the tag set's share of all uploads %s from %s to %s on %s (%s).", dir, pct(ch.Before), pct(ch.After), ch.Day, pEq(ch.PAdjusted))
	}
	return fmt.Sprintf("Volume: no significant change in the tag set's share of all uploads (most likely day %s, %s).", ch.Day, pEq(ch.PAdjusted))
}

// metricsFinding names the monitoring metrics other than the violation
// rate whose difference is significant, with how material it is.
func metricsFinding(inv *analysis.Investigation) string {
	var diff []string
	tested := 0
	for _, m := range inv.Metrics {
		if m.Metric == analysis.MetricViolation {
			continue
		}
		tested++
		if m.Significant {
			diff = append(diff, fmt.Sprintf("%s %s %s (risk ratio %s, adjusted %s; %s)", m.Policy, m.Label, m.Finding,
				numText(m.RiskRatio.Estimate), pEq(m.Test.PAdjusted), m.Materiality.Finding))
		}
	}
	switch {
	case tested == 0:
		return ""
	case len(diff) == 0:
		return fmt.Sprintf("The other monitoring metrics (%d comparisons of report, flag, removal, escalation and reinstatement rates) show no detectable difference.", tested)
	}
	return "Other monitoring metrics that differ: " + strings.Join(diff, "; ") + "."
}

// rateFinding says how a policy's rate in the tag set compares with the
// baseline's, in the words of its test's finding.
func rateFinding(pr analysis.PolicyRate) string {
	var s string
	switch pr.Finding {
	case "higher", "lower":
		s = fmt.Sprintf("%s: %s in the tag set than in the baseline: %s of tag-set videos violate %s against %s %s (risk ratio %s); %s, %s (adjusted).",
			pr.Policy, pr.Finding, pct(pr.TagSet.P), ciText(pr.TagSet.CI), pct(pr.Baseline.P), ciText(pr.Baseline.CI),
			effectText(pr.RiskRatio, false), pr.Test.Method, pEq(pr.Test.PAdjusted))
	default:
		s = fmt.Sprintf("%s: %s between the tag set and the baseline: %s of tag-set videos violate %s against %s %s; %s, %s (adjusted).",
			pr.Policy, pr.Finding, pct(pr.TagSet.P), ciText(pr.TagSet.CI), pct(pr.Baseline.P), ciText(pr.Baseline.CI),
			pr.Test.Method, pEq(pr.Test.PAdjusted))
	}
	if !pr.Significant && pr.MDE.TagSetRate.Valid() {
		s += fmt.Sprintf(" With these counts a tag-set rate of %s or more (a difference of %s) would have been detected with %s power.",
			pct(float64(pr.MDE.TagSetRate)), pct(float64(pr.MDE.Difference)), level(pr.MDE.Power))
	}
	if m := pr.Materiality; m.Finding != "" {
		s += fmt.Sprintf(" Against the margin %s of the risk ratio: %s.", marginText(m.Margin), m.Finding)
	}
	return s
}

// relatedFinding names the related tags whose association is significant.
func relatedFinding(rel analysis.Related) string {
	if rel.TestMethod == "" {
		return ""
	}
	var sig []string
	for _, rt := range rel.Tags {
		if rt.Significant {
			sig = append(sig, fmt.Sprintf("#%s (lift %s)", rt.Tag, numText(rt.Lift)))
		}
	}
	switch len(sig) {
	case 0:
		return fmt.Sprintf("No tag co-occurs with the tag set significantly more than elsewhere (%d tested).", rel.Tested)
	case 1:
		return "One tag co-occurs with the tag set significantly more than elsewhere: " + sig[0] + "."
	}
	return fmt.Sprintf("%d tags co-occur with the tag set significantly more than elsewhere: %s.", len(sig), strings.Join(sig, ", "))
}

// chosenBy says in words how the accepted variants were chosen (the tag
// set's Source).
func chosenBy(source string) string {
	switch source {
	case "score":
		return "accepted because their similarity score reached the threshold"
	case "explicit":
		return "listed by the investigator"
	case "saved":
		return "as saved in the workspace's tag set"
	}
	return "chosen by " + source
}

func mdePower(inv *analysis.Investigation) float64 {
	for _, pr := range inv.Rates {
		return pr.MDE.Power
	}
	return 0.8
}

// methodsOf collects the distinct methods an investigation used.
func methodsOf(inv *analysis.Investigation) (tests []string, adjust []string) {
	seenT, seenA := map[string]bool{}, map[string]bool{}
	for _, pr := range inv.Rates {
		key := pr.Test.Method
		if pr.Test.Reason != "" {
			key += " (" + pr.Test.Reason + ")"
		}
		if !seenT[pr.Test.Method] {
			seenT[pr.Test.Method] = true
			tests = append(tests, key)
		}
		if pr.Test.AdjustMethod != "" && !seenA[pr.Test.AdjustMethod] {
			seenA[pr.Test.AdjustMethod] = true
			adjust = append(adjust, pr.Test.AdjustMethod)
		}
	}
	sort.Strings(tests)
	return tests, adjust
}

func alphaOf(inv *analysis.Investigation) float64 {
	if inv.Request.Alpha > 0 {
		return inv.Request.Alpha
	}
	return 0.05
}
