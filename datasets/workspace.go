package datasets

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// DefaultPath is the workspace used when neither --workspace nor
// TRENDLAB_WORKSPACE names one.
const DefaultPath = "trendlab.duckdb"

// Version is the trendlab version written into import provenance and reports.
// The build may override it with -ldflags "-X .../datasets.Version=...".
var Version = "0.1.0-dev"

// ErrLocked means another process holds the workspace open for writing.
var ErrLocked = errors.New("workspace is locked by another process")

// ErrNoWorkspace means a read-only open found no workspace file.
var ErrNoWorkspace = errors.New("no workspace")

// ErrDamaged means DuckDB found a block of the workspace file whose checksum
// does not match: the file was damaged, most likely by a process killed
// while DuckDB wrote a checkpoint (DuckDB rewrites a partly used metadata
// block in place, and a kill or power loss can tear that write).
var ErrDamaged = errors.New("the workspace file is damaged")

// ErrReadOnly: the workspace is open read-only and the operation writes.
var ErrReadOnly = errors.New("the workspace is open read-only")

// Options say how to open a workspace.
type Options struct {
	// ReadOnly opens without taking the write lock; the schema is not migrated.
	ReadOnly bool
	// MemoryLimit is DuckDB's memory_limit, e.g. "2GB"; empty keeps DuckDB's default.
	MemoryLimit string
	// Threads caps DuckDB's worker threads; 0 keeps DuckDB's default.
	Threads int

	recovered bool // set when reopening after removing an unfinished import
}

// Dialect is the SQL engine a workspace lives in.
type Dialect string

const (
	// DuckDB: a workspace file, the embedded default.
	DuckDB Dialect = "duckdb"
	// Postgres: a workspace on a PostgreSQL server (with or without Citus),
	// opened from a postgres:// URL (postgres.go).
	Postgres Dialect = "postgres"
)

// Workspace is an open workspace: a DuckDB file or a PostgreSQL database.
// DB is safe for concurrent use; every connection in its pool has TimeZone
// set to UTC.
type Workspace struct {
	DB *sql.DB
	// Path is the file, or the server's URL without its password.
	Path     string
	ReadOnly bool
	// Dialect says which SQL DB speaks; Citus that the server has the citus
	// extension, and the per-video tables are distributed (schema_pg.go).
	Dialect Dialect
	Citus   bool
	// Discarded lists the files of imports that had stopped half way, which
	// Open removed (see Import).
	Discarded []string
	connector *duckdb.Connector
}

// Open opens (and, unless read-only, creates and migrates) the workspace at
// path: a DuckDB file, or a PostgreSQL database given as a postgres:// or
// postgresql:// URL (IsServerURL).
func Open(ctx context.Context, path string, opts Options) (*Workspace, error) {
	if IsServerURL(path) {
		return openPostgres(ctx, path, opts)
	}
	if path == "" {
		path = DefaultPath
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if opts.ReadOnly {
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("%w at %s: import exports into it first, or open another workspace", ErrNoWorkspace, abs)
		}
	}
	q := url.Values{}
	if opts.ReadOnly {
		q.Set("access_mode", "READ_ONLY")
	}
	if opts.MemoryLimit != "" {
		q.Set("memory_limit", opts.MemoryLimit)
	}
	if opts.Threads > 0 {
		q.Set("threads", fmt.Sprint(opts.Threads))
	}
	dsn := abs
	if len(q) > 0 {
		dsn += "?" + q.Encode()
	}
	connector, err := duckdb.NewConnector(dsn, setUTC)
	if err != nil {
		return nil, describeOpenError(abs, err)
	}
	db := sql.OpenDB(connector)
	ws := &Workspace{DB: db, Path: abs, ReadOnly: opts.ReadOnly, Dialect: DuckDB, connector: connector}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, describeOpenError(abs, err)
	}
	if opts.ReadOnly {
		v, err := schemaVersion(ctx, db)
		if err != nil {
			db.Close()
			return nil, err
		}
		if v != SchemaVersion {
			db.Close()
			return nil, fmt.Errorf("workspace %s has schema version %d, this trendlab reads %d: run `trendlab migrate` on it first", abs, v, SchemaVersion)
		}
		var unfinished int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM unfinished_imports`).Scan(&unfinished); err != nil {
			db.Close()
			return nil, err
		}
		if unfinished == 0 || opts.recovered {
			return ws, nil
		}
		// An import stopped half way: open for writing once to remove it.
		db.Close()
		rw := opts
		rw.ReadOnly = false
		w, err := Open(ctx, path, rw)
		if err != nil {
			return nil, err
		}
		w.Close()
		opts.recovered = true
		ws, err = Open(ctx, path, opts)
		if ws != nil {
			ws.Discarded = w.Discarded
		}
		return ws, err
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("workspace %s: %w", abs, err)
	}
	if ws.Discarded, err = discardUnfinished(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("workspace %s: removing an import that stopped half way: %w", abs, err)
	}
	return ws, nil
}

// setUTC gives a new connection the UTC time zone. It asks first: once SQL
// from people runs confined (queries.Confine sets the database's zone to
// UTC and locks the configuration), a SET would fail even to the same
// value.
func setUTC(execer driver.ExecerContext) error {
	ctx := context.Background()
	if q, ok := execer.(driver.QueryerContext); ok {
		rows, err := q.QueryContext(ctx, "SELECT current_setting('TimeZone')", nil)
		if err != nil {
			return err
		}
		zone := make([]driver.Value, 1)
		err = rows.Next(zone)
		rows.Close()
		if err == nil && zone[0] == "UTC" {
			return nil
		}
	}
	_, err := execer.ExecContext(ctx, "SET TimeZone = 'UTC'", nil)
	return err
}

// OpenMemory opens a fresh in-memory workspace with the schema, for tests.
func OpenMemory(ctx context.Context) (*Workspace, error) {
	connector, err := duckdb.NewConnector("", setUTC)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(connector)
	// An in-memory database lives per connector, shared across the pool.
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return &Workspace{DB: db, Path: ":memory:", Dialect: DuckDB, connector: connector}, nil
}

// Connector exposes the DuckDB connector, for features outside database/sql
// (the Arrow interface, the appender, interrupting a running query); nil for
// a workspace on a server.
func (w *Workspace) Connector() *duckdb.Connector { return w.connector }

// Close closes the workspace and releases its lock.
func (w *Workspace) Close() error {
	defer traced(time.Now(), "closing the workspace (DuckDB checkpoints it)")
	return w.DB.Close()
}

var lockPID = regexp.MustCompile(`PID (\d+)`)

// describeOpenError turns DuckDB's lock conflict and its checksum failure
// into advice a user can act on.
func describeOpenError(path string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Corrupt database file") {
		return fmt.Errorf("%w: %s: %v; this happens when trendlab is killed (kill -9, out of memory, power loss) while DuckDB writes a checkpoint: restore the file from a backup, or import the exports again into a new workspace", ErrDamaged, path, err)
	}
	if strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock") {
		who := "another process"
		if m := lockPID.FindStringSubmatch(msg); m != nil {
			who = "process " + m[1]
		}
		return fmt.Errorf("%w: %s is open in %s; wait for it to finish or close it (a running import or TUI), or work on a copy of the file", ErrLocked, path, who)
	}
	return fmt.Errorf("opening workspace %s: %w", path, err)
}
