package tui

import "strings"

// The caption rule, one for every screen: text that a video's author wrote
// (its caption, and a rejected row as read, which holds one) is hidden until
// the investigator reveals it, one row at a time (r) or for the whole
// session (C, or Config.ShowCaptions from --show-captions). Reports hide
// captions by the same default. Reviewers meet harmful text all day; the
// tool shows it only when asked.

// captionColumns are the column names whose values are hidden by default:
// any column named caption, and rejects.raw (a rejected row as read, caption
// included).
var captionColumns = map[string]bool{"caption": true, "raw": true}

// isCaptionColumn reports whether a column's values fall under the caption
// rule.
func isCaptionColumn(name string) bool { return captionColumns[strings.ToLower(name)] }

// Placeholders drawn instead of a hidden caption.
const (
	hiddenCell   = "‹hidden›"
	hiddenDetail = "‹caption hidden: r reveals this row, C every caption›"
)

// captionMask says which columns of a result are captions and which rows the
// investigator revealed. The zero value hides nothing.
type captionMask struct {
	cols     []bool
	any      bool
	revealed map[int]bool
}

func newCaptionMask(cols []column) captionMask {
	m := captionMask{cols: make([]bool, len(cols)), revealed: map[int]bool{}}
	for i, c := range cols {
		m.cols[i] = isCaptionColumn(c.Name)
		m.any = m.any || m.cols[i]
	}
	return m
}

// hidden reports whether the cell at row r, column c is a caption to hide
// when the session does not show captions.
func (m captionMask) hidden(shown bool, r, c int) bool {
	return !shown && c < len(m.cols) && m.cols[c] && !m.revealed[r]
}

// toggle reveals or hides the captions of row r.
func (m *captionMask) toggle(r int) {
	if m.revealed == nil {
		m.revealed = map[int]bool{}
	}
	if m.revealed[r] {
		delete(m.revealed, r)
	} else {
		m.revealed[r] = true
	}
}
