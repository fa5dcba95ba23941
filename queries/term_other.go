//go:build !unix

package queries

import "os"

const canAskTerminal = false

// terminalWidth is unknown here; COLUMNS (see TerminalWidth) is the way to
// give it.
func terminalWidth(*os.File) int { return 0 }
