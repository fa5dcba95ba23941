package queries

import (
	"context"
	"math"
	"strconv"
	"testing"

	"github.com/trendlab/trendlab/analysis"
)

// TestAgreesWithInvestigate: the shipped queries and trendlab investigate
// count the same videos for a saved tag set (here one with caption
// mentions, of word and non-word tags) and give the same rates and Wilson
// intervals, so a number means the same thing in a query and in a report.
func TestAgreesWithInvestigate(t *testing.T) {
	ws := fixtureWorkspace(t)
	inv, err := analysis.Investigate(context.Background(), ws, analysis.Request{TagSet: "omegle_captions", Permutations: 9})
	if err != nil {
		t.Fatal(err)
	}
	rates := fetch(t, ws.DB, "violation_rate_by_policy", "tag_set=omegle_captions")
	if len(inv.Rates) == 0 {
		t.Fatal("investigate reported no rates")
	}
	for _, r := range inv.Rates {
		if r.TagSet.N != 3 {
			t.Errorf("%s: investigate counts %d videos in the set, the fixture has 3 (v1 by tag, v4 and v6 by caption)", r.Policy, r.TagSet.N)
		}
		got := row(t, rates, "policy", r.Policy)
		checkInt(t, r.Policy+" set_violating", got["set_violating"], r.TagSet.X)
		checkInt(t, r.Policy+" set_videos", got["set_videos"], r.TagSet.N)
		checkInt(t, r.Policy+" rest_violating", got["rest_violating"], r.Baseline.X)
		checkInt(t, r.Policy+" rest_videos", got["rest_videos"], r.Baseline.N)
		checkFloat(t, r.Policy+" set_ci_low", got["set_ci_low"], r.TagSet.CI.Lo)
		checkFloat(t, r.Policy+" set_ci_high", got["set_ci_high"], r.TagSet.CI.Hi)
		checkFloat(t, r.Policy+" rest_ci_high", got["rest_ci_high"], r.Baseline.CI.Hi)
	}
	removal := fetch(t, ws.DB, "proactive_share_by_policy", "tag_set=omegle_captions")
	compared := 0
	for _, r := range inv.Removal {
		if r.TagSet.Removals == 0 {
			continue
		}
		compared++
		got := row(t, removal, "policy", r.Policy)
		checkInt(t, r.Policy+" removals", got["removals"], r.TagSet.Removals)
		checkInt(t, r.Policy+" proactive", got["proactive"], r.TagSet.Proactive.X)
		checkInt(t, r.Policy+" within_24h", got["within_24h"], r.TagSet.Within24h.X)
		checkFloat(t, r.Policy+" proactive_ci_low", got["proactive_ci_low"], r.TagSet.Proactive.CI.Lo)
		// Hours, rounded to 3 decimals.
		if g, err := strconv.ParseFloat(got["hours_p50"], 64); err != nil || math.Abs(g-float64(r.TagSet.TimeToAction.P50)/3600) > 5e-4 {
			t.Errorf("%s hours_p50: query says %s, investigate %v s", r.Policy, got["hours_p50"], r.TagSet.TimeToAction.P50)
		}
	}
	if compared == 0 {
		t.Error("no policy with removals in the tag set to compare")
	}
}

func checkInt(t *testing.T, what, got string, want int64) {
	t.Helper()
	if got != strconv.FormatInt(want, 10) {
		t.Errorf("%s: query says %s, investigate %d", what, got, want)
	}
}

// The queries round rates to 6 decimals.
const roundTol = 5e-7

func checkFloat(t *testing.T, what, got string, want float64) {
	t.Helper()
	g, err := strconv.ParseFloat(got, 64)
	if err != nil || math.Abs(g-want) > roundTol {
		t.Errorf("%s: query says %s, investigate %v", what, got, want)
	}
}
