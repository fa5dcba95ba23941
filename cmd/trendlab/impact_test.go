package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIImpact runs the impact story from the built commands: synth with
// the optional exports, import, a tag set saved before the restriction
// (so the later evasion spelling is new to it), impact platform and impact intervention
// (goldens), and the hand-recorded interventions.
func TestCLIImpact(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports a synthetic platform")
	}
	dir := t.TempDir()
	ws := filepath.Join(dir, "ws.duckdb")
	data := filepath.Join(dir, "data")
	step := func(wantCode int, args ...string) string {
		t.Helper()
		code, out, errOut := cli(t, append([]string{"-w", ws}, args...)...)
		if code != wantCode {
			t.Fatalf("trendlab %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, wantCode, out, errOut)
		}
		return out + errOut
	}
	step(0, "synth", "--videos", "30000", "--days", "90", "--seed", "4", "--optional", "--out", data)
	f := func(name string) string { return filepath.Join(data, name) }
	step(0, "import", "--videos", f("videos.csv"), "--events", f("moderation_events.csv"),
		"--views", f("views_daily.csv"), "--searches", f("search_daily.csv"), "--interventions", f("interventions.csv"))
	// Saved before the restriction (day 45), so the evasion spelling that
	// appears three days after it is new to the tag set.
	step(0, "investigate", "--tag", "omegle", "--until", "2026-07-15", "--save-as", "omegle")

	golden(t, "impact_platform", scrub(step(0, "impact", "platform", "--tagset", "omegle", "--policy", "bullying_harassment", "--lag", "2"), dir))
	golden(t, "impact_intervention", scrub(step(0, "impact", "intervention", "--tagset", "omegle"), dir))
	if out := step(0, "impact", "intervention", "--tagset", "omegle", "--intervention", "int-nr-1", "--json"); !strings.Contains(out, `"for_you`) && !strings.Contains(out, `recommended reach`) {
		t.Errorf("--json output lacks the series:\n%s", out)
	}
	step(2, "impact", "platform", "--tagset", "omegle")
	step(2, "impact", "platform", "--tagset", "omegle", "--policy", "hate_speech", "--lag", "-1")

	// Who recorded it: the one rule of internal/who, refused without a name.
	t.Setenv("USER", "")
	t.Setenv("USERNAME", "")
	add := []string{"intervention", "add", "--id", "m1", "--kind", "moderator_guidance", "--target", "omegle", "--started", "2026-07-01", "--note", "ticket 9"}
	if out := step(2, add...); !strings.Contains(out, "no name for who") || !strings.Contains(out, "--by NAME") {
		t.Errorf("intervention add with no name:\n%s", out)
	}
	step(0, append(add, "--by", "ana")...)
	if out := step(2, "tagset", "accept", "omegle", "omegle_x"); !strings.Contains(out, "no name for who") || !strings.Contains(out, "$USER") {
		t.Errorf("tagset accept with no name:\n%s", out)
	}
	if out := step(0, "intervention", "list"); !strings.Contains(out, "manual (ana)") || !strings.Contains(out, "int-nr-1") {
		t.Errorf("list:\n%s", out)
	}
	if out := step(1, "intervention", "rm", "int-nr-1"); !strings.Contains(out, "came from an export") {
		t.Errorf("removing an exported intervention:\n%s", out)
	}
	step(0, "intervention", "rm", "m1")
	step(2, "intervention", "add", "--id", "m2", "--kind", "other", "--target", "x", "--started", "yesterday")
}
