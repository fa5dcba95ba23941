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
	"time"

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
		_, err = datasets.Import(context.Background(), ws, datasets.ImportRequest{
			Videos: []string{filepath.Join(dir, "videos.csv")},
			Events: []string{filepath.Join(dir, "moderation_events.csv")},
			Progress: func(p datasets.Progress) {
				if p.Phase == "tags" {
					fmt.Println("loaded") // the videos are in the transaction now
				}
			},
		})
		fmt.Println("done", err)
		os.Exit(0)
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
// a workspace that opens and holds none of it.
func TestImportKilledHalfWay(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Config{Videos: 60000, Seed: 3, Format: "csv", Dir: dir}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ws.duckdb")
	cmd, out := child(t, "import", path, "TRENDLAB_TEST_DATA="+dir)
	line, err := out.ReadString('\n')
	if strings.TrimSpace(line) != "loaded" {
		t.Fatalf("child said %q, %v (the import finished before it could be killed?)", line, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	time.Sleep(100 * time.Millisecond)
	ws, err := datasets.Open(context.Background(), path, datasets.Options{})
	if err != nil {
		t.Fatalf("workspace does not open after a killed import: %v", err)
	}
	defer ws.Close()
	for _, table := range []string{"videos", "moderation_events", "video_tags", "imports", "rejects", "video_outcomes"} {
		var n int64
		if err := ws.DB.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s holds %d rows of the killed import", table, n)
		}
	}
}
