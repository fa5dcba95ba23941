package queries

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/trendlab/trendlab/datasets"
)

// The fixture is a small workspace written once per test binary, then
// opened read-only as the CLI opens it. Every number the tests expect can
// be worked out by hand from the rows below.
//
// Tag set omegle is omegle, omegel and 0megle; omegle_captions is omegle and
// omegle.tv, with caption mentions: v1 by its tag, v4 and v6 by their
// captions ("see Omegle.TV!", "Try OMEGLE."), not v2 ("omegles chat?").
//
//	video  uploaded (UTC)     tags                    region age       events
//	v1     01-01 10:00        #Omegle fun             US     13-15     report, review violation, removed 13:00, escalated (minor_safety)
//	v2     01-01 12:00        omegel chat             BR     16-17     flag, review violation, removed 14:00, appeal, reinstated (bullying)
//	v3     01-02 09:00        fun                     US     18+       removed 08:00, before upload (hate_speech), no review
//	v4     01-03 08:00        0megle fun chat         -      under_13  flag, review violation, removed 01-05 09:00 (minor_safety)
//	v5     01-04 00:00        cats <injection tag>    GB     18+       report, review no_violation (bullying)
//	v6     01-05 23:59        cats fun                US     unknown   review violation, removed 01-06 00:10 (hate_speech)
//	vX     (not imported)                                              one orphan report
var (
	fixtureOnce sync.Once
	fixturePath string
	fixtureErr  error
)

const injection = `'; DROP TABLE videos; --`

// nastyCaption holds an escape sequence, a right-to-left override, HTML and
// a newline: terminal output must show it inert.
const nastyCaption = "<script>alert(1)</script>\x1b[31mred\u202eevil\nsecond line"

var fixtureSQL = []string{
	`INSERT INTO imports VALUES
		(1, 'videos', '/data/videos.csv', 1000, 'aaaa', 'csv', 'none', NULL, 7, 6, 1, TIMESTAMP '2026-01-10 10:00:00', 1500, 'test'),
		(2, 'events', '/data/events.csv', 2000, 'bbbb', 'csv', 'gzip', NULL, 22, 20, 2, TIMESTAMP '2026-01-10 10:01:00', 2500, 'test')`,
	`INSERT INTO rejects VALUES
		(1, '/data/videos.csv', 8, 'created_at', 'unparseable timestamp "yesterday"', 'v9,a9,yesterday'),
		(2, '/data/events.csv', 5, 'event_type', 'unknown event_type "zap"', 'e5,v1,zap'),
		(2, '/data/events.csv', 9, 'decision', 'review without a decision', 'e9,v2,review')`,
	`INSERT INTO videos VALUES
		('v1', 'a1', TIMESTAMP '2026-01-01 10:00:00', 'hello', ['#Omegle', 'fun'], 'US', 'en', '13-15', 10, 1, 0, 0, 12.5, NULL, 1, 2),
		('v2', 'a2', TIMESTAMP '2026-01-01 12:00:00', 'omegles chat?', ['omegel', 'chat'], 'BR', 'pt-BR', '16-17', 20, 2, 0, 1, 30, NULL, 1, 3),
		('v3', 'a3', TIMESTAMP '2026-01-02 09:00:00', NULL, ['fun'], 'US', 'en', '18+', 5, 0, 0, 0, 8, NULL, 1, 4),
		('v4', 'a1', TIMESTAMP '2026-01-03 08:00:00', 'see Omegle.TV!', ['0megle', 'fun', 'chat'], NULL, NULL, 'under_13', 7, 0, 0, 0, 9, NULL, 1, 5),
		('v5', 'a4', TIMESTAMP '2026-01-04 00:00:00', ?, ['cats', ?], 'GB', 'en', '18+', 3, 0, 0, 0, 60, NULL, 1, 6),
		('v6', 'a5', TIMESTAMP '2026-01-05 23:59:00', 'Try OMEGLE.', ['cats', 'fun'], 'US', 'en', 'unknown', 99, 9, 1, 2, 15, NULL, 1, 7)`,
	`INSERT INTO moderation_events VALUES
		('e01', 'v1', TIMESTAMP '2026-01-01 11:00:00', 'report', 'user', 'minor_safety', NULL, NULL, NULL, NULL, 2, 2),
		('e02', 'v1', TIMESTAMP '2026-01-01 12:00:00', 'review', 'moderator', 'minor_safety', 'minor_safety/grooming', 'violation', NULL, NULL, 2, 3),
		('e03', 'v1', TIMESTAMP '2026-01-01 13:00:00', 'enforcement', 'moderator', 'minor_safety', NULL, NULL, 'removed', NULL, 2, 4),
		('e04', 'v1', TIMESTAMP '2026-01-01 14:00:00', 'escalation', 'moderator', 'minor_safety', NULL, NULL, 'escalated_lert', NULL, 2, 6),
		('e05', 'v2', TIMESTAMP '2026-01-01 12:30:00', 'flag', 'model', 'bullying_harassment', NULL, NULL, NULL, NULL, 2, 7),
		('e06', 'v2', TIMESTAMP '2026-01-01 13:00:00', 'review', 'moderator', 'bullying_harassment', NULL, 'violation', NULL, NULL, 2, 8),
		('e07', 'v2', TIMESTAMP '2026-01-01 14:00:00', 'enforcement', 'model', 'bullying_harassment', NULL, NULL, 'removed', NULL, 2, 10),
		('e08', 'v2', TIMESTAMP '2026-01-02 10:00:00', 'appeal', 'user', 'bullying_harassment', NULL, NULL, NULL, NULL, 2, 11),
		('e09', 'v2', TIMESTAMP '2026-01-03 14:00:00', 'reinstatement', 'moderator', 'bullying_harassment', NULL, NULL, 'reinstated', NULL, 2, 12),
		('e10', 'v3', TIMESTAMP '2026-01-02 08:00:00', 'enforcement', 'model', 'hate_speech', NULL, NULL, 'removed', NULL, 2, 13),
		('e11', 'v4', TIMESTAMP '2026-01-03 08:30:00', 'flag', 'hash_match', 'minor_safety', NULL, NULL, NULL, NULL, 2, 14),
		('e12', 'v4', TIMESTAMP '2026-01-03 09:00:00', 'review', 'moderator', 'minor_safety', NULL, 'violation', NULL, NULL, 2, 15),
		('e13', 'v4', TIMESTAMP '2026-01-05 09:00:00', 'enforcement', 'moderator', 'minor_safety', NULL, NULL, 'removed', NULL, 2, 16),
		('e14', 'v5', TIMESTAMP '2026-01-04 01:00:00', 'report', 'user', 'bullying_harassment', NULL, NULL, NULL, NULL, 2, 17),
		('e15', 'v5', TIMESTAMP '2026-01-04 05:00:00', 'review', 'moderator', 'bullying_harassment', NULL, 'no_violation', NULL, NULL, 2, 18),
		('e16', 'v6', TIMESTAMP '2026-01-06 00:00:00', 'review', 'moderator', 'hate_speech', NULL, 'violation', NULL, NULL, 2, 19),
		('e17', 'v6', TIMESTAMP '2026-01-06 00:10:00', 'enforcement', 'moderator', 'hate_speech', NULL, NULL, 'removed', NULL, 2, 20),
		('e18', 'vX', TIMESTAMP '2026-01-02 00:00:00', 'report', 'user', 'minor_safety', NULL, NULL, NULL, NULL, 2, 21)`,
	`INSERT INTO tag_sets VALUES
		('omegle', 'omegle', false, TIMESTAMP '2026-01-10 11:00:00', TIMESTAMP '2026-01-10 11:00:00'),
		('omegle_captions', 'omegle', true, TIMESTAMP '2026-01-10 11:00:00', TIMESTAMP '2026-01-10 11:00:00')`,
	`INSERT INTO tag_set_variants (tag_set, tag, status, reason, score, videos, decided_at) VALUES
		('omegle', 'omegel', 'accepted', 'spelling', 0.9, 1, TIMESTAMP '2026-01-10 11:00:00'),
		('omegle', '0megle', 'accepted', 'leetspeak', 0.9, 1, TIMESTAMP '2026-01-10 11:00:00'),
		('omegle', 'omeglefunny', 'rejected', 'prefix', 0.5, 0, TIMESTAMP '2026-01-10 11:00:00'),
		('omegle_captions', 'omegle.tv', 'accepted', 'suffix', 0.7, 0, TIMESTAMP '2026-01-10 11:00:00')`,
	// The optional exports (views_daily, search_daily, interventions).
	`INSERT INTO views_daily VALUES
		('v1', DATE '2026-01-01', 'for_you', 100, NULL, 3, 2),
		('v1', DATE '2026-01-01', 'search', 20, NULL, 3, 3),
		('v3', DATE '2026-01-01', 'for_you', 300, NULL, 3, 4),
		('v2', DATE '2026-01-02', 'following', 5, NULL, 3, 5)`,
	`INSERT INTO search_daily VALUES
		(DATE '2026-01-01', '#Omegle chat', 'omegle chat', 50, 20, NULL, 4, 2),
		(DATE '2026-01-01', 'omegel', 'omegel', 10, 0, NULL, 4, 3),
		(DATE '2026-01-01', 'cats', 'cats', 99, 50, NULL, 4, 4),
		(DATE '2026-01-02', 'OMEGLE', 'omegle', 40, 2, NULL, 4, 5)`,
	`INSERT INTO interventions VALUES
		('ac-1', 'autocomplete_restricted', 'omegle', TIMESTAMP '2026-01-02 00:00:00', NULL, 'policy ticket', 'export', NULL, NULL, NULL, 5, 2),
		('m-1', 'moderator_guidance', 'omegle', TIMESTAMP '2026-01-01 09:00:00', NULL, NULL, 'manual', 'ana', TIMESTAMP '2026-01-10 12:00:00', NULL, NULL, NULL)`,
	`INSERT INTO samples VALUES (1, 'msafety', '{"frame":"omegle"}', 42, 2, 3, TIMESTAMP '2026-01-10 12:00:00', 'tester')`,
	`INSERT INTO sample_members VALUES (1, 1, 'v1', 'all', 1.5), (1, 2, 'v4', 'all', 1.5)`,
	`INSERT INTO labels VALUES
		(1, 'v1', 'r1', 'not_violating', NULL, NULL, TIMESTAMP '2026-01-10 12:10:00'),
		(1, 'v1', 'r1', 'violating', 'changed my mind', NULL, TIMESTAMP '2026-01-10 12:20:00'),
		(1, 'v4', 'r1', 'violating', NULL, NULL, TIMESTAMP '2026-01-10 12:30:00'),
		(1, 'v4', 'r2', 'violating', NULL, NULL, TIMESTAMP '2026-01-10 12:40:00')`,
}

// buildFixture writes the fixture workspace to path.
func buildFixture(ctx context.Context, path string) error {
	ws, err := datasets.Open(ctx, path, datasets.Options{})
	if err != nil {
		return err
	}
	defer ws.Close()
	for i, q := range fixtureSQL {
		var args []any
		if i == 2 {
			args = []any{nastyCaption, injection}
		}
		if _, err := ws.DB.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	// video_tags as the importer writes them: raw and normalised.
	rows, err := ws.DB.QueryContext(ctx, `SELECT video_id, hashtags FROM videos ORDER BY video_id`)
	if err != nil {
		return err
	}
	type tagRow struct {
		id   string
		tags []any
	}
	var all []tagRow
	for rows.Next() {
		var r tagRow
		if err := rows.Scan(&r.id, &r.tags); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	for _, r := range all {
		for pos, t := range r.tags {
			raw := t.(string)
			if _, err := ws.DB.ExecContext(ctx, `INSERT INTO video_tags (video_id, position, tag_raw, tag, from_caption) VALUES (?, ?, ?, ?, false)`,
				r.id, pos, raw, datasets.NormalizeTag(raw)); err != nil {
				return err
			}
		}
	}
	return datasets.RefreshOutcomes(ctx, ws.DB)
}

// fixture opens the fixture workspace read-only.
func fixture(t testing.TB) *sql.DB {
	t.Helper()
	return fixtureWorkspace(t).DB
}

// fixtureWorkspace opens the fixture workspace read-only, as a Workspace.
func fixtureWorkspace(t testing.TB) *datasets.Workspace {
	t.Helper()
	fixtureOnce.Do(func() {
		dir, err := os.MkdirTemp("", "trendlab-queries-")
		if err != nil {
			fixtureErr = err
			return
		}
		fixturePath = filepath.Join(dir, "fixture.duckdb")
		fixtureErr = buildFixture(context.Background(), fixturePath)
	})
	if fixtureErr != nil {
		t.Fatalf("building the fixture workspace: %v", fixtureErr)
	}
	ws, err := datasets.Open(context.Background(), fixturePath, datasets.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixturePath != "" {
		os.RemoveAll(filepath.Dir(fixturePath))
	}
	os.Exit(code)
}

// fetch runs a shipped query with command-line style parameters.
func fetch(t *testing.T, db *sql.DB, name string, params ...string) *Table {
	t.Helper()
	lib, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	q, err := lib.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	given, err := ParseAssignments(params)
	if err != nil {
		t.Fatal(err)
	}
	st, err := q.Bind(given)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := Fetch(context.Background(), db, st, 10000)
	if err != nil {
		t.Fatalf("running %s: %v", name, err)
	}
	return tab
}

// row returns the first row whose column key has text value want.
func row(t *testing.T, tab *Table, key, want string) map[string]string {
	t.Helper()
	idx := -1
	for i, c := range tab.Columns {
		if c.Name == key {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatalf("no column %q in %v", key, tab.Columns)
	}
	for _, r := range tab.Rows {
		if tab.Columns[idx].Text(r[idx]) == want {
			m := map[string]string{}
			for i, c := range tab.Columns {
				m[c.Name] = c.Text(r[i])
			}
			return m
		}
	}
	var got []string
	for _, r := range tab.Rows {
		got = append(got, tab.Columns[idx].Text(r[idx]))
	}
	t.Fatalf("no row with %s=%q; have %s", key, want, strings.Join(got, ", "))
	return nil
}

// TestWriteFixture writes the fixture workspace to $TRENDLAB_FIXTURE_OUT,
// for trying the CLI by hand; it is skipped otherwise.
func TestWriteFixture(t *testing.T) {
	out := os.Getenv("TRENDLAB_FIXTURE_OUT")
	if out == "" {
		t.Skip("set TRENDLAB_FIXTURE_OUT to write the fixture workspace there")
	}
	if err := buildFixture(context.Background(), out); err != nil {
		t.Fatal(err)
	}
}
