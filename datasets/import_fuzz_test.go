package datasets

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzImportCSV feeds arbitrary bytes as the rows of a videos CSV. Whatever
// they hold, the import either fails with a FileError or accounts for every
// row as loaded or rejected, and the workspace stays usable.
func FuzzImportCSV(f *testing.F) {
	f.Add([]byte("v1,a,2026-06-01T00:00:00Z,hi,#a,US,en,18+,1,2,3,4,5\n"))
	f.Add([]byte("v1,a,bad,\"open\n"))
	f.Add([]byte("v1,a,2026-06-01,\x00,,,,,,,,,\r\n"))
	f.Add([]byte("\xff\xfe\n"))
	f.Add([]byte("v1,a,2026-06-01T00:00:00Z,,,,,,,,,,,,,,\nv1,a,2026-06-01T00:00:00Z,,,,,,,,,,\n"))
	ws, err := OpenMemory(context.Background())
	if err != nil {
		f.Fatal(err)
	}
	defer ws.Close()
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, body []byte) {
		p := filepath.Join(dir, "v.csv")
		if err := os.WriteFile(p, append([]byte(videosHeader), body...), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for _, q := range []string{"DELETE FROM videos", "DELETE FROM video_tags", "DELETE FROM rejects", "DELETE FROM imports", "DELETE FROM video_outcomes"} {
			if _, err := ws.DB.Exec(q); err != nil {
				t.Fatalf("workspace unusable: %v", err)
			}
		}
		sum, err := Import(ctx, ws, ImportRequest{Videos: []string{p}})
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error without a file position: %v", err)
			}
			return
		}
		var read, loaded, rejected int64
		if err := ws.DB.QueryRow(`SELECT rows_read, rows_loaded, rows_rejected FROM imports`).Scan(&read, &loaded, &rejected); err != nil {
			t.Fatal(err)
		}
		if loaded+rejected != read || loaded != sum.VideosLoaded {
			t.Fatalf("rows not accounted for: read %d loaded %d rejected %d", read, loaded, rejected)
		}
		if n := count(t, ws, "SELECT count(*) FROM videos"); n != loaded {
			t.Fatalf("videos %d, loaded %d", n, loaded)
		}
	})
}
