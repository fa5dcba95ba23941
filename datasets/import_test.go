package datasets

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func memWorkspace(t *testing.T) *Workspace {
	t.Helper()
	ws, err := OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func TestImportSmoke(t *testing.T) {
	dir := t.TempDir()
	v := writeFile(t, dir, "v.csv", "video_id,author_id,created_at,caption,hashtags,view_count\n"+
		"v1,a1,2026-06-01T10:00:00Z,\"hi, there\",#Omegle #fun,10\n"+
		"v2,a2,2026-06-01 10:00:00,\"multi\nline\",,-3\n"+
		"v3,a3,not-a-time,x,#a,5\n"+
		"v1,a4,2026-06-01T10:00:00+02:00,dup,,1\n")
	e := writeFile(t, dir, "e.csv", "event_id,video_id,event_time,event_type,source,policy,decision,action\n"+
		"e1,v1,2026-06-01T11:00:00Z,review,moderator,minor_safety,violation,\n"+
		"e2,v1,2026-06-01T12:00:00Z,enforcement,moderator,minor_safety,,removed\n"+
		"e3,zz,2026-06-01T12:00:00Z,report,user,minor_safety,,\n"+
		"e4,v1,2026-06-01T12:00:00Z,review,moderator,minor_safety,,\n")
	ws := memWorkspace(t)
	sum, err := Import(context.Background(), ws, ImportRequest{Videos: []string{v}, Events: []string{e}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", sum)
	rows, _ := ws.DB.Query("SELECT line, column_name, reason, raw FROM rejects ORDER BY file, line")
	for rows.Next() {
		var line int64
		var col, reason, raw *string
		rows.Scan(&line, &col, &reason, &raw)
		t.Logf("reject line %d col %v: %v | %v", line, deref(col), deref(reason), deref(raw))
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
