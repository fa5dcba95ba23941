package synth

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestAppendTime compares the hand-written formatter with the time
// package, the reference, over random instants from 1900 to 2200.
func TestAppendTime(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	lo := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	edge := []int64{0, -1, 86399, 86400, time.Date(2000, 2, 29, 23, 59, 59, 0, time.UTC).Unix(), time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC).Unix()}
	for i := 0; i < 100000; i++ {
		unix := lo + r.Int64N(hi-lo)
		if i < len(edge) {
			unix = edge[i]
		}
		u := time.Unix(unix, 0).UTC()
		if got, want := string(appendTime(nil, unix, tsUTC, 0)), u.Format(time.RFC3339); got != want {
			t.Fatalf("utc %d: %s, want %s", unix, got, want)
		}
		if got, want := string(appendTime(nil, unix, tsNaive, 0)), u.Format("2006-01-02T15:04:05"); got != want {
			t.Fatalf("naive %d: %s, want %s", unix, got, want)
		}
		off := offsets[i%len(offsets)]
		want := u.In(time.FixedZone("", int(off)*60)).Format(time.RFC3339)
		got := string(appendTime(nil, unix, tsOffset, off))
		if got != want {
			t.Fatalf("offset %d %d: %s, want %s", unix, off, got, want)
		}
		back, err := time.Parse(time.RFC3339, got)
		if err != nil || back.Unix() != unix {
			t.Fatalf("%s parses to %v (%v), want the instant %d", got, back, err, unix)
		}
	}
}

func TestAppendPadded(t *testing.T) {
	cases := []struct {
		v     int64
		width int
		want  string
	}{{0, 3, "x000"}, {7, 3, "x007"}, {123, 3, "x123"}, {12345, 3, "x12345"}, {1, 10, "x0000000001"}}
	for _, c := range cases {
		if got := string(appendPadded(nil, 'x', c.v, c.width)); got != c.want {
			t.Errorf("appendPadded(%d, %d) = %q, want %q", c.v, c.width, got, c.want)
		}
	}
}

func TestVocabulary(t *testing.T) {
	v := newVocabulary()
	if len(v.tags) != ordinaryTagCount {
		t.Fatalf("%d ordinary tags, want %d", len(v.tags), ordinaryTagCount)
	}
	reserved := reservedTags()
	seen := map[string]bool{}
	for i, tag := range v.tags {
		if seen[tag] || reserved[tag] || strings.Contains(tag, "omeg") || strings.Contains(tag, "megl") {
			t.Errorf("tag %q is duplicated, reserved or looks like the family", tag)
		}
		seen[tag] = true
		if !strings.EqualFold(v.title[i], tag) || v.title[i] == tag {
			t.Errorf("capitalised %q of %q", v.title[i], tag)
		}
	}
	// Fixed vocabulary: the same on every call, whatever the seed.
	if w := newVocabulary(); strings.Join(w.tags, " ") != strings.Join(v.tags, " ") {
		t.Error("vocabulary differs between calls")
	}
}

// TestTagPopularity checks the Zipf-like shape: the most popular ordinary
// tag is far more common than the 100th, and most tags are used.
func TestTagPopularity(t *testing.T) {
	cfg, _ := Config{Videos: 50000, Seed: 1}.normalized()
	var m Manifest
	g := newGenerator(cfg, &m)
	index := map[string]int{}
	for i, tag := range g.vocab.tags {
		index[tag] = i
		index[g.vocab.title[i]] = i
	}
	counts := make([]int, len(g.vocab.tags))
	for i := int64(0); i < 50000; i++ {
		g.nextVideo(i, 50000)
		for _, tag := range g.v.tags {
			if k, ok := index[tag]; ok {
				counts[k]++
			}
		}
	}
	used := 0
	for _, c := range counts {
		if c > 0 {
			used++
		}
	}
	if counts[0] < 20*counts[99] || counts[0] < 1000 {
		t.Errorf("rank 1 used %d times, rank 100 %d: not Zipf-like", counts[0], counts[99])
	}
	if used < len(counts)/2 {
		t.Errorf("only %d of %d tags used in 50000 videos", used, len(counts))
	}
}
