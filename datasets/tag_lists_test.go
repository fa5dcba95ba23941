package datasets

import (
	"context"
	"testing"
)

// TestTagListsKept: the per-video tag lists as the import writes them
// (the ids of a later import's new tags after the earlier ones'), as
// RefreshOutcomes rebuilds them from video_tags, and as migration 12
// fills them in a workspace made before them, are the same lists.
func TestTagListsKept(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	v := writeFile(t, dir, "v.csv", []byte(videosHeader+
		"v1,a,2026-06-01T10:00:00Z,,#Omegle #fun #omegle # #ＯＭＥＧＬＥ!,,,,,,,,\n"+
		"v2,a,2026-06-01T23:00:00Z,,#fun,,,,,,,,\n"+
		"v3,a,2026-06-02T01:00:00Z,,#fun #x,,,,,,,,\n"+
		"v4,a,2026-06-02T02:00:00Z,,#,,,,,,,,\n"+
		"v5,a,2026-06-02T03:00:00Z,,,,,,,,,,\n"))
	// A second import whose tags come from the captions, with a new tag.
	c := writeFile(t, dir, "c.csv", []byte("video_id,author_id,created_at,caption\n"+
		"c1,a,2026-06-02T05:00:00Z,hi #Fun and #fun! #x #Zebra\n"+
		"c2,a,2026-06-03T05:00:00Z,no tags\n"))
	ws := memWorkspace(t)
	if _, err := Import(ctx, ws, ImportRequest{Videos: []string{v, c}}); err != nil {
		t.Fatal(err)
	}
	// Every id once in tags, and each list as its tags' text.
	const lists = `SELECT (SELECT count(*) = count(DISTINCT tag_id) AND count(*) = count(DISTINCT tag) FROM tags)::VARCHAR || ': ' ||
		string_agg(video_id || ' ' || day || ' ' || import_id || ' ' || tags, ', ' ORDER BY video_id) FROM (
			SELECT l.video_id, l.day, l.import_id, string_agg(t.tag, ' ' ORDER BY t.tag) AS tags, count(*) AS n, any_value(len(l.tag_ids)) AS listed
			FROM video_tag_lists l, unnest(l.tag_ids) AS u(id) JOIN tags t ON t.tag_id = u.id GROUP BY ALL)
		WHERE n = listed`
	const want = "true: c1 2026-06-02 2 fun x zebra, v1 2026-06-01 1 fun omegle, v2 2026-06-01 1 fun, v3 2026-06-02 1 fun x"
	check := func(when string) {
		t.Helper()
		var got string
		if err := ws.DB.QueryRow(lists).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: video_tag_lists = %s\nwant %s", when, got, want)
		}
	}
	check("after the import")
	var zebra, fun int
	if err := ws.DB.QueryRow(`SELECT (SELECT tag_id FROM tags WHERE tag = 'zebra'), (SELECT tag_id FROM tags WHERE tag = 'fun')`).Scan(&zebra, &fun); err != nil {
		t.Fatal(err)
	}
	if zebra <= fun {
		t.Errorf("the second import's new tag has id %d, not after the first import's (fun %d)", zebra, fun)
	}
	if err := RefreshOutcomes(ctx, ws.DB); err != nil {
		t.Fatal(err)
	}
	check("after RefreshOutcomes")
	// A workspace from before: the migration's fill on emptied tables.
	tx, err := ws.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`DELETE FROM video_tag_lists; DELETE FROM tags`); err != nil {
		t.Fatal(err)
	}
	if err := fillTagLists(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	check("after the migration's fill")
}
