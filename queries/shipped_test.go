package queries

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
)

// shippedCase runs one shipped query on the fixture and checks one row.
// The expected numbers are worked out by hand from the fixture table in
// fixture_test.go; Wilson intervals are checked against R's
// binom::binom.wilson (2 of 3: 0.2077 to 0.9385; 1 of 2: 0.0945 to 0.9055).
type shippedCase struct {
	query  string
	params []string
	rows   int
	key    string // column that picks the row to check
	keyVal string
	want   map[string]string // column -> text; numbers compare within floatTol
}

// floatTol is the tolerance for rounded rates and hours.
const floatTol = 1e-4

var shippedCases = []shippedCase{
	{"daily_volume", []string{"tag_set=omegle"}, 5, "day", "2026-01-01",
		map[string]string{"set_videos": "2", "all_videos": "2", "set_share": "1"}},
	{"daily_volume", []string{"tag_set=omegle_captions"}, 5, "day", "2026-01-05",
		map[string]string{"set_videos": "1", "all_videos": "1"}},
	{"daily_volume", []string{"tag_set=omegle_captions"}, 5, "day", "2026-01-01",
		map[string]string{"set_videos": "1", "all_videos": "2", "set_share": "0.5"}},
	{"daily_volume", []string{"tag_set=omegle_captions"}, 5, "day", "2026-01-03",
		map[string]string{"set_videos": "1", "all_videos": "1"}},
	{"daily_volume", []string{"tags=#OMEGLE,omegel", "since=2026-01-03", "until=2026-01-04"}, 2, "day", "2026-01-03",
		map[string]string{"set_videos": "0", "all_videos": "1", "set_share": "0"}},
	{"violation_rate_by_policy", []string{"tag_set=omegle"}, 3, "policy", "minor_safety",
		map[string]string{"set_violating": "2", "set_videos": "3", "set_rate": "0.666667",
			"set_ci_low": "0.2077", "set_ci_high": "0.9385", "rest_violating": "0", "rest_videos": "3", "rate_ratio": ""}},
	{"violation_rate_by_policy", []string{"tag_set=omegle_captions"}, 3, "policy", "hate_speech",
		map[string]string{"set_violating": "1", "set_videos": "3", "rest_violating": "0", "rest_videos": "3"}},
	{"violation_rate_by_policy", []string{"tag_set=omegle"}, 3, "policy", "hate_speech",
		map[string]string{"set_violating": "0", "rest_violating": "1", "rest_rate": "0.333333", "rate_ratio": "0"}},
	{"removal_latency", nil, 5, "bucket", "before upload",
		map[string]string{"policy": "hate_speech", "removals": "1", "share": "0.5", "cumulative_share": "0.5"}},
	{"removal_latency", []string{"tag_set=omegle", "policy=minor_safety"}, 2, "bucket", "1-3 days",
		map[string]string{"removals": "1", "cumulative_share": "1"}},
	{"proactive_share_by_policy", nil, 3, "policy", "minor_safety",
		map[string]string{"removals": "2", "proactive": "1", "proactive_share": "0.5",
			"proactive_ci_low": "0.0945", "proactive_ci_high": "0.9055", "within_24h": "1", "hours_p50": "26"}},
	{"proactive_share_by_policy", []string{"until=2026-01-05"}, 3, "policy", "hate_speech",
		map[string]string{"removals": "1", "proactive": "1", "hours_p50": "-1"}},
	{"escalations", nil, 1, "video_id", "v1",
		map[string]string{"policy": "minor_safety", "hours_after_upload": "4", "tags": `["omegle","fun"]`, "region": "US"}},
	{"escalations", []string{"since=2026-01-02"}, 0, "", "", nil},
	{"co_occurring_tags", []string{"tag_set=omegle", "min_videos=1"}, 2, "tag", "chat",
		map[string]string{"set_videos": "2", "set_size": "3", "all_videos": "2", "lift": "2"}},
	{"co_occurring_tags", []string{"tag_set=omegle"}, 0, "", "", nil},
	{"breakdown_by_region", []string{"tag_set=omegle"}, 4, "region", "US",
		map[string]string{"set_videos": "1", "set_violating": "1", "rest_videos": "2", "rest_violating": "1", "rest_rate": "0.5"}},
	{"breakdown_by_region", []string{"tag_set=omegle", "policy=hate_speech"}, 4, "region", "(none)",
		map[string]string{"set_videos": "1", "set_violating": "0", "rest_videos": "0", "rest_rate": ""}},
	{"breakdown_by_age_band", []string{"tags=omegle,omegel,0megle"}, 5, "author_age_band", "under_13",
		map[string]string{"set_videos": "1", "set_violating": "1", "share_of_set": "0.333333"}},
	{"appeals_and_reinstatements", nil, 3, "policy", "bullying_harassment",
		map[string]string{"removed": "1", "appealed": "1", "reinstated": "1", "hours_to_reinstatement_p50": "48"}},
	{"orphan_events", nil, 1, "event_type", "report",
		map[string]string{"import_id": "2", "file": "/data/events.csv", "events": "1", "videos": "1", "example_event_id": "e18"}},
	{"last_import_rejects", nil, 3, "line", "8",
		map[string]string{"import_id": "1", "column_name": "created_at"}},
	{"last_import_rejects", []string{"import_id=2", "limit=1"}, 1, "line", "5",
		map[string]string{"reason": `unknown event_type "zap"`}},
	{"imports", nil, 2, "import_id", "2",
		map[string]string{"kind": "events", "sha256": "bbbb", "rows_rejected": "2", "seconds": "2.5", "mapped": "false"}},
	{"top_tags", nil, 7, "tag", "fun",
		map[string]string{"videos": "4", "violating_videos": "3", "violation_rate": "0.75", "share_of_videos": "0.666667"}},
	{"top_tags", []string{"since=2026-01-04", "limit=1"}, 1, "tag", "cats",
		map[string]string{"videos": "2", "violating_videos": "1"}},
	{"video_timeline", []string{"video_id=v2"}, 6, "what", "reinstatement",
		map[string]string{"happened_at": "2026-01-03T14:00:00Z", "hours_after_upload": "50", "event_id": "e09"}},
	{"video_timeline", []string{"video_id=vX"}, 1, "what", "report",
		map[string]string{"hours_after_upload": "", "event_id": "e18"}},
	{"daily_violation_rate", []string{"tag_set=omegle", "policy=minor_safety"}, 3, "day", "2026-01-01",
		map[string]string{"videos": "2", "violating": "1", "rate": "0.5", "ci_low": "0.0945"}},
	{"daily_violation_rate", []string{"tag_set=omegle", "policy=minor_safety"}, 3, "day", "2026-01-02",
		map[string]string{"videos": "0", "violating": "0", "rate": ""}},
	{"sample_labels", nil, 2, "reviewer", "r1",
		map[string]string{"sample": "msafety", "sample_size": "2", "label": "violating", "videos": "2"}},
	{"sample_labels", []string{"sample=nope"}, 0, "", "", nil},
	{"reach_daily", []string{"tag_set=omegle"}, 2, "day", "2026-01-01",
		map[string]string{"set_for_you": "100", "set_views": "120", "all_for_you": "400", "all_views": "420", "set_share_for_you": "0.25"}},
	{"reach_daily", []string{"tag_set=omegle", "since=2026-01-02"}, 1, "day", "2026-01-02",
		map[string]string{"set_for_you": "0", "set_views": "5", "set_share_views": "1"}},
	{"search_terms_daily", []string{"tag_set=omegle"}, 2, "day", "2026-01-01",
		map[string]string{"searches": "60", "via_autocomplete": "20", "autocomplete_share": "0.333333", "spellings": "2"}},
	{"interventions", nil, 2, "intervention_id", "m-1",
		map[string]string{"source": "manual", "recorded_by": "ana", "target": "omegle"}},
}

func TestShippedQueries(t *testing.T) {
	db := fixture(t)
	covered := map[string]bool{}
	for _, c := range shippedCases {
		covered[c.query] = true
		t.Run(c.query, func(t *testing.T) {
			tab := fetch(t, db, c.query, c.params...)
			if len(tab.Rows) != c.rows {
				t.Fatalf("%v: %d rows, want %d", c.params, len(tab.Rows), c.rows)
			}
			if c.key == "" {
				return
			}
			got := row(t, tab, c.key, c.keyVal)
			for col, want := range c.want {
				g, ok := got[col]
				if !ok {
					t.Errorf("no column %s", col)
					continue
				}
				if !sameValue(g, want) {
					t.Errorf("%v, row %s=%s: %s = %q, want %q", c.params, c.key, c.keyVal, col, g, want)
				}
			}
		})
	}
	lib, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range lib.Queries() {
		if !covered[q.Name] {
			t.Errorf("shipped query %s has no test case", q.Name)
		}
	}
	if n := len(lib.Queries()); n < 12 {
		t.Errorf("%d shipped queries, the issue asks for at least 12", n)
	}
}

// TestUnknownTagSet: a tag set name that is not in the workspace is an
// error that says so, not an empty result.
func TestUnknownTagSet(t *testing.T) {
	db := fixture(t)
	lib, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range lib.Queries() {
		if q.Param("tag_set") == nil {
			continue
		}
		st, err := q.Bind(map[string][]string{"tag_set": {"nope"}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = Fetch(context.Background(), db, st, 10)
		if err == nil || !strings.Contains(err.Error(), `query `+q.Name+`: `) || !strings.Contains(err.Error(), `no tag set named "nope"`) {
			t.Errorf("%s with an unknown tag set: %v", q.Name, err)
		}
	}
}

func sameValue(got, want string) bool {
	if got == want {
		return true
	}
	g, err1 := strconv.ParseFloat(got, 64)
	w, err2 := strconv.ParseFloat(want, 64)
	return err1 == nil && err2 == nil && math.Abs(g-w) <= floatTol
}

func TestCheckShipped(t *testing.T) {
	db := fixture(t)
	lib, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Check(context.Background(), db, lib) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Query.Name, r.Err)
		}
	}
}
