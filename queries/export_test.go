package queries

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/trendlab/trendlab/datasets"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (review, then go test -update):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func export(t *testing.T, st Statement, f Format, opts TableOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Export(context.Background(), fixture(t), st, f, &buf, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// videosSQL shows untrusted text: an escape sequence, a right-to-left
// override, a newline, HTML and an injection attempt as a tag.
const videosSQL = `SELECT video_id, caption, hashtags, created_at, duration_s, view_count
FROM videos ORDER BY video_id`

func TestGoldenList(t *testing.T) {
	lib, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteList(&buf, lib.Queries(), 0); err != nil {
		t.Fatal(err)
	}
	golden(t, "list", buf.Bytes())
	buf.Reset()
	if err := WriteList(&buf, lib.Queries(), 80); err != nil {
		t.Fatal(err)
	}
	golden(t, "list-80", buf.Bytes())
}

func TestGoldenTable(t *testing.T) {
	got := export(t, AdHoc(videosSQL), FormatTable, TableOptions{})
	if bytes.ContainsAny(got, "\x1b\u202e") {
		t.Error("table output holds a raw escape or bidi override")
	}
	golden(t, "videos-table", got)
	golden(t, "videos-table-60", export(t, AdHoc(videosSQL), FormatTable, TableOptions{Width: 60}))
	st := bindShipped(t, "violation_rate_by_policy", "tag_set=omegle")
	golden(t, "violation-rate-table", export(t, st, FormatTable, TableOptions{}))
}

func TestGoldenCSV(t *testing.T) {
	golden(t, "videos-csv", export(t, AdHoc(videosSQL), FormatCSV, TableOptions{}))
	st := bindShipped(t, "violation_rate_by_policy", "tag_set=omegle")
	golden(t, "violation-rate-csv", export(t, st, FormatCSV, TableOptions{}))
}

func bindShipped(t *testing.T, name string, params ...string) Statement {
	t.Helper()
	lib, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	q, err := lib.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	given, err := ParseAssignments(params)
	if err != nil {
		t.Fatal(err)
	}
	st, err := q.Bind(given)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestJSONTypes checks that each SQL type has one JSON type, NULL aside.
func TestJSONTypes(t *testing.T) {
	st := AdHoc(`SELECT * FROM (VALUES
		(1::BIGINT, 2::HUGEINT, 1.50::DECIMAL(10,2), 0.25::DOUBLE, true, DATE '2026-01-02',
		 TIMESTAMP '2026-01-02 03:04:05.5', INTERVAL 90 MINUTE, ['a','b'], {'k': 1}, 'x'::BLOB, 'text'),
		(NULL, NULL, NULL, 'nan'::DOUBLE, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))
		t(i, h, d, f, b, day, ts, iv, l, s, blob, txt)`)
	got := export(t, st, FormatJSON, TableOptions{})
	var rows []map[string]any
	if err := json.Unmarshal(got, &rows); err != nil {
		t.Fatalf("%v:\n%s", err, got)
	}
	want := `[
{"i":1,"h":2,"d":1.50,"f":0.25,"b":true,"day":"2026-01-02","ts":"2026-01-02T03:04:05.5Z","iv":"PT5400S","l":["a","b"],"s":{"k":1},"blob":"eA==","txt":"text"},
{"i":null,"h":null,"d":null,"f":null,"b":null,"day":null,"ts":null,"iv":null,"l":null,"s":null,"blob":null,"txt":null}
]
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	empty := export(t, AdHoc(`SELECT 1 AS x WHERE false`), FormatJSON, TableOptions{})
	if string(empty) != "[]\n" {
		t.Errorf("empty result as JSON: %q", empty)
	}
}

// TestArrowRoundTrip reads the Arrow IPC stream back with arrow-go and
// compares it with the same query scanned through database/sql.
func TestArrowRoundTrip(t *testing.T) {
	st := bindShipped(t, "escalations")
	got := export(t, st, FormatArrow, TableOptions{})
	r, err := ipc.NewReader(bytes.NewReader(got), ipc.WithAllocator(memory.NewCheckedAllocator(memory.DefaultAllocator)))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	names := []string{}
	for _, f := range r.Schema().Fields() {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "event_time,video_id,policy,policy_title,source,created_at,hours_after_upload,region,author_age_band,tags,event_id" {
		t.Errorf("arrow columns %v", names)
	}
	var n int64
	for r.Next() {
		rec := r.RecordBatch()
		n += rec.NumRows()
		col := func(name string) arrow.Array { return rec.Column(rec.Schema().FieldIndices(name)[0]) }
		if v := col("video_id").(*array.String).Value(0); v != "v1" {
			t.Errorf("video_id %q", v)
		}
		if v := col("hours_after_upload").ValueStr(0); v != "4" {
			t.Errorf("hours_after_upload %s", v)
		}
		if v := col("tags").ValueStr(0); v != `["omegle","fun"]` {
			t.Errorf("tags %s", v)
		}
		ts := col("event_time").(*array.Timestamp)
		unit := ts.DataType().(*arrow.TimestampType).Unit
		if got := ts.Value(0).ToTime(unit).UTC().Format("2006-01-02 15:04"); got != "2026-01-01 14:00" {
			t.Errorf("event_time %s", got)
		}
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	tab := fetch(t, fixture(t), "escalations")
	if n != int64(len(tab.Rows)) || n != 1 {
		t.Errorf("arrow has %d rows, database/sql %d", n, len(tab.Rows))
	}
	// A larger result crosses DuckDB's 2048-row chunks: several batches.
	big := export(t, AdHoc(`SELECT i, i * 2 AS j, 'v' || i AS s FROM range(5000) t(i)`), FormatArrow, TableOptions{})
	r2, err := ipc.NewReader(bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Release()
	var batches, rows, sum int64
	for r2.Next() {
		rec := r2.RecordBatch()
		batches++
		rows += rec.NumRows()
		j := rec.Column(1).(*array.Int64)
		for k := 0; k < j.Len(); k++ {
			sum += j.Value(k)
		}
	}
	if rows != 5000 || sum != 4999*5000 || batches < 2 {
		t.Errorf("5000-row stream: %d rows in %d batches, sum %d", rows, batches, sum)
	}
}

func TestParquetRoundTrip(t *testing.T) {
	st := bindShipped(t, "top_tags")
	got := export(t, st, FormatParquet, TableOptions{})
	pf, err := file.NewParquetReader(bytes.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	if tbl.NumRows() != 7 || tbl.NumCols() != 5 {
		t.Fatalf("parquet table %d x %d", tbl.NumRows(), tbl.NumCols())
	}
	tags := tbl.Column(0).Data().Chunk(0).(*array.String)
	videos := tbl.Column(1).Data().Chunk(0).(*array.Int64)
	if tags.Value(0) != "fun" || videos.Value(0) != 4 {
		t.Errorf("first row %s %d", tags.Value(0), videos.Value(0))
	}
}

// TestInjectionIsData: a parameter value that looks like SQL is bound as a
// value: it matches the tag that holds that text and nothing is dropped.
func TestInjectionIsData(t *testing.T) {
	db := fixture(t)
	tab := fetch(t, db, "daily_volume", "tags="+injection)
	total := 0
	for _, r := range tab.Rows {
		total += int(r[1].(int64))
	}
	if total != 1 { // v5 carries the tag; NormalizeTag trims the trailing "--"
		t.Errorf("videos carrying the injection tag: %d, want 1", total)
	}
	tl := fetch(t, db, "video_timeline", "video_id="+injection)
	if len(tl.Rows) != 0 {
		t.Errorf("timeline of a video id made of SQL: %d rows", len(tl.Rows))
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM videos`).Scan(&n); err != nil || n != 6 {
		t.Errorf("videos after the injection attempts: %d, %v", n, err)
	}
}

// TestReadOnlyAndValidation: writes fail even on a read-write workspace;
// several statements, positional or undeclared parameters are refused
// before anything runs.
func TestReadOnlyAndValidation(t *testing.T) {
	ctx := context.Background()
	ws, err := datasets.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := ws.DB.Exec(`INSERT INTO tag_sets VALUES ('s', 's', false, now(), now())`); err != nil {
		t.Fatal(err)
	}
	run := func(st Statement) error {
		_, err := Export(ctx, ws.DB, st, FormatCSV, &bytes.Buffer{}, TableOptions{})
		return err
	}
	for _, c := range []struct {
		st  Statement
		msg string
	}{
		{AdHoc(`DELETE FROM tag_sets`), "a DELETE is not one"},
		{AdHoc(`SET TimeZone = 'America/New_York'`), "a SET (or USE"},
		{AdHoc(`BEGIN`), "a transaction statement (BEGIN"},
		{AdHoc(`ATTACH ':memory:' AS other`), "an ATTACH"},
		{AdHoc(`CREATE TEMP TABLE x AS SELECT 1`), "a CREATE is not one"},
		{AdHoc(`INSTALL httpfs`), "INSTALL or LOAD"},
		{AdHoc(`SELECT 1; DELETE FROM tag_sets`), "exactly one SQL statement"},
		{AdHoc(`DELETE FROM tag_sets; SELECT 1`), "exactly one SQL statement"},
		{AdHoc(`SELECT ?`), "takes no parameters"},
		{AdHoc(`SELECT $x`), "takes no parameters"},
		{mustBind(t, "-- name: q\n-- description: d\nDELETE FROM tag_sets"), "not a SELECT"},
		{mustBind(t, "-- name: q\n-- description: d\n-- param: a int default 1 \"x\"\nSELECT $a, $b"), "uses $b, which its header does not declare"},
		{mustBind(t, "-- name: q\n-- description: d\n-- param: a int default 1 \"x\"\nSELECT 1"), "declares parameter a but its SQL never uses it"},
		{mustBind(t, "-- name: q\n-- description: d\n-- param: a int default 1 \"x\"\nSELECT $a, ?"), "positional parameter"},
		{mustBind(t, "-- name: q\n-- description: d\nSELECT * FROM no_such_table"), "no_such_table"},
	} {
		err := run(c.st)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%q: error %v, want %q", c.st.SQL, err, c.msg)
		}
	}
	var n int
	if err := ws.DB.QueryRow(`SELECT count(*) FROM tag_sets`).Scan(&n); err != nil || n != 1 {
		t.Errorf("tag_sets rows after the attempts: %d, %v", n, err)
	}
	// The pool still works after a failed statement, and read-only
	// statements of every kind run.
	for _, q := range []string{`SELECT count(*) FROM tag_sets`, `FROM tag_sets`, `DESCRIBE videos`, `SHOW TABLES`,
		`SUMMARIZE tag_sets`, `PRAGMA table_info('videos')`, `EXPLAIN SELECT 1`, `CALL pragma_table_info('videos')`} {
		if err := run(AdHoc(q)); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	// A write through the raw transaction path is refused by DuckDB too.
	st := AdHoc(`SELECT 1`)
	err = readOnly(ctx, ws.DB, st, func(c *sql.Conn, _ Statement) error {
		_, err := c.ExecContext(ctx, `DELETE FROM tag_sets`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("a write inside the read-only transaction: %v", err)
	}
}

func mustBind(t *testing.T, src string) Statement {
	t.Helper()
	st, err := mustParse(t, "q.sql", src).Bind(nil)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestUserFolders(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	write := func(dir, name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(a, "imports.sql", "-- name: imports\n-- description: mine\nSELECT 1 AS one")
	write(b, "imports.sql", "-- name: imports\n-- description: theirs\nSELECT 2 AS two")
	write(b, "extra.sql", "-- name: extra\n-- description: extra one\nSELECT 3 AS three")
	write(b, "broken.sql", "-- name: broken\nSELECT 1")
	write(b, "notes.txt", "not a query")
	write(b, "typo.sql", "-- name: typo\n-- description: wrong column\n-- param: n int required \"x\"\nSELECT no_such_column FROM videos LIMIT $n")
	lib, err := Load(a, b)
	if err == nil || !strings.Contains(err.Error(), "broken.sql:1:") {
		t.Errorf("load error %v, want one naming broken.sql", err)
	}
	q, err2 := lib.Lookup("imports")
	if err2 != nil {
		t.Fatal(err2)
	}
	if q.Description != "mine" || q.Shipped || len(q.Shadows) != 2 || q.Shadows[1] != "shipped/imports.sql" {
		t.Errorf("imports = %+v", q)
	}
	if _, err := lib.Lookup("extra"); err != nil {
		t.Error(err)
	}
	if _, err := lib.Lookup("broken"); err == nil {
		t.Error("a broken query was loaded")
	}
	_, err = lib.Lookup("import")
	if err == nil || !strings.Contains(err.Error(), "did you mean imports,") {
		t.Errorf("lookup of a near name: %v", err)
	}
	var buf bytes.Buffer
	WriteList(&buf, lib.Queries(), 0)
	if !strings.Contains(buf.String(), "imports: "+filepath.Join(a, "imports.sql")+" overrides shipped/imports.sql") {
		t.Errorf("list does not say what overrides what:\n%s", buf.String())
	}
	failed := map[string]string{}
	for _, r := range Check(context.Background(), fixture(t), lib) {
		if r.Err != nil {
			failed[r.Query.Name] = r.Err.Error()
		}
	}
	if len(failed) != 1 || !strings.Contains(failed["typo"], "no_such_column") {
		t.Errorf("check failures %v, want only typo (no_such_column)", failed)
	}
	if got := DirsFromEnv(a + string(os.PathListSeparator) + string(os.PathListSeparator) + b); len(got) != 2 {
		t.Errorf("DirsFromEnv = %v", got)
	}
}

// TestCancel: a cancelled context interrupts a running query, and the
// connection pool is usable afterwards.
func TestCancel(t *testing.T) {
	db := fixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Export(ctx, db, AdHoc(`SELECT count(*) FROM range(1000000000000) a`), FormatCSV, io.Discard, TableOptions{})
	if err == nil {
		t.Fatal("a trillion-row count finished within the timeout")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("interrupt took %v", d)
	}
	if _, err := Export(context.Background(), db, AdHoc(`SELECT 1`), FormatCSV, io.Discard, TableOptions{}); err != nil {
		t.Errorf("after an interrupt: %v", err)
	}
}

func TestGoldenShow(t *testing.T) {
	lib, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	q, err := lib.Lookup("escalations")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteShow(&buf, q); err != nil {
		t.Fatal(err)
	}
	golden(t, "show-escalations", buf.Bytes())
}
