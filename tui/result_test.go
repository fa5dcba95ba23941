package tui

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
)

func TestBrowseModesAndPaging(t *testing.T) {
	ctx := context.Background()
	ws := testWorkspace(t)
	if _, err := ws.DB.ExecContext(ctx, `CREATE TABLE big AS SELECT i, 'row ' || i AS label FROM range(10000) t(i);
		CREATE TABLE holey AS SELECT i FROM range(10) t(i); DELETE FROM holey WHERE i = 3`); err != nil {
		t.Fatal(err)
	}
	sess, err := newSession(ctx, Config{Workspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.close()
	c := sess.conn
	tests := []struct {
		relation, where string
		args            []any
		mode            resultMode
		total           int64
	}{
		{"main.big", "", nil, modeKeyset, 10000},              // dense rowids: paged by rowid in place
		{"main.big", "i % 2 = ?", []any{0}, modeOffset, 5000}, // filtered: LIMIT/OFFSET
		{"main.holey", "", nil, modeOffset, 9},                // a deleted row leaves a rowid gap
		{"main.orphan_events", "", nil, modeOffset, 1},        // a view has no rowid
	}
	for _, tt := range tests {
		rs, err := browse(ctx, c, sess.newID(), tt.relation, tt.relation, tt.where, "", tt.args...)
		if err != nil {
			t.Fatalf("%s: %v", tt.relation, err)
		}
		if rs.Mode != tt.mode || rs.Total != tt.total || rs.Owned {
			t.Errorf("%s where %q: mode %d, %d rows, owned %v; want mode %d, %d rows", tt.relation, tt.where, rs.Mode, rs.Total, rs.Owned, tt.mode, tt.total)
		}
		// The last page holds the last rows, whatever the mode.
		last := int((rs.Total - 1) / pageSize)
		rows, err := fetchPage(ctx, c, rs, last)
		if err != nil {
			t.Fatal(err)
		}
		if want := int(rs.Total) - last*pageSize; len(rows) != want {
			t.Errorf("%s: last page has %d rows, want %d", tt.relation, len(rows), want)
		}
		// Dropping a browsed result never drops the workspace's table.
		if err := dropResult(ctx, c, rs); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := ws.DB.QueryRowContext(ctx, `SELECT count(*) FROM big`).Scan(&n); err != nil || n != 10000 {
		t.Fatalf("big after dropResult: %d, %v", n, err)
	}
	rs, _ := browse(ctx, c, sess.newID(), "big", "main.big", "", "")
	rows, _ := fetchPage(ctx, c, rs, 3)
	if got, want := rows[0][1].Line, fmt.Sprintf("row %d", 3*pageSize); got != want {
		t.Errorf("page 3 starts at %q, want %s", got, want)
	}
	// Sorting a browsed table makes an owned temporary copy.
	sorted, err := sortResult(ctx, c, sess.spill, rs, sess.newID(), 0, true)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ = fetchPage(ctx, c, sorted, 0)
	if !sorted.Owned || rows[0][0].Line != "9999" {
		t.Errorf("sorted: owned %v, first %q", sorted.Owned, rows[0][0].Line)
	}
	if err := dropResult(ctx, c, sorted); err != nil {
		t.Fatal(err)
	}
}

func TestMaterializeSpillsToParquet(t *testing.T) {
	ctx := context.Background()
	ws := testWorkspace(t)
	sess, err := newSession(ctx, Config{Workspace: ws})
	if err != nil {
		t.Fatal(err)
	}
	c := sess.conn
	rs, err := materialize(ctx, c, sess.spill, sess.newID(), "q", "SELECT i, 'row ' || i AS label FROM range(10000) t(i) WHERE i % 2 = ?", 1)
	if err != nil {
		t.Fatal(err)
	}
	if rs.Mode != modeFile || rs.Total != 5000 || !rs.Owned {
		t.Fatalf("spilled result: mode %d, %d rows, owned %v", rs.Mode, rs.Total, rs.Owned)
	}
	rows, err := fetchPage(ctx, c, rs, 1)
	if err != nil || len(rows) != pageSize || rows[0][0].Line != strconv.Itoa(2*pageSize+1) || len(rows[0]) != 2 {
		t.Fatalf("page 1: %d rows, first %v, %v", len(rows), rows[0], err)
	}
	sorted, err := sortResult(ctx, c, sess.spill, rs, sess.newID(), 0, true)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ = fetchPage(ctx, c, sorted, 0)
	if sorted.Mode != modeFile || rows[0][0].Line != "9999" {
		t.Errorf("sorted: mode %d, first %q", sorted.Mode, rows[0][0].Line)
	}
	// A column Parquet paging cannot carry falls back to a temporary table.
	fb, err := materialize(ctx, c, sess.spill, sess.newID(), "fb", "SELECT 7 AS file_row_number")
	if err != nil || fb.Mode != modeKeyset || fb.Total != 1 {
		t.Fatalf("fallback: %+v, %v", fb, err)
	}
	// Dropping removes the file; closing the session removes the folder.
	if err := dropResult(ctx, c, rs); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(rs.File); !os.IsNotExist(err) {
		t.Errorf("result file still there: %v", err)
	}
	if err := sess.close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sess.spill); !os.IsNotExist(err) {
		t.Errorf("spill folder still there: %v", err)
	}
}
