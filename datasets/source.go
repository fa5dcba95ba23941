package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/trendlab/trendlab/internal/sqltext"
)

// source is an export file and how to read each of its columns: from the
// file itself (rel is a read_csv or read_parquet call) or from the temp table
// tl_stage it was staged into. Either way the relation is aliased tl_stage.
type source struct {
	file   inputFile
	rel    string            // the relation the columns are read from
	staged bool              // rel is the temp table tl_stage
	names  []string          // source columns, in file order
	exprs  map[string]string // source column -> SQL expression over tl_stage
	types  map[string]string // source column -> DuckDB type of that expression
	line   string            // SQL expression: the row's line in the file
	index  string            // SQL expression: the row's 0-based index in tl_stage
	raw    string            // SQL expression: the row as written (for rejects)
	jsonOK string            // JSONL: SQL condition that the line is a JSON object
	// structural counts rows DuckDB's reader rejected (bad quoting, wrong
	// number of fields, invalid UTF-8); they are already in tl_rejects.
	structural int64
}

const maxLineSize = 64 << 20 // a record may hold a caption of many megabytes

// readerSizes is DuckDB's max_line_size and buffer_size for a text file
// whose longest record is longest bytes (0: unknown). DuckDB's reader
// splits a file among its threads by buffer, and a buffer must be larger
// than the longest line: 128 MB buffers, enough for maxLineSize, leave a
// daily export of 60 MB to one thread (its videos load in 2.3 s against
// 1.1 s with 8 MB buffers). So the buffers are as small as the file's
// longest record allows; a record longer than maxLineSize is still
// rejected.
func readerSizes(longest int64) (maxLine, buffer int64) {
	if longest <= 0 || longest > maxLineSize/2 {
		return maxLineSize, 2 * maxLineSize
	}
	maxLine = 2 << 20 // DuckDB's default
	for maxLine < 2*longest {
		maxLine *= 2
	}
	return maxLine, max(8<<20, 2*maxLine)
}

// open prepares to read a file. Parquet is read in place: its row numbers
// are the lines. CSV is read in place when direct is set (the fast path: one
// streaming pass, no line numbers for the loaded rows) and otherwise, like
// JSON Lines, staged into tl_stage as text, so that every row has its line.
// Rows the reader itself rejects are collected, with line and reason, in
// tl_reader_rejects (after the read, by collectReaderRejects).
func open(ctx context.Context, tx *sql.Tx, f inputFile, direct bool) (*source, error) {
	for _, q := range []string{
		"DROP TABLE IF EXISTS tl_stage", "DROP TABLE IF EXISTS tl_rej_errors",
		"DROP TABLE IF EXISTS tl_rej_scans", "DROP TABLE IF EXISTS tl_reader_rejects",
		"DROP VIEW IF EXISTS tl_checked", "DROP TABLE IF EXISTS tl_dups", "DROP TABLE IF EXISTS tl_existing",
		"DROP TABLE IF EXISTS tl_spans", "DROP TABLE IF EXISTS tl_lines",
	} {
		if _, err := execT(ctx, tx, q); err != nil {
			return nil, err
		}
	}
	s := &source{file: f, exprs: map[string]string{}, types: map[string]string{}}
	maxLine, buffer := readerSizes(f.longest)
	readerOpts := fmt.Sprintf(`auto_detect=false, compression=%s, max_line_size=%d, buffer_size=%d,
		store_rejects=true, rejects_table='tl_rej_errors', rejects_scan='tl_rej_scans'`,
		sqltext.QuoteLiteral(f.compression), maxLine, buffer)
	var err error
	switch f.format {
	case "csv":
		err = s.openCSV(ctx, tx, readerOpts, direct)
	case "jsonl":
		err = s.stageJSONL(ctx, tx, readerOpts)
	case "parquet":
		return s, s.openParquet(ctx, tx)
	}
	if err != nil || !s.staged {
		return s, err
	}
	// Row ids of a table made inside a transaction start at a large offset;
	// the row's index in the file is its rowid less the first one.
	var base sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT min(rowid) FROM tl_stage`).Scan(&base); err != nil {
		return nil, err
	}
	s.index = fmt.Sprintf("(tl_stage.rowid - %d)", base.Int64)
	if s.file.format == "csv" {
		s.line = s.index + " + 2" // the header is line 1
	} else if s.file.format == "jsonl" {
		s.line = s.index + " + 1"
	}
	if err := s.collectReaderRejects(ctx, tx); err != nil {
		return nil, err
	}
	return s, s.spannedLines(ctx, tx)
}

// spannedLines turns the record numbers of a CSV file whose records span
// several lines into lines: DuckDB's reader numbers records (a caption
// with a line end would put every later reject on a wrong line), and
// the text check listed the records that span (inputFile.multiline). A
// record's line is its number plus the lines the spanning records before
// it add, found by an ASOF join (a correlated subquery with < would
// compare every row with every spanning record).
func (s *source) spannedLines(ctx context.Context, tx *sql.Tx) error {
	if s.file.format != "csv" || len(s.file.multiline) == 0 {
		return nil
	}
	records := make([]int64, len(s.file.multiline))
	extras := make([]int64, len(s.file.multiline))
	for i, m := range s.file.multiline {
		records[i], extras[i] = m.record, m.extra
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"DROP TABLE IF EXISTS tl_spans", nil},
		{"DROP TABLE IF EXISTS tl_lines", nil},
		{"CREATE TEMP TABLE tl_spans AS SELECT unnest(?::BIGINT[]) AS record, unnest(?::BIGINT[]) AS extra", []any{records, extras}},
		// Tables made in this transaction have no row estimates, so
		// DuckDB would take them for small and compare every pair.
		{"SET asof_loop_join_threshold = 0", nil},
		{`UPDATE tl_reader_rejects SET line = f.line
			FROM (SELECT r.line AS record, r.line + coalesce(s.extra, 0) AS line
				FROM (SELECT DISTINCT line FROM tl_reader_rejects) r ASOF LEFT JOIN tl_spans s ON r.line > s.record) f
			WHERE tl_reader_rejects.line = f.record`, nil},
		{fmt.Sprintf(`CREATE TEMP TABLE tl_lines AS
			SELECT r.i, r.record + coalesce(s.extra, 0) AS line
			FROM (SELECT %s AS i, %s AS record FROM tl_stage) r ASOF LEFT JOIN tl_spans s ON r.record > s.record`, s.index, s.line), nil},
		{"RESET asof_loop_join_threshold", nil},
	} {
		if _, err := execT(ctx, tx, q.sql, q.args...); err != nil {
			return err
		}
	}
	s.line = fmt.Sprintf("(SELECT line FROM tl_lines WHERE tl_lines.i = %s)", s.index)
	return nil
}

func (s *source) openCSV(ctx context.Context, tx *sql.Tx, readerOpts string, direct bool) error {
	header, crlf, err := readCSVHeader(s.file)
	if err != nil {
		return err
	}
	newLine := `'\n'`
	if crlf {
		newLine = `'\r\n'`
	}
	cols := make([]string, len(header))
	raws := make([]string, len(header))
	for i, h := range header {
		c := fmt.Sprintf("c%d", i)
		cols[i] = fmt.Sprintf("%s: 'VARCHAR'", sqltext.QuoteLiteral(c))
		raws[i] = fmt.Sprintf(`CASE WHEN regexp_matches(%[1]s, '[",\r\n]') THEN '"' || replace(%[1]s, '"', '""') || '"' ELSE coalesce(%[1]s, '') END`, c)
		s.names = append(s.names, h)
		s.exprs[h] = c
		s.types[h] = "VARCHAR"
	}
	s.raw = "concat_ws(',', " + strings.Join(raws, ", ") + ")"
	read := fmt.Sprintf(`read_csv(%s, header=true, delim=',', quote='"', escape='"', new_line=%s,
		columns={%s}, %s)`, sqltext.QuoteLiteral(s.file.path), newLine, strings.Join(cols, ", "), readerOpts)
	if direct {
		s.rel, s.line = read, "NULL::BIGINT"
		return nil
	}
	if _, err := execT(ctx, tx, "CREATE TEMP TABLE tl_stage AS SELECT * FROM "+read); err != nil {
		return &FileError{File: s.file.path, Msg: "cannot read as CSV", Err: err}
	}
	s.rel, s.staged = "tl_stage", true
	return nil
}

func (s *source) stageJSONL(ctx context.Context, tx *sql.Tx, readerOpts string) error {
	// Each line is read whole as text, so that a malformed line becomes a
	// reject with its line number instead of failing the file.
	q := fmt.Sprintf(`CREATE TEMP TABLE tl_stage AS
		SELECT line, CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' ELSE false END AS tl_ok
		FROM read_csv(%s, header=false, delim='\x01', quote='', escape='', columns={'line': 'VARCHAR'}, %s)`,
		sqltext.QuoteLiteral(s.file.path), readerOpts)
	if _, err := execT(ctx, tx, q); err != nil {
		return &FileError{File: s.file.path, Msg: "cannot read as JSON Lines", Err: err}
	}
	s.rel, s.staged = "tl_stage", true
	rows, err := tx.QueryContext(ctx, `SELECT k FROM (SELECT DISTINCT unnest(json_keys(line)) AS k FROM tl_stage WHERE tl_ok) ORDER BY k`)
	if err != nil {
		return &FileError{File: s.file.path, Msg: "reading the keys of the JSON objects", Err: err}
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		s.names = append(s.names, k)
		s.exprs[k] = fmt.Sprintf("CASE WHEN tl_ok THEN line->>%s END", sqltext.QuoteLiteral(jsonPathKey(k)))
		s.types[k] = "VARCHAR"
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.raw = "line"
	s.jsonOK = "tl_ok"
	return nil
}

func (s *source) openParquet(ctx context.Context, tx *sql.Tx) error {
	s.rel = fmt.Sprintf(`read_parquet(%s, file_row_number=true)`, sqltext.QuoteLiteral(s.file.path))
	rows, err := tx.QueryContext(ctx, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM `+s.rel+`)`)
	if err != nil {
		return &FileError{File: s.file.path, Msg: "cannot read as Parquet", Err: err}
	}
	defer rows.Close()
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return err
		}
		if name == "file_row_number" {
			continue
		}
		s.names = append(s.names, name)
		s.exprs[name] = "tl_stage." + sqltext.QuoteIdent(name)
		s.types[name] = typ
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.raw = "CAST(to_json(tl_stage) AS VARCHAR)"
	s.line = "tl_stage.file_row_number + 1"
	_, err = execT(ctx, tx, `CREATE TEMP TABLE tl_reader_rejects (line BIGINT, column_name VARCHAR, reason VARCHAR, raw VARCHAR)`)
	return err
}

// collectReaderRejects moves what DuckDB's reader rejected into
// tl_reader_rejects and, since those rows are missing from tl_stage, makes the
// line expression skip over them so later lines stay right.
func (s *source) collectReaderRejects(ctx context.Context, tx *sql.Tx) error {
	// Column names in DuckDB's rejects are ours (c0, c1, ...): map them back.
	colCase := "NULL"
	if s.file.format == "csv" {
		var b strings.Builder
		b.WriteString("CASE e.column_name")
		for i, h := range s.names {
			fmt.Fprintf(&b, " WHEN 'c%d' THEN %s", i, sqltext.QuoteLiteral(h))
		}
		b.WriteString(" END")
		colCase = b.String()
	}
	q := fmt.Sprintf(`CREATE TEMP TABLE tl_reader_rejects AS
		SELECT e.line, %s AS column_name,
		       e.error_type || ': ' || e.error_message AS reason, e.csv_line AS raw
		FROM tl_rej_errors e ORDER BY e.line`, colCase)
	if _, err := execT(ctx, tx, q); err != nil {
		return err
	}
	// One rejected record can carry several errors; count records.
	if err := tx.QueryRowContext(ctx, `SELECT count(DISTINCT line) FROM tl_reader_rejects`).Scan(&s.structural); err != nil {
		return err
	}
	if s.structural == 0 || !s.staged {
		return nil
	}
	// The k-th accepted record (0-based) is record k + |{i : d_i <= k}|,
	// where d_i = k_i - i counts the accepted records before rejected record k_i.
	first := int64(2) // record 0 is on line 2 (CSV: after the header)
	if s.file.format == "jsonl" {
		first = 1
	}
	q = fmt.Sprintf(`CREATE TEMP TABLE tl_rejfix AS
		SELECT (line - %d) - (row_number() OVER (ORDER BY line) - 1) AS d
		FROM (SELECT DISTINCT line FROM tl_reader_rejects)`, first)
	if _, err := execT(ctx, tx, "DROP TABLE IF EXISTS tl_rejfix"); err != nil {
		return err
	}
	if _, err := execT(ctx, tx, q); err != nil {
		return err
	}
	s.line = fmt.Sprintf("(%[1]s + %[2]d + (SELECT count(*) FROM tl_rejfix WHERE d <= %[1]s))", s.index, first)
	return nil
}

func (s *source) has(name string) bool { _, ok := s.exprs[name]; return ok }
