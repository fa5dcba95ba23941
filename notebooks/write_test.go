package notebooks

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFile(t *testing.T) {
	leftovers := func(t *testing.T, dir string) {
		t.Helper()
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.Name() != "report.html" {
				t.Errorf("%s left in the folder", e.Name())
			}
		}
	}
	t.Run("writes the whole report", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "report.html")
		if err := WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "<html>new</html>"); return err }); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != "<html>new</html>" {
			t.Fatalf("report = %q, %v", got, err)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want 0644", fi.Mode().Perm())
		}
		leftovers(t, dir)
	})
	t.Run("a failed render keeps the old report", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "report.html")
		if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err := WriteFile(path, func(w io.Writer) error {
			// More than the buffer, so part of it reaches the temporary file.
			w.Write(make([]byte, 3<<20))
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want the render's error", err)
		}
		if got, _ := os.ReadFile(path); string(got) != "old" {
			t.Errorf("report = %.20q, want the old one", got)
		}
		leftovers(t, dir)
	})
	t.Run("a missing folder is an error naming it", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "no", "report.html")
		err := WriteFile(path, func(w io.Writer) error { return nil })
		if err == nil {
			t.Fatal("no error")
		}
		if _, serr := os.Stat(path); serr == nil {
			t.Error("a report was written")
		}
	})
}
