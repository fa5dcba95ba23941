package tui

import (
	"image/color"
	"strings"

	"charm.land/lipgloss/v2"
)

// theme holds the styles every screen draws with. It is rebuilt when the
// terminal reports its background, so colours stay readable on dark and
// light terminals; with NoColor it uses only bold, faint, underline and
// reverse.
type theme struct {
	dark, noColor bool

	Title, TabActive, TabInactive lipgloss.Style
	Header, Selected, Cursor      lipgloss.Style
	Faint, Error, OK, Warn        lipgloss.Style
	Accent, Border, Help, Status  lipgloss.Style
	Spike, Bar, Key               lipgloss.Style

	// fast holds the grid's styles as raw escape sequences, so drawing a
	// frame of cells costs string concatenation, not a Render per cell.
	fast struct{ Faint, Cursor, Selected fastStyle }
}

// fastStyle is a text style as the escape sequences around the text. Only
// for styles without padding, margins, borders or widths.
type fastStyle struct{ pre, post string }

func newFastStyle(st lipgloss.Style) fastStyle {
	const marker = "\x00"
	out := st.Render(marker)
	pre, post, ok := strings.Cut(out, marker)
	if !ok {
		return fastStyle{}
	}
	return fastStyle{pre: pre, post: post}
}

// render styles s, which must hold no escape sequence that resets the style.
func (f fastStyle) render(s string) string {
	if f.pre == "" && f.post == "" {
		return s
	}
	return f.pre + s + f.post
}

func newTheme(dark, noColor bool) theme {
	t := theme{dark: dark, noColor: noColor}
	ld := lipgloss.LightDark(dark)
	c := func(light, darkC string) color.Color {
		if noColor {
			return lipgloss.NoColor{}
		}
		return ld(lipgloss.Color(light), lipgloss.Color(darkC))
	}
	accent := c("#005FAF", "#5FAFFF")
	t.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	t.TabActive = lipgloss.NewStyle().Bold(true).Reverse(true).Padding(0, 1)
	t.TabInactive = lipgloss.NewStyle().Padding(0, 1).Foreground(c("#4E4E4E", "#A8A8A8"))
	t.Header = lipgloss.NewStyle().Bold(true).Underline(true)
	// Without colour: the cursor is reverse video, the selected row (or an
	// unfocused list's choice) underlined, so the two stay distinct.
	t.Selected = lipgloss.NewStyle().Underline(true)
	t.Cursor = lipgloss.NewStyle().Bold(true).Reverse(true)
	if !noColor {
		t.Selected = lipgloss.NewStyle().Background(c("#D0E4F5", "#303A4A")).Foreground(c("#000000", "#FFFFFF"))
		t.Cursor = lipgloss.NewStyle().Bold(true).Background(accent).Foreground(c("#FFFFFF", "#000000"))
	}
	t.Faint = lipgloss.NewStyle().Faint(true)
	t.Error = lipgloss.NewStyle().Bold(true).Foreground(c("#AF0000", "#FF5F5F"))
	t.OK = lipgloss.NewStyle().Foreground(c("#005F00", "#87D787"))
	t.Warn = lipgloss.NewStyle().Bold(true).Foreground(c("#875F00", "#FFD75F"))
	t.Accent = lipgloss.NewStyle().Foreground(accent)
	t.Border = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(c("#8A8A8A", "#585858")).Padding(0, 1)
	t.Help = lipgloss.NewStyle().Foreground(c("#4E4E4E", "#9E9E9E"))
	t.Status = lipgloss.NewStyle().Foreground(c("#303030", "#D0D0D0"))
	t.Spike = lipgloss.NewStyle().Bold(true).Foreground(c("#AF0000", "#FF8787"))
	t.Bar = lipgloss.NewStyle().Foreground(accent)
	t.Key = lipgloss.NewStyle().Bold(true)
	t.fast.Faint = newFastStyle(t.Faint)
	t.fast.Cursor = newFastStyle(t.Cursor)
	t.fast.Selected = newFastStyle(t.Selected)
	return t
}
