package tui

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/queries"
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
	// spill is a private folder for results written as Parquet files,
	// removed on close; "" when none could be made (results then live in
	// temporary tables).
	spill string

	nextID atomic.Int64

	// captionsShown switches the caption rule off for the session (C, or
	// Config.ShowCaptions); read and written only in the event loop.
	captionsShown bool
}

func newSession(ctx context.Context, cfg Config) (*session, error) {
	conn, err := cfg.Workspace.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening a connection to the workspace: %w", err)
	}
	spill, err := os.MkdirTemp("", "trendlab-tui-")
	if err != nil {
		spill = ""
	}
	// Spilled results are read a page at a time: keep their Parquet
	// metadata instead of parsing it for every page. A second TUI on the
	// same database finds it set (and the configuration locked).
	var cached bool
	if cfg.Workspace.Dialect == datasets.Postgres {
		// A server keeps results in cursors (result_pg.go), not files.
		os.Remove(spill)
		spill, cached = "", true
	} else {
		err = conn.QueryRowContext(ctx, "SELECT current_setting('parquet_metadata_cache')").Scan(&cached)
	}
	if err == nil && !cached {
		_, err = conn.ExecContext(ctx, "SET GLOBAL parquet_metadata_cache = true")
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("configuring the TUI's connection: %w", err)
	}
	// SQL typed in the console or saved by a colleague reads only the
	// workspace (and the spill folder, which the TUI writes itself).
	var allowed []string
	if spill != "" {
		allowed = append(allowed, spill)
	}
	if err := queries.Confine(ctx, cfg.Workspace.DB, allowed...); err != nil {
		conn.Close()
		return nil, err
	}
	return &session{cfg: cfg, db: cfg.Workspace.DB, conn: conn, spill: spill, captionsShown: cfg.ShowCaptions}, nil
}

// withConn runs fn on the session's own connection, holding it alone.
func (s *session) withConn(fn func(*sql.Conn) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fn(s.conn)
}

// server reports whether the workspace is on a PostgreSQL server.
func (s *session) server() bool { return s.cfg.Workspace.Dialect == datasets.Postgres }

// newID returns a fresh identifier for results and requests, so a late
// message about an old result can be recognised and dropped.
func (s *session) newID() int64 { return s.nextID.Add(1) }

// close drops the connection, with it every temporary result table, and
// the spill folder with every result file.
func (s *session) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.conn.Close()
	if s.spill != "" {
		if rerr := os.RemoveAll(s.spill); err == nil {
			err = rerr
		}
	}
	return err
}
