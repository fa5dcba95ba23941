package tui

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/trendlab/trendlab/internal/sqltext"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// The Catalog screen on a workspace on a PostgreSQL server: the same
// relations, columns, counts and summaries as catalogdata.go reads from
// DuckDB, from information_schema and in PostgreSQL's SQL.

// extensionOwned is true for a relation of information_schema's row that
// an extension made (Citus's citus_tables and citus_schemas views, in the
// public schema): not the workspace's.
const extensionOwned = `EXISTS (SELECT 1 FROM pg_depend d
	WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e'
	  AND d.objid = (quote_ident(table_schema) || '.' || quote_ident(table_name))::regclass)`

// loadCatalogServer lists the tables and views of the schemas on the
// search path (the workspace's), with exact row counts of the tables.
func loadCatalogServer(ctx context.Context, db *sql.DB) ([]relation, error) {
	// The columns carry DuckDB's type names, where PostgreSQL's differ, so
	// that a column reads the same on both engines.
	return readCatalog(ctx, db, `
		SELECT table_schema, table_name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END
		FROM information_schema.tables
		WHERE table_schema = ANY (current_schemas(false)) AND table_type IN ('BASE TABLE', 'VIEW')
		  AND NOT `+extensionOwned+`
		ORDER BY 3, 1, 2`, `
		SELECT table_schema, table_name, column_name,
		       CASE data_type WHEN 'text' THEN 'VARCHAR' WHEN 'character varying' THEN 'VARCHAR'
		            WHEN 'timestamp without time zone' THEN 'TIMESTAMP' WHEN 'timestamp with time zone' THEN 'TIMESTAMP WITH TIME ZONE'
		            WHEN 'double precision' THEN 'DOUBLE' WHEN 'ARRAY' THEN CASE udt_name WHEN '_text' THEN 'VARCHAR' WHEN '_varchar' THEN 'VARCHAR' ELSE upper(substr(udt_name, 2)) END || '[]'
		            ELSE upper(data_type) END
		FROM information_schema.columns
		WHERE table_schema = ANY (current_schemas(false)) AND NOT `+extensionOwned+`
		ORDER BY table_schema, table_name, ordinal_position`)
}

// summarizeServer is summarize in PostgreSQL's SQL: quantiles by
// percentile_disc; min and max of a type without an order (boolean, json)
// are those of its text.
func summarizeServer(ctx context.Context, db *sql.DB, rel relation, col column) (colSummary, error) {
	s := colSummary{Rel: rel.Name, Col: col.Name, Type: col.Type}
	c := sqltext.QuoteIdent(col.Name)
	from := rel.qualified()
	var mn, mx sql.NullString
	q := `SELECT count(*), count(*) - count(%[1]s), count(DISTINCT %[1]s), min(%[1]s)::text, max(%[1]s)::text FROM %[2]s`
	err := db.QueryRowContext(ctx, fmt.Sprintf(q, c, from)).Scan(&s.Count, &s.Nulls, &s.Distinct, &mn, &mx)
	if err != nil {
		q = `SELECT count(*), count(*) - count(%[1]s), count(DISTINCT %[1]s::text), min(%[1]s::text), max(%[1]s::text) FROM %[2]s`
		err = db.QueryRowContext(ctx, fmt.Sprintf(q, c, from)).Scan(&s.Count, &s.Nulls, &s.Distinct, &mn, &mx)
	}
	if err != nil {
		return s, fmt.Errorf("summarising %s.%s: %w", rel.Name, col.Name, err)
	}
	s.Min, s.Max = textsafe.StripLine(mn.String), textsafe.StripLine(mx.String)
	var qs sql.NullString
	qerr := db.QueryRowContext(ctx, fmt.Sprintf(
		`SELECT array_to_json(percentile_disc(ARRAY[0.05, 0.25, 0.5, 0.75, 0.95]) WITHIN GROUP (ORDER BY %s))::text FROM %s`, c, from)).Scan(&qs)
	if qerr == nil && qs.Valid {
		s.Quantiles = jsonArrayText(qs.String)
	}
	if qerr != nil || len(s.Quantiles) != len(quantileLevels) {
		s.QuantileErr = "no quantiles for this type"
		s.Quantiles = nil
	}
	s.Freq, err = frequencies(ctx, db, rel, col)
	return s, err
}

// jsonArrayText reads a JSON array's elements as text: a string as it is,
// anything else as written.
func jsonArrayText(s string) []string {
	var raw []json.RawMessage
	if json.Unmarshal([]byte(s), &raw) != nil {
		return nil
	}
	out := make([]string, len(raw))
	for i, r := range raw {
		var str string
		if json.Unmarshal(r, &str) == nil {
			out[i] = textsafe.StripLine(str)
		} else {
			out[i] = textsafe.StripLine(strings.TrimSpace(string(r)))
		}
	}
	return out
}
