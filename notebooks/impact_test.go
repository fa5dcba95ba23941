package notebooks

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
)

var impactWS struct {
	once sync.Once
	ws   *datasets.Workspace
	m    synth.Manifest
	dir  string
	err  error
}

// impactWorkspace is a synthetic workspace with the optional exports
// (views, searches, interventions) imported and the tag set "omegle"
// saved, made once per test binary.
func impactWorkspace(t testing.TB) (*datasets.Workspace, synth.Manifest) {
	t.Helper()
	if testing.Short() {
		t.Skip("generates and imports synthetic data")
	}
	s := &impactWS
	s.once.Do(func() {
		ctx := context.Background()
		if s.dir, s.err = os.MkdirTemp("", "trendlab-impact-"); s.err != nil {
			return
		}
		if s.m, s.err = synth.Generate(ctx, synth.Config{Videos: 20000, Seed: 7, Format: "csv", Dir: s.dir, Optional: true}); s.err != nil {
			return
		}
		if s.ws, s.err = datasets.OpenMemory(ctx); s.err != nil {
			return
		}
		f := s.m.Impact.Files
		if _, s.err = datasets.Import(ctx, s.ws, datasets.ImportRequest{Videos: []string{s.m.Files.Videos}, Events: []string{s.m.Files.Events},
			Views: []string{f.Views}, Searches: []string{f.Searches}, Interventions: []string{f.Interventions}}); s.err != nil {
			return
		}
		_, s.err = analysis.Investigate(ctx, s.ws, analysis.Request{Tag: "omegle", SaveAs: "omegle", Seed: 1})
	})
	if s.err != nil {
		t.Fatalf("impact workspace: %v", s.err)
	}
	return s.ws, s.m
}

func closeImpactWorkspace() {
	if impactWS.ws != nil {
		impactWS.ws.Close()
	}
	if impactWS.dir != "" {
		os.RemoveAll(impactWS.dir)
	}
}

// TestRenderImpact: with the optional exports, the shipped notebook's
// impact sections show each policy's association, each intervention's
// effects with charts, and the planted evasion spelling.
func TestRenderImpact(t *testing.T) {
	ws, m := impactWorkspace(t)
	html := renderShipped(t, ws, Options{PseudonymKey: []byte("k"), PseudonymKeySource: "test"})
	if out := os.Getenv("TRENDLAB_REPORT_OUT"); out != "" {
		os.WriteFile(out, []byte(html), 0o644)
	}
	for _, want := range []string{
		"Platform-level association", "Actions and their effect",
		"Platform-wide minor_safety", "Platform-wide bullying_harassment", "Platform-wide hate_speech",
		"Regression of the platform", "Changepoint and spike scans",
		m.Impact.NotRecommended.ID + ": not recommended", m.Impact.Autocomplete.ID + ": autocomplete restricted",
		"recommended reach (for_you views)", "Level change at the intervention", "Spellings first seen since the intervention",
		m.Impact.EvasionTag,
		`data-kind="platform"`, `data-kind="ccf"`, `data-kind="intervention"`,
		"Platform-level association: for each policy", "Interventions: each daily series",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, not := range []string{"No intervention on tag set", "no views_daily export", "is saved in this workspace, so"} {
		if strings.Contains(html, not) {
			t.Errorf("report says %q though the workspace has the exports and the tag set", not)
		}
	}
}

// fakePlatform is a fixed Platform whose text fields carry a payload.
// fakePlatforms stands in fakePlatform for each policy.
func fakePlatforms(ctx context.Context, ws *datasets.Workspace, req analysis.PlatformRequest, _ *analysis.SetVideosTable, policies ...string) ([]*analysis.Platform, error) {
	var out []*analysis.Platform
	for _, pol := range policies {
		req.Policy = pol
		p, err := fakePlatform(ctx, ws, req)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func fakePlatform(_ context.Context, _ *datasets.Workspace, req analysis.PlatformRequest) (*analysis.Platform, error) {
	if req.TagSet == "missing" {
		return nil, fmt.Errorf("%w %q", analysis.ErrNoTagSet, req.TagSet)
	}
	p := payloads[1]
	pl := &analysis.Platform{TagSet: req.TagSet, Tags: []string{"omegle", "οmegle", "omegle" + p}, Policy: req.Policy,
		Statement: "A rise of 3 videos a day goes with +0.92 pp " + p, SpikeText: "The tag set's share of uploads changed on 2026-06-10 " + p,
		Notes: []string{"note " + payloads[0]}}
	for d := 0; d < 28; d++ {
		pl.Days = append(pl.Days, time.Date(2026, 6, 1+d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
		pl.Volume = append(pl.Volume, int64(2+d/10))
		pl.Uploads = append(pl.Uploads, 200)
		pl.Outside = append(pl.Outside, int64(198-d/10))
		pl.Violating = append(pl.Violating, int64(2+d%3))
	}
	pl.CCF = analysis.CrossCorrelation{Lags: []int{-2, -1, 0, 1, 2}, Band: 0.37, Outside: []int{2}, Method: "prewhitened " + p}
	for i := range pl.CCF.Lags {
		r := analysis.Num(0.1 * float64(i))
		pl.CCF.R = append(pl.CCF.R, r)
		pl.CCF.CI = append(pl.CCF.CI, analysis.NumInterval{Lo: r - 0.3, Hi: r + 0.3})
	}
	a := analysis.AssociationResult{Regressor: "tag set volume", Lag: req.Lag, Slope: 0.003, SlopeCI: analysis.NumInterval{Lo: 0.001, Hi: 0.005}, PValue: 0.0004,
		Rise: 3, RiseText: "3 videos a day", Change: 0.009, ChangeCI: analysis.NumInterval{Lo: 0.003, Hi: 0.015}, MDE: 0.005, Method: "OLS with Newey-West errors " + p}
	pl.Volume1, pl.Share = a, a
	pl.Share.Regressor, pl.Share.RiseText = "tag set share of uploads", "1.35 percentage points of uploads"
	pl.Associated = true
	pl.Rise = analysis.ScanChange{Day: "2026-06-10", Before: 0.01, After: 0.02, PValue: 0.001, Method: "binomial scan"}
	pl.PlatformShift = analysis.ScanChange{Day: "2026-06-12", Before: 0.01, After: 0.015, PValue: 0.3, Method: "binomial scan"}
	pl.PlatformSpike = analysis.ScanWindow{Start: "2026-06-14", End: "2026-06-16", Inside: 0.03, Outside: 0.01, PValue: 0.002, Method: "Kulldorff scan"}
	return pl, nil
}

// fakeInterventions is a fixed InterventionReport; with noViews it is
// what a workspace without the views and search exports gives.
func fakeInterventions(noViews bool) func(context.Context, *datasets.Workspace, analysis.InterventionRequest) (*analysis.InterventionReport, error) {
	return func(_ context.Context, _ *datasets.Workspace, req analysis.InterventionRequest) (*analysis.InterventionReport, error) {
		if req.TagSet == "missing" {
			return nil, fmt.Errorf("%w %q", analysis.ErrNoTagSet, req.TagSet)
		}
		p := payloads[1]
		rep := &analysis.InterventionReport{TagSet: req.TagSet, Tags: []string{"omegle", "omegle" + p}}
		for d := 0; d < 28; d++ {
			rep.Days = append(rep.Days, time.Date(2026, 6, 1+d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly))
		}
		series := func(name, scale string, change, lo, hi float64) analysis.SeriesEffect {
			s := analysis.SeriesEffect{Name: name, Scale: scale,
				Alone:   analysis.EffectEstimate{Change: analysis.Num(change), CI: analysis.NumInterval{Lo: analysis.Num(lo), Hi: analysis.Num(hi)}, PValue: 0.001, Method: "segmented regression " + p},
				Against: analysis.EffectEstimate{Change: analysis.Num(change / 2), CI: analysis.NumInterval{Lo: analysis.Num(lo / 2), Hi: analysis.Num(hi / 2)}, PValue: 0.01, Method: "difference in differences " + p}}
			for d := range rep.Days {
				s.Treated = append(s.Treated, analysis.Num(100-d))
				s.Comparison = append(s.Comparison, analysis.Num(400+d))
			}
			return s
		}
		e := analysis.InterventionEffect{ID: "int-" + p, Kind: "not_recommended", Target: "omegle", Source: "export", Started: "2026-06-15T00:00:00Z", DayIndex: 14,
			ComparisonTags: []string{"fyp", "cats" + p}}
		if !noViews {
			e.Series = append(e.Series, series("recommended reach (for_you views)", "log", -0.71, -0.77, -0.64))
		}
		e.Series = append(e.Series, series("uploads", "log", 0.05, -0.1, 0.2), series("violation rate", "rate", -0.01, -0.02, -0.004))
		e.Evasion = []analysis.EvasionSpelling{{Spelling: "omeggle" + p, Status: "undecided", Where: "hashtag", FirstDay: "2026-06-18", Volume: 51, Score: 0.85}}
		rep.Interventions = append(rep.Interventions, e)
		if noViews {
			rep.Notes = []string{"no views_daily export in the workspace: reach is not measured", "no search_daily export in the workspace: searches are not measured"}
			rep.Interventions = append(rep.Interventions, analysis.InterventionEffect{ID: "int-guidance", Kind: "moderator_guidance", Target: "omegle", Source: "manual",
				Started: "2026-06-27T09:00:00Z", DayIndex: 27, Notes: []string{"the intervention starts on 2026-06-27, with fewer than 7 days of data on one side of it: no effect is estimated"}})
		}
		return rep, nil
	}
}

func noInterventions(_ context.Context, _ *datasets.Workspace, req analysis.InterventionRequest) (*analysis.InterventionReport, error) {
	return nil, fmt.Errorf("%w: no intervention targets tag set %q", analysis.ErrNoOptionalExport, req.TagSet)
}

// renderFakeImpact renders a notebook of the two impact blocks below a
// (fake) investigation, with the impact analyses stood in by fakes.
func renderFakeImpact(t *testing.T, ivs func(context.Context, *datasets.Workspace, analysis.InterventionRequest) (*analysis.InterventionReport, error), tagSet string) string {
	t.Helper()
	saved, savedP, savedI := investigate, impactPlatforms, impactIntervention
	investigate, impactPlatforms, impactIntervention = fakeInvestigation, fakePlatforms, ivs
	t.Cleanup(func() { investigate, impactPlatforms, impactIntervention = saved, savedP, savedI })
	src := "---\ntitle: Fake\nparams:\n  - {name: tag, default: omegle}\n---\n```investigate\ntag: $tag\nseed: 3\n```\n" +
		"## Platform-level association\n\n```impact_platform\ntag_set: " + tagSet + "\npolicies: [bullying_harassment]\nlag: 2\n```\n" +
		"## Actions and their effect\n\n```impact_intervention\ntag_set: " + tagSet + "\n```\n"
	var buf bytes.Buffer
	if err := RenderSource(context.Background(), fixtureWorkspace(t), "fake.md", []byte(src), Options{Now: fixedNow}, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// impactReadable is the impact sections of a readable report and their
// methods paragraphs.
func impactReadable(page string) string {
	r := readable(page)
	r = r[strings.Index(r, "Platform-level association"):]
	methods := strings.Index(r, "Methods\n")
	out := r[:methods+len("Methods\n")]
	for _, l := range strings.Split(r[methods:], "\n") {
		if strings.HasPrefix(l, "Platform-level association:") || strings.HasPrefix(l, "Interventions:") {
			out += l + "\n"
		}
	}
	return out
}

// TestImpactWordingGolden keeps the words of the impact sections in a
// golden file: with every export, without the views and search exports,
// without interventions, and without a saved tag set. go test -update
// rewrites it.
func TestImpactWordingGolden(t *testing.T) {
	var got strings.Builder
	for _, c := range []struct {
		name   string
		ivs    func(context.Context, *datasets.Workspace, analysis.InterventionRequest) (*analysis.InterventionReport, error)
		tagSet string
	}{
		{"every optional export", fakeInterventions(false), ""},
		{"no views or searches export", fakeInterventions(true), ""},
		{"no interventions", noInterventions, "omegle"},
		{"no saved tag set", fakeInterventions(false), "missing"},
	} {
		fmt.Fprintf(&got, "=== %s\n%s", c.name, impactReadable(renderFakeImpact(t, c.ivs, c.tagSet)))
	}
	checkGolden(t, filepath.Join("testdata", "impact-wording.golden"), got.String())
}

// TestImpactSaysWhatIsMissing: each way an optional export or the tag
// set can be missing is said plainly, and the report is still made.
func TestImpactSaysWhatIsMissing(t *testing.T) {
	for _, c := range []struct {
		name   string
		ivs    func(context.Context, *datasets.Workspace, analysis.InterventionRequest) (*analysis.InterventionReport, error)
		tagSet string
		want   []string
	}{
		{"no views or searches", fakeInterventions(true), "", []string{"No views_daily export in the workspace", "No search_daily export in the workspace", "no effect is estimated"}},
		{"no interventions", noInterventions, "omegle", []string{`No intervention on tag set "omegle" is in this workspace`, "trendlab import --interventions"}},
		{"no tag set", fakeInterventions(false), "missing", []string{`No tag set named "missing" is saved in this workspace`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			page := renderFakeImpact(t, c.ivs, c.tagSet)
			text := readable(page)
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("report lacks %q", w)
				}
			}
		})
	}
}

// TestImpactPlatformBlockReadsOnce: an impact_platform block of three
// policies asks for all three at once (one read of the platform's daily
// series, analysis.ImpactPlatforms), offering the investigate block's
// tagset_videos with its tags and period.
func TestImpactPlatformBlockReadsOnce(t *testing.T) {
	saved, savedP := investigate, impactPlatforms
	t.Cleanup(func() { investigate, impactPlatforms = saved, savedP })
	var calls [][]string
	var offered *analysis.SetVideosTable
	investigate = fakeInvestigation
	impactPlatforms = func(ctx context.Context, ws *datasets.Workspace, req analysis.PlatformRequest, on *analysis.SetVideosTable, policies ...string) ([]*analysis.Platform, error) {
		calls, offered = append(calls, policies), on
		return fakePlatforms(ctx, ws, req, on, policies...)
	}
	src := "---\ntitle: Fake\n---\n```investigate\ntag: omegle\n```\n" +
		"```impact_platform\ntag_set: omegle\npolicies: [minor_safety, bullying_harassment, hate_speech]\n```\n"
	var buf bytes.Buffer
	if err := RenderSource(context.Background(), fixtureWorkspace(t), "fake.md", []byte(src), Options{Now: fixedNow}, &buf); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 || len(calls[0]) != 3 {
		t.Fatalf("the block asked for %v: want the three policies in one call", calls)
	}
	if offered == nil || offered.Table != "tagset_videos" || len(offered.Tags) == 0 || !offered.Lo.Before(offered.Hi) {
		t.Errorf("the block offered %+v, want the investigate block's tagset_videos with its tags and period", offered)
	}
	if n := strings.Count(readable(buf.String()), "Platform-wide "); n != 3 {
		t.Errorf("%d platform sections, want 3", n)
	}
}
