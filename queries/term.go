package queries

import (
	"os"
	"strconv"
)

// IsTerminal reports whether f is a terminal, where binary output must not
// go and the table should fit the width. /dev/null is a character device
// but not a terminal: where the platform can ask (Unix), a terminal is a
// character device that reports a window size.
func IsTerminal(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	return !canAskTerminal || terminalWidth(f) > 0
}

// TerminalWidth is the width of the terminal behind f: COLUMNS if set,
// else what the terminal reports, else 0 (no limit) when f is not a
// terminal.
func TerminalWidth(f *os.File) int {
	if !IsTerminal(f) {
		return 0
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return terminalWidth(f)
}
