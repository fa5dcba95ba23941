package notebooks

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/datasets"
)

const alertsNotebook = "---\ntitle: Alerts\n---\n\n## Watches and alerts\n\n```alerts\ntag_set: omegle\n```\n"

// renderAlerts renders alertsNotebook on an empty workspace holding the
// watches and alerts the SQL statements add.
func renderAlerts(t *testing.T, stmts ...string) string {
	t.Helper()
	return renderAlertsNotebook(t, alertsNotebook, stmts...)
}

func renderAlertsNotebook(t *testing.T, notebook string, stmts ...string) string {
	t.Helper()
	ctx := context.Background()
	ws, err := datasets.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for _, s := range stmts {
		if _, err := ws.DB.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	var buf bytes.Buffer
	if err := RenderSource(ctx, ws, "alerts.md", []byte(notebook), Options{Now: fixedNow, PseudonymKey: []byte("k"), PseudonymKeySource: "test"}, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

const (
	addWatch = `INSERT INTO watches VALUES ('omegle-watch', 'omegle',
	'{"policies":["minor_safety"],"rules":["volume","rate","new-spelling"],"alpha":0.01,"min_ratio":1.5,"min_videos":3,"top":20}',
	'{"related":[],"spellings":[]}', 5, TIMESTAMP '2026-06-01 09:00:00', 'ana')`
	// A watch on another tag set, whose alerts are not this report's.
	addOtherWatch = `INSERT INTO watches VALUES ('other', 'roblox', '{"rules":["volume"],"alpha":0.01,"min_ratio":1.5,"min_videos":3,"top":20}',
	'{"related":[],"spellings":[]}', 4, TIMESTAMP '2026-06-01 09:00:00', 'ana')`
	addAlerts = `INSERT INTO alerts VALUES
	(1, 'omegle-watch', 4, 'rate', 'minor_safety', 'the tag set''s minor_safety rate among the new videos against among the earlier ones: 30 of 100 (30%) against 10 of 200 (5%), 6.00x, one-sided p = 1.2e-09 < 0.0033',
	 '{"x_new":30,"n_new":100,"x_before":10,"n_before":200,"ratio":6,"p_value":1.2e-9,"level":0.0033}', TIMESTAMP '2026-06-02 10:15:00'),
	(2, 'omegle-watch', 5, 'new-spelling', '<b>0megle</b>', '"<b>0megle</b>" scores 0.91 as a variant of #omegle',
	 '{"score":0.91,"videos":7}', TIMESTAMP '2026-06-03 08:00:00'),
	(3, 'other', 5, 'volume', 'volume', 'not about omegle', '{}', TIMESTAMP '2026-06-03 08:00:00')`
)

// alertsWording is the words of the report's alerts section.
func alertsWording(page string) string {
	text := readable(page)
	text = text[strings.Index(text, "Watches and alerts"):]
	return text[:strings.Index(text, "\nMethods\n")+1]
}

// TestAlertsWordingGolden keeps the words of an alerts block in a golden
// file: no watch on the tag set, a watch without alerts, and a watch with
// two alerts (newest first; another tag set's watch left out), and more
// alerts than the block's limit. go test
// -update rewrites it.
func TestAlertsWordingGolden(t *testing.T) {
	var got strings.Builder
	for _, c := range []struct {
		name, notebook string
		stmts          []string
	}{
		{"no watch", alertsNotebook, []string{addOtherWatch}},
		{"a watch, no alerts", alertsNotebook, []string{addWatch}},
		{"a watch with alerts", alertsNotebook, []string{addWatch, addOtherWatch, addAlerts}},
		{"more alerts than the limit", strings.Replace(alertsNotebook, "tag_set: omegle", "tag_set: omegle\nlimit: 1", 1), []string{addWatch, addAlerts}},
	} {
		fmt.Fprintf(&got, "=== %s\n%s", c.name, alertsWording(renderAlertsNotebook(t, c.notebook, c.stmts...)))
	}
	checkGolden(t, filepath.Join("testdata", "alerts-wording.golden"), got.String())
}

// TestAlertsEscaped: an alert's subject and message come from the export's
// tags, and reach the page only escaped.
func TestAlertsEscaped(t *testing.T) {
	page := renderAlerts(t, addWatch, addAlerts)
	if strings.Contains(page, "<b>0megle") {
		t.Error("an alert's text reached the page unescaped")
	}
	if !strings.Contains(page, "&lt;b&gt;0megle&lt;/b&gt;") {
		t.Error("the page lacks the escaped spelling")
	}
	if strings.Contains(page, "not about omegle") {
		t.Error("the page shows another tag set's alert")
	}
}

func TestParseAlertsBlock(t *testing.T) {
	for _, c := range []struct{ src, err string }{
		{"```alerts\ntag_set: omegle\nlimit: 5\n```\n", ""},
		{"```alerts rows=5\n```\n", "alerts fence takes no options"},
		{"```alerts\nlimit: [1\n```\n", "n.md:5"},
	} {
		nb, err := Parse("n.md", []byte("---\ntitle: T\n---\n"+c.src))
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%q: %v", c.src, err)
		case c.err == "" && (len(nb.Blocks) != 1 || nb.Blocks[0].Kind != KindAlerts || nb.Blocks[0].Alerts.Limit != "5"):
			t.Errorf("%q: parsed as %+v", c.src, nb.Blocks)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%q: error %v, want %q", c.src, err, c.err)
		}
	}
}
