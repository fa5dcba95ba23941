package sqltext

import (
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/duckdb/duckdb-go/v2/mapping"
)

// splitCases were tui's TestSplitStatements and notebooks'
// TestStatementCount (moved here), and the cases where those two differed
// or both were wrong: a dollar tag with a non-ASCII byte, a $ inside an
// identifier, nested block comments, E” strings with backslash escapes.
var splitCases = []struct {
	name string
	in   string
	want []string
}{
	{"one", "SELECT 1", []string{"SELECT 1"}},
	{"trailing semicolon", "SELECT 1; ", []string{"SELECT 1"}},
	{"two", "SELECT 1; SELECT 2;", []string{"SELECT 1", "SELECT 2"}},
	{"write then read", "DELETE FROM videos; SELECT 1", []string{"DELETE FROM videos", "SELECT 1"}},
	{"semicolon in string", "SELECT 'a;b'; SELECT 2", []string{"SELECT 'a;b'", "SELECT 2"}},
	{"escaped quote", "SELECT 'it''s;'; SELECT 2", []string{"SELECT 'it''s;'", "SELECT 2"}},
	{"quoted identifier", `SELECT "a;b" FROM t; SELECT 2`, []string{`SELECT "a;b" FROM t`, "SELECT 2"}},
	{"quoted alias with doubled quote", `SELECT 1 AS "a"";b"`, []string{`SELECT 1 AS "a"";b"`}},
	{"line comment", "SELECT 1 -- no; split\n; SELECT 2", []string{"SELECT 1 -- no; split", "SELECT 2"}},
	{"block comment", "SELECT /* ; */ 1; SELECT 2", []string{"SELECT /* ; */ 1", "SELECT 2"}},
	{"nested block comment", "SELECT /* a /* ; */ ; */ 1; SELECT 2", []string{"SELECT /* a /* ; */ ; */ 1", "SELECT 2"}},
	{"dollar quote", "SELECT $$a;b$$; SELECT $x$c;d$x$", []string{"SELECT $$a;b$$", "SELECT $x$c;d$x$"}},
	{"dollar tag with digits", "SELECT $q1$;$q1$", []string{"SELECT $q1$;$q1$"}},
	{"dollar tag not ending at another tag", "SELECT $a$ $b$ ; $a$", []string{"SELECT $a$ $b$ ; $a$"}},
	{"non-ascii dollar tag", "SELECT $é$;$é$", []string{"SELECT $é$;$é$"}},
	{"dollar inside identifier", "SELECT 1 AS a$$; SELECT 2 AS b$$", []string{"SELECT 1 AS a$$", "SELECT 2 AS b$$"}},
	{"positional param is not a tag", "SELECT $1; SELECT 2", []string{"SELECT $1", "SELECT 2"}},
	{"named param is not a tag", "SELECT $tag; SELECT 2", []string{"SELECT $tag", "SELECT 2"}},
	{"e string backslash quote", `SELECT E'it\';s'; SELECT 2`, []string{`SELECT E'it\';s'`, "SELECT 2"}},
	{"plain string keeps backslash", `SELECT 'a\'; SELECT 2`, []string{`SELECT 'a\'`, "SELECT 2"}},
	{"comment only dropped", "SELECT 1; -- done\n", []string{"SELECT 1"}},
	{"empty statements dropped", ";;SELECT 1;;", []string{"SELECT 1"}},
	{"nothing", "", nil},
	{"only semicolons", ";;", nil},
	{"a bare word", " ݮ", []string{"ݮ"}},
	{"unterminated string", "SELECT 'abc; SELECT 2", []string{"SELECT 'abc; SELECT 2"}},
	{"unterminated dollar", "SELECT $$abc; SELECT 2", []string{"SELECT $$abc; SELECT 2"}},
}

func TestSplit(t *testing.T) {
	for _, tt := range splitCases {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range Split(tt.in) {
				got = append(got, s.Text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("Split(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// One in-memory DuckDB for the whole test binary (the fuzzer calls
// duckdbCount thousands of times); it lives until the process ends.
var (
	duckdbOnce sync.Once
	duckdbConn mapping.Connection
	duckdbErr  bool
)

// duckdbCount asks DuckDB's own parser how many statements text holds; ok
// is false when DuckDB cannot parse it. DuckDB reports a parse error as
// zero statements, with or without a message, so zero is never an answer.
func duckdbCount(t testing.TB, text string) (n int, ok bool) {
	t.Helper()
	duckdbOnce.Do(func() {
		var db mapping.Database
		if mapping.Open(":memory:", &db) == mapping.StateError || mapping.Connect(db, &duckdbConn) == mapping.StateError {
			duckdbErr = true
		}
	})
	if duckdbErr {
		t.Fatal("opening DuckDB")
	}
	conn := duckdbConn
	var stmts mapping.ExtractedStatements
	count := mapping.ExtractStatements(conn, text, &stmts)
	defer mapping.DestroyExtracted(&stmts)
	if count == 0 {
		return 0, false
	}
	return int(count), true
}

// TestSplitAgreesWithDuckDB: wherever DuckDB parses a case, it finds as
// many statements as Split.
func TestSplitAgreesWithDuckDB(t *testing.T) {
	parsed := 0
	for _, tt := range splitCases {
		n, ok := duckdbCount(t, tt.in)
		if !ok {
			t.Logf("%s: DuckDB does not parse %q", tt.name, tt.in)
			continue
		}
		parsed++
		if got := len(Split(tt.in)); got != n {
			t.Errorf("%s: Split finds %d statements in %q, DuckDB %d", tt.name, got, tt.in, n)
		}
	}
	if parsed < len(splitCases)*2/3 {
		t.Errorf("DuckDB parsed only %d of %d cases: the comparison says little", parsed, len(splitCases))
	}
}

func TestQuote(t *testing.T) {
	if got := QuoteIdent(`a"b`); got != `"a""b"` {
		t.Errorf("QuoteIdent = %s", got)
	}
	if got := QuoteLiteral(`it's`); got != `'it''s'` {
		t.Errorf("QuoteLiteral = %s", got)
	}
}

// FuzzSplit: spans are ordered and hold their statements, no statement is
// empty, and where DuckDB parses the text it counts the same statements.
func FuzzSplit(f *testing.F) {
	for _, tt := range splitCases {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, text string) {
		stmts := Split(text)
		prevEnd := 0
		for _, s := range stmts {
			if s.Start < prevEnd || s.End < s.Start || s.End > len(text) {
				t.Fatalf("bad span %d..%d after %d in %q", s.Start, s.End, prevEnd, text)
			}
			if !strings.Contains(text[s.Start:s.End], s.Text) {
				t.Fatalf("statement %q not within its span %q", s.Text, text[s.Start:s.End])
			}
			if !HasCode(s.Text) {
				t.Fatalf("empty statement %q kept", s.Text)
			}
			prevEnd = s.End
		}
		// DuckDB takes the text as a C string, so it reads up to a NUL,
		// and refuses invalid UTF-8 as a whole (ExtractStatements then
		// returns 0 without a message).
		if strings.IndexByte(text, 0) >= 0 || !utf8.ValidString(text) {
			return
		}
		if n, ok := duckdbCount(t, text); ok && n != len(stmts) {
			t.Fatalf("Split finds %d statements in %q, DuckDB %d", len(stmts), text, n)
		}
	})
}
