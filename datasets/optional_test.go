package datasets

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	viewsHeader         = "video_id,date,surface,views\n"
	searchesHeader      = "date,query,searches,via_autocomplete\n"
	interventionsHeader = "intervention_id,kind,target,started_at,ended_at,note\n"
)

func countRows(t *testing.T, ws *Workspace, table string) int64 {
	t.Helper()
	var n int64
	if err := ws.DB.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportOptionalClean: the three optional exports load, with their
// provenance, and importing them again is a no-op (same SHA-256).
func TestImportOptionalClean(t *testing.T) {
	ws := memWorkspace(t)
	dir := t.TempDir()
	req := ImportRequest{
		Views:         []string{writeFile(t, dir, "views.csv", []byte(viewsHeader+"v1,2026-06-01,for_you,10\nv1,2026-06-01,search,3\nv2,2026-06-02,following,0\n"))},
		Searches:      []string{writeFile(t, dir, "search.csv", []byte(searchesHeader+"2026-06-01,#Omegle!,100,40\n2026-06-01,ＯＭＥＧＬＥ chat,10,0\n"))},
		Interventions: []string{writeFile(t, dir, "iv.csv", []byte(interventionsHeader+"i1,not_recommended,omegle,2026-06-10T00:00:00Z,,\"a note, with comma\"\n"))},
	}
	sum, err := Import(context.Background(), ws, req)
	if err != nil {
		t.Fatal(err)
	}
	if sum.OptionalLoaded["views"] != 3 || sum.OptionalLoaded["searches"] != 2 || sum.OptionalLoaded["interventions"] != 1 || sum.Rejected != 0 {
		t.Fatalf("loaded %v, rejected %d", sum.OptionalLoaded, sum.Rejected)
	}
	var norms string
	if err := ws.DB.QueryRow("SELECT string_agg(query_norm, '|' ORDER BY query_norm) FROM search_daily").Scan(&norms); err != nil {
		t.Fatal(err)
	}
	if norms != "omegle|omegle chat" {
		t.Errorf("normalised queries %q", norms)
	}
	var src string
	if err := ws.DB.QueryRow("SELECT source || ' ' || CAST(started_at AS VARCHAR) FROM interventions").Scan(&src); err != nil {
		t.Fatal(err)
	}
	if src != "export 2026-06-10 00:00:00" {
		t.Errorf("intervention %q", src)
	}
	if n := countRows(t, ws, "imports WHERE kind IN ('views', 'searches', 'interventions')"); n != 3 {
		t.Errorf("%d imports recorded, want 3", n)
	}
	again, err := Import(context.Background(), ws, req)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range again.Files {
		if f.Skipped == "" {
			t.Errorf("%s imported twice", f.File)
		}
	}
	if n := countRows(t, ws, "views_daily"); n != 3 {
		t.Errorf("views_daily has %d rows after the second import, want 3", n)
	}
}

// TestImportOptionalRejects: bad rows are kept with line, column and
// reason: a bad surface, a negative count, a time that is not a day,
// autocomplete above searches, a repeated key, a key already in the
// workspace, an unknown kind, an end before the start.
func TestImportOptionalRejects(t *testing.T) {
	ws := memWorkspace(t)
	dir := t.TempDir()
	first := writeFile(t, dir, "v0.csv", []byte(viewsHeader+"v9,2026-06-01,for_you,1\n"))
	if _, err := Import(context.Background(), ws, ImportRequest{Views: []string{first}}); err != nil {
		t.Fatal(err)
	}
	views := writeFile(t, dir, "views.csv", []byte(viewsHeader+
		"v1,2026-06-01,for_you,10\n"+ // 2 ok
		"v1,2026-06-01,feed,3\n"+ // 3 bad surface
		"v2,2026-06-01,for_you,-1\n"+ // 4 negative
		"v3,2026-06-01T05:00:00Z,for_you,1\n"+ // 5 not a day
		"v1,2026-06-01,for_you,4\n"+ // 6 repeats line 2
		"v9,2026-06-01,for_you,2\n")) // 7 already imported
	searches := writeFile(t, dir, "s.csv", []byte(searchesHeader+"2026-06-01,omegle,10,11\n2026-06-01,omegel,10,1\n"))
	ivs := writeFile(t, dir, "i.csv", []byte(interventionsHeader+
		"i1,shadowban,omegle,2026-06-10T00:00:00Z,,\n"+
		"i2,other,omegle,2026-06-10T00:00:00Z,2026-06-01T00:00:00Z,\n"+
		"i3,other,omegle,2026-06-10T00:00:00Z,,\n"))
	sum, err := Import(context.Background(), ws, ImportRequest{Views: []string{views}, Searches: []string{searches}, Interventions: []string{ivs}})
	if err != nil {
		t.Fatal(err)
	}
	want := []reject{
		{3, "surface", "surface: feed is not one of", ""},
		{4, "views", "views: -1 is negative", ""},
		{5, "date", "is not a whole UTC day", ""},
		{6, "video_id", "repeats line 2", ""},
		{7, "video_id", "is already in the workspace", ""},
		{2, "via_autocomplete", "via_autocomplete: 11 is more than searches (10)", ""},
		{2, "kind", "kind: shadowban is not one of", ""},
		{3, "ended_at", "is before started_at", ""},
	}
	got := rejectsOf(t, ws)
	if len(got) != len(want) {
		t.Fatalf("rejects %+v, want %d", got, len(want))
	}
	for i, w := range want {
		if got[i].Line != w.Line || got[i].Column != w.Column || !strings.Contains(got[i].Reason, w.Reason) || got[i].Raw == "" {
			t.Errorf("reject %d = %+v, want line %d column %s reason containing %q and the raw row", i, got[i], w.Line, w.Column, w.Reason)
		}
	}
	if sum.OptionalLoaded["views"] != 1 || sum.OptionalLoaded["searches"] != 1 || sum.OptionalLoaded["interventions"] != 1 {
		t.Errorf("loaded %v", sum.OptionalLoaded)
	}
}

// TestImportOptionalAllOrNothing: a strict import with one bad optional
// row leaves the workspace unchanged, videos included.
func TestImportOptionalAllOrNothing(t *testing.T) {
	ws := memWorkspace(t)
	dir := t.TempDir()
	videos := writeFile(t, dir, "videos.csv", []byte(videosHeader+"v1,a1,2026-06-01T10:00:00Z,,,,,,,,,,\n"))
	views := writeFile(t, dir, "views.csv", []byte(viewsHeader+"v1,2026-06-01,for_you,x\n"))
	_, err := Import(context.Background(), ws, ImportRequest{Videos: []string{videos}, Views: []string{views}, Strict: true})
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v, want ErrRejected", err)
	}
	for _, table := range []string{"videos", "views_daily", "imports", "rejects"} {
		if n := countRows(t, ws, table); n != 0 {
			t.Errorf("%s has %d rows after a failed import", table, n)
		}
	}
}

// TestImportOptionalMapping: a views export in another shape, read through
// the mapping's views: section.
func TestImportOptionalMapping(t *testing.T) {
	ws := memWorkspace(t)
	dir := t.TempDir()
	views := writeFile(t, dir, "views.csv", []byte("vid,day,src,n,extra_col\nv1,01/06/2026,FYP,5,x\n"))
	m, err := ParseMapping("m.yaml", []byte(`views:
  video_id: {from: vid}
  date: {from: day, format: "%d/%m/%Y"}
  surface: {from: src, values: {FYP: for_you}}
  views: {from: n}
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(context.Background(), ws, ImportRequest{Views: []string{views}, Mapping: m}); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := ws.DB.QueryRow("SELECT video_id || ' ' || CAST(date AS VARCHAR) || ' ' || surface || ' ' || views || ' ' || CAST(extra AS VARCHAR) FROM views_daily").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != `v1 2026-06-01 for_you 5 {"extra_col":"x"}` {
		t.Errorf("mapped row %q", got)
	}
}

func TestNormalizeQuery(t *testing.T) {
	for in, want := range map[string]string{"#Omegle!": "omegle", "  ＯＭＥＧＬＥ   chat ": "omegle chat", "#": "", "Omeg1e?": "omeg1e"} {
		if got := NormalizeQuery(in); got != want {
			t.Errorf("NormalizeQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzNormalizeQuery: normalising is idempotent and never panics.
func FuzzNormalizeQuery(f *testing.F) {
	for _, s := range []string{"#Omegle!", "ＯＭＥＧＬＥ chat", "\x00\u202e", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeQuery(s)
		if NormalizeQuery(n) != n {
			t.Errorf("not idempotent: %q -> %q -> %q", s, n, NormalizeQuery(n))
		}
	})
}

// TestInterventionsByHand: add, list (with an exported one), refuse a
// duplicate id and an unknown kind, remove a manual one, keep an exported one.
func TestInterventionsByHand(t *testing.T) {
	ws := memWorkspace(t)
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := Import(ctx, ws, ImportRequest{Interventions: []string{writeFile(t, dir, "i.csv", []byte(interventionsHeader+"x1,other,omegle,2026-06-10T00:00:00Z,,\n"))}}); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 6, 20, 12, 0, 0, 0, time.UTC)
	if err := AddIntervention(ctx, ws, Intervention{ID: "m1", Kind: "not_recommended", Target: "omegle", StartedAt: start, Note: "ticket 42"}, "ana"); err != nil {
		t.Fatal(err)
	}
	if err := AddIntervention(ctx, ws, Intervention{ID: "m1", Kind: "other", Target: "x", StartedAt: start}, "ana"); !errors.Is(err, ErrInterventionExists) {
		t.Errorf("duplicate id: %v", err)
	}
	if err := AddIntervention(ctx, ws, Intervention{ID: "m2", Kind: "shadowban", Target: "x", StartedAt: start}, "ana"); !errors.Is(err, ErrInterventionKind) {
		t.Errorf("unknown kind: %v", err)
	}
	ivs, err := ListInterventions(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(ivs) != 2 || ivs[0].Source != "export" || ivs[1].ID != "m1" || ivs[1].RecordedBy != "ana" || !ivs[1].StartedAt.Equal(start) {
		t.Fatalf("listed %+v", ivs)
	}
	if err := RemoveIntervention(ctx, ws, "x1"); !errors.Is(err, ErrExportedIntervention) {
		t.Errorf("removing an exported one: %v", err)
	}
	if err := RemoveIntervention(ctx, ws, "nope"); !errors.Is(err, ErrNoIntervention) {
		t.Errorf("removing a missing one: %v", err)
	}
	if err := RemoveIntervention(ctx, ws, "m1"); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, ws, "interventions"); n != 1 {
		t.Errorf("%d interventions left, want 1", n)
	}
}
