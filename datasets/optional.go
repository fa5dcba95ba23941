package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/trendlab/trendlab/internal/sqltext"
)

// The optional exports of the data contract: views_daily, search_daily and
// interventions. Import loads them like the videos and events, under its
// protocol (import.go): an import id from the intent commit, the rows in
// the files' commit, each table in importScoped so that recovery deletes
// an unfinished import's rows; validated by the same plan (rejects with
// file, line and column; the column mapping's sections views:, searches:
// and interventions:), and skipped when their SHA-256 is already imported.
// None has a derived table. A CSV file is loaded in one streaming pass; only when that pass
// finds a bad row or a repeated key is it loaded again from a staged copy
// that knows every row's line.

// Surfaces and intervention kinds, by the data contract.
var (
	Surfaces          = []string{"for_you", "following", "search", "hashtag_page", "profile", "external", "other"}
	InterventionKinds = []string{"not_recommended", "autocomplete_restricted", "search_restricted", "links_blocked", "sensitive_words", "moderator_guidance", "other"}
)

// optionalTable is an optional export: its canonical table, the columns
// that identify a row (a later row with the same key is rejected, as is a
// key the workspace holds), and checks beyond the columns' own.
type optionalTable struct {
	table
	key    []string
	checks []check
	dates  []string // timestamp columns stored as DATE: must be whole days
}

var viewsTable = optionalTable{
	table: table{kind: "views", name: "views_daily", columns: []column{
		{name: "video_id", kind: kText, required: true},
		{name: "date", kind: kTimestamp, required: true},
		{name: "surface", kind: kEnum, required: true, values: Surfaces},
		{name: "views", kind: kCount, required: true},
	}},
	key:   []string{"video_id", "date", "surface"},
	dates: []string{"date"},
}

var searchesTable = optionalTable{
	table: table{kind: "searches", name: "search_daily", columns: []column{
		{name: "date", kind: kTimestamp, required: true},
		{name: "query", kind: kText, required: true},
		{name: "searches", kind: kCount, required: true},
		{name: "via_autocomplete", kind: kCount, required: true},
	}},
	key:   []string{"date", "query"},
	dates: []string{"date"},
	checks: []check{{cond: "v_via_autocomplete > v_searches", column: "via_autocomplete",
		message: "'via_autocomplete: ' || v_via_autocomplete || ' is more than searches (' || v_searches || ')'"}},
}

var interventionsTable = optionalTable{
	table: table{kind: "interventions", name: "interventions", id: "intervention_id", columns: []column{
		{name: "intervention_id", kind: kText, required: true},
		{name: "kind", kind: kEnum, required: true, values: InterventionKinds},
		{name: "target", kind: kText, required: true},
		{name: "started_at", kind: kTimestamp, required: true},
		{name: "ended_at", kind: kTimestamp},
		{name: "note", kind: kText},
	}},
	key: []string{"intervention_id"},
	checks: []check{{cond: "v_ended_at < v_started_at", column: "ended_at",
		message: "'ended_at: ' || CAST(v_ended_at AS VARCHAR) || ' is before started_at'"}},
}

// optionalTables by imports.kind, in import order.
var optionalTables = []optionalTable{viewsTable, searchesTable, interventionsTable}

func optionalTableOf(kind string) (optionalTable, bool) {
	for _, t := range optionalTables {
		if t.kind == kind {
			return t, true
		}
	}
	return optionalTable{}, false
}

// optionalMigration creates the optional exports' tables (appended to
// migrations in schema.go). Hand-recorded interventions live in the same
// table with source = 'manual' and no import.
const optionalMigration = `
CREATE TABLE views_daily (
	video_id    VARCHAR NOT NULL,
	date        DATE NOT NULL,
	surface     VARCHAR NOT NULL,      -- for_you, following, search, hashtag_page, profile, external, other
	views       BIGINT NOT NULL,
	extra       JSON,
	import_id   INTEGER NOT NULL,
	source_line BIGINT
);
CREATE TABLE search_daily (
	date             DATE NOT NULL,
	query            VARCHAR NOT NULL,  -- as typed (untrusted text)
	query_norm       VARCHAR,           -- normalised like hashtags, for matching
	searches         BIGINT NOT NULL,
	via_autocomplete BIGINT NOT NULL,
	extra            JSON,
	import_id        INTEGER NOT NULL,
	source_line      BIGINT
);
CREATE TABLE interventions (
	intervention_id VARCHAR NOT NULL,
	kind        VARCHAR NOT NULL,
	target      VARCHAR NOT NULL,       -- a term, hashtag or tag-set name
	started_at  TIMESTAMP NOT NULL,
	ended_at    TIMESTAMP,              -- NULL while in force
	note        VARCHAR,
	source      VARCHAR NOT NULL,       -- 'export' or 'manual'
	recorded_by VARCHAR,                -- manual: who recorded it
	recorded_at TIMESTAMP,
	extra       JSON,
	import_id   INTEGER,                -- export: the import; manual: NULL
	source_line BIGINT
);
`

// optionalDataTables are the tables an unfinished import may have written.
var optionalDataTables = []string{"views_daily", "search_daily", "interventions"}

// importFile has the signature of the videos' and events' importFile, for
// Import's loop over files (t is ot.table).
func (ot optionalTable) importFile(ctx context.Context, tx *sql.Tx, t table, f inputFile, m map[string]ColumnMapping, fs *FileSummary, phase func(string)) error {
	return importOptionalFile(ctx, tx, ot, f, m, fs, phase)
}

// addOptional counts rows loaded from an optional export.
func (s *ImportSummary) addOptional(kind string, n int64) {
	if s.OptionalLoaded == nil {
		s.OptionalLoaded = map[string]int64{}
	}
	s.OptionalLoaded[kind] += n
}

// importOptionalFile validates and loads one optional export file.
func importOptionalFile(ctx context.Context, tx *sql.Tx, t optionalTable, f inputFile, m map[string]ColumnMapping, fs *FileSummary, phase func(string)) error {
	start := time.Now()
	importID := fs.ImportID // given by the import's intent commit
	if importID == 0 {
		if err := tx.QueryRowContext(ctx, `SELECT nextval('import_id_seq')`).Scan(&importID); err != nil {
			return err
		}
		fs.ImportID = importID
	}
	clean := false
	if f.format == "csv" {
		var err error
		if clean, err = loadOptional(ctx, tx, t, f, m, fs, phase, importID, true); err != nil {
			return err
		}
		if !clean {
			phase("reloading with line numbers")
			if _, err := execT(ctx, tx, fmt.Sprintf(`DELETE FROM %s WHERE import_id = ?`, t.name), importID); err != nil {
				return err
			}
		}
	}
	if !clean {
		if _, err := loadOptional(ctx, tx, t, f, m, fs, phase, importID, false); err != nil {
			return err
		}
	}
	if t.kind == "searches" {
		if err := normaliseQueries(ctx, tx, importID); err != nil {
			return err
		}
	}
	return recordFile(ctx, tx, t.kind, f, fs, start, importID)
}

// loadOptional makes one attempt at loading f, as loadFile does for the
// videos and events: with direct set (CSV only) it streams the file into
// the table and reports clean = false when a row was rejected or a key
// repeats; otherwise it stages the file and rejects, with their lines,
// the rows that fail a check or repeat a key.
func loadOptional(ctx context.Context, tx *sql.Tx, t optionalTable, f inputFile, m map[string]ColumnMapping, fs *FileSummary, phase func(string), importID int64, direct bool) (clean bool, err error) {
	phase("reading")
	src, err := open(ctx, tx, f, direct)
	if err != nil {
		return false, err
	}
	p, err := buildPlan(t.table, src, m)
	if err != nil {
		return false, err
	}
	fs.UnmappedCols = nil
	for _, n := range src.names {
		if !planUses(t.table, m, n) {
			fs.UnmappedCols = append(fs.UnmappedCols, n)
		}
	}
	p.checks = append(p.checks, t.checks...)
	for _, d := range t.dates {
		p.checks = append(p.checks, check{cond: fmt.Sprintf("v_%[1]s <> date_trunc('day', v_%[1]s)", d), column: d,
			message: fmt.Sprintf("'%[1]s: ' || CAST(v_%[1]s AS VARCHAR) || ' is not a whole UTC day (write YYYY-MM-DD)'", d)})
	}
	// keyOf is the row's key as one text value, over the typed values
	// (v_...) or over the table's columns.
	keyOf := func(prefix string) string {
		parts := make([]string, len(t.key))
		for i, k := range t.key {
			if prefix == "v_" {
				if c, _ := t.column(k); c.kind == kTimestamp {
					parts[i] = fmt.Sprintf("CAST(CAST(v_%s AS DATE) AS VARCHAR)", k)
					if k != "date" {
						parts[i] = fmt.Sprintf("CAST(v_%s AS VARCHAR)", k)
					}
					continue
				}
			}
			parts[i] = fmt.Sprintf("CAST(%s%s AS VARCHAR)", prefix, k)
		}
		return "concat_ws(chr(31), " + strings.Join(parts, ", ") + ")"
	}
	from := fmt.Sprintf("(SELECT *, %s AS tl_line FROM %s AS tl_stage) AS tl_stage", src.line, src.rel)
	checked := p.checkedSQL(t.table, src, from)
	var before int64
	if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM %s WHERE import_id IS NOT NULL AND import_id <> ?`, t.name), importID).Scan(&before); err != nil {
		return false, err
	}
	if !direct {
		phase("validating")
		// Keys are computed over the checked rows, so wrap them: the first
		// line with a key keeps it; later lines, and keys the workspace
		// holds, are rejected.
		if _, err := execT(ctx, tx, "CREATE OR REPLACE TEMP VIEW tl_typed AS "+checked); err != nil {
			return false, &FileError{File: f.path, Msg: "validating", Err: err}
		}
		if _, err := execT(ctx, tx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE tl_keys AS
			SELECT tl_line, %s AS tl_key FROM tl_typed WHERE NOT tl_bad`, keyOf("v_"))); err != nil {
			return false, err
		}
		existing := "false"
		if before > 0 {
			existing = fmt.Sprintf("tl_key IN (SELECT %s FROM %s WHERE import_id IS DISTINCT FROM %d)", keyOf(""), t.name, importID)
		}
		if _, err := execT(ctx, tx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE tl_keybad AS
			SELECT b.tl_line, b.why, r.raw FROM (
				SELECT tl_line, CASE WHEN %[1]s THEN 'is already in the workspace' ELSE 'repeats line ' || first_line END AS why
				FROM (SELECT tl_line, tl_key, min(tl_line) OVER (PARTITION BY tl_key) AS first_line FROM tl_keys)
				WHERE tl_line > first_line OR %[1]s) b
			JOIN (SELECT tl_stage.tl_line, %[2]s AS raw FROM %[3]s) r USING (tl_line)`, existing, src.raw, from)); err != nil {
			return false, err
		}
		checked = fmt.Sprintf(`SELECT c.* REPLACE (
				c.tl_bad OR k.why IS NOT NULL AS tl_bad,
				coalesce(c.tl_reason, %[1]s || ': the same ' || %[1]s || ' ' || k.why) AS tl_reason,
				coalesce(c.tl_column, %[2]s) AS tl_column,
				coalesce(c.tl_raw, k.raw) AS tl_raw)
			FROM tl_typed c LEFT JOIN tl_keybad k USING (tl_line)`, sqltext.QuoteLiteral(strings.Join(t.key, ", ")), sqltext.QuoteLiteral(t.key[0]))
	}
	if _, err := execT(ctx, tx, "CREATE OR REPLACE TEMP VIEW tl_checked AS "+checked); err != nil {
		return false, &FileError{File: f.path, Msg: "validating", Err: err}
	}
	phase("loading")
	var cols, vals []string
	for _, c := range t.columns {
		cols = append(cols, c.name)
		v := "v_" + c.name
		for _, d := range t.dates {
			if d == c.name {
				v = "CAST(v_" + c.name + " AS DATE)"
			}
		}
		vals = append(vals, v)
	}
	extraCols, extraVals := "", ""
	if t.kind == "interventions" {
		extraCols, extraVals = ", source", ", 'export'"
	}
	res, err := execT(ctx, tx, fmt.Sprintf(`INSERT INTO %s (%s%s, extra, import_id, source_line)
		SELECT %s%s, v_extra, ?, tl_line FROM tl_checked WHERE NOT tl_bad`,
		t.name, strings.Join(cols, ", "), extraCols, strings.Join(vals, ", "), extraVals), importID)
	if err != nil {
		return false, &FileError{File: f.path, Msg: "loading", Err: err}
	}
	fs.RowsLoaded, _ = res.RowsAffected()
	if direct {
		if err := src.collectReaderRejects(ctx, tx); err != nil {
			return false, err
		}
		read := f.records - src.structural
		if fs.RowsLoaded != read || src.structural > 0 {
			return false, nil
		}
		var repeated int64
		q := fmt.Sprintf(`SELECT count(*) FROM (SELECT %s FROM %s WHERE import_id = ? GROUP BY ALL HAVING count(*) > 1)`, strings.Join(t.key, ", "), t.name)
		if err := tx.QueryRowContext(ctx, q, importID).Scan(&repeated); err != nil {
			return false, err
		}
		if repeated == 0 && before > 0 {
			q = fmt.Sprintf(`SELECT count(*) FROM (SELECT %[1]s FROM %[2]s WHERE import_id = ? INTERSECT SELECT %[1]s FROM %[2]s WHERE import_id IS DISTINCT FROM ?)`, strings.Join(t.key, ", "), t.name)
			if err := tx.QueryRowContext(ctx, q, importID, importID).Scan(&repeated); err != nil {
				return false, err
			}
		}
		if repeated > 0 {
			return false, nil
		}
		fs.RowsRejected, fs.RowsRead = 0, fs.RowsLoaded
		return true, nil
	}
	var read int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+src.rel).Scan(&read); err != nil {
		return false, err
	}
	return true, keepRejects(ctx, tx, f, fs, importID, read, src.structural)
}

// normaliseQueries fills search_daily.query_norm for one import: the
// distinct queries come into Go for NormalizeTag, as hashtags do.
func normaliseQueries(ctx context.Context, tx *sql.Tx, importID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT query FROM search_daily WHERE import_id = ?`, importID)
	if err != nil {
		return err
	}
	var qs []string
	for rows.Next() {
		var q string
		if err := rows.Scan(&q); err != nil {
			rows.Close()
			return err
		}
		qs = append(qs, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := execT(ctx, tx, `CREATE OR REPLACE TEMP TABLE tl_qnorm (query VARCHAR, query_norm VARCHAR)`); err != nil {
		return err
	}
	const batch = 1000
	for i := 0; i < len(qs); i += batch {
		part := qs[i:min(i+batch, len(qs))]
		args := make([]any, 0, 2*len(part))
		for _, q := range part {
			args = append(args, q, NormalizeQuery(q))
		}
		if _, err := execT(ctx, tx, "INSERT INTO tl_qnorm VALUES "+strings.TrimSuffix(strings.Repeat("(?, ?), ", len(part)), ", "), args...); err != nil {
			return err
		}
	}
	_, err = execT(ctx, tx, `UPDATE search_daily s SET query_norm = n.query_norm FROM tl_qnorm n WHERE s.import_id = ? AND s.query = n.query`, importID)
	return err
}

// NormalizeQuery normalises a search query for matching: each word as
// NormalizeTag does (NFKC, case fold, '#' and trailing punctuation
// removed), words joined by one space.
func NormalizeQuery(q string) string {
	var words []string
	for _, w := range strings.Fields(q) {
		if n := NormalizeTag(w); n != "" {
			words = append(words, n)
		}
	}
	return strings.Join(words, " ")
}
