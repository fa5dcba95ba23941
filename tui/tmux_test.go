package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestTmuxWalkthrough builds the real binary and drives it in tmux through
// a whole investigation (testdata/tmux_walkthrough.sh). Without tmux it is
// skipped, except in CI (CI set), where that is a failure.
func TestTmuxWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it in tmux; not in -short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed; CI must run the TUI walkthrough (apt-get install tmux)")
		}
		t.Skip("tmux is not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "trendlab")
	build := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", bin, "../cmd/trendlab")
	build.Env = append(os.Environ(), "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building trendlab: %v\n%s", err, out)
	}
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "testdata/tmux_walkthrough.sh", work)
	cmd.Env = append(os.Environ(), "TRENDLAB_BIN="+bin)
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("walkthrough failed: %v", err)
	}
}
