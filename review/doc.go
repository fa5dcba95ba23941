// Package review is the labelled review of a sample of videos: drawing a
// reproducible sample from a frame (draw.go, frame.go), the reviewers'
// labels and their audit trail (labels.go), estimates of the share of the
// frame with each label (estimate.go), agreement between two reviewers
// (agreement.go) and the export of a labelled sample (export.go).
//
// Selection ranks every frame video by md5(seed || ':' || video_id) and
// takes the n smallest (per stratum when stratified). md5 is a fixed,
// documented function, so the same workspace, frame and seed give the same
// members on any machine, whatever the order the rows were inserted in.
// The hash is computed in Go (draw.go), never by the engine, so a sample is
// also the same on DuckDB and on PostgreSQL: the engine counts the frame
// per stratum and streams its ids; Go keeps the n smallest per stratum.
//
// The labels table is append-only: every label given is a new row (who,
// when, optional note and reason), and a reviewer's current label on a
// member is their latest row (the current_labels view). Changing a label
// therefore keeps its history. Each label is one INSERT statement,
// committed at once, so a crash loses at most the label being given.
//
// Labelling while others read: DuckDB allows one process to open a
// workspace for writing or many to open it read-only, never both. The TUI
// therefore opens it read-only, and a label given on a read-only workspace
// is appended to a journal beside it (<workspace>.labels.jsonl), fsync'd
// under an exclusive flock, with who and when. Every reader of labels here
// merges the journal with the labels table (reading it under a shared lock
// held only while the file is read, so a reader never waits for the
// labeller), and a writable open applies it in one statement and then
// empties it; applying again skips what is already in the table, so a crash
// in between loses and duplicates nothing. journal.go has the details.
//
// review reads the workspace (datasets) and uses analysis/stats for the
// statistics; it does not depend on the investigation (analysis).
package review
