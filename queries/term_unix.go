//go:build unix

package queries

import (
	"os"

	"golang.org/x/sys/unix"
)

const canAskTerminal = true

// terminalWidth asks the terminal behind f for its width.
func terminalWidth(f *os.File) int {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
