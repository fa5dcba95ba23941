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
	// Investigations aggregate through package engine (TestEnginesAgree),
	// the spike scan (--scan-spikes) too (engine.Spikes).
	"trendlab investigate": true,
	// Impact analyses (engine.Impact) and interventions, a small table in
	// the common SQL (TestImpactEnginesAgree).
	"trendlab impact platform":     true,
	"trendlab impact intervention": true,
	"trendlab intervention add":    true,
	"trendlab intervention list":   true,
	"trendlab intervention rm":     true,
	// Sweeps aggregate through engine.Sweeper (TestSweepEnginesAgree).
	"trendlab sweep": true,
	// Samples, labels and tag set decisions (review, analysis/tagset.go).
	"trendlab sample plan":      true,
	"trendlab sample create":    true,
	"trendlab sample list":      true,
	"trendlab sample show":      true,
	"trendlab sample label":     true,
	"trendlab sample estimate":  true,
	"trendlab sample agreement": true,
	"trendlab sample export":    true,
	"trendlab tagset variants":  true,
	"trendlab tagset list":      true,
	"trendlab tagset show":      true,
	"trendlab tagset accept":    true,
	"trendlab tagset reject":    true,
	// Saved queries run their NAME.pg.sql variant there (queries/server.go).
	"trendlab query list":  true,
	"trendlab query show":  true,
	"trendlab query run":   true,
	"trendlab query check": true,
	"trendlab sql":         true,
	// Watches (also run by every import) and term lists: their
	// aggregations are engine.Watcher and engine.TermChecker
	// (TestWatchStory/postgres, TestTermsEnginesAgree).
	"trendlab watch add":    true,
	"trendlab watch list":   true,
	"trendlab watch rm":     true,
	"trendlab watch run":    true,
	"trendlab watch alerts": true,
	"trendlab terms export": true,
	"trendlab terms save":   true,
	"trendlab terms list":   true,
	"trendlab terms diff":   true,
	"trendlab terms check":  true,
	// Reports (notebooks: sql blocks in the shared SQL, tagset_videos per
	// dialect; TestShippedReportSameOnBothEngines) and the TUI (cursors
	// for results, the catalog from information_schema; tui TestServer*);
	// bare trendlab is the TUI.
	"trendlab report": true,
	"trendlab tui":    true,
	"trendlab":        true,
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
