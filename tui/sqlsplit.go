package tui

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// statement is one SQL statement of the console's text: its text without the
// terminating semicolon, and its byte span [start, end) in the whole text
// (end includes the semicolon when there is one).
type statement struct {
	Text       string
	Start, End int
}

// splitStatements splits SQL text at the semicolons that end statements,
// skipping those inside quoted strings ('...', with ” as an escaped quote),
// quoted identifiers ("..."), dollar-quoted strings ($tag$...$tag$), line
// comments (-- ...) and block comments (/* ... */). Statements holding only
// whitespace and comments are dropped. Unterminated quotes or comments run
// to the end of the text, so the statement is still sent and DuckDB reports
// the error with its position.
func splitStatements(text string) []statement {
	var out []statement
	start := 0
	emit := func(end, next int) {
		body := text[start:end]
		if hasCode(body) {
			out = append(out, statement{Text: strings.TrimSpace(body), Start: start, End: next})
		}
		start = next
	}
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\'' || c == '"':
			i = skipQuoted(text, i+1, c)
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			i = skipLineComment(text, i)
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			i = skipBlockComment(text, i)
		case c == '$':
			if tag, ok := dollarTag(text, i); ok {
				if j := strings.Index(text[i+len(tag):], tag); j >= 0 {
					i += len(tag) + j + len(tag)
				} else {
					i = len(text)
				}
			} else {
				i++
			}
		case c == ';':
			emit(i, i+1)
			i++
		default:
			i++
		}
	}
	if start < len(text) {
		emit(len(text), len(text))
	}
	return out
}

// statementAt returns the statement under the byte offset pos: the one
// whose span holds pos; when pos sits just after a statement's semicolon on
// the same line, or past the last statement, the statement before it. ok is
// false when the text has no statement.
func statementAt(text string, pos int) (statement, bool) {
	stmts := splitStatements(text)
	if len(stmts) == 0 {
		return statement{}, false
	}
	pos = max(0, min(pos, len(text)))
	for i, s := range stmts {
		if pos >= s.End && !(i == len(stmts)-1) {
			continue
		}
		if pos < s.Start {
			// in blank space (or comments) before s.
			if i > 0 && !strings.Contains(text[stmts[i-1].End:pos], "\n") {
				return stmts[i-1], true
			}
			return s, true
		}
		lead := text[s.Start:pos]
		if i > 0 && strings.TrimSpace(lead) == "" && !strings.Contains(lead, "\n") {
			return stmts[i-1], true
		}
		return s, true
	}
	return stmts[len(stmts)-1], true
}

// hasCode reports whether s holds anything but whitespace and comments.
func hasCode(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < utf8.RuneSelf && unicode.IsSpace(rune(c)):
			i++
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsSpace(r) {
				return true
			}
			i += size
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			i = skipLineComment(s, i)
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			i = skipBlockComment(s, i)
		default:
			return true
		}
	}
	return false
}

func skipQuoted(s string, i int, q byte) int {
	for i < len(s) {
		if s[i] == q {
			if i+1 < len(s) && s[i+1] == q {
				i += 2
				continue
			}
			return i + 1
		}
		i++
	}
	return len(s)
}

func skipLineComment(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j + 1
	}
	return len(s)
}

func skipBlockComment(s string, i int) int {
	if j := strings.Index(s[i+2:], "*/"); j >= 0 {
		return i + 2 + j + 2
	}
	return len(s)
}

// dollarTag recognises $$ or $tag$ (tag: letters, digits, underscore, not
// starting with a digit) at s[i:].
func dollarTag(s string, i int) (string, bool) {
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[i : j+1], true
		}
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
		digit := c >= '0' && c <= '9'
		if !letter && !(digit && j > i+1) {
			return "", false
		}
	}
	return "", false
}

// isQueryStatement reports whether a statement returns rows that can be
// materialised with CREATE TABLE AS (a SELECT-like statement); other
// statements (DDL, DML, SET, PRAGMA, EXPLAIN, CALL...) are run directly.
func isQueryStatement(sql string) bool {
	for hasCode(sql) {
		trimmed := strings.TrimLeft(sql, " \t\r\n")
		switch {
		case strings.HasPrefix(trimmed, "--"):
			sql = trimmed[skipLineComment(trimmed, 0):]
			continue
		case strings.HasPrefix(trimmed, "/*"):
			sql = trimmed[skipBlockComment(trimmed, 0):]
			continue
		case strings.HasPrefix(trimmed, "("):
			return true
		}
		end := strings.IndexFunc(trimmed, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
		})
		if end < 0 {
			end = len(trimmed)
		}
		switch strings.ToUpper(trimmed[:end]) {
		case "SELECT", "WITH", "FROM", "VALUES", "TABLE", "DESCRIBE", "DESC", "SHOW", "SUMMARIZE", "PIVOT", "UNPIVOT":
			return true
		}
		return false
	}
	return false
}
