// Package queries holds trendlab's saved SQL: the .sql files shipped in
// sql/ (embedded in the binary), the parser of their headers, and the code
// that binds parameters, runs a query read-only and writes its result as a
// table, CSV, JSON, Parquet or an Arrow IPC stream.
//
// # A saved query
//
// A saved query is a .sql file whose first lines are a header of SQL
// comments:
//
//	-- name: daily_volume
//	-- description: Videos uploaded per day that carry any tag of a tag set,
//	--   beside all videos uploaded that day.
//	-- param: tag_set string default "" "name of a saved tag set"
//	-- param: tags list<tag> default "" "hashtags, comma-separated"
//	-- param: since date default null "first day (UTC)"
//	-- require-one-of: tag_set, tags
//
//	SELECT ... WHERE created_at >= $since ...
//
// The name must equal the file's base name. A description may continue on
// lines indented by two or more spaces after "--". Each param line is
//
//	NAME TYPE required "description"
//	NAME TYPE default VALUE "description"
//
// with TYPE one of string, int, float, bool, date, timestamp, list<string>
// and list<tag> (a list whose items are normalised like imported hashtags).
// VALUE is a word, a Go-quoted string, or null (SQL NULL). require-one-of
// names parameters (with defaults) of which the caller must give at least
// one. Anything else in the header is an error that names the file and line:
// put free comments after a blank line.
//
// # Parameters are bound, never spliced
//
// The SQL refers to parameters as $name (DuckDB named parameters). Bind and
// BindValues check the caller's values against the declared types and return
// a Statement whose values travel as sql.Named arguments; the SQL text is
// never edited. Before running, the statement is prepared on the raw DuckDB
// connection and its parameter names are compared with the declaration in
// both directions, because duckdb-go would otherwise bind an undeclared
// $name by position.
//
// # Running read-only
//
// Export, Fetch and Prepare run the statement inside BEGIN TRANSACTION READ
// ONLY on one connection and roll back afterwards, whatever mode the
// workspace was opened in; the CLI also opens the workspace read-only. A
// saved query must be a single SELECT; text with several statements is
// refused before anything runs.
//
//	lib, err := queries.Load(userDirs...)
//	q, err := lib.Lookup("daily_volume")
//	st, err := q.Bind(map[string][]string{"tags": {"omegle,omegel"}})
//	stats, err := queries.Export(ctx, ws.DB, st, queries.FormatCSV, os.Stdout, queries.TableOptions{})
//
// On a workspace on a PostgreSQL server the same functions run a saved
// query's NAME.pg.sql variant where one sits beside NAME.sql (the shipped
// queries use the common subset of the two dialects where that stays
// clear), with $name renumbered $1..$n for pgx, inside a READ ONLY
// transaction with a statement timeout (server.go, which also says what the
// server's role must not be granted). Arrow and Parquet output need DuckDB.
//
// Ad-hoc SQL (trendlab sql, the TUI console) goes through the same path as
// AdHoc(text); it takes no parameters and may be any one statement that
// reads (SELECT, DESCRIBE, SHOW, SUMMARIZE, PRAGMA table_info, EXPLAIN,
// CALL), never one that would change the workspace or outlive itself on a
// pooled connection (SET, BEGIN, ATTACH, LOAD, CREATE TEMP).
//
// # Nothing outside the workspace
//
// SQL from people (saved queries, notebooks, the console, trendlab sql
// unless the user asks for files) cannot reach outside the workspace. Two
// barriers, each enough alone for what it covers: StatementReach refuses,
// before DuckDB sees the text, statements that write files or change the
// session (COPY, EXPORT DATABASE, ATTACH, INSTALL, LOAD, SET, ...; DuckDB
// acts on some of them while preparing), and Confine turns DuckDB's
// external access off and locks the configuration, so no function reads a
// file (read_csv('/etc/passwd')) and no statement turns it back on.
// A front end that shows a few rows itself (the TUI) calls Fetch, which
// returns a Table with each column's DuckDB type; Column.Text renders a
// value as the CSV writer does and textsafe makes it safe for a terminal.
// Export with any Format writes the same result to a file the user chose.
//
// # Tag sets in the shipped queries
//
// Queries about a tag set take tag_set (a saved set: its seed, its accepted
// variants and, when the set says so, videos whose caption names one of
// its tags as a word, as trendlab investigate counts them) and tags (a
// list<tag>, added to the set's). Keep this definition in step with
// analysis if it changes there.
//
// # Output
//
// Table, CSV and JSON read rows through database/sql (see WriteTable,
// WriteCSV, WriteJSON for how each SQL type is written). Arrow and Parquet
// take duckdb-go's Arrow record reader and write batch by batch, so a large
// result never sits whole in Go memory.
package queries
