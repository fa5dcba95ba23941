package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// A workspace on a PostgreSQL server (issue 14): the same tables as a
// DuckDB file, in PostgreSQL's dialect (schema_pg.go), distributed when the
// server is a Citus coordinator. Several trendlab processes share it at
// once, so unlike a file it has no write lock; imports take a transaction
// advisory lock instead (import_pg.go).

// IsServerURL reports whether a workspace path names a PostgreSQL database
// (postgres:// or postgresql://) rather than a DuckDB file.
func IsServerURL(path string) bool {
	return strings.HasPrefix(path, "postgres://") || strings.HasPrefix(path, "postgresql://")
}

// openPostgres opens the database at rawURL and, unless read-only, creates
// or migrates its schema.
func openPostgres(ctx context.Context, rawURL string, opts Options) (*Workspace, error) {
	shown := redactURL(rawURL)
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("workspace %s: not a PostgreSQL URL: %w", shown, err)
	}
	// Every connection in UTC, as in a DuckDB workspace; a read-only
	// workspace cannot write even by mistake.
	cfg.RuntimeParams["timezone"] = "UTC"
	if opts.ReadOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	db := stdlib.OpenDB(*cfg)
	ws := &Workspace{DB: db, Path: shown, ReadOnly: opts.ReadOnly, Dialect: Postgres}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening workspace %s: %w", shown, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')`).Scan(&ws.Citus); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening workspace %s: %w", shown, err)
	}
	if opts.ReadOnly {
		v, err := pgSchemaVersion(ctx, db)
		if err == nil && v == 0 {
			err = fmt.Errorf("%w in %s: import exports into it first, or open another workspace", ErrNoWorkspace, shown)
		} else if err == nil && v != SchemaVersion {
			err = fmt.Errorf("workspace %s has schema version %d, this trendlab reads %d: run `trendlab migrate` on it first", shown, v, SchemaVersion)
		}
		if err != nil {
			db.Close()
			return nil, err
		}
		return ws, nil
	}
	if err := pgMigrate(ctx, db, ws.Citus); err != nil {
		db.Close()
		return nil, fmt.Errorf("workspace %s: %w", shown, err)
	}
	// Variant discovery needs two contrib extensions. Both are trusted
	// since PostgreSQL 13, so the database's owner may create them; where
	// the server refuses, investigate stops with engine.ErrExtensions,
	// which says what an administrator must run.
	for _, ext := range []string{"unaccent", "fuzzystrmatch"} {
		_, _ = db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS "+ext)
	}
	return ws, nil
}

// redactURL drops the password from a URL, for messages and Workspace.Path.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres://(a URL that does not parse)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// pgSchemaVersion reads the version, 0 for a database without the schema.
func pgSchemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT to_regclass('trendlab_meta') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return 0, err
	}
	var v int
	if err := db.QueryRowContext(ctx, `SELECT value::int FROM trendlab_meta WHERE key = 'schema_version'`).Scan(&v); err != nil {
		return 0, fmt.Errorf("reading workspace schema version: %w", err)
	}
	return v, nil
}
