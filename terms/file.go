package terms

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTermBytes bounds one line of a term file.
const maxTermBytes = 1 << 10

// ReadTerms reads a term file as a blocklist holds it: one term a line,
// surrounding spaces and a leading '#' dropped, blank lines skipped. A line
// that is not UTF-8, holds a control character or is longer than 1 KiB
// is an error naming the file, line and column.
func ReadTerms(r io.Reader, name string) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*maxTermBytes)
	var out []string
	seen := map[string]bool{}
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if len(text) > maxTermBytes {
			return nil, fmt.Errorf("%s:%d: the line is %d bytes long; a term is at most %d", name, line, len(text), maxTermBytes)
		}
		if !utf8.ValidString(text) {
			return nil, fmt.Errorf("%s:%d: the line is not valid UTF-8: save the file as UTF-8", name, line)
		}
		for col, r := range []rune(strings.TrimSuffix(text, "\r")) {
			if unicode.IsControl(r) && r != '\t' {
				return nil, fmt.Errorf("%s:%d:%d: control character %U in a term: remove it", name, line, col+1, r)
			}
		}
		t := strings.TrimPrefix(strings.TrimSpace(text), "#")
		if line == 1 {
			t = strings.TrimPrefix(t, "\uFEFF") // a byte-order mark
		}
		t = strings.TrimSpace(t)
		if t == "" || seen[t] {
			continue
		}
		if strings.ContainsAny(t, " \t") {
			return nil, fmt.Errorf("%s:%d:%d: %q holds a space: give one term a line", name, line, strings.IndexAny(text, " \t")+1, t)
		}
		seen[t] = true
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no terms: write one term a line", name)
	}
	return out, nil
}

// FromTerms makes a list of the given terms, as written, for Check: a list
// from a file rather than from a tag set's decisions.
func FromTerms(name, tagSet string, terms []string) *List {
	l := &List{Name: name, TagSet: tagSet, Spellings: SpellNormalised}
	for _, t := range terms {
		l.Accepted = append(l.Accepted, Entry{Term: t, Status: "accepted", Reason: "listed in " + name})
	}
	return l
}
