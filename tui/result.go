package tui

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/trendlab/trendlab/internal/sqltext"
	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/queries"
)

// column describes one column of a result.
type column struct {
	Name, Type string
}

// cell is one value ready to draw: Line is single-line, sanitised text for
// the grid; Full keeps line breaks (still sanitised) for the detail view and
// copying.
type cell struct {
	Line, Full string
	Null       bool
}

// resultMode says how pages of a result are read.
type resultMode int

const (
	// modeKeyset reads a table by rowid ranges, so every page costs the
	// same wherever it is: a temporary table materialised once, or a
	// workspace table browsed in place whose rowids are dense (0..n-1).
	modeKeyset resultMode = iota
	// modeOffset reads a workspace table or view in place with
	// LIMIT/OFFSET, so browsing a large table needs no copy.
	modeOffset
	// modeMemory holds the (small) rows of a statement that cannot be
	// materialised, such as EXPLAIN or PRAGMA.
	modeMemory
	// modeFile reads a query's result written once to a Parquet file in
	// the session's spill folder, by file_row_number ranges (row groups of
	// rowGroupRows rows are skipped by their statistics), so a result of
	// any size costs disk, not memory.
	modeFile
)

// rowGroupRows is the Parquet row group size of a spilled result. A page
// fetch pays per row group of the file (to skip it) and decodes the one or
// two it needs; 32768 balances the two (measured at 4 million rows of ten
// columns: 6-10 ms a page, against 18 ms at 4096 and 10 ms at 65536).
const rowGroupRows = 32768

// resultSet is a result the grid can page through without holding it.
type resultSet struct {
	ID     int64
	Title  string // what produced it, for the status line
	Mode   resultMode
	Source string // temp table (keyset) or quoted relation (offset)
	Where  string // optional filter of an offset result, with Args
	Args   []any
	Order  string // optional ORDER BY of an offset result
	// Owned marks a temporary table or file this result created (and
	// removes when dropped).
	Owned bool
	// File is the Parquet file of a modeFile result.
	File string
	// Query is a cursor's query (modeCursor, on a server), and Sorted
	// the query a sorted cursor orders (result_pg.go).
	Query, Sorted string
	Cols          []column
	Total         int64
	Elapsed       time.Duration
	Message       string // for statements without rows: what happened
	mem           [][]cell
	// SortCol is the column the result is ordered by, -1 for none.
	SortCol  int
	SortDesc bool
}

// pageSize is the number of rows fetched at a time: one DuckDB vector.
// Reading rows of a large table in place costs about the same whatever
// their number, a fixed cost that grows with the table (at 100 million
// videos 220-330 ms for 256 rows as for 4096, at load 5-6), so pages are
// large and few, and the grid fetches the next one while the current one
// is read (ensurePages): a held page down (48 rows a press, 30 presses a
// second) reads a page in 1.4 s.
const pageSize = 2048

// memoryRowCap bounds the rows kept of a statement run without
// materialisation.
const memoryRowCap = 10000

// materialize runs a SELECT-like statement once and keeps its result out
// of memory: written to a Parquet file in dir (the session's spill folder),
// or, when that is not possible (no folder, a type or column name Parquet
// cannot hold), into a temporary table. The caller holds the session
// connection.
func materialize(ctx context.Context, conn *sql.Conn, dir string, id int64, title, query string, args ...any) (*resultSet, error) {
	if onServer(conn) {
		return materializeServer(ctx, conn, id, title, query, args...)
	}
	start := time.Now()
	rs, err := spill(ctx, conn, dir, id, title, query, args...)
	if err != nil && ctx.Err() == nil {
		rs, err = materializeTable(ctx, conn, id, title, query, args...)
	}
	if err != nil {
		return nil, err
	}
	rs.Elapsed = time.Since(start)
	return rs, nil
}

// spill writes a query's result to a Parquet file in dir.
func spill(ctx context.Context, conn *sql.Conn, dir string, id int64, title, query string, args ...any) (*resultSet, error) {
	if dir == "" {
		return nil, fmt.Errorf("no spill folder")
	}
	file := filepath.Join(dir, fmt.Sprintf("result_%d.parquet", id))
	_, err := conn.ExecContext(ctx, "COPY ("+query+") TO "+sqltext.QuoteLiteral(file)+
		fmt.Sprintf(" (FORMAT parquet, ROW_GROUP_SIZE %d)", rowGroupRows), args...)
	if err != nil {
		os.Remove(file)
		return nil, err
	}
	rs := &resultSet{ID: id, Title: title, Mode: modeFile, File: file, Source: "read_parquet(" + sqltext.QuoteLiteral(file) + ")", Owned: true, SortCol: -1}
	if err := describe(ctx, conn, rs); err != nil {
		os.Remove(file)
		return nil, err
	}
	for _, c := range rs.Cols {
		if c.Name == "file_row_number" { // would clash with the paging column
			os.Remove(file)
			return nil, fmt.Errorf("a column named file_row_number")
		}
	}
	return rs, nil
}

// materializeTable runs a query into a new temporary table.
func materializeTable(ctx context.Context, conn *sql.Conn, id int64, title, query string, args ...any) (*resultSet, error) {
	table := fmt.Sprintf("_trendlab_result_%d", id)
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE "+table+" AS "+query, args...); err != nil {
		return nil, err
	}
	rs := &resultSet{ID: id, Title: title, Mode: modeKeyset, Source: table, Owned: true, SortCol: -1}
	if err := describe(ctx, conn, rs); err != nil {
		return nil, err
	}
	return rs, nil
}

// numbered is a spilled result's file with its row numbers.
func (rs *resultSet) numbered() string {
	return "read_parquet(" + sqltext.QuoteLiteral(rs.File) + ", file_row_number = true)"
}

// browse opens a table or view in place (offset mode), optionally filtered
// and ordered.
func browse(ctx context.Context, conn *sql.Conn, id int64, title, relation, where, order string, args ...any) (*resultSet, error) {
	start := time.Now()
	rs := &resultSet{ID: id, Title: title, Mode: modeOffset, Source: relation, Where: where, Order: order, Args: args, SortCol: -1}
	if onServer(conn) {
		err := describeServer(ctx, conn, rs)
		rs.Elapsed = time.Since(start)
		return rs, err
	}
	if err := describe(ctx, conn, rs); err != nil {
		return nil, err
	}
	// A whole base table whose rowids run 0..n-1 (nothing deleted) pages
	// by rowid: deep pages cost what the first does. Views have no rowid.
	if where == "" && order == "" {
		var maxRowid sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT max(rowid) FROM "+relation).Scan(&maxRowid); err == nil &&
			(rs.Total == 0 || (maxRowid.Valid && maxRowid.Int64 == rs.Total-1)) {
			rs.Mode = modeKeyset
		}
	}
	rs.Elapsed = time.Since(start)
	return rs, nil
}

// orderBy is the ORDER BY clause of an offset result, if it has one.
func (rs *resultSet) orderBy() string {
	if rs.Order == "" {
		return ""
	}
	return " ORDER BY " + rs.Order
}

// from is the FROM clause (with filter) of a paged result.
func (rs *resultSet) from() string {
	if rs.Where != "" {
		return rs.Source + " WHERE " + rs.Where
	}
	return rs.Source
}

func describe(ctx context.Context, conn *sql.Conn, rs *resultSet) error {
	rows, err := conn.QueryContext(ctx, "SELECT * FROM "+rs.from()+" LIMIT 0", rs.Args...)
	if err != nil {
		return err
	}
	types, err := rows.ColumnTypes()
	rows.Close()
	if err != nil {
		return err
	}
	rs.Cols = rs.Cols[:0]
	for _, t := range types {
		rs.Cols = append(rs.Cols, column{Name: textsafe.StripLine(t.Name()), Type: t.DatabaseTypeName()})
	}
	return conn.QueryRowContext(ctx, "SELECT count(*) FROM "+rs.from(), rs.Args...).Scan(&rs.Total)
}

// runDirect runs a statement that is not SELECT-like and keeps up to
// memoryRowCap rows of whatever it returns.
func runDirect(ctx context.Context, conn *sql.Conn, id int64, query string) (*resultSet, error) {
	start := time.Now()
	rows, err := conn.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rs := &resultSet{ID: id, Title: oneLine(query, 60), Mode: modeMemory, SortCol: -1}
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	text := make([]queries.Column, len(types))
	for i, t := range types {
		rs.Cols = append(rs.Cols, column{Name: textsafe.StripLine(t.Name()), Type: t.DatabaseTypeName()})
		text[i] = queries.Column{Type: t.DatabaseTypeName()}
	}
	vals := make([]any, len(types))
	ptrs := make([]any, len(types))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var total int64
	for rows.Next() {
		total++
		if len(rs.mem) >= memoryRowCap {
			continue
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]cell, len(vals))
		for i, v := range vals {
			row[i] = makeCell(text[i].Text(v), v == nil)
		}
		rs.mem = append(rs.mem, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rs.Total = int64(len(rs.mem))
	switch {
	case len(rs.Cols) == 1 && rs.Cols[0].Name == "Count" && len(rs.mem) == 1:
		rs.Message = rs.mem[0][0].Line + " rows changed"
	case len(rs.Cols) == 0:
		rs.Message = "done"
	case total > int64(len(rs.mem)):
		rs.Message = fmt.Sprintf("showing the first %d of %d rows: run it as a SELECT to page through all", len(rs.mem), total)
	}
	rs.Elapsed = time.Since(start)
	return rs, nil
}

// fetchPage reads page p (pageSize rows) of a result as text.
func fetchPage(ctx context.Context, conn *sql.Conn, rs *resultSet, p int) ([][]cell, error) {
	lo := int64(p) * pageSize
	if rs.Mode == modeMemory {
		hi := min(lo+pageSize, int64(len(rs.mem)))
		if lo >= hi {
			return nil, nil
		}
		return rs.mem[lo:hi], nil
	}
	if onServer(conn) {
		return fetchPageServer(ctx, conn, rs, p)
	}
	var q string
	args := append([]any(nil), rs.Args...)
	switch rs.Mode {
	case modeFile:
		q = "SELECT COLUMNS(* EXCLUDE (file_row_number))::VARCHAR FROM " + rs.numbered() +
			" WHERE file_row_number >= ? AND file_row_number < ? ORDER BY file_row_number"
		args = append(args, lo, lo+pageSize)
	case modeKeyset:
		q = "SELECT COLUMNS(*)::VARCHAR FROM " + rs.Source + " WHERE rowid >= ? AND rowid < ? ORDER BY rowid"
		args = append(args, lo, lo+pageSize)
	default:
		q = "SELECT COLUMNS(*)::VARCHAR FROM " + rs.from() + rs.orderBy() + " LIMIT ? OFFSET ?"
		args = append(args, pageSize, lo)
	}
	return readPage(ctx, conn, rs, duckText, q, args...)
}

// duckText is a value of a page cast to VARCHAR in its query.
func duckText(v any, _ string) string {
	s, _ := v.(string)
	return s
}

// readPage runs q and keeps its rows as cells, each value written as text
// by text (given the value and its column's type).
func readPage(ctx context.Context, conn *sql.Conn, rs *resultSet, text func(v any, typ string) string, q string, args ...any) ([][]cell, error) {
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := len(rs.Cols)
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out [][]cell
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]cell, n)
		for i, v := range vals {
			row[i] = makeCell(text(v, rs.Cols[i].Type), v == nil)
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

func makeCell(s string, null bool) cell {
	if null {
		return cell{Line: "NULL", Full: "NULL", Null: true}
	}
	full := textsafe.Strip(s)
	return cell{Line: textsafe.StripLine(full), Full: full}
}

// sortResult orders a result by column c, making a new temporary table
// (rowid keeps the previous order among ties). A memory result sorts in place.
func sortResult(ctx context.Context, conn *sql.Conn, spillDir string, rs *resultSet, id int64, c int, desc bool) (*resultSet, error) {
	start := time.Now()
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	if rs.Mode == modeMemory {
		out := *rs
		out.ID = id
		out.mem = append([][]cell(nil), rs.mem...)
		sort.SliceStable(out.mem, func(i, j int) bool {
			return lessCell(out.mem[i][c], out.mem[j][c], desc)
		})
		out.SortCol, out.SortDesc = c, desc
		return &out, nil
	}
	if onServer(conn) {
		return sortServer(ctx, conn, rs, id, c, desc)
	}
	order := sqltext.QuoteIdent(rs.Cols[c].Name) + " " + dir + " NULLS LAST"
	var q string
	switch rs.Mode {
	case modeFile:
		q = "SELECT * EXCLUDE (file_row_number) FROM " + rs.numbered() + " ORDER BY " + order + ", file_row_number"
	case modeKeyset:
		q = "SELECT * FROM " + rs.Source + " ORDER BY " + order + ", rowid"
	default:
		q = "SELECT * FROM " + rs.from() + " ORDER BY " + order
	}
	out, err := materialize(ctx, conn, spillDir, id, rs.Title, q, rs.Args...)
	if err != nil {
		return nil, err
	}
	out.SortCol, out.SortDesc = c, desc
	out.Elapsed = time.Since(start)
	return out, nil
}

func lessCell(a, b cell, desc bool) bool {
	if a.Null != b.Null {
		return b.Null // NULLS LAST either way
	}
	fa, ea := strconv.ParseFloat(a.Full, 64)
	fb, eb := strconv.ParseFloat(b.Full, 64)
	if ea == nil && eb == nil {
		if desc {
			return fa > fb
		}
		return fa < fb
	}
	if desc {
		return a.Full > b.Full
	}
	return a.Full < b.Full
}

// dropResult removes a result's temporary table or file.
func dropResult(ctx context.Context, conn *sql.Conn, rs *resultSet) error {
	if rs == nil || !rs.Owned {
		return nil
	}
	if rs.Mode == modeFile {
		if err := os.Remove(rs.File); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	if rs.Mode == modeCursor {
		_, err := conn.ExecContext(ctx, "CLOSE "+rs.Source)
		return err
	}
	_, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+rs.Source)
	return err
}

// exportFormat picks the export format from a file's extension.
func exportFormat(path string) (queries.Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return queries.FormatCSV, nil
	case ".json":
		return queries.FormatJSON, nil
	case ".jsonl", ".ndjson":
		return queries.FormatJSONLines, nil
	case ".parquet":
		return queries.FormatParquet, nil
	}
	return "", fmt.Errorf("export to %q: name a file ending in .csv, .json, .jsonl or .parquet", path)
}

// exportResult writes the whole result, in its current order, to a file,
// through queries.Export's writers (the workspace is confined: DuckDB
// itself may not write files).
func exportResult(ctx context.Context, conn *sql.Conn, rs *resultSet, path string) (int64, error) {
	format, err := exportFormat(path)
	if err != nil {
		return 0, err
	}
	if rs.Mode == modeMemory {
		return 0, fmt.Errorf("this statement's rows are not materialised: run it as a SELECT (or CREATE TABLE ... AS) to export them")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0, err
	}
	var q string
	switch {
	case onServer(conn):
		q = sqltext.Numbered(rs.orderedQuery())
	case rs.Mode == modeFile:
		q = "SELECT * EXCLUDE (file_row_number) FROM " + rs.numbered() + " ORDER BY file_row_number"
	case rs.Mode == modeKeyset:
		q = "SELECT * FROM " + rs.Source + " ORDER BY rowid"
	default:
		q = "SELECT * FROM " + rs.from() + rs.orderBy()
	}
	f, err := os.Create(abs)
	if err != nil {
		return 0, fmt.Errorf("exporting to %s: %w", abs, err)
	}
	stats, err := queries.ExportOn(ctx, conn, queries.Trusted(q, rs.Args...), format, f, queries.TableOptions{})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(abs)
		return 0, fmt.Errorf("exporting to %s: %w", abs, err)
	}
	return stats.Rows, nil
}

// oneLine shortens text to one sanitised line of at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(textsafe.StripLine(s)), " ")
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
