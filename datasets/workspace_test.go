package datasets

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestWorkspaceSchemaAndModes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.duckdb")

	if _, err := Open(ctx, path, Options{ReadOnly: true}); !errors.Is(err, ErrNoWorkspace) {
		t.Fatalf("read-only open of a missing file: %v, want ErrNoWorkspace", err)
	}
	ws, err := Open(ctx, path, Options{MemoryLimit: "512MB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	var v string
	if err := ws.DB.QueryRow(`SELECT value FROM trendlab_meta WHERE key = 'schema_version'`).Scan(&v); err != nil || v != "6" {
		t.Fatalf("schema_version = %q, %v", v, err)
	}
	var tz string
	ws.DB.QueryRow(`SELECT current_setting('TimeZone')`).Scan(&tz)
	if tz != "UTC" {
		t.Errorf("TimeZone = %q, want UTC", tz)
	}
	ws.Close()

	// Opening again migrates nothing and keeps the data.
	ws, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.DB.Exec(`INSERT INTO tag_sets VALUES ('x', 'x', false, now(), now())`); err != nil {
		t.Fatal(err)
	}
	ws.Close()

	ro, err := Open(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ro.DB.Exec(`DELETE FROM tag_sets`); err == nil {
		t.Error("a read-only workspace accepted a write")
	}
	ro.Close()

	// A workspace from a newer trendlab is refused, not guessed at.
	ws, _ = Open(ctx, path, Options{})
	ws.DB.Exec(`UPDATE trendlab_meta SET value = '99' WHERE key = 'schema_version'`)
	ws.Close()
	if _, err := Open(ctx, path, Options{}); err == nil || !strings.Contains(err.Error(), "newer than this trendlab understands") {
		t.Errorf("newer schema: %v", err)
	}
	if _, err := Open(ctx, path, Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Errorf("newer schema read-only: %v", err)
	}
}
