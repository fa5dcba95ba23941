package tui

import (
	"context"
	"testing"
)

func TestBrowseModesAndPaging(t *testing.T) {
	ctx := context.Background()
	ws := testWorkspace(t)
	if _, err := ws.DB.ExecContext(ctx, `CREATE TABLE big AS SELECT i, 'row ' || i AS label FROM range(1000) t(i);
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
		{"main.big", "", nil, modeKeyset, 1000},              // dense rowids: paged by rowid in place
		{"main.big", "i % 2 = ?", []any{0}, modeOffset, 500}, // filtered: LIMIT/OFFSET
		{"main.holey", "", nil, modeOffset, 9},               // a deleted row leaves a rowid gap
		{"main.orphan_events", "", nil, modeOffset, 1},       // a view has no rowid
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
	if err := ws.DB.QueryRowContext(ctx, `SELECT count(*) FROM big`).Scan(&n); err != nil || n != 1000 {
		t.Fatalf("big after dropResult: %d, %v", n, err)
	}
	rs, _ := browse(ctx, c, sess.newID(), "big", "main.big", "", "")
	rows, _ := fetchPage(ctx, c, rs, 3)
	if got := rows[0][1].Line; got != "row 768" {
		t.Errorf("page 3 starts at %q, want row 768", got)
	}
	// Sorting a browsed table makes an owned temporary copy.
	sorted, err := sortResult(ctx, c, rs, sess.newID(), 0, true)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ = fetchPage(ctx, c, sorted, 0)
	if !sorted.Owned || rows[0][0].Line != "999" {
		t.Errorf("sorted: owned %v, first %q", sorted.Owned, rows[0][0].Line)
	}
	if err := dropResult(ctx, c, sorted); err != nil {
		t.Fatal(err)
	}
}
