package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/teatest/v2"
)

// Parts of the fixture's three captions that any drawing of them shows.
var fixtureCaptions = []string{"hello #omegle", "evil", "line caption"}

// showsCaption reports which fixture captions a frame shows.
func showsCaption(frame string) []string {
	var out []string
	for _, c := range fixtureCaptions {
		if strings.Contains(frame, c) {
			out = append(out, c)
		}
	}
	return out
}

func TestCaptionRuleResultsGrid(t *testing.T) {
	ws := testWorkspace(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "2")
	tm.Type("SELECT video_id, caption FROM videos ORDER BY video_id")
	send(tm, "ctrl+r")
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) && !m.console.running })
	if got := showsCaption(screenNow(t, tm)); len(got) != 0 {
		t.Fatalf("the console's result shows captions before any is revealed: %q", got)
	}
	send(tm, "3") // the results screen: same result, same rule
	waitFor(t, tm, hiddenCell)
	if got := showsCaption(screenNow(t, tm)); len(got) != 0 {
		t.Fatalf("the results grid shows captions before any is revealed: %q", got)
	}
	send(tm, "l", "y") // copying a hidden caption is refused
	waitModel(t, tm, m, func(m *Model) bool { return strings.Contains(m.grid.err, "caption hidden") })
	send(tm, "r") // reveal row 1 only
	waitModel(t, tm, m, func(m *Model) bool { return m.grid.captions.revealed[0] })
	if got := showsCaption(screenNow(t, tm)); len(got) != 1 || got[0] != "hello #omegle" {
		t.Fatalf("after revealing row 1 the grid shows %q, want only row 1's caption", got)
	}
	send(tm, "j", "enter") // row 2's detail: still hidden
	waitFor(t, tm, "Row 2 of 4")
	s := screenNow(t, tm)
	if !strings.Contains(s, "caption hidden") || strings.Contains(s, "evil") {
		t.Fatalf("row detail of an unrevealed row:\n%s", s)
	}
	send(tm, "r") // reveal it in the detail view
	waitModel(t, tm, m, func(m *Model) bool { return m.grid.captions.revealed[1] })
	if !strings.Contains(screenNow(t, tm), "evil") {
		t.Fatal("r in the row detail does not reveal the row's caption")
	}
	fm := quit(t, tm)
	if fm.grid.captions.revealed[2] || len(fm.grid.captions.revealed) != 2 {
		t.Errorf("revealed rows = %v, want rows 0 and 1", fm.grid.captions.revealed)
	}
	requireGolden(t, fm)
}

func TestCaptionRuleSessionSwitch(t *testing.T) {
	ws := testWorkspace(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	waitFor(t, tm, "videos", "captions hidden")
	selectRelation(t, tm, m, "videos")
	send(tm, "b")
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) && m.grid.rs.Total == 4 })
	if got := showsCaption(screenNow(t, tm)); len(got) != 0 {
		t.Fatalf("browsing videos shows captions: %q", got)
	}
	send(tm, "C")
	waitModel(t, tm, m, func(m *Model) bool { return m.sess.captionsShown })
	if !strings.Contains(screenNow(t, tm), "captions shown") {
		t.Error("the tab bar does not say that captions are shown")
	}
	if got := showsCaption(screenNow(t, tm)); len(got) != 3 {
		t.Fatalf("with captions switched on the grid shows %q", got)
	}
	send(tm, "C")
	waitModel(t, tm, m, func(m *Model) bool { return !m.sess.captionsShown })
	fm := quit(t, tm)
	if got := showsCaption(screen(fm)); len(got) != 0 || fm.sess.captionsShown {
		t.Fatalf("switched off again, the grid shows %q", got)
	}
}

func TestCaptionRuleShowCaptionsConfig(t *testing.T) {
	ws := testWorkspace(t)
	cfg := testConfig(t, ws)
	cfg.ShowCaptions = true
	m, tm := newTestModel(t, cfg)
	waitFor(t, tm, "captions shown")
	selectRelation(t, tm, m, "videos")
	send(tm, "b")
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) && m.grid.rs.Total == 4 })
	fm := quit(t, tm)
	if got := showsCaption(screen(fm)); len(got) != 3 {
		t.Fatalf("with ShowCaptions the grid shows %q, want the captions", got)
	}
}

// TestCaptionRuleCatalog: a caption column's summary and top values hide
// the captions, and its drill-down says which value without showing it.
func TestCaptionRuleCatalog(t *testing.T) {
	ws := testWorkspace(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	waitFor(t, tm, "videos")
	selectRelation(t, tm, m, "videos")
	send(tm, "enter", "j", "j", "j", "enter") // the caption column
	waitModel(t, tm, m, func(m *Model) bool { return m.catalog.summary != nil && m.catalog.summary.Col == "caption" })
	if got := showsCaption(screenNow(t, tm)); len(got) != 0 {
		t.Fatalf("the caption column's summary shows %q", got)
	}
	send(tm, "j", "r") // the first non-NULL value (NULL sorts first)
	waitModel(t, tm, m, func(m *Model) bool { return m.catalog.freqShown.revealed[1] })
	if got := showsCaption(screenNow(t, tm)); len(got) != 1 {
		t.Fatalf("one revealed value: the summary shows %q", got)
	}
	send(tm, "k", "k", "j", "j", "enter") // drill down from an unrevealed value
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) && m.screen == screenResults })
	fm := quit(t, tm)
	if title := fm.grid.rs.Title; !strings.Contains(title, hiddenCell) || fm.grid.rs.Total != 1 {
		t.Errorf("drill-down %q, %d rows: want the hidden value's one row, its value not in the title", title, fm.grid.rs.Total)
	}
	if got := showsCaption(screen(fm)); len(got) != 0 {
		t.Errorf("the drill-down's rows show %q", got)
	}
}

func TestIsCaptionColumn(t *testing.T) {
	for _, tt := range []struct {
		name string
		want bool
	}{
		{"caption", true}, {"Caption", true}, {"CAPTION", true}, {"raw", true},
		{"captions", false}, {"caption_len", false}, {"video_id", false}, {"", false},
	} {
		if got := isCaptionColumn(tt.name); got != tt.want {
			t.Errorf("isCaptionColumn(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// selectRelation puts the catalog's cursor on a relation by name, so tests
// do not count the workspace's tables.
func selectRelation(t *testing.T, tm *teatest.TestModel, m *Model, name string) {
	t.Helper()
	waitModel(t, tm, m, func(m *Model) bool { return m.catalog.loaded })
	tm.Send(probeMsg{fn: func(m *Model) {
		for i, r := range m.catalog.rels {
			if r.Name == name {
				m.catalog.relL.move(i-m.catalog.relL.cursor, len(m.catalog.rels), m.catalog.listHeight()-1)
			}
		}
	}})
	waitModel(t, tm, m, func(m *Model) bool { r, ok := m.catalog.selectedRel(); return ok && r.Name == name })
}
