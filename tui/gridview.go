package tui

// Drawing the results grid: the visible window of rows and columns, the
// footer and the row detail; the cell padding every screen shares.

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/trendlab/trendlab/analysis"
)

// View draws the grid in g.width × g.height.
func (g gridModel) View(th theme) string {
	if g.rs == nil {
		return th.Faint.Render("No result yet: run a query in the SQL console (2) or browse a table from the catalog (1).")
	}
	if g.detail {
		return g.detailView(th)
	}
	var b strings.Builder
	b.Grow((g.width + 16) * g.height)
	gut := g.gutterWidth()
	// visible columns
	var cols []int
	x := gut
	for c := g.left; c < len(g.rs.Cols) && x < g.width; c++ {
		cols = append(cols, c)
		x += g.colWidth(c) + 1
	}
	avail := func(c, x int) int { return min(g.colWidth(c), g.width-x) }
	// header
	b.WriteString(strings.Repeat(" ", gut))
	x = gut
	for _, c := range cols {
		w := avail(c, x)
		name := g.rs.Cols[c].Name
		if g.rs.SortCol == c {
			if g.rs.SortDesc {
				name += "↓"
			} else {
				name += "↑"
			}
		}
		h := pad(name, w)
		if c == g.col {
			h = th.Cursor.Render(h)
		} else {
			h = th.Header.Render(h)
		}
		b.WriteString(h)
		x += w
		if x < g.width {
			b.WriteByte(' ')
			x++
		}
	}
	b.WriteByte('\n')
	faint, cursor, selected := th.fast.Faint, th.fast.Cursor, th.fast.Selected
	body := g.bodyRows()
	for i := range body {
		r := g.top + i
		if r >= int(g.rs.Total) {
			b.WriteByte('\n')
			continue
		}
		row, loaded := g.rowAt(r)
		var line strings.Builder
		num := padLeft(strconv.Itoa(r+1), gut-1)
		if r != g.row {
			num = faint.render(num)
		}
		line.WriteString(num)
		line.WriteByte(' ')
		x = gut
		for _, c := range cols {
			w := avail(c, x)
			var text string
			switch {
			case !loaded:
				text = pad("…", w)
			case c < len(row) && g.hidden(r, c) && !row[c].Null:
				text = pad(hiddenCell, w)
				if r != g.row {
					text = faint.render(text)
				}
			case c < len(row):
				text = pad(row[c].Line, w)
				if row[c].Null && r != g.row {
					text = faint.render(text)
				}
			default:
				text = pad("", w)
			}
			if r == g.row && c == g.col {
				// the cursor cell, then back to the selected row's style
				text = cursor.render(text) + selected.pre
			}
			line.WriteString(text)
			x += w
			if x < g.width {
				line.WriteByte(' ')
				x++
			}
		}
		s := line.String()
		if r == g.row {
			s = selected.render(s)
		}
		b.WriteString(s)
		b.WriteByte('\n')
	}
	b.WriteString(g.footer(th))
	return b.String()
}

func (g gridModel) footer(th theme) string {
	if g.exporting {
		return g.input.View()
	}
	text := g.status
	if len(g.rs.Cols) > 0 && g.rs.Total > 0 {
		text = fmt.Sprintf("row %s/%s · col %d/%d %s · ", analysis.GroupDigits(int64(g.row+1)), analysis.GroupDigits(g.rs.Total), g.col+1, len(g.rs.Cols), g.rs.Cols[g.col].Type) + text
	}
	left := th.Status.Render(text)
	if g.err != "" {
		left = th.Error.Render(oneLine(g.err, max(10, g.width-2)))
	}
	return ansi.Truncate(left, g.width, "…")
}

func (g gridModel) detailView(th theme) string {
	row, ok := g.rowAt(g.row)
	var lines []string
	lines = append(lines, th.Title.Render(fmt.Sprintf("Row %s of %s", analysis.GroupDigits(int64(g.row+1)), analysis.GroupDigits(g.rs.Total)))+th.Faint.Render("  ←/→ previous/next row · ↑/↓ scroll · r reveal caption · y copy cell · esc back"))
	if !ok {
		lines = append(lines, "loading…")
	} else {
		nameW := 0
		for _, c := range g.rs.Cols {
			nameW = max(nameW, min(30, ansi.StringWidth(c.Name)))
		}
		valW := max(10, g.width-nameW-3)
		for i, c := range g.rs.Cols {
			name := pad(c.Name, nameW)
			if i == g.col {
				name = th.Cursor.Render(name)
			} else {
				name = th.Key.Render(name)
			}
			val := row[i].Full
			if g.hidden(g.row, i) && !row[i].Null {
				val = th.Faint.Render(hiddenDetail)
			}
			wrapped := strings.Split(ansi.Hardwrap(val, valW, true), "\n")
			for j, w := range wrapped {
				if j == 0 {
					lines = append(lines, name+" : "+w)
				} else {
					lines = append(lines, strings.Repeat(" ", nameW+3)+w)
				}
			}
		}
	}
	h := max(1, g.height)
	top := max(0, min(g.detailTop, len(lines)-h))
	end := min(len(lines), top+h)
	return strings.Join(lines[top:end], "\n")
}

// textWidth is the cell width of s; printable ASCII, the common case in a
// grid, is measured without the grapheme machinery.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// pad truncates or pads s to exactly w cells.
func pad(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := textWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-sw)
}

func padLeft(s string, w int) string {
	if n := w - textWidth(s); n > 0 {
		return strings.Repeat(" ", n) + s
	}
	return s
}

func formatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}
