package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// TestEveryScreenAtEverySize draws each screen, with data, at sizes down to
// a single cell: nothing may panic, and the frame must fit the window.
func TestEveryScreenAtEverySize(t *testing.T) {
	ws := synthWorkspace(t, 1500)
	m, err := New(context.Background(), testConfig(t, ws))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	drain(m, m.Init())
	// Data on every screen: an investigation, a sample under review, a
	// result in the grid, a summary in the catalog.
	drain(m, m.tags.investigate(analysisRequest("omegle")))
	if m.tags.inv == nil {
		t.Fatalf("no investigation: %s", m.tags.err)
	}
	drain(m, m.runQuery(runQueryMsg{title: "videos", sql: "SELECT * FROM videos"}))
	m.screen = screenReview
	_, cmd := m.Update(keyMsg("n"))
	drain(m, cmd)
	m.review.fields[fTags].SetValue("omegle")
	m.review.fields[fSize].SetValue("5")
	_, cmd = m.Update(keyMsg("ctrl+s"))
	drain(m, cmd)
	if m.review.state != reviewMember {
		t.Fatalf("review state %d: %s", m.review.state, m.review.err)
	}
	sizes := [][2]int{{1, 1}, {5, 2}, {12, 4}, {30, 8}, {45, 12}, {80, 24}, {200, 60}}
	for s := range numScreens {
		for _, sz := range sizes {
			m.screen = s
			m.Update(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			for sec := range numSections {
				m.tags.section = sec
				out := m.View().Content
				lines := strings.Split(out, "\n")
				if len(lines) > sz[1] {
					t.Errorf("screen %s at %dx%d: %d lines", screenNames[s], sz[0], sz[1], len(lines))
				}
				for i, l := range lines {
					if w := ansi.StringWidth(l); w > sz[0] {
						t.Errorf("screen %s at %dx%d: line %d is %d cells: %q", screenNames[s], sz[0], sz[1], i, w, ansi.Strip(l))
						break
					}
				}
				if s != screenTags {
					break
				}
			}
		}
	}
}
