package queries

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/trendlab/trendlab/internal/sqltext"
)

// A workspace on a PostgreSQL server (issue 14) runs the same saved
// queries: a query's NAME.pg.sql beside NAME.sql, when there is one, holds
// its PostgreSQL text (same header, same $name parameters); otherwise
// NAME.sql runs on both engines. PostgreSQL takes positional parameters
// only, so the $name parameters are renumbered $1, $2, ... and the values
// passed in that order; the values are still bound, never spliced.
//
// Confinement differs from DuckDB's. Each statement runs in a READ ONLY
// transaction with a statement timeout (ServerStatementTimeout), rolled
// back afterwards, and StatementReach refuses COPY, SET, DO, LISTEN, ...
// before the server sees them. What PostgreSQL lets a SELECT reach beyond
// the database (pg_read_file, lo_import, COPY ... PROGRAM, dblink,
// postgres_fdw) it grants to superusers and to the roles
// pg_read_server_files, pg_execute_server_program and pg_write_server_files
// only: the role trendlab connects with must be none of these, own no
// SECURITY DEFINER function that reaches outside, and, for investigators who
// only read, hold SELECT on the workspace's tables and nothing more. That is
// the server administrator's part; trendlab cannot lock it from a session.

// ServerStatementTimeout bounds one statement of people's SQL on a server,
// which other investigators share.
var ServerStatementTimeout = 15 * time.Minute

// ErrNeedsDuckDB marks an output (Arrow, Parquet) that only a DuckDB
// workspace gives.
var ErrNeedsDuckDB = errors.New("needs a DuckDB workspace")

// onServer reports whether conn is to a PostgreSQL server (pgx's
// database/sql driver) rather than DuckDB.
func onServer(conn *sql.Conn) bool {
	server := false
	conn.Raw(func(dc any) error {
		_, server = dc.(*stdlib.Conn)
		return nil
	})
	return server
}

// serverText returns the statement's text for PostgreSQL: its .pg.sql
// variant, or its one text.
func (s Statement) serverText() string {
	if s.pgSQL != "" {
		return s.pgSQL
	}
	return s.SQL
}

// forServer checks the statement as validate does for DuckDB (one
// statement, nothing outside the workspace, exactly the declared
// parameters; a saved query a SELECT) and returns it ready for pgx: $name
// renumbered $1..$n, the values in that order.
func (s Statement) forServer() (Statement, error) {
	if s.trusted {
		return s, nil // the program's own SQL, positional already
	}
	text := s.serverText()
	what := "the SQL"
	if s.Name != "" {
		what = "query " + s.Name
	}
	if err := checkText(what, text); err != nil {
		return Statement{}, err
	}
	byName := map[string]any{}
	for _, a := range s.Args {
		byName[a.Name] = a.Value
	}
	number := map[string]int{}
	var out strings.Builder
	var args []any
	last := 0
	for _, p := range sqltext.Params(text) {
		if strings.Trim(p.Name, "0123456789") == "" {
			if s.Saved() {
				return Statement{}, fmt.Errorf("%s uses a positional parameter ($%s): saved queries name their parameters ($name) and declare them in the header", what, p.Name)
			}
			return Statement{}, fmt.Errorf("ad-hoc SQL takes no parameters (found $%s): write the values in the SQL, or save it as a query with a header to use $name parameters", p.Name)
		}
		if !s.Saved() {
			return Statement{}, fmt.Errorf("ad-hoc SQL takes no parameters (found $%s): save it as a query with a header to use $name parameters", p.Name)
		}
		if !s.declared[p.Name] {
			return Statement{}, fmt.Errorf("%s uses $%s, which its header does not declare: add \"-- param: %s TYPE ...\"", what, p.Name, p.Name)
		}
		n, ok := number[p.Name]
		if !ok {
			args = append(args, byName[p.Name])
			n = len(args)
			number[p.Name] = n
		}
		fmt.Fprintf(&out, "%s$%d", text[last:p.Start], n)
		last = p.End
	}
	out.WriteString(text[last:])
	if s.Saved() {
		var unused []string
		for name := range s.declared {
			if _, ok := number[name]; !ok {
				unused = append(unused, name)
			}
		}
		if len(unused) > 0 {
			sort.Strings(unused)
			return Statement{}, fmt.Errorf("%s declares parameter %s but its SQL never uses it: use $%s or remove the declaration", what, strings.Join(unused, ", "), unused[0])
		}
	}
	stmts := sqltext.Split(text)
	switch first := firstWords(stmts[0].Text, 1)[0]; {
	case s.Saved() && first != "SELECT" && first != "WITH" && first != "(" && first != "VALUES" && first != "TABLE":
		return Statement{}, fmt.Errorf("%s is not a SELECT: saved queries only read", what)
	case !s.Saved() && StatementReach(stmts[0].Text) != ReadsWorkspace:
		return Statement{}, fmt.Errorf("ad-hoc SQL runs read-only statements only (SELECT, TABLE, VALUES, SHOW, EXPLAIN): %s is not one", first)
	}
	return Statement{Name: s.Name, SQL: out.String(), trusted: true, args: args}, nil
}

// serverReadOnly is readOnly on a PostgreSQL connection: the statement,
// checked and renumbered, runs inside a READ ONLY transaction with a
// statement timeout, which is rolled back whatever happens. prepare also
// has the server plan it (query check).
func serverReadOnly(ctx context.Context, conn *sql.Conn, st Statement, prepare bool, fn func(*sql.Conn, Statement) error) error {
	ps, err := st.forServer()
	if err != nil {
		return err
	}
	return inReadOnlyTx(ctx, conn, func() error {
		// SET LOCAL ends with the transaction; the pooled connection keeps
		// its own setting.
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d", ServerStatementTimeout.Milliseconds())); err != nil {
			return fmt.Errorf("setting the statement timeout: %w", err)
		}
		if prepare {
			p, err := conn.PrepareContext(ctx, ps.SQL)
			if err != nil {
				if st.Name != "" {
					return fmt.Errorf("query %s: %w", st.Name, err)
				}
				return err
			}
			p.Close()
		}
		return runChecked(ctx, conn, st, func(conn *sql.Conn) error { return fn(conn, ps) })
	})
}

// serverParamNames is ParamNames on a PostgreSQL connection, which cannot
// name a prepared statement's parameters: they are read from the text
// (sqltext.Params skips literals and comments), and the statement must
// begin as a query does; the READ ONLY transaction it runs in refuses
// anything else that got past.
func serverParamNames(what, text string) ([]string, error) {
	switch firstWords(sqltext.Split(text)[0].Text, 1)[0] {
	case "SELECT", "WITH", "(", "VALUES", "TABLE":
	default:
		return nil, fmt.Errorf("%s is not a SELECT (WITH ... SELECT is fine): it may only read", what)
	}
	var names []string
	seen := map[string]bool{}
	for _, p := range sqltext.Params(text) {
		if strings.Trim(p.Name, "0123456789") == "" {
			return nil, fmt.Errorf("%s uses a positional parameter ($%s): name the parameter instead, e.g. $tag", what, p.Name)
		}
		if !seen[p.Name] {
			seen[p.Name] = true
			names = append(names, p.Name)
		}
	}
	return names, nil
}

// OnServer reports whether conn is to a PostgreSQL server rather than
// DuckDB, for front ends that page results their own way on each.
func OnServer(conn *sql.Conn) bool { return onServer(conn) }

// ForServer returns the statement as a PostgreSQL connection runs it: its
// NAME.pg.sql text where it has one, checked as for DuckDB, $name
// parameters renumbered $1..$n and their values in that order. The TUI
// uses it to keep a saved query's result in a cursor.
func (s Statement) ForServer() (string, []any, error) {
	ps, err := s.forServer()
	return ps.SQL, ps.ArgValues(), err
}
