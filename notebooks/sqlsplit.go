package notebooks

import "strings"

// statementCount counts the SQL statements in text: semicolons outside
// string literals, quoted identifiers, dollar-quoted strings and comments
// separate them, and an empty statement (a trailing ";") does not count.
// It runs before DuckDB sees the text, because preparing several
// statements at once executes all but the last.
func statementCount(text string) int {
	n := 0
	nonEmpty := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\'' || c == '"':
			nonEmpty = true
			i = skipQuoted(text, i, c)
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			if j := strings.IndexByte(text[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(text)
			}
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			if j := strings.Index(text[i+2:], "*/"); j >= 0 {
				i += j + 3
			} else {
				i = len(text)
			}
		case c == '$':
			nonEmpty = true
			if tag, ok := dollarTag(text[i:]); ok {
				if j := strings.Index(text[i+len(tag):], tag); j >= 0 {
					i += len(tag) + j + len(tag) - 1
				} else {
					i = len(text)
				}
			}
		case c == ';':
			if nonEmpty {
				n++
			}
			nonEmpty = false
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			nonEmpty = true
		}
	}
	if nonEmpty {
		n++
	}
	return n
}

// skipQuoted returns the index of the quote closing the literal opened at
// i; a doubled quote is an escaped one.
func skipQuoted(s string, i int, q byte) int {
	for j := i + 1; j < len(s); j++ {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j
		}
	}
	return len(s)
}

// dollarTag recognises "$$" or "$tag$" at the start of s.
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[:j+1], true
		}
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || (j > 1 && c >= '0' && c <= '9')) {
			return "", false
		}
	}
	return "", false
}
