package queries

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/datasets"
)

func TestStatementReach(t *testing.T) {
	tests := []struct {
		sql  string
		want Reach
	}{
		{"SELECT 1", ReadsWorkspace},
		{"  -- c\n/* c */ from videos", ReadsWorkspace},
		{"(SELECT 1) UNION (SELECT 2)", ReadsWorkspace},
		{"WITH x AS (SELECT 1) SELECT * FROM x", ReadsWorkspace},
		{"DESCRIBE videos", ReadsWorkspace},
		{"SUMMARIZE videos", ReadsWorkspace},
		{"EXPLAIN SELECT 1", ReadsWorkspace},
		{"PRAGMA table_info('videos')", ReadsWorkspace},
		{"pragma show_tables", ReadsWorkspace},
		{"CALL pragma_table_info('videos')", ReadsWorkspace},
		{"DELETE FROM videos", WritesWorkspace},
		{"insert into labels values (1)", WritesWorkspace},
		{"UPDATE videos SET caption = ''", WritesWorkspace},
		{"CREATE TABLE x AS SELECT 1", WritesWorkspace},
		{"DROP TABLE videos", WritesWorkspace},
		{"EXPLAIN ANALYZE DELETE FROM videos", WritesWorkspace},
		{"CHECKPOINT", WritesWorkspace},
		{"COPY (SELECT 1) TO 'x.csv'", ReachesOutside},
		{"copy videos from 'x.csv'", ReachesOutside},
		{"EXPORT DATABASE 'dir'", ReachesOutside},
		{"IMPORT DATABASE 'dir'", ReachesOutside},
		{"ATTACH 'other.duckdb'", ReachesOutside},
		{"DETACH other", ReachesOutside},
		{"INSTALL httpfs", ReachesOutside},
		{"FORCE INSTALL httpfs", ReachesOutside},
		{"LOAD httpfs", ReachesOutside},
		{"UPDATE EXTENSIONS", ReachesOutside},
		{"SET enable_external_access = true", ReachesOutside},
		{"RESET lock_configuration", ReachesOutside},
		{"PRAGMA threads = 1", ReachesOutside},
		{"PRAGMA enable_profiling", ReachesOutside},
		{"CREATE SECRET s (TYPE s3)", ReachesOutside},
		{"CREATE PERSISTENT SECRET s (TYPE s3)", ReachesOutside},
		{"BEGIN", ReachesOutside},
		{"USE other", ReachesOutside},
		{"EXPLAIN ANALYZE COPY (SELECT 1) TO 'x'", ReachesOutside},
		{"DO $$ BEGIN PERFORM pg_sleep(1); END $$", ReachesOutside},
		{"LISTEN alerts", ReachesOutside},
		{"NOTIFY alerts", ReachesOutside},
		{"DISCARD ALL", ReachesOutside},
		{"LOCK TABLE videos", ReachesOutside},
		{"SAVEPOINT a", ReachesOutside},
		{"DECLARE c CURSOR FOR SELECT 1", ReachesOutside},
		{"FETCH 10 FROM c", ReachesOutside},
		{"TABLE videos", ReadsWorkspace},
	}
	for _, tt := range tests {
		if got := StatementReach(tt.sql); got != tt.want {
			t.Errorf("StatementReach(%q) = %v, want %v", tt.sql, got, tt.want)
		}
	}
}

// TestRefusedBeforeDuckDB: COPY ... TO and EXPORT DATABASE are refused
// before DuckDB prepares them (DuckDB makes EXPORT's folder while
// preparing), as ad-hoc SQL and as a saved query: nothing is created.
func TestRefusedBeforeDuckDB(t *testing.T) {
	ws := fixtureWorkspace(t)
	dir := t.TempDir()
	exportDir := filepath.Join(dir, "exported")
	copied := filepath.Join(dir, "copied.csv")
	q := t.TempDir()
	if err := os.WriteFile(filepath.Join(q, "leak.sql"), []byte("-- name: leak\n-- description: x\nEXPORT DATABASE '"+exportDir+"'"), 0o644); err != nil {
		t.Fatal(err)
	}
	lib, _ := Load(q)
	leak, err := lib.Lookup("leak")
	if err != nil {
		t.Fatal(err)
	}
	saved, err := leak.Bind(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []Statement{
		AdHoc("EXPORT DATABASE '" + exportDir + "'"),
		AdHoc("COPY (SELECT 1 AS x) TO '" + copied + "'"),
		AdHoc("/* hidden */ copy (SELECT 1) TO '" + copied + "' (FORMAT csv)"),
		saved,
	} {
		_, err := Export(context.Background(), ws.DB, st, FormatCSV, io.Discard, TableOptions{})
		if !errors.Is(err, ErrReachesOutside) {
			t.Errorf("%s: error %v, want ErrReachesOutside", st.SQL, err)
		}
	}
	for _, p := range []string{exportDir, copied} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was created", p)
		}
	}
}

// TestConfine: once confined, a read-only workspace reads its own tables
// (on new connections too, which need UTC without a SET) and can sort
// beyond its memory limit (spilling to DuckDB's temporary folder), but
// no function reads a file, no statement writes one outside the allowed
// folder, and the settings cannot be turned back.
func TestConfine(t *testing.T) {
	ctx := context.Background()
	fixtureWorkspace(t) // builds the fixture
	// A copy: DuckDB shares one instance per file, and this one is
	// configured differently.
	b, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ws.duckdb")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	ws, err := datasets.Open(ctx, path, datasets.Options{ReadOnly: true, MemoryLimit: "64MB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	passwd := AdHoc("SELECT count(*) FROM read_text('/etc/passwd')")
	if _, err := Export(ctx, ws.DB, passwd, FormatCSV, io.Discard, TableOptions{}); err != nil {
		t.Fatalf("before Confine, read_text should work (else this test proves nothing): %v", err)
	}
	allowed := t.TempDir()
	if err := Confine(ctx, ws.DB, allowed); err != nil {
		t.Fatal(err)
	}
	if err := Confine(ctx, ws.DB); err != nil {
		t.Fatalf("confining twice: %v", err)
	}
	_, err = Export(ctx, ws.DB, passwd, FormatCSV, io.Discard, TableOptions{})
	if err == nil || !strings.Contains(err.Error(), "/etc/passwd") {
		t.Errorf("read_text('/etc/passwd') after Confine: %v, want a refusal", err)
	}
	ws.DB.SetMaxIdleConns(0) // every statement below on a new connection
	var out strings.Builder
	if _, err := Export(ctx, ws.DB, AdHoc("SELECT count(*) AS n, current_setting('TimeZone') AS tz FROM videos"), FormatCSV, &out, TableOptions{}); err != nil {
		t.Fatal(err)
	} else if !strings.HasSuffix(out.String(), ",UTC\n") {
		t.Errorf("videos after Confine: %q", out.String())
	}
	big := AdHoc("SELECT count(*) FROM (SELECT md5(range::VARCHAR) || md5((range + 1)::VARCHAR) AS s FROM range(1500000) ORDER BY s)")
	if _, err := Export(ctx, ws.DB, big, FormatCSV, io.Discard, TableOptions{}); err != nil {
		t.Errorf("a sort beyond the memory limit after Confine: %v", err)
	}
	conn, err := ws.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, s := range []string{"SET enable_external_access = true", "SET lock_configuration = false",
		"COPY (SELECT 1) TO '" + filepath.Join(t.TempDir(), "x.csv") + "'"} {
		if _, err := conn.ExecContext(ctx, s); err == nil {
			t.Errorf("%s succeeded on a confined workspace", s)
		}
	}
	if _, err := conn.ExecContext(ctx, "COPY (SELECT 1) TO '"+filepath.Join(allowed, "x.parquet")+"'"); err != nil {
		t.Errorf("COPY into the allowed folder: %v", err)
	}
}

// TestSavedQueryConfined: a saved query that reads a file is refused on a
// confined workspace, as query run and query check confine it.
func TestSavedQueryConfined(t *testing.T) {
	ctx := context.Background()
	ws := fixtureWorkspace(t)
	if err := Confine(ctx, ws.DB); err != nil {
		t.Fatal(err)
	}
	q := t.TempDir()
	if err := os.WriteFile(filepath.Join(q, "passwd.sql"), []byte("-- name: passwd\n-- description: x\nSELECT * FROM read_csv('/etc/passwd', sep = ':')"), 0o644); err != nil {
		t.Fatal(err)
	}
	lib, _ := Load(q)
	query, err := lib.Lookup("passwd")
	if err != nil {
		t.Fatal(err)
	}
	st, _ := query.Bind(nil)
	if _, err := Export(ctx, ws.DB, st, FormatCSV, io.Discard, TableOptions{}); err == nil || !strings.Contains(err.Error(), "/etc/passwd") {
		t.Errorf("saved read_csv('/etc/passwd'): %v, want a refusal", err)
	}
	for _, r := range Check(ctx, ws.DB, lib) {
		if r.Query.Name == "passwd" && r.Err == nil {
			t.Error("query check prepared read_csv('/etc/passwd') on a confined workspace")
		}
	}
}
