package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// Provenance is what makes a result traceable to its data: the workspace's
// schema version (as the workspace records it), its row counts, and every
// import with its file's SHA-256.
type Provenance struct {
	SchemaVersion int
	Videos        int64
	Events        int64
	Imports       []ImportRecord
}

// ImportRecord is one row of the imports table.
type ImportRecord struct {
	ID              int64     `json:"id"`
	Kind            string    `json:"kind"`
	File            string    `json:"file"`
	SizeBytes       int64     `json:"size_bytes"`
	SHA256          string    `json:"sha256"`
	Format          string    `json:"format"`
	Compression     string    `json:"compression"`
	RowsRead        int64     `json:"rows_read"`
	RowsLoaded      int64     `json:"rows_loaded"`
	RowsRejected    int64     `json:"rows_rejected"`
	StartedAt       time.Time `json:"started_at"`
	TrendlabVersion string    `json:"trendlab_version"`
	// Mapping is the mapping file's text, "" without one.
	Mapping    string `json:"-"`
	DurationMS int64  `json:"-"`
}

// Querier is what ReadProvenance reads through: a *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ImportsSQL is the query ReadProvenance lists the imports with, for
// reports that show the SQL they ran.
const ImportsSQL = `SELECT import_id, kind, file, size_bytes, sha256, format, compression,
       rows_read, rows_loaded, rows_rejected, started_at, trendlab_version, coalesce(mapping, ''), duration_ms
FROM imports ORDER BY import_id`

// ReadProvenance reads the provenance of the workspace q is connected to.
func ReadProvenance(ctx context.Context, q Querier) (*Provenance, error) {
	p := &Provenance{Imports: []ImportRecord{}}
	var v string
	if err := q.QueryRowContext(ctx, `SELECT value FROM trendlab_meta WHERE key = 'schema_version'`).Scan(&v); err != nil {
		return nil, fmt.Errorf("reading the schema version: %w", err)
	}
	var err error
	if p.SchemaVersion, err = strconv.Atoi(v); err != nil {
		return nil, fmt.Errorf("the workspace's schema version %q is not a number", v)
	}
	if err := q.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM videos), (SELECT count(*) FROM moderation_events)`).Scan(&p.Videos, &p.Events); err != nil {
		return nil, fmt.Errorf("counting rows: %w", err)
	}
	rows, err := q.QueryContext(ctx, ImportsSQL)
	if err != nil {
		return nil, fmt.Errorf("listing imports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var im ImportRecord
		if err := rows.Scan(&im.ID, &im.Kind, &im.File, &im.SizeBytes, &im.SHA256, &im.Format, &im.Compression,
			&im.RowsRead, &im.RowsLoaded, &im.RowsRejected, &im.StartedAt, &im.TrendlabVersion, &im.Mapping, &im.DurationMS); err != nil {
			return nil, fmt.Errorf("listing imports: %w", err)
		}
		im.StartedAt = im.StartedAt.UTC()
		p.Imports = append(p.Imports, im)
	}
	return p, rows.Err()
}
