package analysis

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/internal/pgtest"
	"github.com/trendlab/trendlab/internal/testws"
)

// maxRowsMoved is the most rows an investigation may read from the engine
// into Go, whatever the workspace's size (issue 14): aggregates only.
const maxRowsMoved = 100_000

// TestInvestigateMovesFewRows counts, on the engine boundary, the rows an
// investigation reads into Go.
func TestInvestigateMovesFewRows(t *testing.T) {
	ws, m := synthWorkspace(t)
	var moved int64 = -1
	rowsMoved = func(n int64) { moved = n }
	defer func() { rowsMoved = nil }()
	if _, err := Investigate(context.Background(), ws, Request{Tag: m.Family.SeedTag, IncludeCaptions: true, Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	// Days x groups x policies of outcomes, a histogram per policy and
	// group, the related tags: a few thousand rows here.
	if moved <= 0 || moved > maxRowsMoved {
		t.Fatalf("the investigation of %d videos read %d rows from the engine, want 1 to %d", m.Videos, moved, maxRowsMoved)
	}
	t.Logf("%d videos: %d rows read from the engine", m.Videos, moved)
}

// engineSynthConfig is small: the server's import is the slower.
var engineSynthConfig = synth.Config{Videos: 20_000, Seed: 11, Days: 30}

// TestEnginesAgree: the same synthetic exports imported into DuckDB and into
// PostgreSQL give the same investigation, the --json document equal but for
// the workspace's name and the imports' timing.
func TestEnginesAgree(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	cfg := engineSynthConfig
	cfg.Dir = t.TempDir()
	duck, m := testws.New(t, cfg)
	if err := SaveTagSet(ctx, duck, "companion", m.RelatedTags[0], false, nil); err != nil {
		t.Fatal(err)
	}
	if err := SaveTagSet(ctx, duck, "family", m.Family.SeedTag, true, []Variant{
		{Tag: m.Family.Normalised[len(m.Family.Normalised)-1], Status: VariantAccepted, Score: 0.9, Reasons: []string{"listed"}},
		{Tag: m.Decoys[0], Status: VariantRejected, Score: 0.2}}); err != nil {
		t.Fatal(err)
	}
	pg, err := datasets.Open(ctx, url, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	testws.Import(t, pg, cfg)
	copyTagSets(t, duck, pg)
	start, _ := time.Parse(time.RFC3339, m.Start)
	policies := m.Policies[:2]
	for _, req := range []Request{
		{Tag: m.Family.SeedTag},
		{Tag: m.Family.SeedTag, IncludeCaptions: true, Policies: policies,
			Period: datasets.Period{Since: start.AddDate(0, 0, 3), Until: start.AddDate(0, 0, 20)}},
		{Tag: m.Family.SeedTag, Variants: []string{m.Decoys[0], "nosuchtag"}, Baseline: "tagset:companion"},
		{TagSet: "family", ChangeDate: start.AddDate(0, 0, 15)},
	} {
		t.Run(fmt.Sprintf("%s%s %v %s", req.Tag, req.TagSet, req.Policies, req.Baseline), func(t *testing.T) {
			req.Now = fixedNow
			want := investigateJSON(t, duck, req)
			got := investigateJSON(t, pg, req)
			if got != want {
				t.Errorf("PostgreSQL's investigation differs from DuckDB's:\n%s", firstDifference(want, got))
			}
		})
	}
}

// BenchmarkInvestigateEngines investigates the same synthetic exports
// imported into an in-memory DuckDB workspace and, when
// TRENDLAB_TEST_POSTGRES names a server, into a PostgreSQL database; it
// reports the rows each engine moves into Go. TRENDLAB_BENCH_VIDEOS sets the
// size (default 100,000):
//
//	U=$(.ci/pgserver start); TRENDLAB_TEST_POSTGRES=$U TRENDLAB_BENCH_VIDEOS=1000000 \
//	  go test -tags duckdb_arrow ./analysis -run '^$' -bench InvestigateEngines -benchtime 3x
func BenchmarkInvestigateEngines(b *testing.B) {
	videos := 100_000
	if v := os.Getenv("TRENDLAB_BENCH_VIDEOS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("TRENDLAB_BENCH_VIDEOS=%q: give a number of videos", v)
		}
		videos = n
	}
	ctx := context.Background()
	cfg := synth.Config{Videos: videos, Seed: 7, Days: 30, Dir: b.TempDir()}
	duck, m := testws.New(b, cfg)
	engines := []struct {
		name string
		ws   *datasets.Workspace
	}{{"duckdb", duck}}
	if os.Getenv(pgtest.Env) != "" {
		pg, err := datasets.Open(ctx, pgtest.NewDatabase(b), datasets.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer pg.Close()
		testws.Import(b, pg, cfg)
		if _, err := pg.DB.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS fuzzystrmatch`); err != nil {
			b.Fatal(err)
		}
		engines = append(engines, struct {
			name string
			ws   *datasets.Workspace
		}{"postgres", pg})
	}
	for _, e := range engines {
		b.Run(fmt.Sprintf("%s/videos=%d", e.name, videos), func(b *testing.B) {
			var moved int64
			rowsMoved = func(n int64) { moved = n }
			defer func() { rowsMoved = nil }()
			for b.Loop() {
				if _, err := Investigate(ctx, e.ws, Request{Tag: m.Family.SeedTag, Now: fixedNow}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(moved), "rows/op")
		})
	}
}

func investigateJSON(t *testing.T, ws *datasets.Workspace, req Request) string {
	t.Helper()
	inv, err := Investigate(context.Background(), ws, req)
	if err != nil {
		t.Fatalf("%s: %v", ws.Dialect, err)
	}
	return engineFreeJSON(t, &inv.Provenance, inv)
}

// engineFreeJSON is doc's --json document without what differs between
// engines holding the same imports: the workspace's name (in p, doc's
// provenance) and the imports' timing.
func engineFreeJSON(t *testing.T, p *Provenance, doc any) string {
	t.Helper()
	p.Workspace = ""
	for i := range p.Imports {
		p.Imports[i].StartedAt, p.Imports[i].DurationMS = time.Time{}, 0
	}
	js, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// firstDifference shows the lines around the first line that differs.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		if i < len(w) && i < len(g) && w[i] == g[i] {
			continue
		}
		lo := max(0, i-8)
		line := func(xs []string) string {
			if i < len(xs) {
				return xs[i]
			}
			return "(end)"
		}
		return fmt.Sprintf("line %d: DuckDB %q, PostgreSQL %q; before it:\n%s", i+1, line(w), line(g), strings.Join(w[lo:i], "\n"))
	}
	return ""
}

// copyTagSets copies the saved tag sets of the DuckDB workspace into the
// PostgreSQL one (SaveTagSet writes only to DuckDB so far), and creates the
// extensions variant discovery needs there.
func copyTagSets(t *testing.T, from, to *datasets.Workspace) {
	t.Helper()
	ctx := context.Background()
	if _, err := to.DB.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS fuzzystrmatch`); err != nil {
		t.Fatal(err)
	}
	conn, err := to.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, tc := range []struct{ table, columns string }{
		{"tag_sets", "name, seed_tag, include_caption_mentions, created_at, updated_at"},
		{"tag_set_variants", "tag_set, tag, status, reason, score, videos, decided_at, decided_by"},
	} {
		cols := strings.Split(tc.columns, ", ")
		rows, err := from.DB.QueryContext(ctx, `SELECT `+tc.columns+` FROM `+tc.table)
		if err != nil {
			t.Fatal(err)
		}
		var data [][]any
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			data = append(data, vals)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		err = conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{tc.table}, cols, pgx.CopyFromRows(data))
			return err
		})
		if err != nil {
			t.Fatalf("copying %s: %v", tc.table, err)
		}
	}
}
