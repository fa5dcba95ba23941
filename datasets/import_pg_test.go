package datasets_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/internal/pgtest"
)

// Differential tests of the import into a workspace on a PostgreSQL server
// (import_pg.go) against the import into DuckDB: the same files give the
// same rows in every table, the same rejects and the same summaries.

// twoWorkspaces opens a DuckDB workspace and a server one, both empty.
func twoWorkspaces(t *testing.T) (duck, pg *datasets.Workspace) {
	t.Helper()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	var err error
	if duck, err = datasets.OpenMemory(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { duck.Close() })
	if pg, err = datasets.Open(ctx, url, datasets.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	return duck, pg
}

// comparedTables are the tables an import writes, with the columns left
// out of the comparison (the time an import took).
var comparedTables = map[string][]string{
	"imports": {"started_at", "duration_ms"}, "videos": nil, "moderation_events": nil, "rejects": nil,
	"video_tags": nil, "tag_days": nil, "video_outcomes": nil, "views_daily": nil, "search_daily": nil, "interventions": nil,
	"unfinished_imports": nil,
}

// dump lists a table's rows as text, sorted, in one form for both engines.
func dump(t *testing.T, duck, ws *datasets.Workspace, table string) []string {
	t.Helper()
	cols, err := duck.DB.Query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		t.Fatal(err)
	}
	var exprs []string
	for cols.Next() {
		var name, typ string
		cols.Scan(&name, &typ)
		switch {
		case slices.Contains(comparedTables[table], name):
		case strings.HasSuffix(typ, "[]"):
			exprs = append(exprs, fmt.Sprintf("array_to_string(%s, '|')", name))
		case typ == "JSON":
			exprs = append(exprs, fmt.Sprintf("CAST(%s AS VARCHAR)", name))
		default:
			exprs = append(exprs, name)
		}
	}
	cols.Close()
	rows, err := ws.DB.Query(fmt.Sprintf("SELECT %s FROM %s", strings.Join(exprs, ", "), table))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	vals := make([]any, len(exprs))
	ptrs := make([]any, len(exprs))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, v := range vals {
			switch x := v.(type) {
			case time.Time:
				v = x.UTC().Format(time.RFC3339Nano)
			case int32:
				v = int64(x)
			case float64:
				v = math.Round(x*1e6) / 1e6
			case []byte:
				v = string(x)
			}
			parts = append(parts, fmt.Sprintf("%v", v))
		}
		out = append(out, strings.Join(parts, " | "))
	}
	slices.Sort(out)
	return out
}

// sameTables fails the test for each table whose rows differ.
func sameTables(t *testing.T, duck, pg *datasets.Workspace) {
	t.Helper()
	for table := range comparedTables {
		d, p := dump(t, duck, duck, table), dump(t, duck, pg, table)
		if !slices.Equal(d, p) {
			n := 0
			for _, r := range d {
				if !slices.Contains(p, r) && n < 3 {
					t.Errorf("%s: PostgreSQL lacks %s", table, r)
					n++
				}
			}
			for _, r := range p {
				if !slices.Contains(d, r) && n < 6 {
					t.Errorf("%s: DuckDB lacks %s", table, r)
					n++
				}
			}
			t.Errorf("%s: %d rows in DuckDB, %d in PostgreSQL", table, len(d), len(p))
		}
	}
}

// importBoth imports req into both workspaces and compares the summaries.
func importBoth(t *testing.T, duck, pg *datasets.Workspace, req datasets.ImportRequest) (*datasets.ImportSummary, error) {
	t.Helper()
	ctx := context.Background()
	ds, derr := datasets.Import(ctx, duck, req)
	ps, perr := datasets.Import(ctx, pg, req)
	if (derr == nil) != (perr == nil) || (derr != nil && derr.Error() != perr.Error()) {
		t.Fatalf("DuckDB: %v; PostgreSQL: %v", derr, perr)
	}
	if derr != nil {
		return nil, perr
	}
	norm := func(s *datasets.ImportSummary) string {
		c := *s
		c.Duration = 0
		c.Files = slices.Clone(s.Files)
		for i := range c.Files {
			c.Files[i].Duration = 0
			if k := strings.Index(c.Files[i].Skipped, ", 20"); k > 0 {
				c.Files[i].Skipped = c.Files[i].Skipped[:k] // the time of the earlier import
			}
		}
		return fmt.Sprintf("%+v", c)
	}
	if norm(ds) != norm(ps) {
		t.Errorf("summaries differ:\nDuckDB     %s\nPostgreSQL %s", norm(ds), norm(ps))
	}
	return ps, nil
}

// TestPostgresImportMatchesDuckDB: a synthetic export with the optional
// exports, then a later export (events for older videos too), then the
// same files again, give the same tables on both engines; the repeat is a
// no-op.
func TestPostgresImportMatchesDuckDB(t *testing.T) {
	duck, pg := twoWorkspaces(t)
	ctx := context.Background()
	cfg := synth.Config{Videos: 3000, Seed: 7, Days: 14, Optional: true, Dir: t.TempDir()}
	m, err := synth.Generate(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	req := datasets.ImportRequest{Videos: []string{m.Files.Videos}, Events: []string{m.Files.Events}}
	if m.Impact != nil {
		req.Views, req.Searches, req.Interventions = []string{m.Impact.Files.Views}, []string{m.Impact.Files.Searches}, []string{m.Impact.Files.Interventions}
	}
	if _, err := importBoth(t, duck, pg, req); err != nil {
		t.Fatal(err)
	}
	sameTables(t, duck, pg)
	if n := len(dump(t, duck, pg, "video_outcomes")); n == 0 {
		t.Fatal("no video_outcomes: the comparison proves nothing")
	}

	// The table functions agree too: a tag family with caption mentions
	// (the PostgreSQL function's word test is [[:alnum:]_], DuckDB's \pL\pN_).
	tags := append([]string{m.Family.SeedTag}, m.Family.Normalised...)
	quoted := "'" + strings.Join(tags, "', '") + "'"
	members := func(ws *datasets.Workspace, list string) []string {
		rows, err := ws.DB.Query(`SELECT video_id, caption_only FROM tag_set_members('', ` + list + `, true)`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id string
			var captionOnly bool
			rows.Scan(&id, &captionOnly)
			out = append(out, fmt.Sprint(id, captionOnly))
		}
		slices.Sort(out)
		return out
	}
	dm, pm := members(duck, "["+quoted+"]"), members(pg, "ARRAY["+quoted+"]")
	if !slices.Equal(dm, pm) || len(dm) == 0 {
		t.Errorf("tag_set_members(%v): DuckDB %d videos, PostgreSQL %d", tags, len(dm), len(pm))
	}

	later := synth.Config{Videos: 500, Seed: 8, Days: 3, Start: cfg.Start, FirstID: 3000, Dir: t.TempDir()}
	m2, err := synth.Generate(ctx, later)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importBoth(t, duck, pg, datasets.ImportRequest{Videos: []string{m2.Files.Videos}, Events: []string{m2.Files.Events}}); err != nil {
		t.Fatal(err)
	}
	sameTables(t, duck, pg)

	before := dump(t, duck, pg, "imports")
	sum, err := importBoth(t, duck, pg, req)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range sum.Files {
		if !strings.HasPrefix(f.Skipped, "already imported") {
			t.Errorf("re-import of %s: %q, want skipped", f.File, f.Skipped)
		}
	}
	if after := dump(t, duck, pg, "imports"); !slices.Equal(before, after) {
		t.Errorf("re-import changed imports: %d rows, was %d", len(after), len(before))
	}
}

const (
	pgVideosHeader = "video_id,author_id,created_at,caption,hashtags,region,language,author_age_band,view_count,like_count,share_count,comment_count,duration_s\n"
	pgEventsHeader = "event_id,video_id,event_time,event_type,source,policy,policy_title,decision,action\n"
)

// TestPostgresImportRejectsMatchDuckDB runs bad input (the cases of
// import_test.go and ids the workspace holds already) through both
// engines: the same rejects, summaries and errors.
func TestPostgresImportRejectsMatchDuckDB(t *testing.T) {
	const ok = "v1,a,2026-06-01T00:00:00Z,,#a #B,,,,,,,,\nv2,a,2026-06-01T00:00:00Z,,,,,,,,,,\n"
	tests := []struct {
		name           string
		first          string // videos imported before, if any
		videos, events string
		jsonl          bool
		strict         bool
		views          [2]string // views imported before, and now
		mapping        string    // a mapping's YAML, for videos and events
	}{
		{"unparseable timestamp", "", "v1,a,yesterday,,,,,,,,,,\n", "", false, false, [2]string{}, ""},
		{"counts and durations", "", "v1,a,2026-06-01T00:00:00Z,,,,,,-1,,,,\nv2,a,2026-06-01T00:00:00Z,,,,,,,lots,5.5,,-2.5\nv3,a,2026-06-01T00:00:00Z,,,,,, 7 ,+3,5.0,1e3,\n", "", false, false, [2]string{}, ""},
		{"unknown enum and missing value", "", "v1,a,2026-06-01T00:00:00Z,,,,,teen,,,,,\nv2,,2026-06-01T00:00:00Z,,,,,,,,,,\n", "", false, false, [2]string{}, ""},
		{"duplicate id in file", "", "v1,a,2026-06-01T00:00:00Z,,,,,,,,,,\nv1,b,2026-06-01T00:00:00Z,,,,,,,,,,\n", "", false, false, [2]string{}, ""},
		{"unterminated quote", "", "v1,a,2026-06-01T00:00:00Z,,,,,,,,,,\nv2,a,2026-06-01T00:00:00Z,\"open,,,,,,,,,\n", "", false, false, [2]string{}, ""},
		{"too many fields", "", "v1,a,2026-06-01T00:00:00Z,,,,,,,,,,,extra\nv2,a,bad,,,,,,,,,,\n", "", false, false, [2]string{}, ""},
		{"ids the workspace holds", ok, "v1,b,2026-06-02T00:00:00Z,,#a,,,,,,,,\nv3,b,2026-06-02T00:00:00Z,,#a,,,,,,,,\n", "", false, false, [2]string{}, ""},
		{"ids the workspace holds, staged", ok, "v1,b,2026-06-02T00:00:00Z,,#a,,,,,,,,\nv3,b,bad,,,,,,,,,,\n", "", false, false, [2]string{}, ""},
		{"events: bad type, repeated and held ids", ok, "",
			"e1,v1,2026-06-01T01:00:00Z,report,user,spam,,,\ne1,v1,2026-06-01T02:00:00Z,review,moderator,spam,,violation,\ne2,v2,2026-06-01T03:00:00Z,teleport,user,spam,,,\ne3,v9,2026-06-01T03:00:00Z,enforcement,moderator,spam,,,removed\n", false, false, [2]string{}, ""},
		{"jsonl", "", `{"video_id":"v1","author_id":"a","created_at":"2026-06-01T00:00:00Z"}
{"video_id":"v2","author_id":"a","created_at":"never"}
not json
`, "", true, false, [2]string{}, ""},
		{"strict", "", "v1,a,2026-06-01T00:00:00Z,,,,,,,,,,\nv2,a,never,,,,,,,,,,\n", "", false, true, [2]string{}, ""},
		{"views: repeated and held keys", "", "", "", false, false, [2]string{
			"v1,2026-06-01,search,5\n",
			"v1,2026-06-01,search,7\nv1,2026-06-02,search,1\nv1,2026-06-02,search,2\nv2,2026-06-01T10:00:00Z,for_you,1\nv3,2026-06-01,teleport,1\n"}, ""},
		{"mapping, extra columns and its rejects", "", "ID,Author,Created,Tags,Age,Secret\nv1,a,1780000000000,\"[\"\"#X\"\",\"\"#y\"\"]\",Under 13,keep me\nv2,a,soon,[],Adult,\nv3,a,1780000000000,[],Teen,x\n", "", false, false, [2]string{}, `
videos:
  video_id: ID
  author_id: {from: Author}
  created_at: {from: Created, format: epoch_ms}
  hashtags: {from: Tags, list: json}
  author_age_band: {from: Age, values: {"Under 13": under_13, "Adult": "18+"}}
  region: {const: BR}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			duck, pg := twoWorkspaces(t)
			dir := t.TempDir()
			write := func(name, content string) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
				return p
			}
			if tt.first != "" {
				if _, err := importBoth(t, duck, pg, datasets.ImportRequest{Videos: []string{write("first.csv", pgVideosHeader+tt.first)}}); err != nil {
					t.Fatal(err)
				}
			}
			const viewsHeader = "video_id,date,surface,views\n"
			if tt.views[0] != "" {
				if _, err := importBoth(t, duck, pg, datasets.ImportRequest{Views: []string{write("first-views.csv", viewsHeader+tt.views[0])}}); err != nil {
					t.Fatal(err)
				}
			}
			req := datasets.ImportRequest{Strict: tt.strict}
			switch {
			case tt.mapping != "":
				m, err := datasets.ParseMapping("m.yaml", []byte(tt.mapping))
				if err != nil {
					t.Fatal(err)
				}
				req.Mapping = m
				req.Videos = []string{write("v.csv", tt.videos)}
			case tt.jsonl:
				req.Videos = []string{write("v.jsonl", tt.videos)}
			case tt.videos != "":
				req.Videos = []string{write("v.csv", pgVideosHeader+tt.videos)}
			}
			if tt.views[1] != "" {
				req.Views = []string{write("views.csv", viewsHeader+tt.views[1])}
			}
			if tt.events != "" {
				req.Events = []string{write("e.csv", pgEventsHeader+tt.events)}
			}
			_, err := importBoth(t, duck, pg, req)
			if tt.strict != errors.Is(err, datasets.ErrRejected) {
				t.Fatalf("err = %v", err)
			}
			sameTables(t, duck, pg)
			if !tt.strict && len(dump(t, duck, pg, "rejects")) == 0 {
				t.Error("no rejects: the case proves nothing")
			}
		})
	}
}

// TestPostgresImportAllOrNothing: an import that fails part way (a later
// file cannot be read) leaves nothing on the server, and the next import
// of the good file works.
func TestPostgresImportAllOrNothing(t *testing.T) {
	_, pg := twoWorkspaces(t)
	ctx := context.Background()
	dir := t.TempDir()
	good := filepath.Join(dir, "v.csv")
	os.WriteFile(good, []byte(pgVideosHeader+"v1,a,2026-06-01T00:00:00Z,,#a,,,,,,,,\n"), 0o644)
	bad := filepath.Join(dir, "e.csv")
	os.WriteFile(bad, []byte("event_id\ne1\n"), 0o644)
	if _, err := datasets.Import(ctx, pg, datasets.ImportRequest{Videos: []string{good}, Events: []string{bad}}); err == nil {
		t.Fatal("an events file without its required columns imported")
	}
	for table := range comparedTables {
		var n int64
		if err := pg.DB.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s holds %d rows after a failed import (%v)", table, n, err)
		}
	}
	sum, err := datasets.Import(ctx, pg, datasets.ImportRequest{Videos: []string{good}})
	if err != nil || sum.VideosLoaded != 1 || sum.Workspace.Videos != 1 {
		t.Fatalf("import after a failed one: %+v, %v", sum, err)
	}
}

// TestPostgresImportsTakeTurns: two imports into one server at once both
// land whole, under distinct import ids, and an id both bring is loaded
// once and rejected once.
func TestPostgresImportsTakeTurns(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	dir := t.TempDir()
	var files [2]string
	for i := range files {
		files[i] = filepath.Join(dir, fmt.Sprintf("v%d.csv", i))
		os.WriteFile(files[i], []byte(pgVideosHeader+fmt.Sprintf("shared,a,2026-06-01T00:00:00Z,,,,,,,,,,\nown%d,a,2026-06-01T00:00:00Z,,,,,,,,,,\n", i)), 0o644)
	}
	errs := make(chan error, 2)
	for _, f := range files {
		go func() {
			ws, err := datasets.Open(ctx, url, datasets.Options{})
			if err != nil {
				errs <- err
				return
			}
			defer ws.Close()
			_, err = datasets.Import(ctx, ws, datasets.ImportRequest{Videos: []string{f}})
			errs <- err
		}()
	}
	for range files {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	ws, err := datasets.Open(ctx, url, datasets.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	var imports, ids, videos, rejects int64
	if err := ws.DB.QueryRow(`SELECT (SELECT count(*) FROM imports), (SELECT count(DISTINCT import_id) FROM videos),
		(SELECT count(*) FROM videos), (SELECT count(*) FROM rejects WHERE reason LIKE 'video_id: shared is already in the workspace%')`).Scan(&imports, &ids, &videos, &rejects); err != nil {
		t.Fatal(err)
	}
	if imports != 2 || ids != 2 || videos != 3 || rejects != 1 {
		t.Errorf("imports %d, import ids in videos %d, videos %d, rejects of the shared id %d; want 2, 2, 3, 1", imports, ids, videos, rejects)
	}
}

// BenchmarkImportEngines imports the same synthetic export
// (TRENDLAB_BENCH_VIDEOS videos, default 100000) into a new DuckDB file
// and into a new database on the test server, and reports each import's
// seconds. Data under TRENDLAB_BENCH_DIR (a temporary folder by default).
//
//	U=$(.ci/pgserver start); TRENDLAB_TEST_POSTGRES=$U TRENDLAB_BENCH_VIDEOS=10000000 TRENDLAB_BENCH_DIR=/work/data/pgbench \
//	  go test -tags=duckdb_arrow ./datasets/ -run '^$' -bench ImportEngines -benchtime 1x -timeout 3h; .ci/pgserver stop "$U"
func BenchmarkImportEngines(b *testing.B) {
	ctx := context.Background()
	videos := 100000
	if v := os.Getenv("TRENDLAB_BENCH_VIDEOS"); v != "" {
		fmt.Sscan(v, &videos)
	}
	dir := os.Getenv("TRENDLAB_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		if _, err := synth.Generate(ctx, synth.Config{Videos: videos, Seed: 7, Format: "csv", Dir: dir}); err != nil {
			b.Fatal(err)
		}
	}
	req := datasets.ImportRequest{Videos: []string{filepath.Join(dir, "videos.csv")}, Events: []string{filepath.Join(dir, "moderation_events.csv")}}
	for b.Loop() {
		for _, engine := range []string{"duckdb", "postgres"} {
			path := filepath.Join(b.TempDir(), "ws.duckdb")
			if engine == "postgres" {
				path = pgtest.NewDatabase(b)
			}
			ws, err := datasets.Open(ctx, path, datasets.Options{})
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			sum, err := datasets.Import(ctx, ws, req)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(time.Since(start).Seconds(), engine+"-s")
			if sum.VideosLoaded == 0 {
				b.Fatal("nothing imported")
			}
			ws.Close()
		}
	}
}
