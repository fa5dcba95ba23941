package tui

import (
	"strings"

	"github.com/trendlab/trendlab/internal/sqltext"
)

// statementAt returns the statement of text (split by sqltext.Split) under
// the byte offset pos: the one whose span holds pos; when pos sits just
// after a statement's semicolon on the same line, or past the last
// statement, the statement before it. ok is false when the text has no
// statement.
func statementAt(text string, pos int) (sqltext.Statement, bool) {
	stmts := sqltext.Split(text)
	if len(stmts) == 0 {
		return sqltext.Statement{}, false
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

// isQueryStatement reports whether a statement returns rows that can be
// materialised with CREATE TABLE AS (a SELECT-like statement); other
// statements (DDL, DML, SET, PRAGMA, EXPLAIN, CALL...) are run directly.
func isQueryStatement(sql string) bool {
	code := sqltext.TrimLeft(sql)
	if strings.HasPrefix(code, "(") {
		return true
	}
	end := strings.IndexFunc(code, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	})
	if end < 0 {
		end = len(code)
	}
	switch strings.ToUpper(code[:end]) {
	case "SELECT", "WITH", "FROM", "VALUES", "TABLE", "DESCRIBE", "DESC", "SHOW", "SUMMARIZE", "PIVOT", "UNPIVOT":
		return true
	}
	return false
}
