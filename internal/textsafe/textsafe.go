// Package textsafe makes untrusted text (captions, tags, file names, cell
// values, error messages that quote them) safe to write where a person
// reads it. There are two policies, each for one line or many:
//
//   - Strip, for drawing inside a terminal application (the TUI): escape
//     sequences of every kind go whole (CSI, OSC, DCS, SOS, PM, APC and
//     two-byte ESC sequences, 7-bit and 8-bit), and so does every other
//     unsafe character. Nothing of an escape is left to read.
//   - Show, for text printed as data (tables, CSV on a terminal, lists,
//     error messages): every unsafe character becomes a visible escape such
//     as \x1b, \n or \u202e, so the reader sees that something was there.
//
// Unsafe means: C0 controls, DEL, C1 controls (among them the 8-bit
// escape introducers), the line and paragraph separators, and the
// invisible format characters (category Cf), among them the bidirectional
// overrides and isolates that reorder what the reader sees. The zero-width
// joiner stays, as emoji sequences need it. Invalid UTF-8 never passes.
//
// JSON escapes JSON text the same way for the characters encoding/json
// leaves raw.
package textsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unsafe reports whether r must not reach a reader as it is.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == 0x200d: // zero-width joiner: part of emoji sequences
		return false
	case r == 0x2028, r == 0x2029:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// clean reports whether s is valid UTF-8 without unsafe characters other
// than those keep allows (the common case, which needs no copy).
func clean(s string, keep func(rune) bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && !keep(rune(c)) {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size <= 1) || Unsafe(r) {
			return false
		}
		i += size
	}
	return true
}

func newlineOrTab(r rune) bool { return r == '\n' || r == '\t' }
func nothing(rune) bool        { return false }

// Strip removes escape sequences whole and every other unsafe character,
// keeping newlines and tabs; invalid UTF-8 becomes U+FFFD. The result
// holds no unsafe character but \n and \t, and Strip(Strip(s)) == Strip(s).
func Strip(s string) string {
	if clean(s, newlineOrTab) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
			i++
			continue
		case r == 0x1b: // ESC
			i = skipEscape(s, i+1)
			continue
		case r == 0x9b: // 8-bit CSI
			i = skipCSI(s, i+size)
			continue
		case r == 0x9d || r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f: // 8-bit OSC, DCS, SOS, PM, APC
			i = skipString(s, i+size)
			continue
		case newlineOrTab(r):
			b.WriteRune(r)
		case Unsafe(r):
			// dropped
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// StripLine is Strip for one-line places (grid cells, lists, titles): line
// breaks and tabs become single spaces as well.
func StripLine(s string) string {
	s = Strip(s)
	if strings.ContainsAny(s, "\n\t") {
		s = strings.NewReplacer("\r\n", " ", "\n", " ", "\t", " ").Replace(s)
	}
	return s
}

// Show writes every unsafe character as a visible escape (\n, \r, \t,
// \x1b, \u202e) and every invalid UTF-8 byte as \xff, all on one line.
// Printable text, emoji and combining marks pass unchanged.
func Show(s string) string {
	return show(s, nothing)
}

// ShowLines is Show for text of several lines (SQL, usage, multi-line
// errors): newlines and tabs stay, a carriage return before a newline goes.
func ShowLines(s string) string {
	return show(strings.ReplaceAll(s, "\r\n", "\n"), newlineOrTab)
}

func show(s string, keep func(rune) bool) string {
	if clean(s, keep) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keep(r):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && Unsafe(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case Unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// JSON takes JSON text as encoding/json writes it and escapes, as \u00XX,
// what encoding/json leaves raw but a terminal or a text viewer would act
// on: DEL, C1 controls (U+0080-U+009F) and the invisible format characters
// (bidirectional overrides and isolates among them). ESC and the other C0
// controls are already escaped by encoding/json. Only strings hold
// non-ASCII characters in JSON, so escaping them keeps the text valid and
// its meaning unchanged.
func JSON(b []byte) []byte {
	if clean(string(b), func(r rune) bool { return r < 0x20 }) {
		return b
	}
	out := make([]byte, 0, len(b)+12)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x7f && Unsafe(r) && !(r == utf8.RuneError && size <= 1) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

// skipEscape skips what follows an ESC at s[i:] and returns the index after
// the whole sequence.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', 'X', '^', '_':
		return skipString(s, i+1)
	}
	// ESC followed by intermediates (0x20-0x2f) then one final byte.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI skips parameter and intermediate bytes and the final byte of a CSI
// sequence. A byte outside the grammar ends the sequence without being eaten.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString skips a control string (OSC, DCS, SOS, PM, APC) up to and
// including its terminator: BEL, ESC \ or the 8-bit ST. An unterminated
// string runs to the end of s.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + 1
		case s[i] == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c: // U+009C ST
			return i + 2
		}
		i++
	}
	return i
}
