package e2e

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// trendlab is the binary built once for every test of the package; empty
// under -short, where the tests skip.
var trendlab string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if testing.Short() {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "trendlab-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	trendlab = filepath.Join(dir, "trendlab")
	build := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", trendlab, "../cmd/trendlab")
	build.Env = append(os.Environ(), "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building trendlab: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// binary is the built trendlab, or skips the test under -short.
func binary(t *testing.T) string {
	t.Helper()
	if trendlab == "" {
		t.Skip("end-to-end: builds and runs the binary; not in -short")
	}
	return trendlab
}

// needTmux skips without tmux, except in CI (CI set), where it fails.
func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed; CI must run the TUI walkthrough (apt-get install tmux)")
		}
		t.Skip("tmux is not installed")
	}
}
