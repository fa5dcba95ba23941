package tui

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/trendlab/trendlab/internal/sqltext"
	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/queries"
)

// Results on a workspace on a PostgreSQL server (issue 14). A query's
// result is a scrollable cursor WITH HOLD, declared inside a READ ONLY
// transaction with the statement timeout people's SQL gets there
// (queries.ServerStatementTimeout): the server keeps the rows when the
// transaction commits, on its side and in its temporary files, and a page
// is MOVE ABSOLUTE then FETCH, which costs the same wherever it is, as
// DuckDB's Parquet spill does. Nothing is created in the database (a
// temporary table would be a CREATE, which a read-only workspace refuses),
// and closing the cursor or the connection frees it. A table browsed in
// place pages by LIMIT/OFFSET, in the order of ORDER BY when there is one;
// PostgreSQL has no rowid.
//
// Every statement here is the TUI's own or was checked by the console
// (queries.StatementReach) or by queries (a saved query, ForServer); ?
// parameters are numbered for PostgreSQL ($1, $2, ...).

// modeCursor reads a server's cursor (see above).
const modeCursor resultMode = 100

// onServer reports whether the session's connection is to PostgreSQL.
func onServer(conn *sql.Conn) bool { return queries.OnServer(conn) }

// materializeServer keeps a query's result in a cursor named after id.
func materializeServer(ctx context.Context, conn *sql.Conn, id int64, title, query string, args ...any) (*resultSet, error) {
	start := time.Now()
	name := fmt.Sprintf("_trendlab_result_%d", id)
	err := serverReadOnlyTx(ctx, conn, func() error {
		_, err := conn.ExecContext(ctx, "DECLARE "+name+" SCROLL CURSOR WITH HOLD FOR "+sqltext.Numbered(query), args...)
		return err
	})
	if err != nil {
		return nil, err
	}
	rs := &resultSet{ID: id, Title: title, Mode: modeCursor, Source: name, Query: query, Args: args, Owned: true, SortCol: -1}
	if err := describeCursor(ctx, conn, rs); err != nil {
		conn.ExecContext(context.WithoutCancel(ctx), "CLOSE "+name)
		return nil, err
	}
	rs.Elapsed = time.Since(start)
	return rs, nil
}

// serverReadOnlyTx runs fn in a READ ONLY transaction with the statement
// timeout, committed when fn succeeds (a cursor WITH HOLD keeps its rows
// then), rolled back otherwise.
func serverReadOnlyTx(ctx context.Context, conn *sql.Conn, fn func() error) (err error) {
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION READ ONLY"); err != nil {
		return err
	}
	defer func() {
		end := "COMMIT"
		if err != nil {
			end = "ROLLBACK"
		}
		if _, e := conn.ExecContext(context.WithoutCancel(ctx), end); err == nil && e != nil {
			err = e
		}
	}()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d", queries.ServerStatementTimeout.Milliseconds())); err != nil {
		return err
	}
	return fn()
}

// describeCursor reads a cursor's columns and counts its rows.
func describeCursor(ctx context.Context, conn *sql.Conn, rs *resultSet) error {
	res, err := conn.ExecContext(ctx, "MOVE FORWARD ALL IN "+rs.Source)
	if err != nil {
		return err
	}
	if rs.Total, err = res.RowsAffected(); err != nil {
		return err
	}
	// Past the last row, FETCH returns none but still says what they are.
	rows, err := conn.QueryContext(ctx, "FETCH FORWARD 1 FROM "+rs.Source)
	if err != nil {
		return err
	}
	defer rows.Close()
	return columnsOf(rows, rs)
}

func columnsOf(rows *sql.Rows, rs *resultSet) error {
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	rs.Cols = rs.Cols[:0]
	for _, t := range types {
		rs.Cols = append(rs.Cols, column{Name: textsafe.StripLine(t.Name()), Type: duckTypeName(t.DatabaseTypeName())})
	}
	return nil
}

// duckTypeName is DuckDB's name for a PostgreSQL type, where they differ,
// so that a column reads the same on both engines (the status line, the
// alignment of numbers).
func duckTypeName(pg string) string {
	if elem, ok := strings.CutPrefix(pg, "_"); ok {
		return duckTypeName(elem) + "[]"
	}
	switch pg {
	case "INT2":
		return "SMALLINT"
	case "INT4":
		return "INTEGER"
	case "INT8":
		return "BIGINT"
	case "FLOAT4":
		return "FLOAT"
	case "FLOAT8":
		return "DOUBLE"
	case "TEXT", "BPCHAR", "NAME":
		return "VARCHAR"
	case "BOOL":
		return "BOOLEAN"
	case "NUMERIC":
		return "DECIMAL"
	case "TIMESTAMPTZ":
		return "TIMESTAMP WITH TIME ZONE"
	case "BYTEA":
		return "BLOB"
	}
	return pg
}

// serverText writes a value from the server as DuckDB's cast to VARCHAR
// writes it on the other engine's pages: times without a T or a zone, a
// list as [a, b]; anything else as the CSV export does.
func serverText(v any, typ string) string {
	switch x := v.(type) {
	case time.Time:
		switch typ {
		case "DATE":
			return x.UTC().Format(time.DateOnly)
		case "TIMESTAMP WITH TIME ZONE":
			return x.UTC().Format("2006-01-02 15:04:05.999999") + "+00"
		case "TIMESTAMP":
			return x.UTC().Format("2006-01-02 15:04:05.999999")
		}
	case string:
		if strings.HasSuffix(typ, "[]") {
			if elems, ok := pgArray(x); ok {
				return "[" + strings.Join(elems, ", ") + "]"
			}
		}
	}
	return queries.Column{Type: typ}.Text(v)
}

// pgArray reads a one-dimensional PostgreSQL array literal ({a,"b c",NULL})
// into its elements; ok is false for anything else (nested arrays).
func pgArray(s string) (elems []string, ok bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	if body == "" {
		return []string{}, true
	}
	var cur strings.Builder
	quoted, wasQuoted := false, false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case quoted && c == '\\' && i+1 < len(body):
			i++
			cur.WriteByte(body[i])
		case c == '"':
			quoted, wasQuoted = !quoted, true
		case !quoted && c == '{':
			return nil, false
		case !quoted && c == ',':
			elems = append(elems, arrayElem(cur.String(), wasQuoted))
			cur.Reset()
			wasQuoted = false
		default:
			cur.WriteByte(c)
		}
	}
	return append(elems, arrayElem(cur.String(), wasQuoted)), !quoted
}

func arrayElem(s string, quoted bool) string {
	if !quoted && s == "NULL" {
		return "NULL"
	}
	return s
}

// describeServer is describe for a table or view browsed in place.
func describeServer(ctx context.Context, conn *sql.Conn, rs *resultSet) error {
	rows, err := conn.QueryContext(ctx, sqltext.Numbered("SELECT * FROM "+rs.from()+" LIMIT 0"), rs.Args...)
	if err != nil {
		return err
	}
	err = columnsOf(rows, rs)
	rows.Close()
	if err != nil {
		return err
	}
	return conn.QueryRowContext(ctx, sqltext.Numbered("SELECT count(*) FROM "+rs.from()), rs.Args...).Scan(&rs.Total)
}

// fetchPageServer reads page p of a cursor or of a table browsed in place;
// values become text as the CSV export writes them (queries.Column).
func fetchPageServer(ctx context.Context, conn *sql.Conn, rs *resultSet, p int) ([][]cell, error) {
	lo := int64(p) * pageSize
	if rs.Mode == modeCursor {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("MOVE ABSOLUTE %d IN %s", lo, rs.Source)); err != nil {
			return nil, err
		}
		return readPage(ctx, conn, rs, serverText, fmt.Sprintf("FETCH FORWARD %d FROM %s", pageSize, rs.Source))
	}
	// LIMIT/OFFSET pages are parts of one order only if every read scans
	// the same way: a parallel scan, or a scan joining one already under
	// way (synchronize_seqscans), returns rows in another order each time.
	var out [][]cell
	err := serverReadOnlyTx(ctx, conn, func() error {
		for _, set := range []string{"SET LOCAL max_parallel_workers_per_gather = 0", "SET LOCAL synchronize_seqscans = off"} {
			if _, err := conn.ExecContext(ctx, set); err != nil {
				return err
			}
		}
		var err error
		out, err = readPage(ctx, conn, rs, serverText, sqltext.Numbered("SELECT * FROM "+rs.from()+rs.orderBy()+" LIMIT ? OFFSET ?"),
			append(append([]any(nil), rs.Args...), pageSize, lo)...)
		return err
	})
	return out, err
}

// orderedQuery is the SQL of a server result in its current order, with
// its arguments: what a sort re-orders and an export writes.
func (rs *resultSet) orderedQuery() string {
	if rs.Mode == modeCursor {
		return rs.Query
	}
	return "SELECT * FROM " + rs.from() + rs.orderBy()
}

// sortServer orders a server result by column c, in a new cursor.
func sortServer(ctx context.Context, conn *sql.Conn, rs *resultSet, id int64, c int, desc bool) (*resultSet, error) {
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	base := rs.Query
	if rs.Mode != modeCursor {
		base = "SELECT * FROM " + rs.from()
	}
	if rs.Sorted != "" {
		base = rs.Sorted // sort the original, not the sorted one
	}
	// Ties in the order of the whole row's text: a server's sort is not
	// stable, and a page must be the same each time it is read.
	q := "SELECT * FROM (" + base + ") AS _trendlab_sorted ORDER BY _trendlab_sorted." + sqltext.QuoteIdent(rs.Cols[c].Name) + " " + dir +
		" NULLS LAST, _trendlab_sorted::text"
	out, err := materializeServer(ctx, conn, id, rs.Title, q, rs.Args...)
	if err != nil {
		return nil, err
	}
	out.Sorted = base
	out.SortCol, out.SortDesc = c, desc
	return out, nil
}
