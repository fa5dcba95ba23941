package analysis

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/internal/pgtest"
)

// TestImpactEnginesAgree: the same synthetic platform with the optional
// exports, imported into DuckDB and into PostgreSQL, with the same
// intervention recorded by hand on both, gives the same impact platform
// and impact intervention documents and the same spike scans (JSON equal).
func TestImpactEnginesAgree(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	m, err := synth.Generate(ctx, synth.Config{Videos: 12_000, Seed: 3, Days: 75, Dir: t.TempDir(), Optional: true})
	if err != nil {
		t.Fatal(err)
	}
	imp := m.Impact
	req := datasets.ImportRequest{
		Videos: []string{m.Files.Videos}, Events: []string{m.Files.Events},
		Views: []string{imp.Files.Views}, Searches: []string{imp.Files.Searches}, Interventions: []string{imp.Files.Interventions},
	}
	duck, err := datasets.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	pg, err := datasets.Open(ctx, url, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	start, _ := time.Parse(time.RFC3339, m.Start)
	byHand := datasets.Intervention{ID: "by-hand-1", Kind: "search_restricted", Target: "omegle", StartedAt: start.AddDate(0, 0, 40).Add(9 * time.Hour), Note: "ticket 7"}
	for _, ws := range []*datasets.Workspace{duck, pg} {
		if _, err := datasets.Import(ctx, ws, req); err != nil {
			t.Fatalf("%s: %v", ws.Dialect, err)
		}
		if err := datasets.AddIntervention(ctx, ws, byHand, "tester"); err != nil {
			t.Fatalf("%s: %v", ws.Dialect, err)
		}
	}
	saveOmegleBeforeEvasion(t, duck, imp.EvasionTag)
	copyTagSets(t, duck, pg)

	same := func(t *testing.T, what string, run func(ws *datasets.Workspace) (any, error)) {
		t.Helper()
		var docs [2]string
		for i, ws := range []*datasets.Workspace{duck, pg} {
			v, err := run(ws)
			if err != nil {
				t.Fatalf("%s on %s: %v", what, ws.Dialect, err)
			}
			js, err := json.MarshalIndent(v, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			docs[i] = string(js)
		}
		if docs[0] != docs[1] {
			t.Errorf("%s: PostgreSQL's document differs from DuckDB's:\n%s", what, firstDifference(docs[0], docs[1]))
		}
	}
	late := datasets.Period{Since: start.AddDate(0, 0, 10), Until: start.AddDate(0, 0, 60)}
	for _, r := range []PlatformRequest{
		{TagSet: "omegle", Policy: imp.AssociatedPolicy, Lag: imp.AssociationLag, Permutations: 99, Seed: 3},
		{TagSet: "omegle", Policy: "hate_speech", Period: late, Permutations: 99},
	} {
		same(t, "impact platform "+r.Policy, func(ws *datasets.Workspace) (any, error) { return ImpactPlatform(ctx, ws, r) })
	}
	// Every policy in one read, with and without a table of the tag set's
	// videos (a report's tagset_videos) on the connection.
	policies := []string{"minor_safety", imp.AssociatedPolicy, "hate_speech"}
	for _, withTable := range []bool{false, true} {
		same(t, fmt.Sprintf("impact platforms (set's table %v)", withTable), func(ws *datasets.Workspace) (any, error) {
			req := PlatformRequest{TagSet: "omegle", Period: late, Permutations: 99, Seed: 5}
			if !withTable {
				return ImpactPlatforms(ctx, ws, req, nil, policies...)
			}
			set, err := LoadTagSet(ctx, ws, "omegle")
			if err != nil {
				return nil, err
			}
			conn, err := ws.DB.Conn(ctx)
			if err != nil {
				return nil, err
			}
			defer conn.Close()
			lo, hi := datasets.TruncDay(late.Since), datasets.TruncDay(late.Until).AddDate(0, 0, 1)
			if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE set_videos AS SELECT video_id, created_at FROM videos
				WHERE video_id IN (SELECT video_id FROM video_tags WHERE tag = ANY(CAST($1 AS TEXT[]))) AND created_at >= $2 AND created_at < $3`,
				set.Accepted(), lo, hi); err != nil {
				return nil, err
			}
			defer conn.ExecContext(ctx, `DROP TABLE set_videos`)
			return ImpactPlatforms(ctx, ws, req, &SetVideosTable{Conn: conn, Table: "set_videos", Tags: set.Accepted(), Lo: lo, Hi: hi}, policies...)
		})
	}
	// On a server no video id comes into Go: DuckDB reads every one of
	// the tag set's (and more), PostgreSQL the aggregates alone.
	var rows [2]int64
	for i, ws := range []*datasets.Workspace{duck, pg} {
		rowsMoved = func(n int64) { rows[i] = n }
		if _, err := ImpactIntervention(ctx, ws, InterventionRequest{TagSet: "omegle"}); err != nil {
			t.Fatal(err)
		}
	}
	rowsMoved = nil
	set, err := LoadTagSet(ctx, duck, "omegle")
	if err != nil {
		t.Fatal(err)
	}
	var setVideos int64
	if err := duck.DB.QueryRowContext(ctx, `SELECT count(DISTINCT video_id) FROM video_tags WHERE list_contains(?::VARCHAR[], tag)`, set.Accepted()).Scan(&setVideos); err != nil {
		t.Fatal(err)
	}
	t.Logf("impact intervention read %d rows from DuckDB, %d from PostgreSQL; the tag set has %d videos", rows[0], rows[1], setVideos)
	if setVideos == 0 || rows[0]-rows[1] < setVideos {
		t.Errorf("PostgreSQL read %d rows and DuckDB %d: the server should read at least the tag set's %d video ids fewer", rows[1], rows[0], setVideos)
	}
	for _, r := range []InterventionRequest{
		{TagSet: "omegle"},
		{TagSet: "omegle", ID: imp.Autocomplete.ID, Period: late, Comparisons: 3},
	} {
		same(t, "impact intervention "+r.ID, func(ws *datasets.Workspace) (any, error) {
			rep, err := ImpactIntervention(ctx, ws, r)
			if err == nil && len(rep.Interventions) == 0 {
				t.Fatal("no intervention measured: the comparison proves nothing")
			}
			return rep, err
		})
	}
	same(t, "intervention list", func(ws *datasets.Workspace) (any, error) { return datasets.ListInterventions(ctx, ws) })
	for _, r := range []ScanRequest{
		{},
		{Policies: []string{"dangerous_acts", "minor_safety"}, Period: late, MinVideos: 30},
	} {
		same(t, "scan spikes", func(ws *datasets.Workspace) (any, error) {
			s, err := ScanSpikes(ctx, ws, r)
			if err == nil && len(s.Rises) == 0 {
				t.Fatal("no rises: the comparison proves nothing")
			}
			return s, err
		})
	}
}
