package queries

import (
	"errors"
	"fmt"
	"strings"

	"github.com/trendlab/trendlab/internal/sqltext"
)

// Reach is what a statement can touch, judged from its first words before
// DuckDB sees it (DuckDB acts on some statements while preparing them: a
// refused EXPORT DATABASE has already made its folder).
type Reach int

const (
	// ReadsWorkspace only reads: SELECT, FROM, WITH, VALUES, TABLE,
	// DESCRIBE, SHOW, SUMMARIZE, PIVOT, UNPIVOT, EXPLAIN of a read, CALL,
	// and the PRAGMAs that describe (table_info, show_tables, ...).
	ReadsWorkspace Reach = iota
	// WritesWorkspace changes the workspace: INSERT, UPDATE, DELETE,
	// MERGE, CREATE, DROP, ALTER, TRUNCATE, COMMENT, CHECKPOINT, VACUUM,
	// ANALYZE, EXPLAIN ANALYZE of a write, and anything not recognised.
	WritesWorkspace
	// ReachesOutside reads or writes outside the workspace, or changes the
	// session: COPY, EXPORT and IMPORT DATABASE, ATTACH, DETACH, USE,
	// INSTALL, LOAD, UPDATE EXTENSIONS, CREATE SECRET, SET, RESET, a PRAGMA
	// that sets something, transactions, PREPARE and EXECUTE; on
	// PostgreSQL also DO, LISTEN, NOTIFY, DISCARD, LOCK, savepoints and
	// cursors. Nothing from people runs these.
	ReachesOutside
)

func (r Reach) String() string {
	switch r {
	case ReadsWorkspace:
		return "reads the workspace"
	case WritesWorkspace:
		return "changes the workspace"
	}
	return "reaches outside the workspace"
}

// describingPragmas only describe the database.
var describingPragmas = map[string]bool{
	"table_info": true, "show": true, "show_tables": true, "show_tables_expanded": true,
	"database_size": true, "database_list": true, "storage_info": true, "metadata_info": true,
	"version": true, "platform": true, "functions": true, "collations": true, "show_databases": true,
}

// StatementReach says what one statement (a single statement, as
// sqltext.Split gives them) can touch. The TUI console asks before running
// a statement that writes; Check refuses one that reaches outside.
func StatementReach(stmt string) Reach {
	words := firstWords(stmt, 3)
	if len(words) == 0 {
		return ReadsWorkspace
	}
	switch words[0] {
	case "(", "SELECT", "FROM", "WITH", "VALUES", "TABLE", "DESCRIBE", "DESC", "SHOW", "SUMMARIZE", "PIVOT", "UNPIVOT", "CALL":
		return ReadsWorkspace
	case "EXPLAIN":
		rest := skipWords(stmt, 1)
		if len(words) > 1 && words[1] == "ANALYZE" {
			rest = skipWords(stmt, 2)
		}
		return StatementReach(rest)
	case "PRAGMA":
		if len(words) > 1 && describingPragmas[strings.ToLower(words[1])] && !strings.Contains(stmt, "=") {
			return ReadsWorkspace
		}
		return ReachesOutside
	case "COPY", "EXPORT", "IMPORT", "ATTACH", "DETACH", "USE", "INSTALL", "LOAD", "FORCE",
		"SET", "RESET", "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "PREPARE", "EXECUTE", "DEALLOCATE",
		// PostgreSQL's: procedural code, notifications, session state,
		// locks, savepoints and cursors.
		"DO", "LISTEN", "NOTIFY", "UNLISTEN", "DISCARD", "LOCK", "SAVEPOINT", "RELEASE", "DECLARE", "FETCH", "MOVE", "CLOSE":
		return ReachesOutside
	case "UPDATE":
		if len(words) > 1 && words[1] == "EXTENSIONS" {
			return ReachesOutside
		}
	case "CREATE":
		for _, w := range words[1:] {
			if w == "SECRET" {
				return ReachesOutside
			}
		}
	}
	return WritesWorkspace
}

// ErrReachesOutside marks a statement refused because it would reach
// outside the workspace or change the session.
var ErrReachesOutside = errors.New("reaches outside the workspace")

// checkText refuses, before DuckDB sees it, text that is not exactly one
// statement or whose statement reaches outside the workspace.
func checkText(what, text string) error {
	stmts := sqltext.Split(text)
	if len(stmts) != 1 {
		return fmt.Errorf("%s must be exactly one SQL statement; it has %d", what, len(stmts))
	}
	if StatementReach(stmts[0].Text) == ReachesOutside {
		kind, hint := outsideKind(firstWords(stmts[0].Text, 1)[0])
		return fmt.Errorf("%s is %s, which %w or changes the session%s", what, kind, ErrReachesOutside, hint)
	}
	return nil
}

// outsideKind names a refused statement by its first word, with what to do
// instead.
func outsideKind(word string) (kind, hint string) {
	const toFile = ": to write a result to a file, choose an output format and a file instead"
	switch word {
	case "COPY":
		return "a COPY", toFile
	case "EXPORT":
		return "an EXPORT DATABASE", toFile
	case "IMPORT":
		return "an IMPORT DATABASE", ""
	case "ATTACH":
		return "an ATTACH", ""
	case "DETACH":
		return "a DETACH", ""
	case "INSTALL", "LOAD", "FORCE", "UPDATE":
		return "an INSTALL or LOAD", ""
	case "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT":
		return "a transaction statement (BEGIN, COMMIT, ROLLBACK)", ""
	case "PREPARE", "EXECUTE", "DEALLOCATE":
		return "a PREPARE or EXECUTE", ""
	case "DO":
		return "a DO block (procedural code)", ""
	case "LISTEN", "NOTIFY", "UNLISTEN", "DISCARD", "LOCK", "SAVEPOINT", "RELEASE", "DECLARE", "FETCH", "MOVE", "CLOSE":
		return "a " + word + " (it changes the session)", ""
	case "CREATE":
		return "a CREATE SECRET", ""
	}
	return "a SET (or USE, RESET, a setting PRAGMA)", ""
}

// firstWords returns up to n leading words of stmt (after comments),
// upper-cased; "(" counts as a word.
func firstWords(stmt string, n int) []string {
	var out []string
	s := stmt
	for len(out) < n {
		s = sqltext.TrimLeft(s)
		if s == "" {
			break
		}
		if s[0] == '(' {
			out = append(out, "(")
			s = s[1:]
			continue
		}
		end := strings.IndexFunc(s, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r >= '0' && r <= '9')
		})
		if end == 0 {
			break
		}
		if end < 0 {
			end = len(s)
		}
		out = append(out, strings.ToUpper(s[:end]))
		s = s[end:]
	}
	return out
}

// skipWords returns stmt after its first n words.
func skipWords(stmt string, n int) string {
	s := stmt
	for range n {
		s = sqltext.TrimLeft(s)
		end := strings.IndexFunc(s, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_')
		})
		if end < 0 {
			return ""
		}
		s = s[end:]
	}
	return s
}
