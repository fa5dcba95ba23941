package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	if err := ws.DB.QueryRow(`SELECT value FROM trendlab_meta WHERE key = 'schema_version'`).Scan(&v); err != nil || v != fmt.Sprint(SchemaVersion) {
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

// TestMigrateFromFirstSchema: a workspace written at schema 1, with data,
// opens at the current schema with the derived tables filled in.
func TestMigrateFromFirstSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		migrations[0],
		`INSERT INTO trendlab_meta VALUES ('schema_version', '1')`,
		`INSERT INTO videos (video_id, author_id, created_at, hashtags, import_id, source_line) VALUES
			('v1', 'a', '2026-06-01 10:00:00', ['#Fun', '#fun'], 1, 2), ('v2', 'a', '2026-06-01 11:00:00', ['#fun'], 1, 3)`,
		`INSERT INTO video_tags VALUES ('v1', 1, '#Fun', 'fun', false), ('v1', 2, '#fun', 'fun', false), ('v2', 1, '#fun', 'fun', false)`,
		`INSERT INTO moderation_events VALUES ('e1', 'v9', '2026-06-01 12:00:00', 'report', 'user', 'spam', NULL, NULL, NULL, NULL, 2, 2)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	db.Close()

	ws, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	var version, tagDays, orphans, unfinished string
	if err := ws.DB.QueryRow(`SELECT (SELECT value FROM trendlab_meta WHERE key = 'schema_version'),
		(SELECT string_agg(tag || ' ' || day || ' ' || videos, ', ') FROM tag_days),
		(SELECT count(*) FROM orphan_events), (SELECT count(*) FROM unfinished_imports)`).Scan(&version, &tagDays, &orphans, &unfinished); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint(SchemaVersion); version != want || tagDays != "fun 2026-06-01 2" || orphans != "1" || unfinished != "0" {
		t.Errorf("after migrating: version %s, tag_days %q, orphan events %s, unfinished imports %s", version, tagDays, orphans, unfinished)
	}
	if _, err := ws.DB.Exec(`SELECT * FROM tag_set_videos('', ['fun'])`); err != nil {
		t.Errorf("tag_set_videos after migrating: %v", err)
	}
}
