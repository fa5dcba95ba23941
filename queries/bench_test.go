package queries

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/trendlab/trendlab/datasets"
)

// benchParams are the parameters each shipped query runs with in the
// benchmark. The tag family is the one datasets/synth plants, given as
// tags so that no tag set has to exist; video_timeline gets a real id.
var benchParams = map[string][]string{
	"daily_volume":               {"tags=omegle,omegel,0megle"},
	"violation_rate_by_policy":   {"tags=omegle,omegel,0megle"},
	"removal_latency":            {"tags=omegle,omegel,0megle"},
	"proactive_share_by_policy":  nil,
	"escalations":                nil,
	"co_occurring_tags":          {"tags=omegle,omegel,0megle"},
	"breakdown_by_region":        {"tags=omegle,omegel,0megle"},
	"breakdown_by_age_band":      {"tags=omegle,omegel,0megle"},
	"appeals_and_reinstatements": nil,
	"orphan_events":              nil,
	"last_import_rejects":        nil,
	"imports":                    nil,
	"top_tags":                   nil,
	"daily_violation_rate":       {"tags=omegle,omegel,0megle", "policy=minor_safety"},
	"sample_labels":              nil,
}

// benchDB opens $TRENDLAB_BENCH_WORKSPACE read-only (the lead runs this on
// a 10-million-video workspace), else the small test fixture.
func benchDB(b *testing.B) *sql.DB {
	path := os.Getenv("TRENDLAB_BENCH_WORKSPACE")
	if path == "" {
		return fixture(b)
	}
	ws, err := datasets.Open(context.Background(), path, datasets.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	return ws.DB
}

// BenchmarkShipped compares, per shipped query, `query run` (bind, check,
// read-only transaction, write CSV or Arrow to io.Discard) with the same
// SQL and arguments run directly through database/sql, scanning every row.
// The target: run within 1.2x of direct.
//
//	TRENDLAB_BENCH_WORKSPACE=big.duckdb go test -tags duckdb_arrow ./queries -run - -bench Shipped -count 10 | benchstat -col /path -
func BenchmarkShipped(b *testing.B) {
	ctx := context.Background()
	db := benchDB(b)
	lib, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	var anyVideo string
	if err := db.QueryRowContext(ctx, `SELECT min(video_id) FROM videos`).Scan(&anyVideo); err != nil {
		b.Fatal(err)
	}
	for _, q := range lib.Queries() {
		params, ok := benchParams[q.Name]
		if q.Name == "video_timeline" {
			params, ok = []string{"video_id=" + anyVideo}, true
		}
		if !ok {
			b.Fatalf("no benchmark parameters for %s", q.Name)
		}
		given, err := ParseAssignments(params)
		if err != nil {
			b.Fatal(err)
		}
		st, err := q.Bind(given)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(q.Name+"/path=direct", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := scanAll(ctx, db, st.SQL, st.ArgValues()); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, f := range []Format{FormatCSV, FormatArrow} {
			b.Run(fmt.Sprintf("%s/path=run-%s", q.Name, f), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					// Bind is part of query run.
					st, err := q.Bind(given)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := Export(ctx, db, st, f, io.Discard, TableOptions{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func scanAll(ctx context.Context, db *sql.DB, text string, args []any) (int, error) {
	rows, err := db.QueryContext(ctx, text, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		if _, err := scanRowN(rows, len(cols)); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

func scanRowN(rows *sql.Rows, n int) ([]any, error) { return scanRow(rows, n) }

// BenchmarkParquet measures the two ways to write Parquet: Arrow record
// batches through pqarrow (what WriteParquet does) and DuckDB's own
// COPY (...) TO file with the same bound parameter. See WriteParquet for
// the numbers and the choice.
func BenchmarkParquet(b *testing.B) {
	ctx := context.Background()
	db := fixture(b)
	const text = `SELECT i, 'tag' || (i % 1000) AS tag, i * 0.5 AS x,
		TIMESTAMP '2026-01-01' + i * INTERVAL 1 SECOND AS ts
		FROM range($n) t(i)`
	for _, n := range []int64{10_000, 200_000} {
		st := AdHoc(text)
		st.Args = append(st.Args, sql.Named("n", n))
		st.declared = map[string]bool{"n": true}
		b.Run(fmt.Sprintf("rows=%d/path=pqarrow", n), func(b *testing.B) {
			for b.Loop() {
				f, err := os.Create(filepath.Join(b.TempDir(), "out.parquet"))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Export(ctx, db, st, FormatParquet, f, TableOptions{}); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
		b.Run(fmt.Sprintf("rows=%d/path=copy", n), func(b *testing.B) {
			for b.Loop() {
				out := filepath.Join(b.TempDir(), "out.parquet")
				copySQL := fmt.Sprintf(`COPY (%s) TO '%s' (FORMAT parquet)`, text, out)
				if _, err := db.ExecContext(ctx, copySQL, sql.Named("n", n)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
