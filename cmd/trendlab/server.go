package main

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trendlab/trendlab/datasets"
)

// serverCommands are the commands that run on a workspace on a PostgreSQL
// server (issue 14); the others refuse it before they open it, rather than
// run DuckDB's SQL there. A command joins when it runs on both engines.
var serverCommands = map[string]bool{
	"trendlab import":  true,
	"trendlab migrate": true,
}

// serverCheck fails with datasets.ErrServerUnsupported, naming the
// command's job, when the workspace is on a server and the command does
// not run there yet.
func (a *app) serverCheck() error {
	if !datasets.IsServerURL(a.workspace) || a.command == nil || serverCommands[a.command.CommandPath()] {
		return nil
	}
	job := strings.TrimSuffix(a.command.Short, ".")
	if r, n := utf8.DecodeRuneInString(job); n > 0 {
		job = string(unicode.ToLower(r)) + job[n:]
	}
	return datasets.ServerUnsupported("trendlab " + a.command.Name() + " (" + job + ")")
}
