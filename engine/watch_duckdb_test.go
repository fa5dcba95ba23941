package engine

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/internal/testws"
)

// TestWatchCountsFromListsAgree: a watch's counts put together from
// video_tag_lists are the counts over every video and the tag_set_videos
// macro, after each of two imports and with or without a policy filter.
func TestWatchCountsFromListsAgree(t *testing.T) {
	ctx := context.Background()
	ws, _ := testws.New(t, synth.Config{Videos: 3000, Seed: 11, Days: 20})
	testws.Import(t, ws, synth.Config{Videos: 1000, Seed: 12, Days: 5, FirstID: 3000,
		Start: synth.DefaultStart.AddDate(0, 0, 20), Evasion: "0m3gle"})
	if _, err := ws.DB.Exec(`INSERT INTO tag_sets VALUES ('s', 'omegle', false, now(), now());
		INSERT INTO tag_set_variants (tag_set, tag, status, reason, score, videos, decided_at)
		VALUES ('s', '0megle', 'accepted', 'r', 1, 1, now()), ('s', 'omegel', 'rejected', 'r', 1, 1, now())`); err != nil {
		t.Fatal(err)
	}
	s, err := Connect(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d := s.(*duck)
	for _, after := range []int64{0, 1, 2, 4} {
		for _, policies := range [][]string{nil, {"minor_safety", "spam"}} {
			lists, err := d.WatchCounts(ctx, "s", after, policies)
			if err != nil {
				t.Fatal(err)
			}
			macro, err := d.watchCountsByMacro(ctx, "s", after, policies)
			if err != nil {
				t.Fatal(err)
			}
			got, want := watchCountMap(lists), watchCountMap(macro)
			if len(want) < 4 || !maps.Equal(got, want) {
				t.Errorf("after import %d, policies %v: from the lists %v\nby the macro %v", after, policies, got, want)
			}
		}
		// The same counts from a cohort of the set's videos over every
		// day (as a watch's related-tags step leaves it), and not from a
		// cohort of fewer days.
		setTags, err := d.strings(ctx, `SELECT tag FROM tag_set_tags('s')`)
		if err != nil {
			t.Fatal(err)
		}
		var first, last time.Time
		if err := ws.DB.QueryRow(`SELECT min(day), max(day) FROM video_days`).Scan(&first, &last); err != nil {
			t.Fatal(err)
		}
		for _, hi := range []time.Time{last.AddDate(0, 0, 1), last} {
			if err := d.Members(ctx, Members{Tags: setTags, Lo: first, Hi: hi}); err != nil {
				t.Fatal(err)
			}
			whole, err := d.cohortIsWholeSet(ctx, setTags)
			if err != nil {
				t.Fatal(err)
			}
			if whole != hi.After(last) {
				t.Errorf("a cohort up to %s is the whole set: %v", hi.Format(time.DateOnly), whole)
			}
			cohort, err := d.WatchCounts(ctx, "s", after, nil)
			if err != nil {
				t.Fatal(err)
			}
			macro, err := d.watchCountsByMacro(ctx, "s", after, []string{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := watchCountMap(cohort), watchCountMap(macro); !maps.Equal(got, want) {
				t.Errorf("after import %d, with a cohort up to %s: %v\nby the macro %v", after, hi.Format(time.DateOnly), got, want)
			}
		}
		tags := []string{"omegle", "0m3gle", "fun", "nosuchtag"}
		lists, err := d.NewTagCounts(ctx, "s", after, tags)
		if err != nil {
			t.Fatal(err)
		}
		macro, err := d.newTagCountsByMacro(ctx, "s", after, tags)
		if err != nil {
			t.Fatal(err)
		}
		got, want := newTagCountMap(lists), newTagCountMap(macro)
		if !maps.Equal(got, want) {
			t.Errorf("after import %d, new tags: from the lists %v\nby the macro %v", after, got, want)
		}
	}
}

// watchCountMap keys the non-zero counts (a group without videos may be
// a zero row or no row).
func watchCountMap(cs []WatchCount) map[string]int64 {
	m := map[string]int64{}
	for _, c := range cs {
		if c.N != 0 {
			m[fmt.Sprintf("new=%v set=%v %s", c.New, c.InSet, c.Policy)] += c.N
		}
	}
	return m
}

func newTagCountMap(cs []NewTagCount) map[string]int64 {
	m := map[string]int64{}
	for _, c := range cs {
		if c.N != 0 {
			m[fmt.Sprintf("set=%v %s", c.InSet, c.Tag)] += c.N
		}
	}
	return m
}
