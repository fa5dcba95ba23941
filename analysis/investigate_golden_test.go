package analysis

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// goldenWorkspace is a small fixed workspace built with SQL: 60 videos over
// four days, a tag family (omegle, Omegle, 0megle), a decoy (omega), a
// related tag (strangers), and reviews, removals, reports, escalations and
// an appeal with reinstatement, from which video_outcomes is computed by
// datasets.RefreshOutcomes.
func goldenWorkspace(t *testing.T) *datasets.Workspace {
	t.Helper()
	ctx := context.Background()
	ws, err := datasets.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := ws.DB.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	exec(`INSERT INTO imports VALUES (1, 'videos', '/data/videos.csv', 1234, 'aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44ee55ff66aa11bb22cc33dd44', 'csv', 'none', NULL, 60, 60, 0, ?, 10, '0.1.0-test')`, start)
	exec(`INSERT INTO imports VALUES (2, 'events', '/data/events.csv', 999, '0011223344556677889900112233445566778899001122334455667788990011', 'csv', 'none', NULL, 40, 40, 0, ?, 5, '0.1.0-test')`, start)
	ev := 0
	event := func(video string, at time.Time, typ, source, policy, decision, action string) {
		ev++
		var d, a any
		if decision != "" {
			d = decision
		}
		if action != "" {
			a = action
		}
		exec(`INSERT INTO moderation_events (event_id, video_id, event_time, event_type, source, policy, decision, action, import_id, source_line)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 2, ?)`, fmt.Sprintf("e%03d", ev), video, at, typ, source, policy, d, a, ev+1)
	}
	for i := range 60 {
		id := fmt.Sprintf("v%02d", i)
		created := start.Add(time.Duration(i%4)*24*time.Hour + time.Duration(i)*time.Minute)
		var tags []string
		switch {
		case i%6 == 0:
			tags = []string{"omegle", "strangers"}
		case i%6 == 1:
			tags = []string{"Omegle"}
		case i%12 == 2:
			tags = []string{"0megle", "strangers"}
		case i%12 == 3:
			tags = []string{"omega"}
		default:
			tags = []string{"cooking"}
		}
		if i%5 == 0 && !slices.Contains(tags, "cooking") {
			tags = append(tags, "cooking")
		}
		caption := "caption " + id
		switch i % 20 {
		case 9:
			caption += " talking about OMEGLE, again" // a mention without the hashtag
		case 19:
			caption += " not omegles" // not the word
		}
		exec(`INSERT INTO videos (video_id, author_id, created_at, caption, import_id, source_line) VALUES (?, ?, ?, ?, 1, ?)`,
			id, "a"+id, created, caption, i+2)
		for p, tag := range tags {
			exec(`INSERT INTO video_tags (video_id, position, tag_raw, tag, from_caption) VALUES (?, ?, ?, ?, false)`, id, p, "#"+tag, datasets.NormalizeTag(tag))
		}
		family := i%6 <= 1 || i%12 == 2
		// minor_safety: family videos violate more often.
		if (family && i%2 == 0) || (!family && i%9 == 4) {
			if i%3 == 0 {
				event(id, created.Add(2*time.Hour), "report", "user", "minor_safety", "", "")
			} else {
				event(id, created.Add(time.Hour), "flag", "model", "minor_safety", "", "")
			}
			event(id, created.Add(3*time.Hour), "review", "moderator", "minor_safety", "violation", "")
			event(id, created.Add(time.Duration(4+i)*time.Hour), "enforcement", "moderator", "minor_safety", "", "removed")
			if i%4 == 0 {
				event(id, created.Add(5*time.Hour), "escalation", "moderator", "minor_safety", "", "escalated_lert")
			}
			if i == 12 {
				event(id, created.Add(30*time.Hour), "appeal", "user", "minor_safety", "", "")
				event(id, created.Add(40*time.Hour), "reinstatement", "moderator", "minor_safety", "", "reinstated")
			}
		}
		// hate_speech: the same rate inside and outside the family.
		if i%10 == 7 {
			event(id, created.Add(time.Hour), "report", "user", "hate_speech", "", "")
			event(id, created.Add(6*time.Hour), "review", "moderator", "hate_speech", "violation", "")
			event(id, created.Add(30*time.Hour), "enforcement", "moderator", "hate_speech", "", "removed")
		}
		if i%10 == 8 {
			event(id, created.Add(time.Hour), "report", "user", "hate_speech", "", "")
			event(id, created.Add(6*time.Hour), "review", "moderator", "hate_speech", "no_violation", "")
		}
	}
	if err := datasets.RefreshOutcomes(ctx, ws.DB); err != nil {
		t.Fatal(err)
	}
	return ws
}

func goldenRequest() Request {
	return Request{Tag: "#Omegle", Permutations: 99, Seed: 3, Now: fixedNow}
}

func TestInvestigateGolden(t *testing.T) {
	ws := goldenWorkspace(t)
	inv, err := Investigate(context.Background(), ws, goldenRequest())
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := WriteText(&text, inv); err != nil {
		t.Fatal(err)
	}
	js, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		file string
		got  []byte
	}{{"investigate.golden", text.Bytes()}, {"investigate.json.golden", append(js, '\n')}} {
		path := filepath.Join("testdata", g.file)
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, g.got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -run TestInvestigateGolden -update to create it)", err)
		}
		if !bytes.Equal(g.got, want) {
			t.Errorf("%s differs from the output (go test -update rewrites it; review the diff):\n--- got\n%s", path, g.got)
		}
	}
	// The JSON document reads back into the same values.
	var back Investigation
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatalf("the JSON document does not read back: %v", err)
	}
	if back.TagSet.Videos != inv.TagSet.Videos || len(back.Rates) != len(inv.Rates) {
		t.Errorf("JSON round trip changed the document")
	}
}

// TestInvestigateFixtureCounts checks the fixture's numbers by hand-counted
// definitions, so the golden file is not the only witness.
func TestInvestigateFixtureCounts(t *testing.T) {
	ws := goldenWorkspace(t)
	inv, err := Investigate(context.Background(), ws, goldenRequest())
	if err != nil {
		t.Fatal(err)
	}
	// Family: i%6 in {0, 1} (20 videos) and i%12 == 2 (5 videos).
	if inv.TagSet.Videos != 25 {
		t.Errorf("tag set has %d videos, want 25", inv.TagSet.Videos)
	}
	if got := strings.Join(inv.TagSet.Accepted, ","); got != "omegle,0megle" {
		t.Errorf("accepted %q, want omegle,0megle", got)
	}
	for _, r := range inv.Rates {
		if r.Policy != "minor_safety" {
			continue
		}
		// Family violating: even i among the family, minus the reinstated v12.
		var x1 int64
		for i := 0; i < 60; i++ {
			family := i%6 <= 1 || i%12 == 2
			if family && i%2 == 0 && i != 12 {
				x1++
			}
		}
		if r.TagSet.X != x1 || r.TagSet.N != 25 || r.Baseline.N != 35 {
			t.Errorf("minor_safety: %s vs %s, want %d/25 against x/35", FormatProportion(r.TagSet), FormatProportion(r.Baseline), x1)
		}
	}
	for _, f := range inv.Funnel {
		if f.Policy == "minor_safety" && (f.TagSet.Appealed != 1 || f.TagSet.Reinstated != 1) {
			t.Errorf("minor_safety funnel: %d appealed, %d reinstated, want 1 and 1", f.TagSet.Appealed, f.TagSet.Reinstated)
		}
	}
	if inv.Related.Tested == 0 || inv.Related.Tags[0].Tag != "strangers" {
		t.Errorf("related tags %+v, want strangers first", inv.Related.Tags)
	}
}

func TestInvestigateCaptionMentions(t *testing.T) {
	ws := goldenWorkspace(t)
	inv, err := Investigate(context.Background(), ws, Request{Tag: "omegle", IncludeCaptions: true, Permutations: 9, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	// i%20 == 9: v09, v29 and v49 mention "OMEGLE"; v49 carries the tag
	// anyway (49%6 == 1), v19, v39, v59 only write "omegles".
	if inv.TagSet.CaptionOnlyVideos != 2 || inv.TagSet.Videos != 27 {
		t.Errorf("caption mentions: %d videos, %d only by caption; want 27 and 2", inv.TagSet.Videos, inv.TagSet.CaptionOnlyVideos)
	}
}

func TestInvestigatePeriod(t *testing.T) {
	ws := goldenWorkspace(t)
	ctx := context.Background()
	since, until := time.Date(2026, 6, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC)
	inv, err := Investigate(ctx, ws, Request{Tag: "omegle", Period: datasets.Period{Since: since, Until: until}, Permutations: 9, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Period.Days != 2 || len(inv.Trend.Volume) != 2 {
		t.Fatalf("period %+v with %d volume days, want 2", inv.Period, len(inv.Trend.Volume))
	}
	var setN, allN int64
	if err := ws.DB.QueryRowContext(ctx, `
SELECT count(*) FILTER (WHERE video_id IN (SELECT video_id FROM video_tags WHERE tag IN ('omegle', '0megle'))), count(*)
FROM videos WHERE created_at >= '2026-06-02' AND created_at < '2026-06-04'`).Scan(&setN, &allN); err != nil {
		t.Fatal(err)
	}
	if inv.TagSet.Videos != setN || inv.Baseline.Videos != allN-setN {
		t.Errorf("period videos: tag set %d, baseline %d; want %d and %d", inv.TagSet.Videos, inv.Baseline.Videos, setN, allN-setN)
	}
	if len(inv.Related.Tags) == 0 {
		t.Fatal("no related tag in the period; the check below needs one")
	}
	for _, rt := range inv.Related.Tags {
		var nb int64
		if err := ws.DB.QueryRowContext(ctx, `
SELECT count(DISTINCT t.video_id) FROM video_tags t JOIN videos v ON v.video_id = t.video_id
WHERE t.tag = ? AND v.created_at >= '2026-06-02' AND v.created_at < '2026-06-04'`, rt.Tag).Scan(&nb); err != nil {
			t.Fatal(err)
		}
		if rt.TagVideos != nb {
			t.Errorf("related %q: %d videos in the period, want %d", rt.Tag, rt.TagVideos, nb)
		}
	}
}

// TestRelatedUniqueTags: with video_tags declared free of repeated
// (video_id, tag) rows, related tags are counted by rows, with the same
// result on a workspace where that holds.
func TestRelatedUniqueTags(t *testing.T) {
	ws := goldenWorkspace(t)
	ctx := context.Background()
	req := Request{Tag: "omegle", Permutations: 9, Now: fixedNow}
	want, err := Investigate(ctx, ws, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.DB.ExecContext(ctx, `INSERT INTO trendlab_meta VALUES ('video_tags_unique', 'true')`); err != nil {
		t.Fatal(err)
	}
	got, err := Investigate(ctx, ws, req)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(want.Related)
	b, _ := json.Marshal(got.Related)
	if !bytes.Equal(a, b) || len(got.Related.Tags) == 0 {
		t.Errorf("related tags differ with the uniqueness declaration:\n%s\n%s", a, b)
	}
}

func TestInvestigateRequestErrors(t *testing.T) {
	ws := goldenWorkspace(t)
	ctx := context.Background()
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"no tag", Request{}, "no tag to investigate"},
		{"bad baseline", Request{Tag: "omegle", Baseline: "others"}, "baseline"},
		{"missing tag set", Request{TagSet: "nope"}, "no such tag set"},
		{"period reversed", Request{Tag: "omegle", Period: datasets.Period{Since: time.Date(2026, 6, 3, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}}, "before it starts"},
		{"bad name", Request{Tag: "omegle", SaveAs: "a b"}, "tag set name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Investigate(ctx, ws, tt.req)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestTagSetSaveExplicitAndBaseline(t *testing.T) {
	ws := goldenWorkspace(t)
	ctx := context.Background()
	// Explicit variants: omega accepted by the investigator, 0megle left out.
	inv, err := Investigate(ctx, ws, Request{Tag: "omegle", Variants: []string{"omega"}, SaveAs: "fam", Permutations: 9, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(inv.TagSet.Accepted, ","); got != "omegle,omega" {
		t.Errorf("explicit: accepted %q, want omegle,omega", got)
	}
	saved, err := LoadTagSet(ctx, ws, "fam")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(saved.Accepted(), ","); got != "omegle,omega" {
		t.Errorf("saved: accepted %q, want omegle,omega", got)
	}
	if err := DecideVariant(ctx, ws, "fam", "0megle", VariantAccepted, "tester"); err != nil {
		t.Fatal(err)
	}
	if err := DecideVariant(ctx, ws, "fam", "omega", VariantRejected, "tester"); err != nil {
		t.Fatal(err)
	}
	inv, err = Investigate(ctx, ws, Request{TagSet: "fam", Permutations: 9, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(inv.TagSet.Accepted, ","); got != "omegle,0megle" || inv.TagSet.Source != "saved" {
		t.Errorf("after decisions: accepted %q (%s), want omegle,0megle (saved)", got, inv.TagSet.Source)
	}
	// Before the decisions 0megle was not in the saved set: a note said so.
	if _, err := ws.DB.ExecContext(ctx, `DELETE FROM tag_set_variants WHERE tag_set = 'fam' AND tag = '0megle'`); err != nil {
		t.Fatal(err)
	}
	inv, err = Investigate(ctx, ws, Request{TagSet: "fam", Permutations: 9, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(inv.Notes, func(n string) bool {
		return strings.Contains(n, `"0megle"`) && strings.Contains(n, "not in the saved tag set")
	}) {
		t.Errorf("no note about the unsaved variant 0megle: %q", inv.Notes)
	}
	if err := DecideVariant(ctx, ws, "fam", "0megle", VariantAccepted, "tester"); err != nil {
		t.Fatal(err)
	}
	// Another tag set as the baseline: cooking, minus the family's videos.
	if err := SaveTagSet(ctx, ws, "cook", "cooking", false, nil); err != nil {
		t.Fatal(err)
	}
	inv, err = Investigate(ctx, ws, Request{TagSet: "fam", Baseline: "tagset:cook", Permutations: 9, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	var want int64
	if err := ws.DB.QueryRowContext(ctx, `SELECT count(DISTINCT video_id) FROM video_tags WHERE tag = 'cooking'
		AND video_id NOT IN (SELECT video_id FROM video_tags WHERE tag IN ('omegle', '0megle'))`).Scan(&want); err != nil {
		t.Fatal(err)
	}
	if inv.Baseline.Kind != "tagset" || inv.Baseline.Videos != want {
		t.Errorf("baseline %+v, want tagset with %d videos", inv.Baseline, want)
	}
	for _, r := range inv.Rates {
		if r.Baseline.N != want {
			t.Errorf("%s: baseline n %d, want %d", r.Policy, r.Baseline.N, want)
		}
	}
	sets, err := ListTagSets(ctx, ws)
	if err != nil || len(sets) != 2 {
		t.Errorf("ListTagSets = %d sets, %v; want 2", len(sets), err)
	}
}

func FuzzScoreVariant(f *testing.F) {
	for _, s := range []string{"omegle", "0megle", "οmegle", "omeglefunny", "", "a", "\xff\xfe", "ｏｍｅｇｌｅ"} {
		f.Add("omegle", s)
	}
	f.Fuzz(func(t *testing.T, seed, cand string) {
		seed, cand = datasets.NormalizeTag(seed), datasets.NormalizeTag(cand)
		score, reasons := ScoreVariant(seed, cand)
		if score < 0 || score > 1 {
			t.Fatalf("ScoreVariant(%q, %q) = %v outside [0, 1]", seed, cand, score)
		}
		if score > 0 && len(reasons) == 0 {
			t.Fatalf("ScoreVariant(%q, %q) = %v without a reason", seed, cand, score)
		}
		if seed == cand && score != 1 {
			t.Fatalf("the seed scores %v against itself", score)
		}
	})
}
