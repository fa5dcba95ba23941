package tui

import (
	"testing"

	"github.com/trendlab/trendlab/internal/sqltext"
)

func TestStatementAt(t *testing.T) {
	text := "SELECT 1;\nSELECT 2; \n\nSELECT 3"
	tests := []struct {
		pos  int
		want string
	}{
		{0, "SELECT 1"},
		{5, "SELECT 1"},
		{9, "SELECT 1"},  // right after the semicolon
		{10, "SELECT 2"}, // start of the next line
		{19, "SELECT 2"}, // after "SELECT 2; "
		{21, "SELECT 3"}, // the blank line before SELECT 3
		{len(text), "SELECT 3"},
		{1000, "SELECT 3"},
	}
	for _, tt := range tests {
		got, ok := statementAt(text, tt.pos)
		if !ok || got.Text != tt.want {
			t.Errorf("statementAt(pos %d) = %q, %v; want %q", tt.pos, got.Text, ok, tt.want)
		}
	}
	if _, ok := statementAt("  -- nothing\n", 3); ok {
		t.Error("statementAt found a statement in a comment")
	}
}

func TestIsQueryStatement(t *testing.T) {
	for sql, want := range map[string]bool{
		"SELECT 1":                      true,
		"  with x as (select 1) from x": true,
		"FROM videos":                   true,
		"-- c\nselect 1":                true,
		"/* c */ DESCRIBE videos":       true,
		"(SELECT 1) UNION (SELECT 2)":   true,
		"SUMMARIZE videos":              true,
		"CREATE TABLE x AS SELECT 1":    false,
		"INSERT INTO x VALUES (1)":      false,
		"SET threads = 2":               false,
		"EXPLAIN SELECT 1":              false,
		"PRAGMA database_size":          false,
		"COPY videos TO 'x.csv'":        false,
		"-- only a comment":             false,
	} {
		if got := isQueryStatement(sql); got != want {
			t.Errorf("isQueryStatement(%q) = %v, want %v", sql, got, want)
		}
	}
}

// FuzzStatementAt: statementAt finds one of the statements exactly when
// there is one. (The splitter's own tests and fuzzing moved to
// internal/sqltext.)
func FuzzStatementAt(f *testing.F) {
	for _, s := range []string{"SELECT 1; SELECT 2", "'a;''b'", "$t$;$t$", "/* ; */", "--;\n;", `"";`} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, text string, pos int) {
		stmts := sqltext.Split(text)
		s, ok := statementAt(text, pos)
		if ok != (len(stmts) > 0) {
			t.Fatalf("statementAt ok=%v with %d statements", ok, len(stmts))
		}
		if ok {
			found := false
			for _, x := range stmts {
				found = found || x == s
			}
			if !found {
				t.Fatalf("statementAt returned %+v, not one of the statements", s)
			}
		}
	})
}
