package analysis

import (
	"fmt"
	"strings"
	"unicode"
)

// VisibleSpelling makes spellings that look identical look different: in
// a tag with ASCII letters, every other character (a Greek omicron in
// "οmegle", a fullwidth ｏ, an accent), and in any tag a character of a
// second script or an invisible or non-ASCII punctuation character, is
// pointed out after the tag by position, code point and script:
//
//	VisibleSpelling("οmegle") == "οmegle [1: U+03BF Greek]"
//
// An ASCII tag, or one written in one script without ASCII letters
// ("オメグル"), is returned as it is. Front ends show every tag and
// spelling through it (the CLI, the TUI, the report); it does not make
// text safe for a terminal or HTML, which stays the caller's job.
func VisibleSpelling(s string) string {
	marks := spellingMarks(s)
	if len(marks) == 0 {
		return s
	}
	return s + " [" + strings.Join(marks, "; ") + "]"
}

// spellingMarks lists "position: U+XXXX Script" for the characters that
// VisibleSpelling points out.
func spellingMarks(s string) []string {
	scripts := map[string]bool{}
	asciiLetters := false
	for _, r := range s {
		if r < 0x80 && unicode.IsLetter(r) {
			asciiLetters = true
		}
		if name := scriptOf(r); name != "Common" && name != "Inherited" && name != "" {
			scripts[name] = true
		}
	}
	mixed := len(scripts) > 1
	var marks []string
	pos := 0
	for _, r := range s {
		pos++
		if r < 0x80 {
			continue
		}
		name := scriptOf(r)
		switch {
		case name == "":
			name = "unassigned"
		case asciiLetters, mixed, name == "Common", name == "Inherited":
		default:
			continue
		}
		marks = append(marks, fmt.Sprintf("%d: U+%04X %s", pos, r, name))
	}
	return marks
}

// scriptOf names the Unicode script of r ("" when none).
func scriptOf(r rune) string {
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name
		}
	}
	return ""
}
