package queries

import (
	"os"
	"strconv"
)

// IsTerminal reports whether f is a terminal (a character device), where
// binary output must not go and the table should fit the width.
func IsTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
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
