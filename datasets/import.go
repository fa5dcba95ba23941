package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ImportRequest says what to import.
type ImportRequest struct {
	Videos, Events []string // files or globs, in order
	Format         string   // "" reads the format from each file's extension
	Mapping        *Mapping // nil: the exports have the contract's shape
	Strict         bool     // fail the whole import on any rejected row
	// Progress, if set, is told each phase as it starts.
	Progress func(Progress)

	// Views, Searches and Interventions are the optional exports
	// (optional.go), loaded in the same transaction.
	Views, Searches, Interventions []string
}

// Progress reports the phase an import is in.
type Progress struct {
	File      string // "" for phases over the whole import
	Index     int    // 1-based index of the file, of Files
	Files     int
	Phase     string // hashing, reading, validating, loading, tags, outcomes, committing
	SizeBytes int64
	// Fraction estimates how much of the whole import is done, in [0, 1],
	// from the bytes of the files before this one and the phase of this one.
	Fraction float64
	// Rows counts the rows loaded so far, by the files done.
	Rows int64
}

// FileSummary is what happened to one file.
type FileSummary struct {
	ImportID     int64         `json:"import_id,omitempty"`
	Kind         string        `json:"kind"` // videos or events
	File         string        `json:"file"`
	Format       string        `json:"format"`
	Compression  string        `json:"compression"`
	SizeBytes    int64         `json:"size_bytes"`
	SHA256       string        `json:"sha256"`
	RowsRead     int64         `json:"rows_read"`
	RowsLoaded   int64         `json:"rows_loaded"`
	RowsRejected int64         `json:"rows_rejected"`
	Skipped      string        `json:"skipped,omitempty"` // why nothing was imported, e.g. already imported
	Duration     time.Duration `json:"duration_ns"`
	Reasons      []ReasonCount `json:"top_reject_reasons,omitempty"`
	UnmappedCols []string      `json:"kept_in_extra,omitempty"` // source columns kept in the extra JSON column
	TagsFrom     string        `json:"hashtags_from,omitempty"` // videos: "hashtags column" or "caption"
}

// ReasonCount counts rejects by the column that failed.
type ReasonCount struct {
	Column  string `json:"column"`
	Example string `json:"example"`
	Rows    int64  `json:"rows"`
	// FirstLine is the line of the example.
	FirstLine int64 `json:"first_line"`
}

// ImportSummary is the outcome of an import.
type ImportSummary struct {
	Files        []FileSummary `json:"files"`
	VideosLoaded int64         `json:"videos_loaded"`
	EventsLoaded int64         `json:"events_loaded"`
	Rejected     int64         `json:"rows_rejected"`
	EmptyTags    int64         `json:"empty_hashtag_tokens"` // tokens such as "#" that normalise to nothing
	Workspace    Counts        `json:"workspace"`
	Duration     time.Duration `json:"duration_ns"`

	// OptionalLoaded counts rows loaded per optional export kind (views,
	// searches, interventions).
	OptionalLoaded map[string]int64 `json:"optional_loaded,omitempty"`
}

// Counts are the workspace totals after an import.
type Counts struct {
	Videos       int64 `json:"videos"`
	Events       int64 `json:"events"`
	OrphanEvents int64 `json:"orphan_events"`
	Rejects      int64 `json:"rejects"`
}

// ErrRejected is returned by a strict import that found rows it would reject.
var ErrRejected = errors.New("rows were rejected")

// ErrNothingToImport: an import request named no file.
var ErrNothingToImport = errors.New("nothing to import: give content or moderation-event files (or the optional views, searches, interventions)")

// Import loads export files into the workspace: either every file is
// imported, or (on error, cancellation or a killed process) none is. A file
// whose SHA-256 the workspace already holds is skipped.
//
// All or nothing, also under kill -9 at any instant, rests on four commits
// and on every loaded row carrying its import_id:
//
//  1. intent: the new imports' ids go into unfinished_imports, committed
//     alone, before any data;
//  2. files: videos, moderation_events, rejects and imports rows;
//  3. derived: video_tags and tag_days (by import_id), and video_outcomes of
//     the videos the import touches (see refreshOutcomesFor);
//  4. finish: the ids leave unfinished_imports, committed alone.
//
// DuckDB reads committed rows two to three times faster than a
// transaction's own, hence 2 and 3 apart. A workspace that holds ids in
// unfinished_imports was left by an import that stopped before 4, whichever
// of 2 and 3 (or part of one) reached the disk; discardUnfinished deletes
// every row of those imports from each table in importScoped, rebuilds
// video_outcomes, and only then clears the list (Import does it on error,
// the next Open after a kill). Nothing depends on a commit of several
// tables being atomic under a kill: only the two one-table commits, 1 and
// 4, decide whether an import happened.
//
// Another kind of file joins this by loading its rows with their import_id
// between 1 and 4, and listing its table in importScoped.
func Import(ctx context.Context, ws *Workspace, req ImportRequest) (*ImportSummary, error) {
	start := time.Now()
	if ws.ReadOnly {
		return nil, fmt.Errorf("%w: importing needs it open for writing", ErrReadOnly)
	}
	if len(req.Videos)+len(req.Events)+len(req.Views)+len(req.Searches)+len(req.Interventions) == 0 {
		return nil, ErrNothingToImport
	}
	if ws.Dialect == Postgres {
		return importPostgres(ctx, ws, req) // import_pg.go
	}
	type job struct {
		t table
		f inputFile
	}
	var jobs []job
	for _, part := range []struct {
		t    table
		args []string
	}{{videosTable, req.Videos}, {eventsTable, req.Events},
		{viewsTable.table, req.Views}, {searchesTable.table, req.Searches}, {interventionsTable.table, req.Interventions}} {
		files, err := expandFiles(part.args, req.Format)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			jobs = append(jobs, job{part.t, f})
		}
	}
	var totalBytes, doneBytes, doneRows int64
	for _, j := range jobs {
		totalBytes += j.f.size
	}
	progress := func(p Progress) {
		if req.Progress == nil {
			return
		}
		p.Files, p.Rows = len(jobs), doneRows
		// Files take 65% of the time, in proportion to their size; the
		// derived tables the rest (at 10M videos: files 28 s, hashtags and
		// tag_days 11 s, outcomes 1.5 s).
		const filesShare = 0.65
		switch p.Phase {
		case "tags":
			p.Fraction = filesShare
		case "outcomes":
			p.Fraction = filesShare + 0.28
		case "committing":
			p.Fraction = filesShare + 0.33
		default:
			within := map[string]float64{"hashing": 0, "reading": 0.1, "validating": 0.5, "loading": 0.55}[p.Phase]
			if totalBytes > 0 {
				p.Fraction = filesShare * (float64(doneBytes) + within*float64(p.SizeBytes)) / float64(totalBytes)
			}
		}
		req.Progress(p)
	}

	// Hash every file first: the files already imported are skipped, and
	// the others get their import ids in the intent commit.
	sum := &ImportSummary{Files: make([]FileSummary, len(jobs))}
	seen := map[string]int{} // kind and SHA-256 -> index of the first such file
	for i := range jobs {
		j := &jobs[i]
		progress(Progress{File: j.f.path, Index: i + 1, Phase: "hashing", SizeBytes: j.f.size})
		hashStart := time.Now()
		if err := hashAndVerify(&j.f); err != nil {
			return nil, err
		}
		traced(hashStart, "sha256 and text check of "+j.f.path)
		fs := &sum.Files[i]
		*fs = FileSummary{Kind: j.t.kind, File: j.f.path, Format: j.f.format, Compression: j.f.compression, SizeBytes: j.f.size, SHA256: j.f.sha256}
		var prevID int64
		var prevAt time.Time
		err := ws.DB.QueryRowContext(ctx, `SELECT import_id, started_at FROM imports WHERE sha256 = ? AND kind = ? ORDER BY import_id LIMIT 1`, j.f.sha256, j.t.kind).Scan(&prevID, &prevAt)
		switch {
		case err == nil:
			fs.Skipped = fmt.Sprintf("already imported (import %d, %s): same SHA-256", prevID, prevAt.Format(time.RFC3339))
		case !errors.Is(err, sql.ErrNoRows):
			return nil, err
		default:
			key := j.t.kind + " " + j.f.sha256
			if first, ok := seen[key]; ok {
				fs.Skipped = fmt.Sprintf("same SHA-256 as %s, imported now", jobs[first].f.path)
			} else {
				seen[key] = i
			}
		}
		if fs.Skipped != "" {
			doneBytes += j.f.size
		}
	}
	if !anyImported(sum) {
		return sum, nil // every file was there already: leave the workspace untouched
	}
	ids, err := beginImports(ctx, ws.DB, sum)
	if err != nil {
		return nil, err
	}
	// From here on, a failure takes back what the import committed, even
	// though ctx may be done.
	fail := func(err error) (*ImportSummary, error) {
		if _, derr := discardUnfinished(context.WithoutCancel(ctx), ws.DB); derr != nil {
			return nil, fmt.Errorf("%w; removing the files it had loaded failed too (%v): the next trendlab command on this workspace removes them", err, derr)
		}
		return nil, err
	}
	if err := loadFiles(ctx, ws, req, sum, func(i int) (table, inputFile) { return jobs[i].t, jobs[i].f }, func(i int, phase string) {
		if phase == "done" {
			doneBytes += jobs[i].f.size
			doneRows += sum.Files[i].RowsLoaded
			return
		}
		progress(Progress{File: jobs[i].f.path, Index: i + 1, Phase: phase, SizeBytes: jobs[i].f.size})
	}); err != nil {
		return fail(err)
	}
	if req.Strict && sum.Rejected > 0 {
		return fail(fmt.Errorf("%w: %d rows failed validation in strict mode, so nothing was imported; %s", ErrRejected, sum.Rejected, firstRejects(sum)))
	}
	if err := deriveTables(ctx, ws, sum, progress); err != nil {
		return fail(err)
	}
	if err := finishImports(ctx, ws.DB, ids); err != nil {
		return fail(err)
	}
	sum.Duration = time.Since(start)
	return sum, nil
}

// beginImports is the intent commit: it gives each file to import its
// import id and lists the ids in unfinished_imports.
func beginImports(ctx context.Context, db *sql.DB, sum *ImportSummary) ([]int64, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var ids []int64
	for i := range sum.Files {
		fs := &sum.Files[i]
		if fs.Skipped != "" {
			continue
		}
		if err := tx.QueryRowContext(ctx, `SELECT nextval('import_id_seq')`).Scan(&fs.ImportID); err != nil {
			return nil, err
		}
		if _, err := execT(ctx, tx, `INSERT INTO unfinished_imports VALUES (?)`, fs.ImportID); err != nil {
			return nil, err
		}
		ids = append(ids, fs.ImportID)
	}
	if err := commitT(tx, "of the intent"); err != nil {
		return nil, fmt.Errorf("starting the import: %w", err)
	}
	return ids, nil
}

// finishImports is the last commit: the imports are whole.
func finishImports(ctx context.Context, db *sql.DB, ids []int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range ids {
		if _, err := execT(ctx, tx, `DELETE FROM unfinished_imports WHERE import_id = ?`, id); err != nil {
			return err
		}
	}
	if err := commitT(tx, "of the finish"); err != nil {
		return fmt.Errorf("finishing the import: %w", err)
	}
	return nil
}

func anyImported(sum *ImportSummary) bool {
	for _, f := range sum.Files {
		if f.Skipped == "" {
			return true
		}
	}
	return false
}

func firstRejects(sum *ImportSummary) string {
	var parts []string
	for _, f := range sum.Files {
		for _, r := range f.Reasons {
			parts = append(parts, fmt.Sprintf("%s:%d: %s (%d rows like it)", f.File, r.FirstLine, r.Example, r.Rows))
			if len(parts) == 3 {
				return strings.Join(parts, "; ")
			}
		}
	}
	return strings.Join(parts, "; ")
}
