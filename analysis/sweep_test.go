package analysis

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
)

// storyWorkspace imports synthetic data with the sweep story planted and
// saves the tag set "omegle" as investigate finds it.
func storyWorkspace(t testing.TB, cfg synth.Config) (*datasets.Workspace, synth.Manifest) {
	t.Helper()
	ws, err := datasets.OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws, storyIn(t, ws, cfg)
}

// storyIn is storyWorkspace's exports and tag set in ws, on either engine.
func storyIn(t testing.TB, ws *datasets.Workspace, cfg synth.Config) synth.Manifest {
	t.Helper()
	ctx := context.Background()
	cfg.Dir = t.TempDir()
	m, err := synth.Generate(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := datasets.Import(ctx, ws, datasets.ImportRequest{Videos: []string{m.Files.Videos}, Events: []string{m.Files.Events}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Investigate(ctx, ws, Request{Tag: "omegle", SaveAs: "omegle", Permutations: 1}); err != nil {
		t.Fatal(err)
	}
	return m
}

var sweepStory struct {
	once sync.Once
	ws   *datasets.Workspace
	m    synth.Manifest
}

// sweepWorkspace is one shared 200,000-video workspace with the story.
func sweepWorkspace(t testing.TB) (*datasets.Workspace, synth.Manifest) {
	sweepStory.once.Do(func() {
		// Built outside any one test, so that it outlives the first.
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "trendlab-sweep-")
		if err != nil {
			return
		}
		defer os.RemoveAll(dir)
		m, err := synth.Generate(ctx, synth.Config{Videos: 200_000, Seed: 11, SweepStory: true, Dir: dir})
		if err != nil {
			return
		}
		ws, err := datasets.OpenMemory(ctx)
		if err != nil {
			return
		}
		if _, err := datasets.Import(ctx, ws, datasets.ImportRequest{Videos: []string{m.Files.Videos}, Events: []string{m.Files.Events}}); err != nil {
			return
		}
		if _, err := Investigate(ctx, ws, Request{Tag: "omegle", SaveAs: "omegle", Permutations: 1}); err != nil {
			return
		}
		sweepStory.ws, sweepStory.m = ws, m
	})
	if sweepStory.ws == nil {
		t.Fatal("building the sweep story's workspace failed")
	}
	return sweepStory.ws, sweepStory.m
}

// TestSweepStory: a sweep from omegle flags the related tags planted with
// raised rates of their own, for their policy, ranked first, and none of
// the related tags that are not.
func TestSweepStory(t *testing.T) {
	ws, m := sweepWorkspace(t)
	sw, err := RunSweep(context.Background(), ws, SweepRequest{RelatedTo: "omegle", Top: 20})
	if err != nil {
		t.Fatal(err)
	}
	flagged := map[string][]string{}
	var ranked []string
	for _, st := range sw.Tags {
		ranked = append(ranked, st.Tag)
		if len(st.Flagged) > 0 {
			flagged[st.Tag] = st.Flagged
		}
	}
	// Planted higher: the story's tags, and the spike tag (dangerous_acts
	// raised from its change day) when chance makes it related.
	raised := map[string]string{m.Spike.Tag: m.Spike.Policy}
	for tag, policy := range m.Stories.SweepRaised {
		raised[tag] = policy
		if !slices.Contains(ranked, tag) {
			t.Errorf("%s is not among the related tags swept %v", tag, ranked)
		}
	}
	for i, tag := range ranked {
		policy, planted := raised[tag]
		switch {
		case planted && !slices.Equal(flagged[tag], []string{policy}):
			t.Errorf("%s (planted higher for %s): flagged %v", tag, policy, flagged[tag])
		case !planted && flagged[tag] != nil:
			t.Errorf("%s (not planted higher): flagged %v", tag, flagged[tag])
		case planted && i >= len(flagged):
			t.Errorf("%s ranked %d of %v; the flagged tags come first", tag, i+1, ranked)
		}
	}
	for _, tag := range m.Stories.SweepNotRaised {
		if !slices.Contains(ranked, tag) {
			t.Errorf("%s is not among the related tags swept %v", tag, ranked)
		}
	}
	if sw.Tests != len(sw.Tags)*len(sw.Policies) || sw.AdjustMethod != AdjustBH {
		t.Errorf("%d tests by %s; want tags x policies = %d by BH", sw.Tests, sw.AdjustMethod, len(sw.Tags)*len(sw.Policies))
	}
	// Keeping the seed's videos puts the videos each related tag shares
	// with the family back into it (and the family into the baseline).
	kept, err := RunSweep(context.Background(), ws, SweepRequest{RelatedTo: "omegle", Top: 20, KeepSeed: true, Policies: []string{"minor_safety"}})
	if err != nil {
		t.Fatal(err)
	}
	videos := func(s *Sweep) map[string]int64 {
		out := map[string]int64{}
		for _, st := range s.Tags {
			out[st.Tag] = st.Videos
		}
		return out
	}
	own, all := videos(sw), videos(kept)
	for _, tag := range m.Stories.SweepNotRaised {
		if !(all[tag] > own[tag] && own[tag] > 0) {
			t.Errorf("%s: %d videos with the seed's, %d without; want more with", tag, all[tag], own[tag])
		}
	}
	if kept.Seed.Excluded || !sw.Seed.Excluded {
		t.Error("Seed.Excluded should follow KeepSeed")
	}
}

// TestSweepMatchesInvestigate: a swept tag's counts and p-values are those
// of investigating it alone (the same baseline: every other video).
func TestSweepMatchesInvestigate(t *testing.T) {
	ws, _ := sweepWorkspace(t)
	ctx := context.Background()
	sw, err := RunSweep(ctx, ws, SweepRequest{Tags: []string{"anonchat", "Strangers", "omegle"}, Policies: []string{"minor_safety", "bullying_harassment"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(sw.Tags) != 3 {
		t.Fatalf("%d tags swept, want 3", len(sw.Tags))
	}
	for _, st := range sw.Tags {
		inv, err := Investigate(ctx, ws, Request{Tag: st.Tag, Policies: []string{"minor_safety", "bullying_harassment"}, Permutations: 1})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(st.Accepted, inv.TagSet.Accepted) && !sameSet(st.Accepted, inv.TagSet.Accepted) {
			t.Errorf("%s: variants %v, investigate %v", st.Tag, st.Accepted, inv.TagSet.Accepted)
		}
		if st.Videos != inv.TagSet.Videos {
			t.Errorf("%s: %d videos, investigate %d", st.Tag, st.Videos, inv.TagSet.Videos)
		}
		for i, pr := range st.Rates {
			ir := inv.Rates[i]
			if pr.Policy != ir.Policy || pr.TagSet.X != ir.TagSet.X || pr.TagSet.N != ir.TagSet.N ||
				pr.Baseline.X != ir.Baseline.X || pr.Baseline.N != ir.Baseline.N || pr.Test.PValue != ir.Test.PValue {
				t.Errorf("%s %s: sweep %d/%d vs %d/%d p %g; investigate %d/%d vs %d/%d p %g", st.Tag, pr.Policy,
					pr.TagSet.X, pr.TagSet.N, pr.Baseline.X, pr.Baseline.N, pr.Test.PValue,
					ir.TagSet.X, ir.TagSet.N, ir.Baseline.X, ir.Baseline.N, ir.Test.PValue)
			}
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestSweepRequestErrors(t *testing.T) {
	ws, _ := sweepWorkspace(t)
	for _, tc := range []struct {
		q    SweepRequest
		want string
	}{
		{SweepRequest{}, "say what to sweep"},
		{SweepRequest{Tags: []string{"a"}, TagSets: []string{"b"}}, "say what to sweep"},
		{SweepRequest{Tags: []string{"a"}, Adjust: "bonferroni"}, "adjustment"},
		{SweepRequest{TagSets: []string{"nope"}}, "no such tag set"},
		{SweepRequest{Tags: []string{"!!!"}}, "empty after normalisation"},
	} {
		if _, err := RunSweep(context.Background(), ws, tc.q); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.q, err, tc.want)
		}
	}
}

// BenchmarkSweep sweeps the 50 tags most related to omegle (the related
// tags found on their own by RelatedTags, the variants of each in one
// query, one pass over the outcomes) and, to compare, investigates omegle
// once; related_tags times RelatedTags alone. Each run logs the time of
// every step (stepTimer). TRENDLAB_BENCH_WORKSPACE names a workspace
// (read-only) for the 10M-video run; the tag set "omegle" must be saved in
// it (trendlab investigate --tag omegle --save-as omegle):
//
//	TRENDLAB_BENCH_WORKSPACE=bench.duckdb go test -tags=duckdb_arrow ./analysis -run '^$' -bench Sweep -benchtime 3x
func BenchmarkSweep(b *testing.B) {
	ctx := context.Background()
	var ws *datasets.Workspace
	if path := os.Getenv("TRENDLAB_BENCH_WORKSPACE"); path != "" {
		var err error
		ws, err = datasets.Open(ctx, path, datasets.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		defer ws.Close()
	} else {
		ws, _ = sweepWorkspace(b)
	}
	// cpu is the process's CPU time so far (DuckDB's threads included): on
	// a loaded machine a steadier measure than the wall clock.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	// timeSteps logs the mean wall time of each step over the benchmark's
	// runs, and the CPU time since the step before, and reports the CPU
	// time of a run (cpu-s/op).
	timeSteps := func(b *testing.B) {
		var names []string
		wall, used := map[string]time.Duration{}, map[string]time.Duration{}
		last, prev := cpu(), stepTimer
		stepTimer = func(step string, d time.Duration) {
			if _, ok := wall[step]; !ok {
				names = append(names, step)
			}
			now := cpu()
			wall[step] += d
			used[step] += now - last
			last = now
			if prev != nil {
				prev(step, d)
			}
		}
		b.Cleanup(func() {
			stepTimer = prev
			n := time.Duration(b.N)
			for _, s := range names {
				b.Logf("wall %8.3fs  cpu %8.3fs  %s", (wall[s] / n).Seconds(), (used[s] / n).Seconds(), s)
			}
		})
	}
	cpuPerOp := func(b *testing.B, start time.Duration) {
		b.ReportMetric((cpu()-start).Seconds()/float64(b.N), "cpu-s/op")
	}
	b.Run("sweep_related_50", func(b *testing.B) {
		timeSteps(b)
		start := cpu()
		for b.Loop() {
			sw, err := RunSweep(ctx, ws, SweepRequest{RelatedTo: "omegle", Top: 50})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(len(sw.Tags)), "tags")
		}
		cpuPerOp(b, start)
	})
	b.Run("related_tags", func(b *testing.B) {
		timeSteps(b)
		start := cpu()
		for b.Loop() {
			if _, err := RelatedTags(ctx, ws, Request{TagSet: "omegle", RelatedLimit: 50}); err != nil {
				b.Fatal(err)
			}
		}
		cpuPerOp(b, start)
	})
	b.Run("investigate_one", func(b *testing.B) {
		timeSteps(b)
		start := cpu()
		for b.Loop() {
			if _, err := Investigate(ctx, ws, Request{TagSet: "omegle"}); err != nil {
				b.Fatal(err)
			}
		}
		cpuPerOp(b, start)
	})
}

// TestSweepCountsEachVideoOnce: a swept tag's videos per day count each
// video once, whether it carries the tag twice, two of its accepted
// variants, or other swept tags too (the DuckDB sweep sums tag_days and
// takes back what the sum counts twice).
func TestSweepCountsEachVideoOnce(t *testing.T) {
	ctx := context.Background()
	ws, err := datasets.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	path := t.TempDir() + "/videos.csv"
	rows := []string{
		"v1,a,2026-06-01T10:00:00Z,x,#omegle #0megle",
		"v2,a,2026-06-01T11:00:00Z,x,#omegle #OMEGLE",
		"v3,b,2026-06-02T10:00:00Z,x,#omegle #anonchat",
		"v4,b,2026-06-02T11:00:00Z,x,#anonchat #anonchat!",
		"v5,c,2026-06-03T10:00:00Z,x,#food",
		"v6,c,2026-06-05T10:00:00Z,x,#anonchat #0megle #omegle",
		"v7,c,2026-06-10T10:00:00Z,x,#0megle",
	}
	if err := os.WriteFile(path, []byte("video_id,author_id,created_at,caption,hashtags\n"+strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := datasets.Import(ctx, ws, datasets.ImportRequest{Videos: []string{path}}); err != nil {
		t.Fatal(err)
	}
	sw, err := RunSweep(ctx, ws, SweepRequest{Tags: []string{"omegle", "anonchat"}, Period: datasets.Period{Until: time.Date(2026, 6, 9, 0, 0, 0, 0, time.UTC)}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int64{
		"omegle":   {2, 1, 0, 0, 1, 0, 0, 0, 0}, // v1, v2; v3; v6 (v7 after the period)
		"anonchat": {0, 2, 0, 0, 1, 0, 0, 0, 0}, // v3, v4; v6
	}
	for _, st := range sw.Tags {
		if fmt.Sprint(st.Trend.Daily) != fmt.Sprint(want[st.Tag]) || st.Videos != sum(want[st.Tag]) {
			t.Errorf("%s (%v): %d videos, daily %v; want %v", st.Tag, st.Accepted, st.Videos, st.Trend.Daily, want[st.Tag])
		}
	}
	if len(sw.Tags) != 2 || !slices.Contains(sw.Tags[0].Accepted, "0megle") && !slices.Contains(sw.Tags[1].Accepted, "0megle") {
		t.Errorf("want omegle swept with its variant 0megle: %+v", sw.Tags)
	}
}
