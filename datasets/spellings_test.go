package datasets

import (
	"context"
	"testing"
)

// TestPreAggregatesKept: the pre-aggregates of migration 10 -> 11 as the
// import keeps them (tag_spellings per import, first_report_at per video
// and policy), as RefreshOutcomes recomputes them, and as the migration
// fills them in a workspace made before them, are the same rows.
func TestPreAggregatesKept(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	v := writeFile(t, dir, "v.csv", []byte(videosHeader+
		"v1,a,2026-06-01T10:00:00Z,,#Omegle #fun #omegle # #ＯＭＥＧＬＥ!,,,,,,,,\n"+
		"v2,a,2026-06-01T23:00:00Z,,#fun,,,,,,,,\n"+
		"v3,a,2026-06-02T01:00:00Z,,#fun #x,,,,,,,,\n"))
	// A second import whose tags come from the captions.
	c := writeFile(t, dir, "c.csv", []byte("video_id,author_id,created_at,caption\n"+
		"c1,a,2026-06-02T05:00:00Z,hi #Fun and #fun! #x\n"))
	// v1: reported for hate twice and for spam later; removed for hate
	// after its first report. v2: removed for spam, reported for spam only
	// after. c1: no report. Events for a video that arrives later (v9)
	// stay orphans.
	e := writeFile(t, dir, "e.csv", []byte(eventsHeader+
		"e1,v1,2026-06-01T11:00:00Z,report,user,hate,,,\n"+
		"e2,v1,2026-06-01T10:30:00Z,report,user,hate,,,\n"+
		"e3,v1,2026-06-01T12:00:00Z,enforcement,moderator,hate,,,removed\n"+
		"e4,v1,2026-06-01T13:00:00Z,report,user,spam,,,\n"+
		"e5,v2,2026-06-02T00:00:00Z,enforcement,model,spam,,,removed\n"+
		"e6,v2,2026-06-02T01:00:00Z,report,user,spam,,,\n"+
		"e7,c1,2026-06-02T06:00:00Z,flag,model,hate,,,\n"+
		"e8,v9,2026-06-02T06:00:00Z,report,user,hate,,,\n"))
	ws := memWorkspace(t)
	if _, err := Import(ctx, ws, ImportRequest{Videos: []string{v, c}, Events: []string{e}}); err != nil {
		t.Fatal(err)
	}
	const spellings = `SELECT string_agg(tag || ' ' || tag_raw || ' ' || n, ', ' ORDER BY tag, tag_raw) FROM
		(SELECT tag, tag_raw, sum(occurrences) AS n FROM tag_spellings GROUP BY ALL)`
	const firstReports = `SELECT string_agg(video_id || ' ' || policy || ' ' || coalesce(strftime(first_report_at, '%H:%M'), '-'), ', '
		ORDER BY video_id, policy) FROM video_outcomes`
	const wantSpellings = "fun #Fun 1, fun #fun 3, fun #fun! 1, omegle #Omegle 1, omegle #omegle 1, omegle #ＯＭＥＧＬＥ! 1, x #x 2"
	const wantReports = "c1 hate -, v1 hate 10:30, v1 spam 13:00, v2 spam 01:00"
	check := func(when string) {
		t.Helper()
		var s, r string
		if err := ws.DB.QueryRow(spellings).Scan(&s); err != nil {
			t.Fatal(err)
		}
		if err := ws.DB.QueryRow(firstReports).Scan(&r); err != nil {
			t.Fatal(err)
		}
		if s != wantSpellings {
			t.Errorf("%s: tag_spellings = %s\nwant %s", when, s, wantSpellings)
		}
		if r != wantReports {
			t.Errorf("%s: first_report_at = %s\nwant %s", when, r, wantReports)
		}
	}
	check("after the import")
	if err := RefreshOutcomes(ctx, ws.DB); err != nil {
		t.Fatal(err)
	}
	check("after RefreshOutcomes")
	// A workspace from before: the migration's fills on emptied columns.
	if _, err := ws.DB.Exec(`DELETE FROM tag_spellings; UPDATE video_outcomes SET first_report_at = NULL;` +
		tagSpellingsFill + firstReportFill); err != nil {
		t.Fatal(err)
	}
	check("after the migration's fills")
}
