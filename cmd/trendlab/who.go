package main

import (
	"os"

	"github.com/trendlab/trendlab/internal/who"
)

// resolveWho names who labels, decides or records, by the one rule of
// internal/who (the TUI uses it too), with the flag to pass when neither
// it nor the environment names anyone.
func resolveWho(given, flag string) (string, error) {
	name, err := who.Resolve(given, os.Getenv)
	if err != nil {
		return "", usagef("%v: pass %s NAME or set $USER", err, flag)
	}
	return name, nil
}

// whoHelp is the help of a --by flag.
const whoHelp = "who does it, for the record (default $USER, else $USERNAME; refused when neither is set)"
