package e2e

import (
	"os"
	"os/exec"
	"testing"
)

// TestTmuxWalkthrough drives the real binary in tmux through a whole
// investigation, checking the caption rule on every screen that can show a
// caption (testdata/tmux_walkthrough.sh).
func TestTmuxWalkthrough(t *testing.T) {
	bin := binary(t)
	needTmux(t)
	cmd := exec.Command("bash", "testdata/tmux_walkthrough.sh", t.TempDir())
	cmd.Env = append(os.Environ(), "TRENDLAB_BIN="+bin)
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("walkthrough failed: %v", err)
	}
}
