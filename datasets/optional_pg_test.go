package datasets_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// TestPostgresOptionalRejectsMatchDuckDB runs the optional exports' bad
// input (optional_test.go's cases and keys the workspace already holds)
// through both engines: the same rejects, rows and summaries; a strict
// import with a bad optional row leaves both unchanged. Views have their
// case in TestPostgresImportRejectsMatchDuckDB.
func TestPostgresOptionalRejectsMatchDuckDB(t *testing.T) {
	const (
		searchesHeader      = "date,query,searches,via_autocomplete\n"
		interventionsHeader = "intervention_id,kind,target,started_at,ended_at,note\n"
	)
	tests := []struct {
		name                    string
		searches, interventions [2]string // imported before, and now
		strict                  bool
	}{
		{"searches", [2]string{
			searchesHeader + "2026-06-01,omegle,10,1\n",
			searchesHeader + "2026-06-01,omegle,10,1\n" + // already in the workspace
				"2026-06-01,omegel,10,11\n" + // autocomplete above searches
				"2026-06-02,#Omegle!,-3,0\n" + // negative
				"2026-06-02T05:00:00Z,omeg1e,3,0\n" + // not a day
				"2026-06-02,ＯＭＥＧＬＥ chat,5,2\n" +
				"2026-06-02,ＯＭＥＧＬＥ chat,6,2\n" + // repeats the line before
				"soon,omegle,1,1\n"}, [2]string{}, false},
		{"interventions", [2]string{}, [2]string{
			interventionsHeader + "i0,other,omegle,2026-06-01T00:00:00Z,,\n",
			interventionsHeader + "i0,other,omegle,2026-06-02T00:00:00Z,,\n" + // already in the workspace
				"i1,shadowban,omegle,2026-06-10T00:00:00Z,,\n" + // unknown kind
				"i2,other,omegle,2026-06-10T00:00:00Z,2026-06-01T00:00:00Z,\n" + // ends before it starts
				"i3,not_recommended,omegle,2026-06-10T00:00:00Z,,\"a note, with comma\"\n" +
				"i3,other,omegle,2026-06-11T00:00:00Z,,\n" + // repeats the line before
				"i4,other,,2026-06-10T00:00:00Z,,\n" + // no target
				"i5,other,omegle,whenever,,\n"}, false},
		{"strict", [2]string{"", searchesHeader + "2026-06-01,omegle,1,1\n2026-06-01,omegel,1,2\n"},
			[2]string{"", interventionsHeader + "i1,other,omegle,2026-06-10T00:00:00Z,,\n"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			duck, pg := twoWorkspaces(t)
			dir := t.TempDir()
			n := 0
			write := func(content string) []string {
				if content == "" {
					return nil
				}
				n++
				p := filepath.Join(dir, string(rune('a'+n))+".csv")
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
				return []string{p}
			}
			if tt.searches[0] != "" || tt.interventions[0] != "" {
				if _, err := importBoth(t, duck, pg, datasets.ImportRequest{Searches: write(tt.searches[0]), Interventions: write(tt.interventions[0])}); err != nil {
					t.Fatal(err)
				}
			}
			req := datasets.ImportRequest{Searches: write(tt.searches[1]), Interventions: write(tt.interventions[1]), Strict: tt.strict}
			_, err := importBoth(t, duck, pg, req)
			if tt.strict != errors.Is(err, datasets.ErrRejected) {
				t.Fatalf("err = %v", err)
			}
			sameTables(t, duck, pg)
			rejects := len(dump(t, duck, pg, "rejects"))
			if tt.strict {
				if rows := len(dump(t, duck, pg, "search_daily")) + len(dump(t, duck, pg, "interventions")); rows != 0 || rejects != 0 {
					t.Errorf("a strict import that failed left %d rows and %d rejects on the server", rows, rejects)
				}
			} else if rejects < 5 {
				t.Errorf("%d rejects: the case proves too little", rejects)
			}
		})
	}
}

// TestPostgresInterventionsByHand: interventions recorded by hand on a
// server list, refuse and remove as on DuckDB.
func TestPostgresInterventionsByHand(t *testing.T) {
	duck, pg := twoWorkspaces(t)
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2026, 6, d, 0, 0, 0, 0, time.UTC) }
	ended := day(20)
	for _, ws := range []*datasets.Workspace{duck, pg} {
		for _, iv := range []datasets.Intervention{
			{ID: "b", Kind: "other", Target: "omegle", StartedAt: day(10)},
			{ID: "a", Kind: "not_recommended", Target: "omegle", StartedAt: day(10), EndedAt: &ended, Note: "ticket 7"},
			{ID: "Z", Kind: "other", Target: "omegle", StartedAt: day(10)},
			{ID: "c", Kind: "search_restricted", Target: "omegle", StartedAt: day(2)},
		} {
			if err := datasets.AddIntervention(ctx, ws, iv, "ana"); err != nil {
				t.Fatalf("%s: %v", ws.Dialect, err)
			}
		}
		if err := datasets.AddIntervention(ctx, ws, datasets.Intervention{ID: "a", Kind: "other", Target: "x", StartedAt: day(1)}, "bob"); !errors.Is(err, datasets.ErrInterventionExists) {
			t.Errorf("%s: adding a again: %v", ws.Dialect, err)
		}
		if err := datasets.RemoveIntervention(ctx, ws, "b"); err != nil {
			t.Errorf("%s: %v", ws.Dialect, err)
		}
		if err := datasets.RemoveIntervention(ctx, ws, "b"); !errors.Is(err, datasets.ErrNoIntervention) {
			t.Errorf("%s: removing b again: %v", ws.Dialect, err)
		}
	}
	list := func(ws *datasets.Workspace) string {
		ivs, err := datasets.ListInterventions(ctx, ws)
		if err != nil {
			t.Fatal(err)
		}
		var s string
		for _, iv := range ivs {
			s += iv.ID + " " + iv.Kind + " " + iv.StartedAt.Format(time.RFC3339) + " " + iv.Source + " " + iv.RecordedBy + " " + iv.Note + "\n"
			if iv.EndedAt != nil {
				s += "  ended " + iv.EndedAt.Format(time.RFC3339) + "\n"
			}
		}
		return s
	}
	// Oldest first, ties by the id's bytes ("Z" before "a").
	const want = "c search_restricted 2026-06-02T00:00:00Z manual ana \n" +
		"Z other 2026-06-10T00:00:00Z manual ana \n" +
		"a not_recommended 2026-06-10T00:00:00Z manual ana ticket 7\n  ended 2026-06-20T00:00:00Z\n"
	for _, ws := range []*datasets.Workspace{duck, pg} {
		if got := list(ws); got != want {
			t.Errorf("%s lists\n%s\nwant\n%s", ws.Dialect, got, want)
		}
	}
}
