package datasets

import (
	"context"
	"path/filepath"
	"testing"
)

// TestTableDescriptions: every table and view of a new workspace that a user
// queries has a description, and every description names one that exists, so
// the catalog cannot drift from the schema.
func TestTableDescriptions(t *testing.T) {
	ctx := context.Background()
	ws, err := Open(ctx, filepath.Join(t.TempDir(), "ws.duckdb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	rows, err := ws.DB.QueryContext(ctx, `
		SELECT table_name FROM duckdb_tables() WHERE NOT internal AND database_name = current_database()
		UNION ALL
		SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = current_database()`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	bookkeeping := map[string]bool{"trendlab_meta": true, "unfinished_imports": true}
	seen := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		seen[name] = true
		if !bookkeeping[name] && TableDescription(name) == "" {
			t.Errorf("%s has no description in tableDescriptions", name)
		}
	}
	for name := range tableDescriptions {
		if !seen[name] {
			t.Errorf("tableDescriptions describes %s, which a new workspace does not have", name)
		}
	}
}
