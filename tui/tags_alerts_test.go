package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/trendlab/trendlab/analysis"
)

// TestTagExplorerAlerts: the Alerts section lists the alerts of the watches
// on the tag sets seeded with the investigated tag, newest first, with the
// import, rule, subject and numbers, and the message of the alert under the
// cursor; text from the workspace is made safe for the terminal.
func TestTagExplorerAlerts(t *testing.T) {
	ctx := context.Background()
	ws := synthWorkspace(t, 3000)
	if _, err := analysis.Investigate(ctx, ws, analysis.Request{Tag: "omegle", SaveAs: "omegle", Permutations: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := analysis.AddWatch(ctx, ws, "omegle-watch", "omegle", analysis.WatchDefinition{}, "ana"); err != nil {
		t.Fatal(err)
	}
	// Alerts as RunWatches keeps them; the second carries a terminal title
	// escape and a colour in its subject and message, as an export could.
	fired := time.Date(2026, 9, 6, 7, 30, 0, 0, time.UTC)
	for _, a := range []struct{ imp, rule, subject, msg, nums string }{
		{"2", "rate", "minor_safety", "the tag set's minor_safety rate among the new videos against among the earlier ones: 58 of 467 (12.4%) against 91 of 2603 (3.5%), 3.55x, one-sided p = 7.1e-17 < 0.0013",
			`{"x_new": 58, "n_new": 467, "x_before": 91, "n_before": 2603, "ratio": 3.55, "p_value": 7.1e-17}`},
		{"3", "new-spelling", "0m3gle\x1b[31m", "\"0m3gle\" scores 0.95 as a variant of #omegle\x1b]0;pwned\x07 (leetspeak), is on 217 videos, and tag set omegle has not decided it",
			`{"score": 0.95, "videos": 217}`},
	} {
		if _, err := ws.DB.ExecContext(ctx, `
INSERT INTO alerts (alert_id, watch, import_id, rule, subject, message, numbers, fired_at)
VALUES (nextval('alert_id_seq'), 'omegle-watch', ?, ?, ?, ?, ?, ?)`, a.imp, a.rule, a.subject, a.msg, a.nums, fired); err != nil {
			t.Fatal(err)
		}
	}
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "4")
	tm.Type("omegle")
	send(tm, "enter")
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.inv != nil && !m.tags.busy })
	send(tm, "h") // from the first section to the last: Alerts
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.section == secAlerts })
	send(tm, "j")
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.lists[secAlerts].cursor == 1 })
	fm := quit(t, tm)
	raw := fm.View().Content
	if strings.Contains(raw, "\x1b]0;") || strings.Contains(raw, "\x07") || strings.Contains(raw, "pwned\x07") {
		t.Errorf("an escape from the workspace reached the terminal: %q", raw)
	}
	s := screen(fm)
	for _, want := range []string{"Alerts 2", "watches on the tag sets seeded #omegle: omegle-watch", "new-spelling", `"0m3gle" scores 0.95`,
		"(12.4%) against 91 of 2603 (3.5%), 3.55x", "numbers: n_before=2603 n_new=467 p_value=7.1e-17 ratio=3.55 x_before=91 x_new=58"} {
		if !strings.Contains(s, want) {
			t.Errorf("the Alerts section lacks %q:\n%s", want, s)
		}
	}
	if strings.Index(s, "new-spelling") > strings.Index(s, "minor_safety") {
		t.Errorf("alerts not newest first:\n%s", s)
	}
	requireGolden(t, fm)
}

// TestTagExplorerNoWatch: without a watch the section says how to start one.
func TestTagExplorerNoWatch(t *testing.T) {
	m := tagsModel{width: 100, height: 30, alerts: alertsState{of: "tag set omegle"}}
	got := strings.Join(m.alertsView(theme{}), "\n")
	if !strings.Contains(got, "no watch is kept on tag set omegle") || !strings.Contains(got, "trendlab watch add") {
		t.Errorf("no watch: %q", got)
	}
}
