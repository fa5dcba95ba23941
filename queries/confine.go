package queries

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/trendlab/trendlab/internal/sqltext"
)

// Confine closes the workspace's database to everything outside it, for
// SQL that people wrote (a saved query, a notebook block, the console):
// no file is read or written, nothing is attached, no extension is
// installed or loaded, and the configuration is locked so that no
// statement can undo this. The settings are the database's own
// (enable_external_access = false, lock_configuration = true) and hold for
// every connection of db, open or still to come, and for the rest of the
// process; a read-only workspace is confined the same way. The workspace
// itself, DuckDB's temporary files (spilling a large sort or join) and the
// folders in dirs, which the program itself still needs (the TUI's spill
// folder), keep working.
//
// Confining a confined database does nothing (its allowed folders stay
// as they were). The time zone is made UTC for the whole database first, so that a
// connection opened later needs no SET (which the lock refuses).
func Confine(ctx context.Context, db *sql.DB, dirs ...string) error {
	allowed := make([]string, len(dirs))
	for i, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return err
		}
		allowed[i] = sqltext.QuoteLiteral(strings.TrimSuffix(abs, string(filepath.Separator)) + string(filepath.Separator))
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if onServer(conn) {
		// A server confines per statement (server.go): a READ ONLY
		// transaction with a timeout, and the role's own permissions.
		return nil
	}
	var locked, external bool
	if err := conn.QueryRowContext(ctx, `SELECT current_setting('lock_configuration'), current_setting('enable_external_access')`).Scan(&locked, &external); err != nil {
		return fmt.Errorf("reading the workspace's settings: %w", err)
	}
	if locked && !external {
		return nil // confined already (a report rendered inside the TUI)
	}
	for _, s := range []string{
		"SET GLOBAL TimeZone = 'UTC'",
		"SET allowed_directories = [" + strings.Join(allowed, ", ") + "]",
		"SET enable_external_access = false",
		"SET lock_configuration = true",
	} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("confining the workspace to itself (%s): %w", s, err)
		}
	}
	return nil
}
