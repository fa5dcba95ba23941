package notebooks

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSQLBlockReachesNothingOutside: a notebook from a colleague cannot put
// the reader's files into the report (read_csv('/etc/passwd')) nor write
// any (COPY ... TO, EXPORT DATABASE, refused before DuckDB makes the
// folder).
func TestSQLBlockReachesNothingOutside(t *testing.T) {
	dir := t.TempDir()
	exported, copied := filepath.Join(dir, "exported"), filepath.Join(dir, "copied.csv")
	for _, tt := range []struct{ sql, want string }{
		{"SELECT * FROM read_csv('/etc/passwd', sep = ':')", "/etc/passwd"},
		{"SELECT content FROM read_text('/etc/passwd')", "/etc/passwd"},
		{"EXPORT DATABASE '" + exported + "'", "reaches outside the workspace"},
		{"COPY (SELECT 1) TO '" + copied + "'", "reaches outside the workspace"},
		{"SELECT 1; SELECT 2", "exactly one SQL statement"},
		{"DELETE FROM videos", "not a SELECT"},
	} {
		ws := fixtureWorkspace(t)
		src := "---\ntitle: leak\n---\n```sql name=leak\n" + tt.sql + "\n```\n"
		var out bytes.Buffer
		err := RenderSource(context.Background(), ws, "leak.md", []byte(src), Options{Now: fixedNow}, &out)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one naming %q", tt.sql, err, tt.want)
		}
		if strings.Contains(out.String(), "root:") {
			t.Errorf("%s: the report holds /etc/passwd", tt.sql)
		}
	}
	for _, p := range []string{exported, copied} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was created", p)
		}
	}
}
