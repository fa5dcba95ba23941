package queries

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"
)

// Stats say what an export wrote.
type Stats struct {
	Rows    int64
	Columns int
}

// Export runs the statement on a read-only transaction of db and writes its
// result to w in the given format. Table, CSV and JSON stream rows through
// database/sql; Arrow and Parquet stream DuckDB's Arrow record batches, one
// at a time, so no result is ever held whole in Go memory.
func Export(ctx context.Context, db *sql.DB, st Statement, f Format, w io.Writer, opts TableOptions) (Stats, error) {
	var stats Stats
	err := readOnly(ctx, db, st, func(conn *sql.Conn, st Statement) error {
		var err error
		stats, err = writeResult(ctx, conn, st, f, w, opts)
		return err
	})
	return stats, err
}

// ExportOn is Export on a connection the caller holds, for SQL that reads
// the connection's temporary tables (the TUI's results).
func ExportOn(ctx context.Context, conn *sql.Conn, st Statement, f Format, w io.Writer, opts TableOptions) (Stats, error) {
	var stats Stats
	err := readOnlyOn(ctx, conn, false, st, func(conn *sql.Conn, st Statement) error {
		var err error
		stats, err = writeResult(ctx, conn, st, f, w, opts)
		return err
	})
	return stats, err
}

func writeResult(ctx context.Context, conn *sql.Conn, st Statement, f Format, w io.Writer, opts TableOptions) (stats Stats, err error) {
	switch f {
	case FormatArrow, FormatParquet:
		if onServer(conn) {
			// Arrow batches come from duckdb-go's Arrow interface.
			return stats, fmt.Errorf("%s output %w: use csv, json or jsonl on a server workspace", f, ErrNeedsDuckDB)
		}
		err = withArrow(ctx, conn, st, func(rr array.RecordReader) error {
			if f == FormatArrow {
				stats, err = WriteArrow(w, rr)
			} else {
				stats, err = WriteParquet(w, rr)
			}
			return err
		})
	case FormatTable, FormatCSV, FormatJSON, FormatJSONLines:
		var rows *sql.Rows
		rows, err = conn.QueryContext(ctx, st.SQL, st.ArgValues()...)
		if err != nil {
			return stats, err
		}
		defer rows.Close()
		switch f {
		case FormatTable:
			stats, err = WriteTable(w, rows, opts)
		case FormatCSV:
			stats, err = WriteCSV(w, rows)
		case FormatJSONLines:
			stats, err = writeJSON(w, rows, true)
		default:
			stats, err = WriteJSON(w, rows)
		}
	default:
		err = fmt.Errorf("unknown format %q: use one of %s", f, strings.Join(formatNames(), ", "))
	}
	return stats, err
}

// Table is a result held in memory, for front ends that show a few rows
// (the TUI). Fetch fills it.
type Table struct {
	Columns []Column
	Rows    [][]any
	// Truncated is true when the result had more rows than the limit.
	Truncated bool
}

// Column names a result column and its DuckDB type, e.g. "TIMESTAMP".
type Column struct {
	Name string
	Type string
}

// Text renders a value of the column as Export's CSV does ("" for NULL).
func (c Column) Text(v any) string { return textValue(v, c.Type) }

// Fetch runs the statement read-only and keeps at most limit rows.
func Fetch(ctx context.Context, db *sql.DB, st Statement, limit int) (*Table, error) {
	t := &Table{}
	err := readOnly(ctx, db, st, func(conn *sql.Conn, st Statement) error { return t.fill(ctx, conn, st, limit) })
	return t, err
}

// FetchOn is Fetch on a connection the caller holds, for SQL that reads
// the connection's temporary tables (a notebook's).
func FetchOn(ctx context.Context, conn *sql.Conn, st Statement, limit int) (*Table, error) {
	t := &Table{}
	err := readOnlyOn(ctx, conn, false, st, func(conn *sql.Conn, st Statement) error { return t.fill(ctx, conn, st, limit) })
	return t, err
}

func (t *Table) fill(ctx context.Context, conn *sql.Conn, st Statement, limit int) error {
	rows, err := conn.QueryContext(ctx, st.SQL, st.ArgValues()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	t.Columns, err = columnsOf(rows)
	if err != nil {
		return err
	}
	for rows.Next() {
		if len(t.Rows) == limit {
			t.Truncated = true
			break
		}
		vals, err := scanRow(rows, len(t.Columns))
		if err != nil {
			return err
		}
		t.Rows = append(t.Rows, vals)
	}
	return rows.Err()
}

// Bound is SQL with its parameter values already chosen (a notebook's sql
// block, given the values of the parameters it uses, as ParamNames finds
// them): it must be one SELECT whose $name parameters are exactly args.
func Bound(name, text string, args []sql.NamedArg) Statement {
	st := Statement{Name: name, SQL: text, Args: args, declared: map[string]bool{}}
	for _, a := range args {
		st.declared[a.Name] = true
	}
	return st
}

// ParamNames checks text as Bound's statements are checked (one SELECT,
// nothing outside the workspace) and returns the $name parameters it uses,
// each once, in the order they appear. what names the text in errors
// ("sql block daily").
func ParamNames(ctx context.Context, conn *sql.Conn, what, text string) ([]string, error) {
	if err := checkText(what, text); err != nil {
		return nil, err
	}
	if onServer(conn) {
		return serverParamNames(what, text)
	}
	var names []string
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("queries: not a DuckDB connection (%T)", dc)
		}
		ds, err := c.Prepare(text)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		s := ds.(*duckdb.Stmt)
		defer s.Close()
		if typ, err := s.StatementType(); err != nil || typ != duckdb.STATEMENT_TYPE_SELECT {
			return fmt.Errorf("%s is not a SELECT (WITH ... SELECT is fine): it may only read", what)
		}
		seen := map[string]bool{}
		for i := 1; i <= s.NumInput(); i++ {
			name, err := s.ParamName(i)
			if err != nil {
				return err
			}
			if name == "" || strings.Trim(name, "0123456789") == "" {
				return fmt.Errorf("%s uses a positional parameter (? or $%s): name the parameter instead, e.g. $tag", what, name)
			}
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
		return nil
	})
	return names, err
}

// Prepare checks the statement against the workspace without running it:
// it must be one statement, and a saved query must be a SELECT whose $name
// parameters are exactly the declared ones.
func Prepare(ctx context.Context, db *sql.DB, st Statement) error {
	// Always prepared: check must see this workspace's schema, not a
	// statement remembered from another.
	validStatements.Delete(validationKey(st))
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	nothing := func(*sql.Conn, Statement) error { return nil }
	if onServer(conn) {
		return serverReadOnly(ctx, conn, st, true, nothing)
	}
	return readOnlyOn(ctx, conn, openedReadOnly(ctx, db, conn), st, nothing)
}

// readOnlyDBs remembers, per database, whether it was opened read-only.
var readOnlyDBs sync.Map // *sql.DB -> bool

// openedReadOnly reports whether db was opened with access_mode READ_ONLY;
// then no statement can write, and the explicit transaction below (two
// round trips, a third of a short query's time) is not needed.
func openedReadOnly(ctx context.Context, db *sql.DB, conn *sql.Conn) bool {
	if v, ok := readOnlyDBs.Load(db); ok {
		return v.(bool)
	}
	var mode string
	ro := conn.QueryRowContext(ctx, `SELECT current_setting('access_mode')`).Scan(&mode) == nil && strings.EqualFold(mode, "read_only")
	readOnlyDBs.Store(db, ro)
	return ro
}

// readOnly runs fn on one connection inside a READ ONLY transaction (unless
// the database itself is read-only), after checking the statement, and
// rolls back whatever happens: even a saved query that tried to write could
// not change the workspace.
func readOnly(ctx context.Context, db *sql.DB, st Statement, fn func(*sql.Conn, Statement) error) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if onServer(conn) {
		return serverReadOnly(ctx, conn, st, false, fn)
	}
	return readOnlyOn(ctx, conn, openedReadOnly(ctx, db, conn), st, fn)
}

// readOnlyOn is readOnly on a connection; dbReadOnly skips the transaction.
// fn gets the statement as the connection's engine runs it.
func readOnlyOn(ctx context.Context, conn *sql.Conn, dbReadOnly bool, st Statement, fn func(*sql.Conn, Statement) error) error {
	if onServer(conn) {
		return serverReadOnly(ctx, conn, st, false, fn)
	}
	if dbReadOnly {
		if err := validateOnce(conn, st); err != nil {
			return err
		}
		return runChecked(ctx, conn, st, func(conn *sql.Conn) error { return fn(conn, st) })
	}
	return inReadOnlyTx(ctx, conn, func() error {
		if err := validateOnce(conn, st); err != nil {
			return err
		}
		return runChecked(ctx, conn, st, func(conn *sql.Conn) error { return fn(conn, st) })
	})
}

// inReadOnlyTx runs fn inside a READ ONLY transaction on conn, rolled back
// whatever happens; both engines take the same statements.
func inReadOnlyTx(ctx context.Context, conn *sql.Conn, fn func() error) (err error) {
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION READ ONLY"); err != nil {
		return fmt.Errorf("starting a read-only transaction: %w", err)
	}
	defer func() {
		if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			// Do not hand a connection in an unknown state back to the pool.
			conn.Raw(func(any) error { return driver.ErrBadConn })
			if err == nil {
				err = fmt.Errorf("ending the read-only transaction: %w", rbErr)
			}
		}
	}()
	return fn()
}

// validStatements remembers statements that passed validate. What validate
// checks (one statement, its kind, its parameters) depends on the text and
// the declared parameters only, so a statement run again (the TUI, a
// benchmark) is prepared once for it rather than every time.
var validStatements sync.Map // validationKey -> struct{}

func validationKey(st Statement) string {
	names := make([]string, 0, len(st.declared))
	for n := range st.declared {
		names = append(names, n)
	}
	sort.Strings(names)
	return fmt.Sprintf("%t\x00%s\x00%s", st.Saved(), strings.Join(names, ","), st.SQL)
}

func validateOnce(conn *sql.Conn, st Statement) error {
	if st.trusted {
		return nil
	}
	key := validationKey(st)
	if _, ok := validStatements.Load(key); ok {
		return nil
	}
	if err := conn.Raw(func(dc any) error { return validate(dc, st) }); err != nil {
		return err
	}
	validStatements.Store(key, struct{}{})
	return nil
}

// runChecked runs fn, naming the saved query in its error.
func runChecked(ctx context.Context, conn *sql.Conn, st Statement, fn func(*sql.Conn) error) error {
	if err := fn(conn); err != nil {
		if st.Name != "" && ctx.Err() == nil {
			return fmt.Errorf("query %s: %w", st.Name, err)
		}
		return err
	}
	return nil
}

// validate prepares the statement on the raw DuckDB connection. The
// non-context Prepare refuses text holding several statements instead of
// executing all but the last, as QueryContext would.
func validate(dc any, st Statement) error {
	c, ok := dc.(*duckdb.Conn)
	if !ok {
		return fmt.Errorf("queries: not a DuckDB connection (%T)", dc)
	}
	what := "the SQL"
	if st.Name != "" {
		what = "query " + st.Name
	}
	if err := checkText(what, st.SQL); err != nil {
		return err
	}
	ds, err := c.Prepare(st.SQL)
	if err != nil {
		var dErr *duckdb.Error
		if errors.As(err, &dErr) {
			return fmt.Errorf("%s: %w", what, err)
		}
		// duckdb-go's Prepare fails this way only for text that holds
		// several statements, or none.
		return fmt.Errorf("%s must be exactly one SQL statement (found several separated by ';', none, or one DuckDB runs as several, like PIVOT without an IN list)", what)
	}
	s := ds.(*duckdb.Stmt)
	defer s.Close()
	used := map[string]bool{}
	for i := 1; i <= s.NumInput(); i++ {
		name, err := s.ParamName(i)
		if err != nil {
			return err
		}
		if name == "" || strings.Trim(name, "0123456789") == "" {
			if st.Saved() {
				return fmt.Errorf("%s uses a positional parameter (? or $%s): saved queries name their parameters ($name) and declare them in the header", what, name)
			}
			return fmt.Errorf("ad-hoc SQL takes no parameters (found ? or $%s): write the values in the SQL, or save it as a query with a header to use $name parameters", name)
		}
		if !st.Saved() {
			return fmt.Errorf("ad-hoc SQL takes no parameters (found $%s): save it as a query with a header to use $name parameters", name)
		}
		if !st.declared[name] {
			return fmt.Errorf("%s uses $%s, which its header does not declare: add \"-- param: %s TYPE ...\"", what, name, name)
		}
		used[name] = true
	}
	if !st.Saved() {
		typ, err := s.StatementType()
		if err != nil {
			return err
		}
		switch typ {
		case duckdb.STATEMENT_TYPE_SELECT, duckdb.STATEMENT_TYPE_EXPLAIN, duckdb.STATEMENT_TYPE_CALL:
			return nil
		}
		// Writes would fail in the read-only transaction anyway; settings,
		// transactions, attachments, extensions and temporary objects would
		// outlive the statement on a pooled connection.
		return fmt.Errorf("ad-hoc SQL runs read-only statements only (SELECT, FROM, DESCRIBE, SHOW, SUMMARIZE, PRAGMA table_info, EXPLAIN, CALL): %s is not one", stmtTypeName(typ))
	}
	var unused []string
	for name := range st.declared {
		if !used[name] {
			unused = append(unused, name)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return fmt.Errorf("%s declares parameter %s but its SQL never uses it: use $%s or remove the declaration", what, strings.Join(unused, ", "), unused[0])
	}
	typ, err := s.StatementType()
	if err != nil {
		return err
	}
	if typ != duckdb.STATEMENT_TYPE_SELECT {
		return fmt.Errorf("%s is not a SELECT: saved queries only read", what)
	}
	return nil
}

// withArrow runs the statement through duckdb-go's Arrow interface on conn.
func withArrow(ctx context.Context, conn *sql.Conn, st Statement, fn func(array.RecordReader) error) error {
	return conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		rr, err := ar.QueryContext(ctx, st.SQL, st.ArgValues()...)
		if err != nil {
			return err
		}
		defer rr.Release()
		if err := fn(rr); err != nil {
			return err
		}
		return rr.Err()
	})
}

// stmtTypeName names a statement type for error messages.
func stmtTypeName(t duckdb.StmtType) string {
	switch t {
	case duckdb.STATEMENT_TYPE_INSERT:
		return "an INSERT"
	case duckdb.STATEMENT_TYPE_UPDATE:
		return "an UPDATE"
	case duckdb.STATEMENT_TYPE_DELETE:
		return "a DELETE"
	case duckdb.STATEMENT_TYPE_CREATE, duckdb.STATEMENT_TYPE_CREATE_FUNC:
		return "a CREATE"
	case duckdb.STATEMENT_TYPE_ALTER:
		return "an ALTER"
	case duckdb.STATEMENT_TYPE_DROP:
		return "a DROP"
	case duckdb.STATEMENT_TYPE_TRANSACTION:
		return "a transaction statement (BEGIN, COMMIT, ROLLBACK)"
	case duckdb.STATEMENT_TYPE_SET, duckdb.STATEMENT_TYPE_VARIABLE_SET:
		return "a SET (or USE, RESET, a setting PRAGMA)"
	case duckdb.STATEMENT_TYPE_ATTACH:
		return "an ATTACH"
	case duckdb.STATEMENT_TYPE_DETACH:
		return "a DETACH"
	case duckdb.STATEMENT_TYPE_LOAD, duckdb.STATEMENT_TYPE_EXTENSION:
		return "an INSTALL or LOAD"
	case duckdb.STATEMENT_TYPE_EXPORT:
		return "an EXPORT DATABASE"
	case duckdb.STATEMENT_TYPE_PREPARE, duckdb.STATEMENT_TYPE_EXECUTE:
		return "a PREPARE or EXECUTE"
	case duckdb.STATEMENT_TYPE_VACUUM, duckdb.STATEMENT_TYPE_ANALYZE:
		return "a VACUUM or ANALYZE"
	}
	return fmt.Sprintf("a statement of type %d", int(t))
}
