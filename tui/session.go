package tui

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// sqlConn is the connection type results are read through.
type sqlConn = sql.Conn

// session is the TUI's handle on the workspace. Results live in temporary
// tables, which DuckDB keeps per connection, so everything that creates or
// reads them goes through one dedicated connection, used by one goroutine at
// a time. Catalog statistics and other read-only look-ups use the pool.
type session struct {
	cfg Config
	db  *sql.DB

	mu   sync.Mutex // serialises use of conn
	conn *sql.Conn

	nextID atomic.Int64
}

func newSession(ctx context.Context, cfg Config) (*session, error) {
	conn, err := cfg.Workspace.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening a connection to the workspace: %w", err)
	}
	return &session{cfg: cfg, db: cfg.Workspace.DB, conn: conn}, nil
}

// withConn runs fn on the session's own connection, holding it alone.
func (s *session) withConn(fn func(*sql.Conn) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(s.conn)
}

// newID returns a fresh identifier for results and requests, so a late
// message about an old result can be recognised and dropped.
func (s *session) newID() int64 { return s.nextID.Add(1) }

// close drops the connection and with it every temporary result table.
func (s *session) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn.Close()
}

// quoteIdent quotes an SQL identifier for DuckDB.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quoteLiteral quotes an SQL string literal, for the places DuckDB takes no
// parameter (the file of COPY ... TO).
func quoteLiteral(s string) string {
	return `'` + strings.ReplaceAll(s, `'`, `''`) + `'`
}
