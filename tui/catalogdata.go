package tui

// What the Catalog screen reads from the workspace: relations with their
// columns and row counts, a column's summary and frequency table, the
// imports with their provenance.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/sqltext"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// loadCatalog lists the workspace's tables and views with their columns and
// the tables' exact row counts (cheap in DuckDB); a view is counted when it
// is selected, as that runs its query. DuckDB's access-path tables
// (datasets.DuckDBOnlyTables) are left out, as PostgreSQL's indexes are:
// they hold nothing the other tables do not.
func loadCatalog(ctx context.Context, db *sql.DB) ([]relation, error) {
	return readCatalog(ctx, db, `
		SELECT schema_name, table_name, 'table' FROM duckdb_tables()
		WHERE NOT internal AND database_name = current_database()
		  AND NOT (schema_name = 'main' AND table_name IN ('`+strings.Join(datasets.DuckDBOnlyTables, "', '")+`'))
		UNION ALL
		SELECT schema_name, view_name, 'view' FROM duckdb_views()
		WHERE NOT internal AND database_name = current_database()
		ORDER BY 3, 1, 2`, `
		SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns()
		WHERE NOT internal AND database_name = current_database()
		ORDER BY schema_name, table_name, column_index`)
}

// readCatalog reads the relations (schema, name, kind) that relationsSQL
// lists, their columns (schema, table, name, type) from columnsSQL, and
// the tables' exact row counts: the one catalog reader of both engines.
func readCatalog(ctx context.Context, db *sql.DB, relationsSQL, columnsSQL string) ([]relation, error) {
	rows, err := db.QueryContext(ctx, relationsSQL)
	if err != nil {
		return nil, fmt.Errorf("listing tables: %w", err)
	}
	var rels []relation
	index := map[string]int{}
	for rows.Next() {
		var r relation
		if err := rows.Scan(&r.Schema, &r.Name, &r.Kind); err != nil {
			rows.Close()
			return nil, err
		}
		index[r.Schema+"."+r.Name] = len(rels)
		rels = append(rels, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	cols, err := db.QueryContext(ctx, columnsSQL)
	if err != nil {
		return nil, fmt.Errorf("listing columns: %w", err)
	}
	for cols.Next() {
		var s, t string
		var c column
		if err := cols.Scan(&s, &t, &c.Name, &c.Type); err != nil {
			cols.Close()
			return nil, err
		}
		if i, ok := index[s+"."+t]; ok {
			rels[i].Cols = append(rels[i].Cols, c)
		}
	}
	cols.Close()
	if err := cols.Err(); err != nil {
		return nil, err
	}
	for i := range rels {
		if rels[i].Kind != "table" {
			continue
		}
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+rels[i].qualified()).Scan(&rels[i].Rows); err != nil {
			return nil, fmt.Errorf("counting %s: %w", rels[i].Name, err)
		}
		rels[i].RowsKnown = true
	}
	return rels, nil
}

// summarize computes a column's summary and top-50 frequency table.
func summarize(ctx context.Context, db *sql.DB, rel relation, col column) (colSummary, error) {
	s := colSummary{Rel: rel.Name, Col: col.Name, Type: col.Type}
	c := sqltext.QuoteIdent(col.Name)
	from := rel.qualified()
	var mn, mx sql.NullString
	err := db.QueryRowContext(ctx, fmt.Sprintf(
		`SELECT count(*), count(*) - count(%[1]s), count(DISTINCT %[1]s), min(%[1]s)::VARCHAR, max(%[1]s)::VARCHAR FROM %[2]s`,
		c, from)).Scan(&s.Count, &s.Nulls, &s.Distinct, &mn, &mx)
	if err != nil {
		return s, fmt.Errorf("summarising %s.%s: %w", rel.Name, col.Name, err)
	}
	s.Min, s.Max = textsafe.StripLine(mn.String), textsafe.StripLine(mx.String)
	qrows, qerr := db.QueryContext(ctx, fmt.Sprintf(
		`SELECT UNNEST(quantile_disc(%s, [0.05, 0.25, 0.5, 0.75, 0.95])::VARCHAR[]) FROM %s`, c, from))
	if qerr == nil {
		for qrows.Next() {
			var v sql.NullString
			if qerr = qrows.Scan(&v); qerr != nil {
				break
			}
			s.Quantiles = append(s.Quantiles, textsafe.StripLine(v.String))
		}
		if qerr == nil {
			qerr = qrows.Err()
		}
		qrows.Close()
	}
	if qerr != nil {
		s.QuantileErr = "no quantiles for this type"
		s.Quantiles = nil
	}
	s.Freq, err = frequencies(ctx, db, rel, col)
	return s, err
}

// frequencies is a column's top-50 values as text, in the SQL both
// engines share.
func frequencies(ctx context.Context, db *sql.DB, rel relation, col column) ([]freqRow, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf(
		`SELECT %[1]s::VARCHAR AS v, count(*) AS n FROM %[2]s GROUP BY v ORDER BY n DESC, v NULLS FIRST LIMIT 50`, sqltext.QuoteIdent(col.Name), rel.qualified()))
	if err != nil {
		return nil, fmt.Errorf("counting values of %s.%s: %w", rel.Name, col.Name, err)
	}
	defer rows.Close()
	var out []freqRow
	for rows.Next() {
		var v sql.NullString
		var f freqRow
		if err := rows.Scan(&v, &f.N); err != nil {
			return nil, err
		}
		f.Null, f.Raw, f.Value = !v.Valid, v.String, textsafe.StripLine(v.String)
		if f.Null {
			f.Value = "NULL"
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func loadImports(ctx context.Context, db *sql.DB) ([]importRow, error) {
	p, err := datasets.ReadProvenance(ctx, db)
	if err != nil {
		return nil, err
	}
	var out []importRow
	for _, im := range p.Imports {
		out = append(out, importRow{ID: im.ID, Kind: im.Kind, File: im.File, Format: im.Format, Compression: im.Compression, SHA: im.SHA256,
			Ver: im.TrendlabVersion, Mapping: sql.NullString{String: im.Mapping, Valid: im.Mapping != ""}, Size: im.SizeBytes, Read: im.RowsRead,
			Loaded: im.RowsLoaded, Rejected: im.RowsRejected, DurationMS: im.DurationMS, Started: im.StartedAt})
	}
	return out, nil
}
