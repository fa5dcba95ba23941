package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

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
	return recordFile(ctx, tx, t.kind, f, fs, start, importID)
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
	// Did the table hold rows before this file? (Only whether: counting
	// them would scan a large workspace's import_id column.)
	var before bool
	if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %s WHERE import_id <> ?)`, t.name), importID).Scan(&before); err != nil {
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
		if before {
			var lo, hi sql.NullString
			if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT min(id), max(id) FROM (SELECT CAST(%s AS VARCHAR) AS id FROM %s AS tl_stage)`, idExpr, src.rel)).Scan(&lo, &hi); err != nil {
				return false, err
			}
			if _, err := execT(ctx, tx, fmt.Sprintf(`CREATE TEMP TABLE tl_existing AS
				SELECT w.%[1]s AS id, w.import_id, w.source_line FROM %[2]s w
				WHERE %[5]s AND w.import_id <> ? AND w.%[1]s IN (SELECT %[3]s FROM %[4]s AS tl_stage)`, t.id, t.name, idExpr, src.rel, inRange("w."+t.id)), lo, hi, importID); err != nil {
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
		// An id repeats only if its hash does: counting the ids' hashes
		// takes half the time of counting the ids (10M video ids: 4.8 s).
		// A repeated hash, a repeated id or (about once in 400,000
		// imports of 10M rows) two ids that hash alike, sends the file to
		// the staged load, which finds the exact repeats.
		var repeated int64
		var lo, hi sql.NullString // the file's smallest and largest id
		if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT
			(SELECT count(*) FROM (SELECT hash(%[1]s) FROM %[2]s WHERE import_id = ? GROUP BY 1 HAVING count(*) > 1)),
			min(%[1]s), max(%[1]s) FROM %[2]s WHERE import_id = ?`, t.id, t.name), importID, importID).Scan(&repeated, &lo, &hi); err != nil {
			return false, err
		}
		if repeated == 0 && before {
			err = tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM %[1]s w WHERE %[3]s AND w.import_id <> ?
				AND w.%[2]s IN (SELECT %[2]s FROM %[1]s WHERE import_id = ?)`, t.name, t.id, inRange("w."+t.id)), lo, hi, importID, importID).Scan(&repeated)
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
	return true, keepRejects(ctx, tx, f, fs, importID, read, src.structural)
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

// recordFile finishes a loaded file of any kind: the commonest reasons its
// rows were rejected go into its summary, and its provenance into imports.
func recordFile(ctx context.Context, tx *sql.Tx, kind string, f inputFile, fs *FileSummary, start time.Time, importID int64) error {
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
		importID, kind, f.path, f.size, f.sha256, f.format, f.compression,
		fs.RowsRead, fs.RowsLoaded, fs.RowsRejected, start.UTC(), fs.Duration.Milliseconds(), Version)
	return err
}

// keepRejects files a staged load's rejected rows (those its checks failed,
// and those the reader could not parse) in rejects, and counts them.
func keepRejects(ctx context.Context, tx *sql.Tx, f inputFile, fs *FileSummary, importID, read, structural int64) error {
	var checkedRejects int64
	if fs.RowsLoaded < read {
		res, err := execT(ctx, tx, `INSERT INTO rejects
			SELECT ?, ?, tl_line, tl_column, tl_reason, tl_raw
			FROM tl_checked WHERE tl_bad ORDER BY tl_line`, importID, f.path)
		if err != nil {
			return fmt.Errorf("%s: keeping rejected rows: %w", f.path, err)
		}
		checkedRejects, _ = res.RowsAffected()
	}
	if _, err := execT(ctx, tx, `INSERT INTO rejects SELECT ?, ?, line, column_name, reason, raw FROM tl_reader_rejects`, importID, f.path); err != nil {
		return err
	}
	fs.RowsRejected = checkedRejects + structural
	fs.RowsRead = fs.RowsLoaded + fs.RowsRejected
	return nil
}
