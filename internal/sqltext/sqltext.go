// Package sqltext reads and writes DuckDB SQL as text: Split cuts a script
// into its statements the way DuckDB's scanner does, before DuckDB sees
// it, and QuoteIdent and QuoteLiteral quote names and strings for the few
// places DuckDB takes no parameter (table function arguments, COPY's file,
// identifiers). Every other value is bound as a parameter, never quoted.
package sqltext

import "strings"

// QuoteIdent quotes s as a SQL identifier: "a""b".
func QuoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// QuoteLiteral quotes s as a SQL string literal: 'it”s'.
func QuoteLiteral(s string) string {
	return `'` + strings.ReplaceAll(s, `'`, `''`) + `'`
}

// Statement is one statement of a script: its text without the
// terminating semicolon and surrounding blanks, and its byte span
// [Start, End) in the script (End includes the semicolon when there is
// one).
type Statement struct {
	Text       string
	Start, End int
}

// Split cuts text at the semicolons that end statements. It follows
// DuckDB's scanner (third_party/libpg_query/scan.l) for what hides a
// semicolon: string literals ('...' with ” for a quote; E'...' also with
// backslash escapes), quoted identifiers ("..."), dollar-quoted strings
// ($$...$$, $tag$...$tag$: a tag starts with a letter, an underscore or a
// non-ASCII byte and goes on with those or digits; a $ inside an identifier,
// as in a$b, starts nothing), line comments (-- ...) and block comments,
// which nest (/* /* */ */). Statements of only blanks and comments are
// dropped. An unterminated quote or comment runs to the end of the text, so
// the statement still reaches DuckDB, which reports the error with its
// position.
func Split(text string) []Statement {
	var out []Statement
	start := 0
	for i := 0; i < len(text); {
		if text[i] == ';' {
			if body := text[start:i]; HasCode(body) {
				out = append(out, Statement{Text: strings.TrimSpace(body), Start: start, End: i + 1})
			}
			i++
			start = i
			continue
		}
		i = skipToken(text, i)
	}
	if body := text[start:]; HasCode(body) {
		out = append(out, Statement{Text: strings.TrimSpace(body), Start: start, End: len(text)})
	}
	return out
}

// HasCode reports whether s holds anything but blanks and comments.
func HasCode(s string) bool { return TrimLeft(s) != "" }

// TrimLeft returns s without its leading blanks and comments, so that it
// starts with the statement's first word.
func TrimLeft(s string) string {
	for i := 0; i < len(s); {
		switch {
		case strings.IndexByte(" \t\n\r\f\v", s[i]) >= 0: // DuckDB's blanks
			i++
		case strings.HasPrefix(s[i:], "--"):
			i = skipLineComment(s, i)
		case strings.HasPrefix(s[i:], "/*"):
			i = skipBlockComment(s, i)
		default:
			return s[i:]
		}
	}
	return ""
}

// skipToken returns the index after the token (or the single byte) at
// text[i], which is not a semicolon.
func skipToken(text string, i int) int {
	c := text[i]
	switch {
	case c == '\'':
		return skipQuoted(text, i+1, '\'', false)
	case c == '"':
		return skipQuoted(text, i+1, '"', false)
	case c == '-' && strings.HasPrefix(text[i:], "--"):
		return skipLineComment(text, i)
	case c == '/' && strings.HasPrefix(text[i:], "/*"):
		return skipBlockComment(text, i)
	case c == '$':
		if tag, ok := dollarTag(text, i); ok {
			if j := strings.Index(text[i+len(tag):], tag); j >= 0 {
				return i + len(tag) + j + len(tag)
			}
			return len(text)
		}
		return i + 1
	case identStart(c):
		j := i + 1
		for j < len(text) && (identStart(text[j]) || isDigit(text[j]) || text[j] == '$') {
			j++
		}
		// E'...' is a string with backslash escapes.
		if j == i+1 && (c == 'e' || c == 'E') && j < len(text) && text[j] == '\'' {
			return skipQuoted(text, j+1, '\'', true)
		}
		return j
	}
	return i + 1
}

func identStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// skipQuoted returns the index after the quote q that closes a literal
// whose body starts at i; a doubled quote is an escaped one, and so, with
// backslash, is a quote after a backslash.
func skipQuoted(s string, i int, q byte, backslash bool) int {
	for i < len(s) {
		switch {
		case backslash && s[i] == '\\':
			i += 2
			continue
		case s[i] == q:
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

// skipBlockComment skips a block comment opened at s[i:], with the comments
// nested inside it.
func skipBlockComment(s string, i int) int {
	depth := 0
	for i < len(s) {
		switch {
		case strings.HasPrefix(s[i:], "/*"):
			depth++
			i += 2
		case strings.HasPrefix(s[i:], "*/"):
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return len(s)
}

// dollarTag recognises the delimiter $$ or $tag$ at s[i:].
func dollarTag(s string, i int) (string, bool) {
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[i : j+1], true
		}
		if !identStart(c) && !(isDigit(c) && j > i+1) {
			return "", false
		}
	}
	return "", false
}
