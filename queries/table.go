package queries

import (
	"bufio"
	"database/sql"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/trendlab/trendlab/internal/textsafe"
)

// TableOptions shape the table format.
type TableOptions struct {
	// Width is the terminal width in columns; 0 means no limit. Columns
	// shrink (widest first) until a row fits.
	Width int
	// MaxCell caps a cell's width; longer text ends in "…". 0 means 40.
	MaxCell int
}

// cellWidth measures display width as the TUI draws it (one display-width
// library, charmbracelet/x/ansi: grapheme clusters, whatever the locale
// says), so output is reproducible and the CLI and TUI agree.
var cellWidth ansiWidth

type ansiWidth struct{}

func (ansiWidth) StringWidth(s string) int { return ansi.StringWidth(s) }

func (ansiWidth) Truncate(s string, w int, tail string) string { return ansi.Truncate(s, w, tail) }

// tableSampleRows is how many rows set the column widths; later rows are
// streamed and cut to those widths, so a long result is never held whole.
const tableSampleRows = 1000

// minColumn is the narrowest a text column shrinks to.
const minColumn = 4

// WriteTable writes the rows as an aligned table: a header, a rule, one line
// per row, and a count. Text is sanitised for the terminal (Sanitize), NULL
// shows as "NULL", numbers are right-aligned.
func WriteTable(w io.Writer, rows *sql.Rows, opts TableOptions) (Stats, error) {
	if opts.MaxCell <= 0 {
		opts.MaxCell = 40
	}
	cols, err := columnsOf(rows)
	if err != nil {
		return Stats{}, err
	}
	stats := Stats{Columns: len(cols)}
	header := make([]string, len(cols))
	right := make([]bool, len(cols))
	widths := make([]int, len(cols))
	// floor is the narrowest a column may shrink to: a number is never cut,
	// text may be cut to minColumn.
	floor := make([]int, len(cols))
	for i, c := range cols {
		header[i] = textsafe.Show(c.Name)
		right[i] = numericType(c.Type)
		widths[i] = min(cellWidth.StringWidth(header[i]), opts.MaxCell)
		floor[i] = min(widths[i], minColumn)
	}
	cellText := func(v any, i int) string {
		if v == nil {
			return "NULL"
		}
		return textsafe.Show(textValue(v, cols[i].Type))
	}
	var sample [][]string
	for len(sample) < tableSampleRows && rows.Next() {
		vals, err := scanRow(rows, len(cols))
		if err != nil {
			return stats, err
		}
		line := make([]string, len(cols))
		for i, v := range vals {
			line[i] = cellText(v, i)
			cw := cellWidth.StringWidth(line[i])
			widths[i] = max(widths[i], min(cw, opts.MaxCell))
			if right[i] {
				floor[i] = max(floor[i], cw)
				widths[i] = max(widths[i], cw)
			}
		}
		sample = append(sample, line)
	}
	if err := rows.Err(); err != nil {
		return stats, err
	}
	fitWidths(widths, floor, opts.Width)

	bw := bufio.NewWriter(w)
	writeLine := func(cells []string, align bool) {
		for i, c := range cells {
			if i > 0 {
				bw.WriteString("  ")
			}
			c = cellWidth.Truncate(c, widths[i], "…")
			pad := widths[i] - cellWidth.StringWidth(c)
			last := i == len(cells)-1
			if align && right[i] {
				bw.WriteString(strings.Repeat(" ", pad))
				bw.WriteString(c)
			} else {
				bw.WriteString(c)
				if !last {
					bw.WriteString(strings.Repeat(" ", pad))
				}
			}
		}
		bw.WriteString("\n")
	}
	writeLine(header, true)
	rule := make([]string, len(cols))
	for i := range rule {
		rule[i] = strings.Repeat("─", widths[i])
	}
	writeLine(rule, false)
	for _, line := range sample {
		writeLine(line, true)
		stats.Rows++
	}
	line := make([]string, len(cols))
	for rows.Next() {
		vals, err := scanRow(rows, len(cols))
		if err != nil {
			return stats, err
		}
		for i, v := range vals {
			line[i] = cellText(v, i)
		}
		writeLine(line, true)
		stats.Rows++
	}
	if err := rows.Err(); err != nil {
		return stats, err
	}
	noun := "rows"
	if stats.Rows == 1 {
		noun = "row"
	}
	fmt.Fprintf(bw, "(%d %s)\n", stats.Rows, noun)
	return stats, bw.Flush()
}

// fitWidths shrinks the widest shrinkable columns until the line (with two
// spaces between columns) fits in width, never below floor; a line that
// still does not fit is left to wrap.
func fitWidths(widths, floor []int, width int) {
	if width <= 0 {
		return
	}
	total := func() int {
		t := 2 * (len(widths) - 1)
		for _, w := range widths {
			t += w
		}
		return t
	}
	for total() > width {
		widest := -1
		for i, w := range widths {
			if w > floor[i] && (widest < 0 || w > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			return
		}
		widths[widest]--
	}
}

func numericType(t string) bool {
	switch {
	case strings.HasPrefix(t, "DECIMAL"):
		return true
	}
	switch t {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
		"UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE":
		return true
	}
	return false
}
