package tui

import (
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestThemeNoColor(t *testing.T) {
	for _, dark := range []bool{true, false} {
		th := newTheme(dark, true)
		for name, st := range map[string]interface{ Render(...string) string }{
			"error": th.Error, "title": th.Title, "selected": th.Selected, "cursor": th.Cursor, "faint": th.Faint,
		} {
			out := st.Render("x")
			// SGR colour parameters: 30-37, 38;..., 40-47, 48;..., 90-97, 100-107
			for _, p := range []string{"[3", ";3", "[4", ";4", "[9", ";9", "[10", ";10"} {
				if strings.Contains(out, p) && !strings.Contains(out, "[4m") && !strings.Contains(out, ";4m") {
					t.Errorf("dark=%v %s: %q carries a colour", dark, name, out)
				}
			}
		}
		if th.fast.Cursor.pre == "" {
			t.Error("without colour the cursor still needs a visible style (reverse)")
		}
	}
	// With colour, dark and light terminals get different foregrounds.
	if newTheme(true, false).Error.Render("x") == newTheme(false, false).Error.Render("x") {
		t.Error("the error colour is the same on dark and light backgrounds")
	}
}

func TestBackgroundResizeAndMouse(t *testing.T) {
	ws := testWorkspace(t)
	cfg := testConfig(t, ws)
	cfg.Background = BackgroundAuto
	m, tm := newTestModel(t, cfg)
	waitFor(t, tm, "videos")
	tm.Send(tea.BackgroundColorMsg{Color: color.White})
	waitModel(t, tm, m, func(m *Model) bool { return !m.th.dark })
	tm.Send(tea.WindowSizeMsg{Width: 60, Height: 12})
	tm.Send(tea.MouseClickMsg{X: 13, Y: 0}) // the "2 SQL" tab
	waitModel(t, tm, m, func(m *Model) bool { return m.screen == screenConsole && m.width == 60 })
	fm := quit(t, tm)
	lines := strings.Split(strings.TrimSuffix(screen(fm), "\n"), "\n")
	if len(lines) != 12 {
		t.Errorf("frame has %d lines at height 12", len(lines))
	}
	for i, l := range lines {
		if w := textWidth(l); w > 60 {
			t.Errorf("line %d is %d cells wide at width 60: %q", i, w, l)
		}
	}
	requireGolden(t, fm)
}
