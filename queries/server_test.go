package queries

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/pgtest"
)

// TestForServer: $name parameters become $1..$n in order of first use, a
// repeated name reuses its number, the values follow; text in literals and
// comments is left alone; the checks validate makes on DuckDB hold.
func TestForServer(t *testing.T) {
	q, err := Parse("q.sql", []byte("-- name: q\n-- description: x\n-- param: a int default 1 \"a\"\n-- param: b string default \"x\" \"b\"\n"+
		"SELECT '$a' AS lit, $b AS b, $a + $a AS a2 -- $c\nWHERE $b <> ''"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := q.Bind(map[string][]string{"a": {"7"}})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := st.forServer()
	if err != nil {
		t.Fatal(err)
	}
	if want := "SELECT '$a' AS lit, $1 AS b, $2 + $2 AS a2 -- $c\nWHERE $1 <> ''"; !strings.HasSuffix(ps.SQL, want) {
		t.Errorf("text %q, want it to end %q", ps.SQL, want)
	}
	if want := []any{"x", int64(7)}; !reflect.DeepEqual(ps.ArgValues(), want) {
		t.Errorf("args %#v, want %#v", ps.ArgValues(), want)
	}
	st.pgSQL = "SELECT $a, $b, $zz"
	if _, err := st.forServer(); err == nil || !strings.Contains(err.Error(), "uses $zz, which its header does not declare") {
		t.Errorf("undeclared: %v", err)
	}
	st.pgSQL = "SELECT $a"
	if _, err := st.forServer(); err == nil || !strings.Contains(err.Error(), "declares parameter b but its SQL never uses it") {
		t.Errorf("unused: %v", err)
	}
	st.pgSQL = "SELECT $a, $b, $1"
	if _, err := st.forServer(); err == nil || !strings.Contains(err.Error(), "positional parameter") {
		t.Errorf("positional: %v", err)
	}
	st.pgSQL = "DELETE FROM videos WHERE $a = 1 AND $b = ''"
	if _, err := st.forServer(); err == nil || !strings.Contains(err.Error(), "is not a SELECT") {
		t.Errorf("a saved DELETE: %v", err)
	}
	for text, want := range map[string]string{
		"SELECT $x":                     "ad-hoc SQL takes no parameters",
		"SELECT 1; SELECT 2":            "exactly one SQL statement",
		"COPY videos TO '/tmp/x.csv'":   "reaches outside the workspace",
		"DO $$ BEGIN END $$":            "reaches outside the workspace",
		"UPDATE videos SET region = ''": "read-only statements only",
	} {
		if _, err := AdHoc(text).forServer(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", text, err, want)
		}
	}
	if ps, err := AdHoc("SELECT '$1' AS x").forServer(); err != nil || ps.SQL != "SELECT '$1' AS x" || len(ps.ArgValues()) != 0 {
		t.Errorf("ad-hoc SELECT: %q %v", ps.SQL, err)
	}
}

// TestPostgresVariants: NAME.pg.sql gives query NAME its PostgreSQL text,
// in a user folder as in the shipped library; a variant without its query
// is an error naming the file; every shipped variant belongs to a query.
func TestPostgresVariants(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("mine.sql", "-- name: mine\n-- description: x\nSELECT 1 AS one")
	write("mine.pg.sql", "-- PostgreSQL\nSELECT 1::int AS one")
	write("lost.pg.sql", "SELECT 2")
	lib, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), "lost.pg.sql:1: a PostgreSQL variant of query \"lost\", but no lost.sql") {
		t.Errorf("a variant without its query: %v", err)
	}
	q, err := lib.Lookup("mine")
	if err != nil {
		t.Fatal(err)
	}
	if q.PostgresSQL != "-- PostgreSQL\nSELECT 1::int AS one" {
		t.Errorf("mine's PostgreSQL text %q", q.PostgresSQL)
	}
	if _, err := lib.Lookup("lost"); err == nil {
		t.Error("a lone variant became a query")
	}
	shipped, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := shipped.Lookup("violation_rate_by_policy"); q == nil || !strings.Contains(q.PostgresSQL, "::float8") {
		t.Error("violation_rate_by_policy has no PostgreSQL variant")
	}
}

// TestServerConfined: on a PostgreSQL workspace a saved query that writes
// (hidden in a WITH) is refused by the READ ONLY transaction, a statement
// that runs too long is cancelled by the timeout, and neither outlives the
// statement on the pooled connection.
func TestServerConfined(t *testing.T) {
	ctx := context.Background()
	pg, err := datasets.Open(ctx, pgtest.NewDatabase(t), datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	pg.DB.SetMaxOpenConns(1) // every statement on the one connection
	if _, err := pg.DB.ExecContext(ctx, `INSERT INTO tag_sets VALUES ('kept', 'kept', false, now(), now())`); err != nil {
		t.Fatal(err)
	}
	q, err := Parse("w.sql", []byte("-- name: w\n-- description: x\nWITH d AS (DELETE FROM tag_sets RETURNING name) SELECT * FROM d"))
	if err != nil {
		t.Fatal(err)
	}
	st, _ := q.Bind(nil)
	if _, err := Export(ctx, pg.DB, st, FormatCSV, io.Discard, TableOptions{}); err == nil || !strings.Contains(err.Error(), "read-only transaction") {
		t.Errorf("a DELETE in a saved query: %v, want a read-only refusal", err)
	}
	defer func(d time.Duration) { ServerStatementTimeout = d }(ServerStatementTimeout)
	ServerStatementTimeout = 200 * time.Millisecond
	if _, err := Export(ctx, pg.DB, AdHoc("SELECT pg_sleep(3)"), FormatCSV, io.Discard, TableOptions{}); err == nil || !strings.Contains(err.Error(), "statement timeout") {
		t.Errorf("a statement past the timeout: %v", err)
	}
	var n int
	var timeout string
	var readOnly string
	if err := pg.DB.QueryRowContext(ctx, `SELECT count(*), current_setting('statement_timeout'), current_setting('transaction_read_only') FROM tag_sets`).Scan(&n, &timeout, &readOnly); err != nil {
		t.Fatal(err)
	}
	if n != 1 || timeout != "0" || readOnly != "off" {
		t.Errorf("after the queries: %d tag sets, statement_timeout %s, read-only %s; want 1, 0, off", n, timeout, readOnly)
	}
}
