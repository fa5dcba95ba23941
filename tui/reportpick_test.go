package tui

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/analysis"
)

// TestReportScreenOffersSavedTagSets: the Report screen lists the saved tag
// sets without a search on screen 4; choosing one investigates it, and w
// writes its report (asked while the investigation runs, it follows it).
func TestReportScreenOffersSavedTagSets(t *testing.T) {
	ws := synthWorkspace(t, 3000)
	ctx := context.Background()
	if err := analysis.SaveTagSet(ctx, ws, "omegle", "omegle", false, nil); err != nil {
		t.Fatal(err)
	}
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "7")
	waitModel(t, tm, m, func(m *Model) bool { return len(m.pick.tagSets) == 1 })
	if s := screenNow(t, tm); !strings.Contains(s, "omegle  #omegle") || !strings.Contains(s, "no sample") {
		t.Fatalf("the Report screen does not offer the saved tag set:\n%s", s)
	}
	send(tm, "enter", "w") // choose it, and write as soon as it is investigated
	waitModel(t, tm, m, func(m *Model) bool { return !m.report.busy && (m.report.path != "" || m.report.err != "") })
	fm := quit(t, tm)
	if fm.report.err != "" {
		t.Fatalf("report: %s", fm.report.err)
	}
	if fm.tags.inv == nil || fm.tags.inv.TagSet.Name != "omegle" {
		t.Fatalf("the report is not of the saved tag set: %+v", fm.tags.inv)
	}
	html, err := os.ReadFile(fm.report.path)
	if err != nil || !strings.Contains(string(html), "omegle") {
		t.Fatalf("report %s: %v", fm.report.path, err)
	}
}
