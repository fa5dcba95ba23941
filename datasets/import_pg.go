package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Import into a workspace on a PostgreSQL server. The files go through the
// DuckDB import unchanged (the same reader, validation, rejects and
// provenance), into a private DuckDB workspace that stages them, and from
// there to the server by COPY, all in ONE server transaction: all or
// nothing needs none of the four-commit protocol of a file (import.go).
//
//   - Idempotence: files whose SHA-256 the server holds are skipped before
//     staging.
//   - Ids the server already holds are rejected as in a file workspace: the
//     staging import runs again with those rows of the server (their key,
//     import and line) in its tables, so that its own check finds them and
//     words the rejects the same.
//   - Import ids are the server's: the staging sequence starts at the
//     server's next id, and the server's is moved past them.
//   - Derived tables: video_tags and tag_days depend only on an import's own
//     videos, so the staging computed them exactly and they are copied;
//     video_outcomes mixes imports (events arrive for older videos) and is
//     computed on the server for the videos the import touched.
//
// Imports on one server take turns (an advisory lock held by the
// transaction); readers are not blocked.

// pgKeyed are the tables whose rows an import checks against the
// workspace, with the key it checks, and the columns a stand-in row needs
// (the key, import_id, source_line and filler for what is NOT NULL).
var pgKeyed = []struct {
	table, key, ghost, filler string
}{
	{"videos", "video_id", "video_id, import_id, source_line", "'', TIMESTAMP '1970-01-01'"},
	{"moderation_events", "event_id", "event_id, import_id, source_line", "'', TIMESTAMP '1970-01-01', '', '', ''"},
	{"views_daily", "concat_ws(chr(31), video_id, CAST(date AS VARCHAR), surface)", "video_id, date, surface, import_id, source_line", "0"},
	{"search_daily", "concat_ws(chr(31), CAST(date AS VARCHAR), query)", "date, query, import_id, source_line", "0, 0"},
	{"interventions", "intervention_id", "intervention_id, import_id, source_line", "'', '', TIMESTAMP '1970-01-01', 'export'"},
}

// pgFillerColumns names the filler's columns, per pgKeyed table.
var pgFillerColumns = map[string]string{
	"videos":            "author_id, created_at",
	"moderation_events": "video_id, event_time, event_type, source, policy",
	"views_daily":       "views",
	"search_daily":      "searches, via_autocomplete",
	"interventions":     "kind, target, started_at, source",
}

// pgMoved are the tables copied from the staging workspace, by import_id.
var pgMoved = []string{"imports", "videos", "moderation_events", "rejects", "video_tags", "tag_days", "tag_spellings", "views_daily", "search_daily", "interventions"}

func importPostgres(ctx context.Context, ws *Workspace, req ImportRequest) (*ImportSummary, error) {
	start := time.Now()
	conn, err := ws.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var sum *ImportSummary
	err = conn.Raw(func(dc any) error {
		tx, err := dc.(*stdlib.Conn).Conn().Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('trendlab import'))`); err != nil {
			return err
		}
		if sum, err = importPostgresTx(ctx, tx, req); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		return nil, err
	}
	sum.Duration = time.Since(start)
	return sum, nil
}

// importPostgresTx does the import inside the server transaction tx.
func importPostgresTx(ctx context.Context, tx pgx.Tx, req ImportRequest) (*ImportSummary, error) {
	// The files the server has already: skipped, and left out of staging.
	sum := &ImportSummary{}
	staged := req
	parts := []struct {
		t    table
		args []string
		keep *[]string
	}{{videosTable, req.Videos, &staged.Videos}, {eventsTable, req.Events, &staged.Events},
		{viewsTable.table, req.Views, &staged.Views}, {searchesTable.table, req.Searches, &staged.Searches},
		{interventionsTable.table, req.Interventions, &staged.Interventions}}
	var toStage []int // index in sum.Files of each staged file
	for _, part := range parts {
		files, err := expandFiles(part.args, req.Format)
		if err != nil {
			return nil, err
		}
		*part.keep = nil
		for _, f := range files {
			if err := hashAndVerify(&f); err != nil {
				return nil, err
			}
			fs := FileSummary{Kind: part.t.kind, File: f.path, Format: f.format, Compression: f.compression, SizeBytes: f.size, SHA256: f.sha256}
			var prevID int64
			var prevAt time.Time
			err := tx.QueryRow(ctx, `SELECT import_id, started_at FROM imports WHERE sha256 = $1 AND kind = $2 ORDER BY import_id LIMIT 1`, f.sha256, part.t.kind).Scan(&prevID, &prevAt)
			switch {
			case err == nil:
				fs.Skipped = fmt.Sprintf("already imported (import %d, %s): same SHA-256", prevID, prevAt.Format(time.RFC3339))
			case !errors.Is(err, pgx.ErrNoRows):
				return nil, err
			default:
				*part.keep = append(*part.keep, f.path)
				toStage = append(toStage, len(sum.Files))
			}
			sum.Files = append(sum.Files, fs)
		}
	}
	if len(toStage) == 0 {
		return sum, nil // every file was there already: the transaction wrote nothing
	}
	var next int64
	if err := tx.QueryRow(ctx, `SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM import_id_seq`).Scan(&next); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "trendlab-stage-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	// First without stand-ins; again with them only if some key is on the
	// server already (rare: a file exported twice, overlapping exports).
	stageStart := time.Now()
	stage, ssum, err := stageImport(ctx, filepath.Join(dir, "stage.duckdb"), staged, next, tx, nil)
	if err != nil {
		return nil, err
	}
	defer func() { stage.Close() }()
	if clash, err := pgClashes(ctx, stage.DB, tx); err != nil {
		return nil, err
	} else if clash {
		first := stage
		stage, ssum, err = stageImport(ctx, filepath.Join(dir, "stage-again.duckdb"), staged, next, tx, first.DB)
		first.Close()
		if err != nil {
			stage = first // closed already; closing again is harmless
			return nil, err
		}
	}
	traced(stageStart, "staging import (DuckDB)")
	var ids []int64
	for i, j := range toStage {
		sum.Files[j] = ssum.Files[i]
		if ssum.Files[i].Skipped == "" {
			ids = append(ids, ssum.Files[i].ImportID)
		}
	}
	sum.VideosLoaded, sum.EventsLoaded, sum.Rejected, sum.EmptyTags, sum.OptionalLoaded =
		ssum.VideosLoaded, ssum.EventsLoaded, ssum.Rejected, ssum.EmptyTags, ssum.OptionalLoaded
	if req.Progress != nil {
		req.Progress(Progress{Phase: "committing", Fraction: 0.98})
	}
	for _, t := range pgMoved {
		copyStart := time.Now()
		if err := copyToServer(ctx, stage.DB, tx, t, ids); err != nil {
			return nil, fmt.Errorf("copying %s to the server: %w", t, err)
		}
		traced(copyStart, "COPY "+t+" to the server")
	}
	if len(ids) > 0 {
		if _, err := tx.Exec(ctx, `SELECT setval('import_id_seq', $1)`, ids[len(ids)-1]); err != nil {
			return nil, err
		}
	}
	outStart := time.Now()
	if err := pgRefreshOutcomesFor(ctx, tx, ids); err != nil {
		return nil, err
	}
	traced(outStart, "refresh video_outcomes on the server")
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM videos), (SELECT count(*) FROM moderation_events),
		(SELECT count(*) FROM orphan_events), (SELECT count(*) FROM rejects)`).Scan(
		&sum.Workspace.Videos, &sum.Workspace.Events, &sum.Workspace.OrphanEvents, &sum.Workspace.Rejects); err != nil {
		return nil, err
	}
	return sum, nil
}

// stageImport imports req into a new DuckDB workspace at path whose import
// ids start at next. With first (an earlier staging of the same files),
// the server's rows whose keys those files repeat are put in it first.
func stageImport(ctx context.Context, path string, req ImportRequest, next int64, tx pgx.Tx, first *sql.DB) (*Workspace, *ImportSummary, error) {
	stage, err := Open(ctx, path, Options{})
	if err != nil {
		return nil, nil, err
	}
	ok := false
	defer func() {
		if !ok {
			stage.Close()
		}
	}()
	if _, err := stage.DB.ExecContext(ctx, fmt.Sprintf(`DROP SEQUENCE import_id_seq; CREATE SEQUENCE import_id_seq START %d`, next)); err != nil {
		return nil, nil, err
	}
	if first != nil {
		if err := addGhosts(ctx, first, stage.DB, tx); err != nil {
			return nil, nil, err
		}
	}
	sum, err := Import(ctx, stage, req)
	if err != nil {
		return nil, nil, err
	}
	ok = true
	return stage, sum, nil
}

// uploadKeys copies the keys of the staged rows of each pgKeyed table into
// the server's temporary table tl_keys (table, key).
func uploadKeys(ctx context.Context, stage *sql.DB, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS tl_keys (tbl TEXT, key TEXT) ON COMMIT DROP; TRUNCATE tl_keys`); err != nil {
		return err
	}
	for _, k := range pgKeyed {
		// Streamed: a large import's keys never sit in memory together.
		rows, err := stage.QueryContext(ctx, fmt.Sprintf(`SELECT DISTINCT '%s', %s FROM %s`, k.table, k.key, k.table))
		if err != nil {
			return err
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"tl_keys"}, []string{"tbl", "key"}, &sqlRowsSource{rows: rows, vals: make([]any, 2)})
		rows.Close()
		if err != nil {
			return err
		}
	}
	// Its size, for the planner to choose between the indexes and a scan.
	_, err := tx.Exec(ctx, `ANALYZE tl_keys`)
	return err
}

// pgKeyExpr is a pgKeyed key in PostgreSQL's dialect.
func pgKeyExpr(key string) string {
	return strings.NewReplacer("CAST(date AS VARCHAR)", "date::text").Replace(key)
}

// pgClashes reports whether a staged row has a key the server holds.
func pgClashes(ctx context.Context, stage *sql.DB, tx pgx.Tx) (bool, error) {
	if err := uploadKeys(ctx, stage, tx); err != nil {
		return false, err
	}
	for _, k := range pgKeyed {
		var n int64
		if err := tx.QueryRow(ctx, fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s IN (SELECT key FROM tl_keys WHERE tbl = $1)`, k.table, pgKeyExpr(k.key)), k.table).Scan(&n); err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// addGhosts puts into stage, for each row of first whose key the server
// holds, a stand-in of the server's row: its key, import and line.
func addGhosts(ctx context.Context, first, stage *sql.DB, tx pgx.Tx) error {
	if err := uploadKeys(ctx, first, tx); err != nil {
		return err
	}
	for _, k := range pgKeyed {
		rows, err := tx.Query(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE %s IN (SELECT key FROM tl_keys WHERE tbl = $1)`, k.ghost, k.table, pgKeyExpr(k.key)), k.table)
		if err != nil {
			return err
		}
		var ghosts [][]any
		for rows.Next() {
			v, err := rows.Values()
			if err != nil {
				rows.Close()
				return err
			}
			ghosts = append(ghosts, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		n := strings.Count(k.ghost, ",") + 1
		marks := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ", " + k.filler + ")"
		for _, g := range ghosts {
			if _, err := stage.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s (%s, %s) VALUES %s`, k.table, k.ghost, pgFillerColumns[k.table], marks), g...); err != nil {
				return fmt.Errorf("staging the server's %s: %w", k.table, err)
			}
		}
	}
	return nil
}

// copyToServer copies the rows of the given imports from the staging
// workspace's table into the server's, by binary COPY.
func copyToServer(ctx context.Context, stage *sql.DB, tx pgx.Tx, table string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	cols, err := stage.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		return err
	}
	var names, exprs []string
	for cols.Next() {
		var name, typ string
		if err := cols.Scan(&name, &typ); err != nil {
			cols.Close()
			return err
		}
		names = append(names, name)
		if typ == "JSON" {
			exprs = append(exprs, "CAST("+name+" AS VARCHAR)")
		} else {
			exprs = append(exprs, name)
		}
	}
	cols.Close()
	if err := cols.Err(); err != nil {
		return err
	}
	in := strings.Trim(strings.Join(strings.Fields(fmt.Sprint(ids)), ", "), "[]")
	rows, err := stage.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE import_id IN (%s)`, strings.Join(exprs, ", "), table, in))
	if err != nil {
		return err
	}
	defer rows.Close()
	src := &sqlRowsSource{rows: rows, vals: make([]any, len(names))}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{table}, names, src)
	if err == nil {
		err = rows.Err()
	}
	return err
}

// sqlRowsSource feeds database/sql rows to pgx's CopyFrom.
type sqlRowsSource struct {
	rows *sql.Rows
	vals []any
	err  error
}

func (s *sqlRowsSource) Next() bool { return s.err == nil && s.rows.Next() }

func (s *sqlRowsSource) Values() ([]any, error) {
	ptrs := make([]any, len(s.vals))
	for i := range s.vals {
		ptrs[i] = &s.vals[i]
	}
	if s.err = s.rows.Scan(ptrs...); s.err != nil {
		return nil, s.err
	}
	out := make([]any, len(s.vals))
	for i, v := range s.vals {
		// DuckDB's lists come as []any; text[] wants strings (NULL kept).
		if l, ok := v.([]any); ok {
			a := make([]*string, len(l))
			for j, e := range l {
				if e != nil {
					str := fmt.Sprint(e)
					a[j] = &str
				}
			}
			v = a
		}
		out[i] = v
	}
	return out, nil
}

func (s *sqlRowsSource) Err() error { return s.err }
