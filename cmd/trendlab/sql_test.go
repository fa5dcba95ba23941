package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// nastyWorkspace imports one video whose caption sets the terminal's
// title (OSC 0) and reverses the text after it (U+202E).
func nastyWorkspace(t *testing.T) (dir, ws string) {
	t.Helper()
	dir = t.TempDir()
	ws = filepath.Join(dir, "ws.duckdb")
	videos := filepath.Join(dir, "videos.csv")
	csv := "video_id,author_id,created_at,hashtags,caption\nv1,a,2026-06-01T00:00:00Z,#x,\"a\x1b]0;pwned\x07b\u202ec\u0085d\"\n"
	if err := os.WriteFile(videos, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := cli(t, "-w", ws, "import", "--videos", videos); code != exitOK {
		t.Fatal(stderr)
	}
	return dir, ws
}

// TestSQLReachesNothingOutside: trendlab sql reads no file unless the user
// passes --allow-file-access, and COPY ... TO and EXPORT DATABASE are
// refused before DuckDB sees them, so no file or folder appears.
func TestSQLReachesNothingOutside(t *testing.T) {
	dir, ws := nastyWorkspace(t)
	passwd := "SELECT count(*) AS n FROM read_text('/etc/passwd')"
	if code, _, stderr := cli(t, "-w", ws, "sql", passwd); code == exitOK || !strings.Contains(stderr, "/etc/passwd") {
		t.Errorf("sql read_text('/etc/passwd'): exit %d, stderr %q; want a refusal", code, stderr)
	}
	if code, stdout, stderr := cli(t, "-w", ws, "sql", "--allow-file-access", passwd); code != exitOK || !strings.Contains(stdout, "1 row") {
		t.Errorf("with --allow-file-access: exit %d, %q %q", code, stdout, stderr)
	}
	copied, exported := filepath.Join(dir, "copied.csv"), filepath.Join(dir, "exported")
	for _, args := range [][]string{
		{"sql", "COPY (SELECT * FROM videos) TO '" + copied + "'"},
		{"sql", "--allow-file-access", "COPY (SELECT * FROM videos) TO '" + copied + "'"},
		{"sql", "EXPORT DATABASE '" + exported + "'"},
	} {
		if code, _, stderr := cli(t, append([]string{"-w", ws}, args...)...); code == exitOK || !strings.Contains(stderr, "reaches outside the workspace") {
			t.Errorf("%q: exit %d, stderr %q; want a refusal", args, code, stderr)
		}
	}
	for _, p := range []string{copied, exported} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was created", p)
		}
	}
}

// TestTextToTerminal: --format csv (and the sample export) shows escapes
// visibly when standard output is a terminal, and writes the bytes as they
// are to a file or pipe; JSON escapes ESC, C1 controls and bidi overrides
// wherever it goes.
func TestTextToTerminal(t *testing.T) {
	_, ws := nastyWorkspace(t)
	qdir := t.TempDir()
	if err := os.WriteFile(filepath.Join(qdir, "captions.sql"), []byte("-- name: captions\n-- description: captions\nSELECT caption FROM videos"), 0o644); err != nil {
		t.Fatal(err)
	}
	raw := "a\x1b]0;pwned\x07b\u202ec\u0085d"
	shown := `a\x1b]0;pwned\x07b\u202ec\u0085d`
	defer func(f func(io.Writer) bool) { writesToTerminal = f }(writesToTerminal)
	for _, args := range [][]string{
		{"sql", "SELECT caption FROM videos", "--format", "csv"},
		{"query", "--queries", qdir, "run", "captions", "--format", "csv"},
	} {
		for _, terminal := range []bool{false, true} {
			writesToTerminal = func(io.Writer) bool { return terminal }
			code, stdout, stderr := cli(t, append([]string{"-w", ws}, args...)...)
			if code != exitOK {
				t.Fatalf("%q: exit %d: %s", args, code, stderr)
			}
			want := raw
			if terminal {
				want = shown
			}
			if stdout != "caption\n"+want+"\n" {
				t.Errorf("%q to a terminal %v: %q, want %q", args, terminal, stdout, "caption\n"+want+"\n")
			}
		}
	}
	for _, terminal := range []bool{false, true} {
		writesToTerminal = func(io.Writer) bool { return terminal }
		_, stdout, _ := cli(t, "-w", ws, "sql", "SELECT caption FROM videos", "--format", "json")
		if want := `"a\u001b]0;pwned\u0007b\u202ec\u0085d"`; !strings.Contains(stdout, want) {
			t.Errorf("json to a terminal %v: %q, want it to hold %s", terminal, stdout, want)
		}
	}
}

// TestSampleExportToTerminal: sample export's CSV shows a note's escapes
// visibly on a terminal and keeps its bytes in a pipe.
func TestSampleExportToTerminal(t *testing.T) {
	_, ws := nastyWorkspace(t)
	for _, args := range [][]string{
		{"sample", "create", "--name", "s", "--tag", "x", "--size", "1", "--seed", "1", "--by", "ana"},
		{"sample", "label", "s", "--video", "v1", "--label", "violating", "--note", "n\x1b[2Jote", "--reviewer", "ana"},
	} {
		if code, _, stderr := cli(t, append([]string{"-w", ws}, args...)...); code != exitOK {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
	}
	defer func(f func(io.Writer) bool) { writesToTerminal = f }(writesToTerminal)
	for terminal, want := range map[bool]string{false: "n\x1b[2Jote", true: `n\x1b[2Jote`} {
		writesToTerminal = func(io.Writer) bool { return terminal }
		code, stdout, stderr := cli(t, "-w", ws, "sample", "export", "s")
		if code != exitOK || !strings.Contains(stdout, ",ana,violating,"+want+",") {
			t.Errorf("sample export to a terminal %v: exit %d, %q %s; want the note as %q", terminal, code, stdout, stderr, want)
		}
	}
}
