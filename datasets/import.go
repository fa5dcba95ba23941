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

// loadFiles is the files' commit: each file not skipped is validated and
// loaded under the import id beginImports gave it. phase is told each phase
// of file i, and "done" when it is loaded.
func loadFiles(ctx context.Context, ws *Workspace, req ImportRequest, sum *ImportSummary, job func(int) (table, inputFile), phase func(int, string)) error {
	tx, err := ws.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i := range sum.Files {
		fs := &sum.Files[i]
		if fs.Skipped != "" {
			continue
		}
		t, f := job(i)
		load := importFile
		if ot, ok := optionalTableOf(t.kind); ok { // optional.go
			load = ot.importFile
		}
		if err := load(ctx, tx, t, f, req.Mapping.forTable(t), fs, func(p string) { phase(i, p) }); err != nil {
			return err
		}
		if req.Mapping != nil {
			if _, err := execT(ctx, tx, `UPDATE imports SET mapping = ? WHERE import_id = ?`, req.Mapping.Text, fs.ImportID); err != nil {
				return err
			}
		}
		switch t.kind {
		case "videos":
			sum.VideosLoaded += fs.RowsLoaded
		case "events":
			sum.EventsLoaded += fs.RowsLoaded
		default:
			sum.addOptional(t.kind, fs.RowsLoaded)
		}
		sum.Rejected += fs.RowsRejected
		phase(i, "done")
	}
	if req.Strict && sum.Rejected > 0 {
		return nil // the caller fails; nothing is committed
	}
	if err := commitT(tx, "of the files"); err != nil {
		return fmt.Errorf("committing the files: %w", err)
	}
	return nil
}

// deriveTables is the import's third commit: hashtags, tag_days and
// video_outcomes from the committed files, and the workspace totals.
func deriveTables(ctx context.Context, ws *Workspace, sum *ImportSummary, progress func(Progress)) error {
	tx, err := ws.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	progress(Progress{Phase: "tags"})
	var ids []int64
	for _, f := range sum.Files {
		if f.Skipped != "" {
			continue
		}
		ids = append(ids, f.ImportID)
		if f.Kind != "videos" {
			continue
		}
		empty, err := loadTags(ctx, tx, f.ImportID, f.TagsFrom == "caption")
		if err != nil {
			return fmt.Errorf("normalising hashtags: %w", err)
		}
		sum.EmptyTags += empty
	}
	progress(Progress{Phase: "outcomes"})
	outStart := time.Now()
	if err := refreshOutcomesFor(ctx, tx, ids); err != nil {
		return err
	}
	traced(outStart, "refresh video_outcomes")
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM videos), (SELECT count(*) FROM moderation_events),
		(SELECT count(*) FROM orphan_events), (SELECT count(*) FROM rejects)`).Scan(
		&sum.Workspace.Videos, &sum.Workspace.Events, &sum.Workspace.OrphanEvents, &sum.Workspace.Rejects); err != nil {
		return err
	}
	progress(Progress{Phase: "committing"})
	if err := commitT(tx, "of the derived tables"); err != nil {
		return fmt.Errorf("committing the import: %w", err)
	}
	return nil
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

// importScoped lists the tables whose every row carries the import_id of
// the import that loaded it (or derived it from that import's rows):
// discardUnfinished deletes from each. A new kind of imported file adds
// its table here.
var importScoped = append([]string{"videos", "moderation_events", "rejects", "video_tags", "tag_days", "imports"}, optionalDataTables...)

// discardUnfinished removes every row of the imports listed in
// unfinished_imports (imports that stopped before their last commit) and
// returns their files. It commits twice, the rows and then the list, so
// that a kill in between leaves the list for the next open to finish.
func discardUnfinished(ctx context.Context, db *sql.DB) ([]string, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM unfinished_imports`).Scan(&n); err != nil || n == 0 {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT file FROM imports WHERE import_id IN (SELECT import_id FROM unfinished_imports) ORDER BY import_id`)
	if err != nil {
		return nil, err
	}
	var files []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			rows.Close()
			return nil, err
		}
		files = append(files, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, table := range importScoped {
		if _, err := execT(ctx, tx, `DELETE FROM `+table+` WHERE import_id IN (SELECT import_id FROM unfinished_imports)`); err != nil {
			return nil, fmt.Errorf("removing an unfinished import from %s: %w", table, err)
		}
	}
	// video_outcomes mixes imports: rebuilt whole, which an interrupted
	// import is rare enough to afford.
	if err := refreshVideoOutcomes(ctx, tx); err != nil {
		return nil, err
	}
	if err := commitT(tx, "of the removal of unfinished imports"); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM unfinished_imports`); err != nil {
		return nil, err
	}
	return files, nil
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

// importFile validates and loads one file inside tx, under fs.ImportID. A CSV file is first
// loaded in one streaming pass; only if that pass finds a row it cannot load
// (or a duplicate id) is the file loaded again from a staged copy, which
// knows every row's line for the rejects.
func importFile(ctx context.Context, tx *sql.Tx, t table, f inputFile, m map[string]ColumnMapping, fs *FileSummary, phase func(string)) error {
	start := time.Now()
	importID := fs.ImportID
	if f.format == "csv" {
		clean, err := loadFile(ctx, tx, t, f, m, fs, phase, importID, true)
		if err != nil {
			return err
		}
		if !clean {
			phase("reloading with line numbers")
			if _, err := execT(ctx, tx, fmt.Sprintf(`DELETE FROM %s WHERE import_id = ?`, t.name), importID); err != nil {
				return err
			}
			if _, err := loadFile(ctx, tx, t, f, m, fs, phase, importID, false); err != nil {
				return err
			}
		}
	} else if _, err := loadFile(ctx, tx, t, f, m, fs, phase, importID, false); err != nil {
		return err
	}
	if fs.RowsRejected > 0 {
		rows, err := tx.QueryContext(ctx, `SELECT coalesce(column_name, '(row)'), arg_min(reason, line), count(*), coalesce(min(line), 0) FROM rejects
			WHERE import_id = ? GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 5`, importID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var r ReasonCount
			if err := rows.Scan(&r.Column, &r.Example, &r.Rows, &r.FirstLine); err != nil {
				rows.Close()
				return err
			}
			fs.Reasons = append(fs.Reasons, r)
		}
		rows.Close()
	}
	fs.Duration = time.Since(start)
	_, err := execT(ctx, tx, `INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)`,
		importID, t.kind, f.path, f.size, f.sha256, f.format, f.compression,
		fs.RowsRead, fs.RowsLoaded, fs.RowsRejected, start.UTC(), fs.Duration.Milliseconds(), Version)
	return err
}

// loadFile makes one attempt at loading f. With direct set (CSV only) it
// streams the file straight into the table and reports clean = false,
// keeping nothing, when a row was rejected or an id repeats: the caller then
// deletes the loaded rows and calls again without direct.
func loadFile(ctx context.Context, tx *sql.Tx, t table, f inputFile, m map[string]ColumnMapping, fs *FileSummary, phase func(string), importID int64, direct bool) (clean bool, err error) {
	phase("reading")
	src, err := open(ctx, tx, f, direct)
	if err != nil {
		return false, err
	}
	p, err := buildPlan(t, src, m)
	if err != nil {
		return false, err
	}
	fs.UnmappedCols = nil
	for _, n := range src.names {
		if !planUses(t, m, n) {
			fs.UnmappedCols = append(fs.UnmappedCols, n)
		}
	}
	if t.kind == "videos" {
		fs.TagsFrom = "hashtags column"
		if p.tagsFromCaption {
			fs.TagsFrom = "caption"
		}
	}
	idExpr := p.values[t.id]
	var before int64 // rows the table held before this file
	if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM %s WHERE import_id <> ?`, t.name), importID).Scan(&before); err != nil {
		return false, err
	}
	// The line is computed in a subquery: its expression may hold a
	// subquery, and DuckDB cannot then refer to select-list aliases.
	from := fmt.Sprintf("(SELECT *, %s AS tl_line FROM %s AS tl_stage) AS tl_stage", src.line, src.rel)
	if !direct {
		phase("validating")
		// Ids must be unique within the workspace: the first line with an
		// id keeps it; later lines, and ids the workspace holds, are rejected.
		if _, err := execT(ctx, tx, fmt.Sprintf(`CREATE TEMP TABLE tl_dups AS
			SELECT %s AS id, min(%s) AS first_line FROM %s AS tl_stage WHERE id IS NOT NULL
			GROUP BY 1 HAVING count(*) > 1`, idExpr, src.line, src.rel)); err != nil {
			return false, err
		}
		var dups int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tl_dups`).Scan(&dups); err != nil {
			return false, err
		}
		// The joins cost a probe per row, so they are made only when needed.
		if dups > 0 {
			from += fmt.Sprintf(" LEFT JOIN tl_dups ON tl_dups.id = %s", idExpr)
			p.checks = append(p.checks, check{cond: "tl_dups.first_line IS NOT NULL AND tl_stage.tl_line > tl_dups.first_line", column: t.id,
				message: fmt.Sprintf("'%s: ' || left(tl_dups.id, 80) || ' repeats line ' || tl_dups.first_line", t.id)})
		}
		var existing int64
		if before > 0 {
			if _, err := execT(ctx, tx, fmt.Sprintf(`CREATE TEMP TABLE tl_existing AS
				SELECT w.%[1]s AS id, w.import_id, w.source_line FROM %[2]s w
				WHERE w.import_id <> ? AND w.%[1]s IN (SELECT %[3]s FROM %[4]s AS tl_stage)`, t.id, t.name, idExpr, src.rel), importID); err != nil {
				return false, err
			}
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tl_existing`).Scan(&existing); err != nil {
				return false, err
			}
		}
		if existing > 0 {
			from += fmt.Sprintf(" LEFT JOIN tl_existing ON tl_existing.id = %s", idExpr)
			p.checks = append(p.checks, check{cond: "tl_existing.id IS NOT NULL", column: t.id,
				message: fmt.Sprintf("'%s: ' || left(tl_existing.id, 80) || ' is already in the workspace (import ' || tl_existing.import_id || coalesce(', line ' || tl_existing.source_line, '') || ')'", t.id)})
		}
	}
	// A view, not a table: the load computes the typed values once, and the
	// rejects pass (run only when rows are missing) computes what rejected
	// rows need.
	if _, err := execT(ctx, tx, "CREATE OR REPLACE TEMP VIEW tl_checked AS "+p.checkedSQL(t, src, from)); err != nil {
		return false, &FileError{File: f.path, Msg: "validating", Err: err}
	}
	phase("loading")
	var cols, vals []string
	for _, c := range t.columns {
		cols = append(cols, c.name)
		vals = append(vals, "v_"+c.name)
	}
	res, err := execT(ctx, tx, fmt.Sprintf(`INSERT INTO %s (%s, extra, import_id, source_line)
		SELECT %s, v_extra, ?, tl_line FROM tl_checked WHERE NOT tl_bad`,
		t.name, strings.Join(cols, ", "), strings.Join(vals, ", ")), importID)
	if err != nil {
		return false, &FileError{File: f.path, Msg: "loading", Err: err}
	}
	fs.RowsLoaded, _ = res.RowsAffected()
	if direct {
		if err := src.collectReaderRejects(ctx, tx); err != nil {
			return false, err
		}
	}
	var read int64 // rows the reader returned
	if direct {
		read = f.records - src.structural
	} else if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+src.rel).Scan(&read); err != nil {
		return false, err
	}
	if direct {
		if fs.RowsLoaded != read || src.structural > 0 {
			return false, nil
		}
		defer traced(time.Now(), "duplicate and existing id checks of "+f.path)
		var repeated int64
		if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM (SELECT %[1]s FROM %[2]s WHERE import_id = ? GROUP BY 1 HAVING count(*) > 1)`, t.id, t.name), importID).Scan(&repeated); err != nil {
			return false, err
		}
		if repeated == 0 && before > 0 {
			// The hash table is built from this file's ids, and the
			// workspace's only probe it: a daily import into a large
			// workspace costs a scan of its ids, not a hash table of them.
			err = tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM %[1]s w WHERE w.import_id <> ? AND w.%[2]s IN (SELECT %[2]s FROM %[1]s WHERE import_id = ?)`, t.name, t.id), importID, importID).Scan(&repeated)
			if err != nil {
				return false, err
			}
		}
		if repeated > 0 {
			return false, nil
		}
		fs.RowsRejected, fs.RowsRead = 0, fs.RowsLoaded
		return true, nil
	}
	var checkedRejects int64
	if fs.RowsLoaded < read {
		res, err = execT(ctx, tx, `INSERT INTO rejects
			SELECT ?, ?, tl_line, tl_column, tl_reason, tl_raw
			FROM tl_checked WHERE tl_bad ORDER BY tl_line`, importID, f.path)
		if err != nil {
			return false, fmt.Errorf("%s: keeping rejected rows: %w", f.path, err)
		}
		checkedRejects, _ = res.RowsAffected()
	}
	if _, err := execT(ctx, tx, `INSERT INTO rejects SELECT ?, ?, line, column_name, reason, raw FROM tl_reader_rejects`, importID, f.path); err != nil {
		return false, err
	}
	fs.RowsRejected = checkedRejects + src.structural
	fs.RowsRead = fs.RowsLoaded + fs.RowsRejected
	return true, nil
}

// addTagDays counts, per normalised tag and day of creation, the videos of
// one import that carry the tag, from tl_tagnorm. A video counts once
// however many spellings of a tag it has, so each video's list of tags is
// made distinct, as a list: a raw tag is cast to an ENUM type of the
// import's raw tags, whose code indexes a list of normalised-tag ids. At
// 10M videos that takes half the time of counting distinct videos over
// every (video, tag) pair.
func addTagDays(ctx context.Context, tx *sql.Tx, importID int64, list string) error {
	for _, q := range []string{
		`DROP TABLE IF EXISTS tl_tagids`,
		// Id 0 stands for a tag that normalises to nothing; it joins no tag.
		`CREATE TEMP TABLE tl_tagids AS SELECT tag_raw, tag,
			CASE WHEN tag <> '' THEN dense_rank() OVER (ORDER BY tag) ELSE 0 END AS tag_id FROM tl_tagnorm`,
		`DROP TYPE IF EXISTS tl_raw_tag`,
		`CREATE TYPE tl_raw_tag AS ENUM (SELECT tag_raw FROM tl_tagids)`,
		`SET VARIABLE tl_tag_ids = (SELECT list(tag_id ORDER BY enum_code(CAST(tag_raw AS tl_raw_tag))) FROM tl_tagids)`,
		fmt.Sprintf(`INSERT INTO tag_days
			SELECT %[1]d, n.tag, g.day, g.videos FROM (
				SELECT day, tag_id, count(*) AS videos FROM (
					SELECT CAST(created_at AS DATE) AS day,
						unnest(list_distinct(list_transform(CAST(%[2]s AS tl_raw_tag[]),
							x -> getvariable('tl_tag_ids')[enum_code(x) + 1]))) AS tag_id
					FROM videos WHERE import_id = %[1]d)
				GROUP BY ALL) g
			JOIN (SELECT DISTINCT tag_id, tag FROM tl_tagids WHERE tag_id > 0) n USING (tag_id)`, importID, list),
		`DROP TYPE tl_raw_tag`,
		`RESET VARIABLE tl_tag_ids`,
	} {
		if _, err := execT(ctx, tx, q); err != nil {
			return fmt.Errorf("counting videos per tag and day: %w", err)
		}
	}
	return nil
}

// planUses reports whether source column name feeds a canonical column.
func planUses(t table, m map[string]ColumnMapping, name string) bool {
	for _, c := range t.columns {
		if cm, ok := m[c.name]; ok {
			if cm.Const == nil && cm.From == name {
				return true
			}
			continue
		}
		if c.name == name {
			return true
		}
	}
	return false
}

// loadTags fills video_tags for the videos of one import: each hashtag token
// as written and normalised. It returns how many tokens normalised to
// nothing (such as a lone "#"); they stay, as written, in videos.hashtags.
func loadTags(ctx context.Context, tx *sql.Tx, importID int64, fromCaption bool) (int64, error) {
	list := "hashtags"
	if fromCaption {
		list = `regexp_extract_all(caption, '#[^\s#]+')`
	}
	occurrences := fmt.Sprintf(`SELECT video_id, created_at, unnest(%[1]s) AS tag_raw, generate_subscripts(%[1]s, 1) AS position
		FROM videos WHERE import_id = %[2]d`, list, importID)
	if _, err := execT(ctx, tx, "DROP TABLE IF EXISTS tl_tagnorm"); err != nil {
		return 0, err
	}
	if _, err := execT(ctx, tx, `CREATE TEMP TABLE tl_tagnorm (tag_raw VARCHAR, tag VARCHAR)`); err != nil {
		return 0, err
	}
	// Only the distinct raw tags come into Go, to be normalised.
	defer traced(time.Now(), "hashtags of import (all steps)")
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT tag_raw FROM (`+occurrences+`) WHERE tag_raw IS NOT NULL`)
	if err != nil {
		return 0, err
	}
	var raws []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return 0, err
		}
		raws = append(raws, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	const batch = 1000
	anyEmpty := false // does some raw tag normalise to nothing?
	for i := 0; i < len(raws); i += batch {
		part := raws[i:min(i+batch, len(raws))]
		args := make([]any, 0, 2*len(part))
		for _, r := range part {
			norm := NormalizeTag(r)
			anyEmpty = anyEmpty || norm == ""
			args = append(args, r, norm)
		}
		q := "INSERT INTO tl_tagnorm VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?), ", len(part)), ", ")
		if _, err := execT(ctx, tx, q, args...); err != nil {
			return 0, err
		}
	}
	if len(raws) == 0 {
		return 0, nil
	}
	if err := addTagDays(ctx, tx, importID, list); err != nil {
		return 0, err
	}
	// Compressing the video ids of video_tags with FSST takes 1.4 of the
	// 7.5 s it takes to write 24M rows; without it they are stored as a
	// dictionary, in 60% more space (70 MB at 10M videos).
	if _, err := execT(ctx, tx, `SET disabled_compression_methods = 'fsst'`); err != nil {
		return 0, err
	}
	_, err = execT(ctx, tx, `INSERT INTO video_tags (video_id, position, tag_raw, tag, from_caption, import_id)
		SELECT t.video_id, t.position, t.tag_raw, n.tag, ?, ?
		FROM (`+occurrences+`) t JOIN tl_tagnorm n USING (tag_raw) WHERE n.tag <> ''`, fromCaption, importID)
	if _, rerr := execT(ctx, tx, `RESET disabled_compression_methods`); err == nil {
		err = rerr
	}
	if err != nil {
		return 0, err
	}
	var empty int64
	if !anyEmpty {
		return 0, nil // no need to count them over every occurrence
	}
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+occurrences+`) JOIN tl_tagnorm n USING (tag_raw) WHERE n.tag = ''`).Scan(&empty)
	return empty, err
}
