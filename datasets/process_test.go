package datasets_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
)

// TestMain lets a test start this binary again as a second process that
// holds a workspace or runs an import, to test what other processes see.
func TestMain(m *testing.M) {
	switch os.Getenv("TRENDLAB_TEST_CHILD") {
	case "hold":
		ws, err := datasets.Open(context.Background(), os.Getenv("TRENDLAB_TEST_WS"), datasets.Options{})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("holding")
		bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
		ws.Close()
		os.Exit(0)
	case "import":
		ws, err := datasets.Open(context.Background(), os.Getenv("TRENDLAB_TEST_WS"), datasets.Options{})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		dir := os.Getenv("TRENDLAB_TEST_DATA")
		stopAt := os.Getenv("TRENDLAB_TEST_STOP_AT") // "phase" or "phase index"
		_, err = datasets.Import(context.Background(), ws, datasets.ImportRequest{
			Videos: []string{filepath.Join(dir, "videos.csv")},
			Events: []string{filepath.Join(dir, "moderation_events.csv")},
			Progress: func(p datasets.Progress) {
				if stopAt == p.Phase || stopAt == fmt.Sprint(p.Phase, " ", p.Index) {
					fmt.Println("stopped")
					bufio.NewReader(os.Stdin).ReadString('\n') // until killed
				}
			},
		})
		fmt.Println("done", err)
		os.Exit(0)
	case "crash":
		crashChild()
	}
	os.Exit(m.Run())
}

func child(t *testing.T, mode, ws string, env ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append(env, "TRENDLAB_TEST_CHILD="+mode, "TRENDLAB_TEST_WS="+ws)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	return cmd, bufio.NewReader(out)
}

func TestWorkspaceLockedByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.duckdb")
	_, out := child(t, "hold", path)
	if line, _ := out.ReadString('\n'); strings.TrimSpace(line) != "holding" {
		t.Fatalf("child: %q", line)
	}
	for _, ro := range []bool{false, true} {
		_, err := datasets.Open(context.Background(), path, datasets.Options{ReadOnly: ro})
		if !errors.Is(err, datasets.ErrLocked) {
			t.Fatalf("read-only=%v: err = %v, want ErrLocked", ro, err)
		}
		if !strings.Contains(err.Error(), "is open in process") || !strings.Contains(err.Error(), "wait for it to finish") {
			t.Errorf("error does not say what to do: %v", err)
		}
	}
}

// TestImportKilledHalfWay: a process killed in the middle of an import leaves
// a workspace that opens and holds none of it, whether it was killed while
// loading the files (the first transaction) or after their commit, while
// deriving tables (the second), and whether the next open is read-only.
func TestImportKilledHalfWay(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Config{Videos: 60000, Seed: 3, Format: "csv", Dir: dir}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		stopAt    string
		readOnly  bool
		discarded int // files the next open removes
	}{
		{"loading 2", false, 0}, // the videos are in the uncommitted transaction
		{"tags", false, 2},      // both files are committed, nothing derived yet
		{"outcomes", true, 2},
	} {
		t.Run(tc.stopAt, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ws.duckdb")
			cmd, out := child(t, "import", path, "TRENDLAB_TEST_DATA="+dir, "TRENDLAB_TEST_STOP_AT="+tc.stopAt)
			line, err := out.ReadString('\n')
			if strings.TrimSpace(line) != "stopped" {
				t.Fatalf("child said %q, %v", line, err)
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			ws, err := datasets.Open(context.Background(), path, datasets.Options{ReadOnly: tc.readOnly})
			if err != nil {
				t.Fatalf("workspace does not open after a killed import: %v", err)
			}
			defer ws.Close()
			if len(ws.Discarded) != tc.discarded {
				t.Errorf("Discarded = %q, want %d files", ws.Discarded, tc.discarded)
			}
			assertEmpty(t, ws)
		})
	}
}

// TestImportCancelledAfterFilesCommit: cancelled between its two commits, an
// import takes back what it had committed.
func TestImportCancelledAfterFilesCommit(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Config{Videos: 2000, Seed: 4, Format: "csv", Dir: dir}); err != nil {
		t.Fatal(err)
	}
	ws, err := datasets.Open(context.Background(), filepath.Join(t.TempDir(), "ws.duckdb"), datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = datasets.Import(ctx, ws, datasets.ImportRequest{
		Videos: []string{filepath.Join(dir, "videos.csv")},
		Events: []string{filepath.Join(dir, "moderation_events.csv")},
		Progress: func(p datasets.Progress) {
			if p.Phase == "outcomes" {
				cancel()
			}
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	assertEmpty(t, ws)
}

func assertEmpty(t *testing.T, ws *datasets.Workspace) {
	t.Helper()
	for _, table := range []string{"videos", "moderation_events", "video_tags", "tag_days", "imports", "unfinished_imports", "rejects", "video_outcomes"} {
		var n int64
		if err := ws.DB.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s holds %d rows of the stopped import", table, n)
		}
	}
}
