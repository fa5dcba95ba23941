package synth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/trendlab/trendlab/datasets/synth"
)

// normalizeTag is the data contract's hashtag normalisation (NFKC, case
// fold, leading '#' and trailing punctuation removed), written here from
// golang.org/x/text so that this package's tests need no DuckDB-linked code.
func normalizeTag(raw string) string {
	s := norm.NFKC.String(cases.Fold().String(norm.NFKC.String(raw)))
	s = strings.TrimLeft(s, "#")
	return strings.TrimRightFunc(s, unicode.IsPunct)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDeterministic(t *testing.T) {
	cases := []struct{ format, compress string }{
		{"csv", "none"}, {"csv", "gzip"}, {"csv", "zstd"},
		{"jsonl", "none"}, {"jsonl", "zstd"},
		{"parquet", "snappy"}, {"parquet", "zstd"}, {"parquet", "none"},
	}
	for _, c := range cases {
		t.Run(c.format+"/"+c.compress, func(t *testing.T) {
			cfg := synth.Config{Videos: 3000, Seed: 42, Days: 30, Format: c.format, Compression: c.compress}
			a, b := generate(t, cfg), generate(t, cfg)
			for _, pair := range [][2]string{{a.Files.Videos, b.Files.Videos}, {a.Files.Events, b.Files.Events}} {
				if !bytes.Equal(readFile(t, pair[0]), readFile(t, pair[1])) {
					t.Errorf("%s and %s differ: the same config must give the same bytes", pair[0], pair[1])
				}
			}
			a.Files, b.Files = synth.Files{}, synth.Files{}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("manifests differ:\n%+v\n%+v", a, b)
			}
			cfg.Seed = 43
			other := generate(t, cfg)
			if bytes.Equal(readFile(t, other.Files.Videos), readFile(t, generate(t, synth.Config{Videos: 3000, Seed: 42, Days: 30, Format: c.format, Compression: c.compress}).Files.Videos)) {
				t.Errorf("seeds 42 and 43 gave the same videos file")
			}
		})
	}
}

func TestManifestFileMatchesReturned(t *testing.T) {
	m := generate(t, synth.Config{Videos: 500, Seed: 1})
	var fromFile synth.Manifest
	if err := json.Unmarshal(readFile(t, m.Files.Manifest), &fromFile); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, fromFile) {
		t.Errorf("manifest.json differs from the returned manifest:\n%+v\n%+v", fromFile, m)
	}
	if filepath.Base(m.Files.Videos) != "videos.csv" || filepath.Base(m.Files.Events) != "moderation_events.csv" {
		t.Errorf("file names %q, %q", m.Files.Videos, m.Files.Events)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(m.Files.Videos), "*.tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestFormatsAgree reads every format back with its standard reader and
// checks that all hold the same rows (Parquet holds instants, not text).
func TestFormatsAgree(t *testing.T) {
	base := synth.Config{Videos: 4000, Seed: 7, Days: 20}
	var refV []videoRow
	var refE []eventRow
	for _, c := range []struct{ format, compress string }{
		{"csv", "none"}, {"jsonl", "none"}, {"parquet", "snappy"},
		{"csv", "gzip"}, {"jsonl", "zstd"}, {"parquet", "zstd"},
	} {
		cfg := base
		cfg.Format, cfg.Compression = c.format, c.compress
		m := generate(t, cfg)
		vs, es := readVideos(t, m), readEvents(t, m)
		if int64(len(vs)) != m.Videos || int64(len(es)) != m.Events {
			t.Fatalf("%s/%s: read %d videos, %d events; manifest says %d, %d", c.format, c.compress, len(vs), len(es), m.Videos, m.Events)
		}
		if c.format == "parquet" {
			for i := range vs {
				vs[i].CreatedText = refV[i].CreatedText
			}
			for i := range es {
				es[i].TimeText = refE[i].TimeText
			}
		}
		if refV == nil {
			refV, refE = vs, es
			continue
		}
		for i := range vs {
			if !reflect.DeepEqual(vs[i], refV[i]) {
				t.Fatalf("%s/%s video row %d:\n got %+v\nwant %+v", c.format, c.compress, i+1, vs[i], refV[i])
			}
		}
		for i := range es {
			if !reflect.DeepEqual(es[i], refE[i]) {
				t.Fatalf("%s/%s event row %d:\n got %+v\nwant %+v", c.format, c.compress, i+1, es[i], refE[i])
			}
		}
	}
}

// TestTextVariety checks that the CSV exercises what importers must handle:
// quoted commas, quotes and newlines in captions, three timestamp styles,
// missing optional values, non-ASCII text.
func TestTextVariety(t *testing.T) {
	m := generate(t, synth.Config{Videos: 5000, Seed: 3})
	vs := readVideos(t, m)
	raw := string(readFile(t, m.Files.Videos))
	count := func(f func(v videoRow) bool) int {
		n := 0
		for _, v := range vs {
			if f(v) {
				n++
			}
		}
		return n
	}
	checks := []struct {
		name string
		n    int
	}{
		{"caption with comma", count(func(v videoRow) bool { return strings.Contains(v.Caption, ",") })},
		{"caption with quote", count(func(v videoRow) bool { return strings.Contains(v.Caption, `"`) })},
		{"caption with newline", count(func(v videoRow) bool { return strings.Contains(v.Caption, "\n") })},
		{"caption with non-ASCII", count(func(v videoRow) bool { return strings.ContainsFunc(v.Caption, func(r rune) bool { return r > 127 }) })},
		{"no caption", count(func(v videoRow) bool { return v.Caption == "" })},
		{"no region", count(func(v videoRow) bool { return v.Region == "" })},
		{"naive created_at", count(func(v videoRow) bool { return !strings.HasSuffix(v.CreatedText, "Z") && len(v.CreatedText) == 19 })},
		{"offset created_at", count(func(v videoRow) bool { return len(v.CreatedText) == 25 })},
		{"no hashtags", count(func(v videoRow) bool { return len(v.Tags) == 0 })},
	}
	for _, c := range checks {
		if c.n == 0 {
			t.Errorf("no row with %s in 5000 videos", c.name)
		}
	}
	if !strings.Contains(raw, `""perfect""`) {
		t.Errorf("no doubled quote in the CSV text")
	}
	if got := m.Timestamps["naive"] + m.Timestamps["offset"] + m.Timestamps["utc"]; got != m.Videos+m.Events {
		t.Errorf("timestamp styles count %d values, want videos+events = %d", got, m.Videos+m.Events)
	}
	// Every caption ends with the video's hashtags, as written.
	for _, v := range vs {
		if v.Caption == "" || len(v.Tags) == 0 {
			continue
		}
		if !strings.HasSuffix(v.Caption, " "+strings.Join(v.Tags, " ")) {
			t.Fatalf("video %s: caption %q does not end with its hashtags %q", v.ID, v.Caption, v.Tags)
		}
	}
}

// TestEventInvariants checks the order and shape of every video's events.
func TestEventInvariants(t *testing.T) {
	m := generate(t, synth.Config{Videos: 20000, Seed: 11, Format: "jsonl"})
	vs, es := readVideos(t, m), readEvents(t, m)
	created := make(map[string]time.Time, len(vs))
	for _, v := range vs {
		if _, dup := created[v.ID]; dup {
			t.Fatalf("duplicate video_id %s", v.ID)
		}
		created[v.ID] = v.Created
		if v.Views < 0 || v.Likes < 0 || v.Shares < 0 || v.Comments < 0 || v.Duration < 0 {
			t.Fatalf("video %s: negative count or duration: %+v", v.ID, v)
		}
		if !slices.Contains([]string{"under_13", "13-15", "16-17", "18+", "unknown"}, v.AgeBand) {
			t.Fatalf("video %s: author_age_band %q", v.ID, v.AgeBand)
		}
	}
	types := []string{"report", "flag", "review", "enforcement", "escalation", "appeal", "reinstatement"}
	sources := []string{"user", "model", "hash_match", "keyword_list", "moderator", "partner"}
	actions := []string{"removed", "age_restricted", "not_recommended", "account_banned", "escalated_lert", "reinstated"}
	ids := map[string]bool{}
	orphans := 0
	byVideo := map[string][]eventRow{}
	var order []string
	for i, e := range es {
		if ids[e.ID] {
			t.Fatalf("duplicate event_id %s", e.ID)
		}
		ids[e.ID] = true
		if !slices.Contains(types, e.Type) || !slices.Contains(sources, e.Source) || !slices.Contains(m.Policies, e.Policy) {
			t.Fatalf("event %s: enum out of the contract: %+v", e.ID, e)
		}
		if (e.Type == "review") != (e.Decision != "") || (e.Decision != "" && e.Decision != "violation" && e.Decision != "no_violation") {
			t.Fatalf("event %s: decision %q on a %s", e.ID, e.Decision, e.Type)
		}
		needsAction := e.Type == "enforcement" || e.Type == "escalation" || e.Type == "reinstatement"
		if needsAction != (e.Action != "") || (e.Action != "" && !slices.Contains(actions, e.Action)) {
			t.Fatalf("event %s: action %q on a %s", e.ID, e.Action, e.Type)
		}
		c, ok := created[e.Video]
		if !ok {
			orphans++
			continue
		}
		if e.Time.Before(c) {
			t.Fatalf("event %s at %s is before its video's created_at %s", e.ID, e.Time, c)
		}
		if len(byVideo[e.Video]) == 0 {
			order = append(order, e.Video)
		} else if last := byVideo[e.Video][len(byVideo[e.Video])-1]; es[i-1].Video != e.Video && !isOrphanRun(es, i, created) {
			t.Fatalf("events of video %s are not contiguous (event %s after %s)", e.Video, e.ID, last.ID)
		}
		byVideo[e.Video] = append(byVideo[e.Video], e)
	}
	if int64(orphans) != m.OrphanEvents || orphans == 0 {
		t.Errorf("%d events have no video; manifest says %d orphan events", orphans, m.OrphanEvents)
	}
	for _, vid := range order {
		evs := byVideo[vid]
		for k := 1; k < len(evs); k++ {
			if evs[k].Time.Before(evs[k-1].Time) {
				t.Fatalf("video %s: event %s at %s before the earlier-written %s at %s", vid, evs[k].ID, evs[k].Time, evs[k-1].ID, evs[k-1].Time)
			}
		}
		// Per video: a review follows some report or flag, and nothing is
		// reported or flagged after the video's first removal (a report at
		// the same instant is allowed: it counts as "at or before").
		var detected bool
		var removed time.Time
		for _, e := range evs {
			switch {
			case e.Type == "report" || e.Type == "flag":
				if !removed.IsZero() && e.Time.After(removed) {
					t.Fatalf("video %s: %s %s at %s after its removal at %s", vid, e.Type, e.ID, e.Time, removed)
				}
				detected = true
			case e.Type == "review" && !detected:
				t.Fatalf("video %s: review %s with no report or flag before it", vid, e.ID)
			case e.Type == "enforcement" && e.Action == "removed" && removed.IsZero():
				removed = e.Time
			}
		}
		// Per policy: enforcement follows a violation review, escalation
		// follows a removal, an appeal follows enforcement, reinstatement
		// follows an appeal.
		for _, p := range m.Policies {
			var seen []string
			for _, e := range evs {
				if e.Policy != p {
					continue
				}
				switch {
				case e.Type == "enforcement" && !slices.Contains(seen, "review:violation"):
					t.Fatalf("video %s %s: enforcement %s before any violation review", vid, p, e.ID)
				case e.Type == "escalation" && !slices.Contains(seen, "enforcement:removed"):
					t.Fatalf("video %s %s: escalation %s before removal", vid, p, e.ID)
				case e.Type == "appeal" && !slices.ContainsFunc(seen, func(s string) bool { return strings.HasPrefix(s, "enforcement") }):
					t.Fatalf("video %s %s: appeal %s before enforcement", vid, p, e.ID)
				case e.Type == "reinstatement" && !slices.Contains(seen, "appeal:"):
					t.Fatalf("video %s %s: reinstatement %s before an appeal", vid, p, e.ID)
				}
				seen = append(seen, e.Type+":"+e.Decision+e.Action)
			}
		}
	}
}

// isOrphanRun reports whether the events between the previous event of
// es[i]'s video and es[i] are all orphans (written right after a video's
// events).
func isOrphanRun(es []eventRow, i int, created map[string]time.Time) bool {
	for k := i - 1; k >= 0 && es[k].Video != es[i].Video; k-- {
		if _, ok := created[es[k].Video]; ok {
			return false
		}
	}
	return true
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  synth.Config
		want string
	}{
		{"no videos", synth.Config{Videos: 0}, "at least 1"},
		{"one day", synth.Config{Videos: 10, Days: 1}, "days must be between 2"},
		{"bad format", synth.Config{Videos: 10, Format: "xlsx"}, "expected: csv, jsonl, parquet"},
		{"bad compression", synth.Config{Videos: 10, Compression: "lz4"}, "expected: none, gzip, zstd"},
		{"snappy csv", synth.Config{Videos: 10, Compression: "snappy"}, "expected: none, gzip, zstd"},
		{"bad parquet codec", synth.Config{Videos: 10, Format: "parquet", Compression: "brotli"}, "expected: none, snappy, gzip, zstd"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := synth.Write(context.Background(), c.cfg, new(bytes.Buffer), new(bytes.Buffer))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	if _, err := synth.Generate(context.Background(), synth.Config{Videos: 10}); err == nil || !strings.Contains(err.Error(), "output directory") {
		t.Errorf("Generate without Dir: %v", err)
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	_, err := synth.Generate(ctx, synth.Config{Videos: 10000, Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "stopped after 0 of 10000") {
		t.Fatalf("canceled Generate: %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("canceled Generate left files: %v", left)
	}
}

// TestMemoryBounded checks that the generator streams: allocations do not
// grow with the number of videos (CSV and JSONL reuse their buffers).
func TestMemoryBounded(t *testing.T) {
	for _, format := range []string{"csv", "jsonl"} {
		allocs := func(n int) float64 {
			return testing.AllocsPerRun(1, func() {
				if _, err := synth.Write(context.Background(), synth.Config{Videos: n, Seed: 1, Format: format}, discard{}, discard{}); err != nil {
					t.Fatal(err)
				}
			})
		}
		small, large := allocs(5_000), allocs(100_000)
		if large > small+2000 {
			t.Errorf("%s: %v allocations for 5k videos, %v for 100k: memory grows with the data", format, small, large)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestProgress(t *testing.T) {
	var calls []synth.Progress
	m, err := synth.Write(context.Background(), synth.Config{Videos: 200_000, Progress: func(p synth.Progress) {
		calls = append(calls, p)
	}}, discard{}, discard{})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) < 3 || calls[len(calls)-1] != (synth.Progress{Videos: 200_000, VideosTotal: 200_000, Events: m.Events}) {
		t.Fatalf("progress calls %v (manifest: %d events)", calls, m.Events)
	}
	for k := 1; k < len(calls); k++ {
		if calls[k].Videos <= calls[k-1].Videos || calls[k].Events < calls[k-1].Events {
			t.Fatalf("progress not increasing: %v", calls)
		}
	}
}

// within reports whether got is within k standard deviations of a binomial
// count with n trials and probability p.
func within(got int64, n int64, p, k float64) bool {
	mean := float64(n) * p
	return math.Abs(float64(got)-mean) <= k*math.Sqrt(float64(n)*p*(1-p))+1
}
