package textsafe

import (
	"io"
	"unicode/utf8"
)

// Writer passes text to an underlying writer with ShowLines applied, for
// output whose bytes come from the data (CSV, JSON) when it goes to a
// terminal: escapes show as \x1b and the like instead of acting, lines and
// tabs stay. A character split across two writes is held until the next
// one; Flush writes what is held.
type Writer struct {
	w       io.Writer
	pending []byte
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write shows p's unsafe characters as escapes and writes it; it reports
// len(p) on success.
func (t *Writer) Write(p []byte) (int, error) {
	t.pending = append(t.pending, p...)
	cut := len(t.pending)
	// Hold back an incomplete UTF-8 sequence and a CR that may start CRLF.
	for back := 1; back <= utf8.UTFMax && back <= cut; back++ {
		if utf8.RuneStart(t.pending[cut-back]) {
			if !utf8.FullRune(t.pending[cut-back:]) {
				cut -= back
			}
			break
		}
	}
	if cut > 0 && t.pending[cut-1] == '\r' {
		cut--
	}
	if err := t.write(cut); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is held back.
func (t *Writer) Flush() error { return t.write(len(t.pending)) }

func (t *Writer) write(n int) error {
	if n == 0 {
		return nil
	}
	out := ShowLines(string(t.pending[:n]))
	t.pending = append(t.pending[:0], t.pending[n:]...)
	_, err := io.WriteString(t.w, out)
	return err
}
