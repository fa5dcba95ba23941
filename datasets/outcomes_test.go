package datasets

import (
	"context"
	"testing"
)

// TestFirstViolatingKept: video_outcomes.first_violating marks each
// violating video's first violating policy by name, as the import writes
// it, as a later import's events move it (a new violation of an earlier
// policy, a reinstatement), as RefreshOutcomes recomputes it and as the
// migration fills it.
func TestFirstViolatingKept(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	v := writeFile(t, dir, "v.csv", []byte(videosHeader+
		"v1,a,2026-06-01T10:00:00Z,,#a,,,,,,,,\n"+
		"v2,a,2026-06-01T11:00:00Z,,#a,,,,,,,,\n"+
		"v3,a,2026-06-01T12:00:00Z,,#a,,,,,,,,\n"))
	// v1 violates hate and spam; v2 spam, then reinstated; v3 spam.
	e1 := writeFile(t, dir, "e1.csv", []byte(eventsHeader+
		"e1,v1,2026-06-01T11:00:00Z,review,moderator,spam,,violation,\n"+
		"e2,v1,2026-06-01T11:10:00Z,review,moderator,hate,,violation,\n"+
		"e3,v2,2026-06-01T12:00:00Z,review,moderator,spam,,violation,\n"+
		"e4,v2,2026-06-01T13:00:00Z,reinstatement,moderator,spam,,,reinstated\n"+
		"e5,v3,2026-06-01T13:00:00Z,review,moderator,spam,,violation,\n"))
	// Days later: v3 violates bullying too, v1 is reinstated for hate.
	e2 := writeFile(t, dir, "e2.csv", []byte(eventsHeader+
		"e6,v3,2026-06-05T10:00:00Z,review,moderator,bullying,,violation,\n"+
		"e7,v1,2026-06-05T11:00:00Z,reinstatement,moderator,hate,,,reinstated\n"))
	ws := memWorkspace(t)
	const firsts = `SELECT string_agg(video_id || ' ' || policy || ' ' || violating || ' ' || first_violating, ', '
		ORDER BY video_id, policy) FROM video_outcomes`
	check := func(when, want string) {
		t.Helper()
		var got string
		if err := ws.DB.QueryRow(firsts).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s:\n got %s\nwant %s", when, got, want)
		}
	}
	if _, err := Import(ctx, ws, ImportRequest{Videos: []string{v}, Events: []string{e1}}); err != nil {
		t.Fatal(err)
	}
	check("after the first import", "v1 hate true true, v1 spam true false, v2 spam false false, v3 spam true true")
	if _, err := Import(ctx, ws, ImportRequest{Events: []string{e2}}); err != nil {
		t.Fatal(err)
	}
	const after = "v1 hate false false, v1 spam true true, v2 spam false false, v3 bullying true true, v3 spam true false"
	check("after the late events", after)
	if err := RefreshOutcomes(ctx, ws.DB); err != nil {
		t.Fatal(err)
	}
	check("after RefreshOutcomes", after)
	if _, err := ws.DB.Exec(`UPDATE video_outcomes SET first_violating = NULL;` + firstViolatingFill); err != nil {
		t.Fatal(err)
	}
	check("after the migration's fill", after)
}
