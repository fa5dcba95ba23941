package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/datasets"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// cli runs trendlab in-process and returns its exit code and output.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// scrub replaces what changes from run to run (temp paths, times, durations,
// hashes of temp files) so the output can be compared with a golden file.
func scrub(s, dir string) string {
	s = strings.ReplaceAll(s, dir, "$DIR")
	for _, r := range []struct{ re, with string }{
		{`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z`, "$$TIME"},
		{`\b\d+(\.\d+)?(ns|µs|ms|s|m)\b`, "$$DUR"},
		{`\d+(\.\d+)?[smh]?\d*(ms|µs)?\b \(total`, "$$DUR (total"},
		{` {2,}`, "  "}, // column widths follow the temp dir's length
	} {
		s = regexp.MustCompile(r.re).ReplaceAllString(s, r.with)
	}
	return s
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

// TestCLIUnfinishedImport: the first command on a workspace whose import
// stopped between its two commits removes that import and says so.
func TestCLIUnfinishedImport(t *testing.T) {
	dir := t.TempDir()
	ws := filepath.Join(dir, "ws.duckdb")
	videos := filepath.Join(dir, "videos.csv")
	os.WriteFile(videos, []byte("video_id,author_id,created_at,hashtags\nv1,a,2026-06-01T00:00:00Z,#x\n"), 0o644)
	if code, _, stderr := cli(t, "-w", ws, "import", "--videos", videos); code != exitOK {
		t.Fatal(stderr)
	}
	w, err := datasets.Open(context.Background(), ws, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// What a process killed between the commits leaves behind.
	if _, err := w.DB.Exec(`INSERT INTO unfinished_imports SELECT import_id FROM imports`); err != nil {
		t.Fatal(err)
	}
	w.Close()
	args := []string{"-w", ws, "sql", "SELECT count(*) AS videos FROM videos"}
	code, stdout, stderr := cli(t, args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden(t, "cli_unfinished_import", scrub("$ trendlab "+strings.Join(args, " ")+"\n"+stdout+"--- stderr\n"+stderr, dir))
}
