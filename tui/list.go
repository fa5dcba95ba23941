package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// listState is the cursor and scroll offset of a vertical list.
type listState struct {
	cursor, top int
}

// move moves the cursor by d within n items, keeping it in a window of h
// lines.
func (l *listState) move(d, n, h int) {
	l.cursor = max(0, min(l.cursor+d, n-1))
	l.follow(n, h)
}

// follow scrolls so the cursor is visible in h lines.
func (l *listState) follow(n, h int) {
	h = max(1, h)
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+h {
		l.top = l.cursor - h + 1
	}
	l.top = max(0, min(l.top, n-h))
}

// renderList draws items (already sanitised) in w × h, the cursor line
// highlighted when the list has focus.
func renderList(th theme, items []string, l listState, w, h int, focused bool) []string {
	h = max(0, h)
	out := make([]string, 0, h)
	for i := l.top; i < len(items) && len(out) < h; i++ {
		s := pad(items[i], w)
		if i == l.cursor {
			if focused {
				s = th.Cursor.Render(ansi.Strip(s))
			} else {
				s = th.Selected.Render(ansi.Strip(s))
			}
		}
		out = append(out, s)
	}
	for len(out) < h {
		out = append(out, strings.Repeat(" ", max(0, w)))
	}
	return out
}

// joinColumns puts blocks of lines side by side, separated by sep.
func joinColumns(sep string, blocks ...[]string) string {
	n := 0
	for _, b := range blocks {
		n = max(n, len(b))
	}
	var sb strings.Builder
	for i := range n {
		for j, b := range blocks {
			if j > 0 {
				sb.WriteString(sep)
			}
			if i < len(b) {
				sb.WriteString(b[i])
			}
		}
		if i < n-1 {
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}
