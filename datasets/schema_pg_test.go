package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/internal/pgtest"
)

// pgWorkspace opens a workspace in a new database of the test server.
func pgWorkspace(t *testing.T) *Workspace {
	t.Helper()
	ws, err := Open(context.Background(), pgtest.NewDatabase(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// extensionRelation reports whether a "table.column type" of columnsOf
// is of a view or table an extension made (Citus's citus_tables, ...):
// not the workspace's schema.
func extensionRelation(t *testing.T, db *sql.DB) func(string) bool {
	t.Helper()
	rows, err := db.Query(`SELECT c.relname FROM pg_class c JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
WHERE c.relnamespace = 'public'::regnamespace`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	owned := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		owned[name] = true
	}
	return func(col string) bool {
		table, _, _ := strings.Cut(col, ".")
		return owned[table]
	}
}

// columnsOf lists "table.column type" for every table and view, with the
// type in one vocabulary for both engines.
func columnsOf(t *testing.T, db *sql.DB, schema string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1`, schema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	same := map[string]string{
		"VARCHAR": "text", "BIGINT": "bigint", "INTEGER": "integer", "TIMESTAMP": "timestamp without time zone",
		"DOUBLE": "double precision", "BOOLEAN": "boolean", "DATE": "date", "JSON": "json",
		"VARCHAR[]": "text[]", "INTEGER[]": "integer[]",
	}
	var out []string
	for rows.Next() {
		var table, col, typ string
		if err := rows.Scan(&table, &col, &typ); err != nil {
			t.Fatal(err)
		}
		if s, ok := same[typ]; ok {
			typ = s
		}
		out = append(out, fmt.Sprintf("%s.%s %s", table, col, typ))
	}
	slices.Sort(out)
	return out
}

// pgArrayTypes gives PostgreSQL's ARRAY columns their element type, which
// information_schema names only as ARRAY.
func pgArrayTypes(t *testing.T, db *sql.DB, cols []string) {
	t.Helper()
	for i, c := range cols {
		if !strings.HasSuffix(c, " ARRAY") {
			continue
		}
		name := strings.TrimSuffix(c, " ARRAY")
		table, col, _ := strings.Cut(name, ".")
		var typ string
		if err := db.QueryRow(`SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2`, table, col).Scan(&typ); err != nil {
			t.Fatal(err)
		}
		cols[i] = name + " " + typ
	}
}

// TestSchemasAgree: a PostgreSQL workspace has the tables, views, columns
// (with the same types) and table functions of a DuckDB one, so the two
// schemas cannot drift apart.
func TestSchemasAgree(t *testing.T) {
	ctx := context.Background()
	duck, err := OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	pg := pgWorkspace(t)
	var citus bool
	if err := pg.DB.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')`).Scan(&citus); err != nil {
		t.Fatal(err)
	}
	if pg.Dialect != Postgres || pg.Citus != citus || pg.Connector() != nil {
		t.Errorf("server workspace: Dialect %q, Citus %v (the server has it: %v), connector %v", pg.Dialect, pg.Citus, citus, pg.Connector())
	}
	want := slices.DeleteFunc(columnsOf(t, duck.DB, "main"), func(c string) bool {
		table, _, _ := strings.Cut(c, ".")
		return slices.Contains(DuckDBOnlyTables, table)
	})
	got := slices.DeleteFunc(columnsOf(t, pg.DB, "public"), extensionRelation(t, pg.DB))
	pgArrayTypes(t, pg.DB, got)
	if len(want) < 150 {
		t.Fatalf("DuckDB's schema lists only %d columns", len(want))
	}
	if !slices.Equal(got, want) {
		for _, c := range want {
			if !slices.Contains(got, c) {
				t.Errorf("PostgreSQL lacks %s", c)
			}
		}
		for _, c := range got {
			if !slices.Contains(want, c) {
				t.Errorf("DuckDB lacks %s", c)
			}
		}
	}
	names := func(db *sql.DB, q string) []string {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	duckFuncs := names(duck.DB, `SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'table_macro' AND NOT internal ORDER BY 1`)
	pgFuncs := names(pg.DB, `SELECT DISTINCT proname FROM pg_proc p WHERE pronamespace = 'public'::regnamespace
		AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
		ORDER BY 1`)
	if !slices.Equal(duckFuncs, pgFuncs) {
		t.Errorf("table functions: DuckDB %v, PostgreSQL %v", duckFuncs, pgFuncs)
	}
	var v string
	if err := pg.DB.QueryRow(`SELECT value FROM trendlab_meta WHERE key = 'schema_version'`).Scan(&v); err != nil || v != fmt.Sprint(SchemaVersion) {
		t.Errorf("schema_version %q (%v), want %d", v, err, SchemaVersion)
	}
}

// TestPostgresOpenModes: opening again migrates nothing; a read-only open
// of a database without the schema says there is no workspace, and of one
// with it refuses writes.
func TestPostgresOpenModes(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	if _, err := Open(ctx, url, Options{ReadOnly: true}); !errors.Is(err, ErrNoWorkspace) {
		t.Fatalf("read-only open of an empty database: %v, want ErrNoWorkspace", err)
	}
	for range 2 {
		ws, err := Open(ctx, url, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ws.Close()
	}
	ro, err := Open(ctx, url, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.DB.Exec(`INSERT INTO trendlab_meta VALUES ('x', 'y')`); err == nil {
		t.Error("a read-only server workspace took a write")
	}
	var zone string
	if err := ro.DB.QueryRow(`SELECT current_setting('TimeZone')`).Scan(&zone); err != nil || zone != "UTC" {
		t.Errorf("TimeZone %q (%v), want UTC", zone, err)
	}
	if !IsServerURL(url) || IsServerURL("trendlab.duckdb") {
		t.Error("IsServerURL")
	}
	if got := redactURL("postgres://ann:secret@db.example/x?sslmode=require"); strings.Contains(got, "secret") {
		t.Errorf("redactURL kept the password: %s", got)
	}
}

// TestCitusStatements: on a Citus coordinator every table of the schema is
// distributed or a reference table, the per-video ones by video_id and
// co-located with videos.
func TestCitusStatements(t *testing.T) {
	got := citusStatements()
	want := []string{
		`SET LOCAL citus.multi_shard_modify_mode TO 'sequential'`,
		`SELECT create_distributed_table('videos', 'video_id', colocate_with => 'default')`,
		`SELECT create_distributed_table('moderation_events', 'video_id', colocate_with => 'videos')`,
		`SELECT create_distributed_table('video_tags', 'video_id', colocate_with => 'videos')`,
		`SELECT create_distributed_table('video_outcomes', 'video_id', colocate_with => 'videos')`,
		`SELECT create_distributed_table('views_daily', 'video_id', colocate_with => 'videos')`,
		`SELECT create_distributed_table('tag_days', 'tag', colocate_with => 'none')`,
		`SELECT create_distributed_table('tag_spellings', 'tag', colocate_with => 'none')`,
		`SELECT create_distributed_table('rejects', 'import_id', colocate_with => 'none')`,
		`SELECT create_distributed_table('search_daily', 'query', colocate_with => 'none')`,
	}
	if !slices.Equal(got[:len(want)], want) {
		t.Errorf("distributed tables:\n%s\nwant\n%s", strings.Join(got[:len(want)], "\n"), strings.Join(want, "\n"))
	}
	// Every table of the schema, and only those, once.
	ctx := context.Background()
	duck, err := OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	rows, err := duck.DB.Query(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		if !slices.Contains(DuckDBOnlyTables, s) {
			tables = append(tables, s)
		}
	}
	rows.Close()
	var placed []string
	for _, s := range got[1:] {
		_, rest, _ := strings.Cut(s, "('")
		name, _, _ := strings.Cut(rest, "'")
		placed = append(placed, name)
	}
	slices.Sort(placed)
	if !slices.Equal(placed, tables) {
		t.Errorf("Citus places %v, the schema has %v", placed, tables)
	}
}

// TestPostgresSchemaKeepsUp runs without a server: a migration appended to
// schema.go needs its PostgreSQL twin in pgMigrations (TestSchemasAgree,
// with a server, checks that the two agree).
func TestPostgresSchemaKeepsUp(t *testing.T) {
	if got := pgSchemaVersion0 + len(pgMigrations); got != SchemaVersion {
		t.Errorf("the PostgreSQL schema reaches version %d, the DuckDB schema %d: append the new migration's PostgreSQL form to pgMigrations (schema_pg.go)", got, SchemaVersion)
	}
}
