package notebooks

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/internal/testws"
	"github.com/trendlab/trendlab/review"
)

// The payloads that untrusted export text carries in these tests. If any
// of them executed in a browser it would set the document title or add an
// element with id "pwned" (see TestBrowser).
var payloads = []string{
	`<script>document.title="PWNED";alert(1)</script>`,
	`"><img src=x onerror="document.title='PWNED'">`,
	`</script><script>document.body.insertAdjacentHTML('beforeend','<b id=pwned></b>')</script>`,
	`<svg onload="document.title='PWNED'">`,
}

var fixedNow = func() time.Time { return time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC) }

// fixtureWorkspace is a small workspace whose captions, tags, author ids
// and policies carry script payloads.
func fixtureWorkspace(t testing.TB) *datasets.Workspace {
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
	exec(`INSERT INTO imports VALUES (1, 'videos', '/data/videos.csv', 1234, 'aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999', 'csv', 'none', NULL, 12, 12, 0, TIMESTAMP '2026-06-30 10:00:00', 1500, 'test')`)
	for i := 0; i < 12; i++ {
		p := payloads[i%len(payloads)]
		day := time.Date(2026, 6, 1+i%4, 10, 0, 0, 0, time.UTC)
		exec(`INSERT INTO videos (video_id, author_id, created_at, caption, hashtags, region, import_id, source_line) VALUES (?, ?, ?, ?, ?, ?, 1, ?)`,
			"v"+string(rune('a'+i)), "author-"+p, day, "caption "+p, nil, "R"+p[:1], i+2)
		exec(`INSERT INTO video_tags (video_id, position, tag_raw, tag, from_caption) VALUES (?, 0, ?, ?, false)`, "v"+string(rune('a'+i)), "#"+p, p)
		exec(`INSERT INTO video_outcomes (video_id, policy, created_at, violating, escalated, reinstated, reported, flagged, reviewed, appealed, first_violating) VALUES (?, ?, ?, ?, false, false, false, false, true, false, ?)`,
			"v"+string(rune('a'+i)), "policy "+p, day, i%2 == 0, i%2 == 0)
	}
	return ws
}

const fixtureNotebook = `---
title: "Fixture <script>document.title='PWNED'</script>"
description: A notebook whose data carry script payloads.
params:
  - {name: min_day, type: date, default: "2026-06-01"}
  - {name: label, type: string, default: "<img src=x onerror=alert(1)>"}
---
Some **prose** with <script>document.title="PWNED"</script> raw HTML and a
![remote image](https://example.com/x.png).

` + "```sql name=videos\n" + `SELECT video_id, author_id, caption, created_at, $label AS label
FROM videos WHERE created_at >= $min_day ORDER BY video_id
` + "```\n\n```sql name=by_tag rows=3\n" + `SELECT t.tag, CAST(v.created_at AS DATE) AS day, count(*) AS n
FROM videos v JOIN video_tags t USING (video_id) GROUP BY ALL ORDER BY day, t.tag
` + "```\n\n```chart\ntype: line\ndata: by_tag\nx: day\ny: n\nseries: tag\ntitle: \"<b>by tag</b>\"\n```\n\n```chart\ntype: stacked_bar\ndata: by_tag\nx: day\ny: n\nseries: tag\n```\n\n" +
	"```sql name=rates\nSELECT policy, count(*) AS videos, avg(violating::INT) AS rate, sum(violating::INT) AS violating FROM video_outcomes GROUP BY ALL ORDER BY policy\n```\n\n" +
	"```chart\ntype: bar\ndata: rates\nx: policy\ny: [videos, violating]\n```\n\n" +
	"```chart\ntype: scatter\ndata: rates\nx: videos\ny: rate\nseries: policy\n```\n\n" +
	"```chart\ntype: heatmap\ndata: by_tag\nx: day\ny: tag\nvalue: n\n```\n"

func renderFixture(t testing.TB, opts Options) string {
	t.Helper()
	ws := fixtureWorkspace(t)
	nb, err := Parse("fixture.md", []byte(fixtureNotebook))
	if err != nil {
		t.Fatal(err)
	}
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	var buf bytes.Buffer
	if err := RenderNotebook(context.Background(), ws, nb, Source{Path: "fixture.md", SHA256: "0"}, opts, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

var srcAttr = regexp.MustCompile(`(?i)<(script|link|img|iframe|embed|object|source)\b[^>]*\b(src|href)\s*=\s*["']?\s*(https?:)?//`)

// assertOffline checks that nothing in the report would fetch from a network.
func assertOffline(t *testing.T, html string) {
	t.Helper()
	if m := srcAttr.FindString(html); m != "" {
		t.Errorf("report loads from the network: %s", m)
	}
	if strings.Contains(html, "go-echarts.github.io") || strings.Contains(html, "cdn.jsdelivr") {
		t.Error("report names a CDN asset host")
	}
	if !strings.Contains(html, "default-src 'none'") {
		t.Error("report has no Content-Security-Policy forbidding fetches")
	}
}

func TestRenderFixtureEscapesAndProtects(t *testing.T) {
	html := renderFixture(t, Options{PseudonymKey: []byte("k1"), PseudonymKeySource: "--pseudonym-key"})
	assertOffline(t, html)
	// Our own script elements: ECharts, the bootstrap, one JSON option per chart.
	if n := strings.Count(strings.ToLower(html), "<script"); n != 2+5 {
		t.Errorf("report has %d <script elements, want 7 (library, bootstrap, 5 chart options)", n)
	}
	for _, bad := range []string{"<img src=x", "<svg onload", "<b>by tag</b>", `<script>document`, "onerror=\"document"} {
		if strings.Contains(html, bad) {
			t.Errorf("report contains unescaped %q", bad)
		}
	}
	for _, want := range []string{
		"Fixture &lt;script&gt;",             // title escaped
		"&lt;img src=x onerror=alert(1)&gt;", // parameter value escaped
		"raw HTML omitted",                   // goldmark safe mode
		"[image: remote image]",              // image not loaded
		"[caption hidden]",                   // captions hidden by default
		"anon-",                              // author ids pseudonymised
		"Methods", "Appendix: provenance",
		"aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999", // import SHA-256
		"$min_day = &#34;2026-06-01&#34;",                                  // statement parameters
		"SELECT video_id, author_id, caption",
		"Apache ECharts 5.",
		"2026-07-01T12:00:00Z",
		"--pseudonym-key",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(html, "author-") {
		t.Error("an author id appears in the clear")
	}
	if strings.Contains(html, "caption &lt;script") {
		t.Error("a caption appears although captions are hidden")
	}
	// The same key gives the same pseudonym; another key another.
	if pseudonym([]byte("k1"), "a") != pseudonym([]byte("k1"), "a") || pseudonym([]byte("k1"), "a") == pseudonym([]byte("k2"), "a") {
		t.Error("pseudonyms are not a keyed function of the id")
	}
	want := pseudonym([]byte("k1"), "author-"+payloads[0])
	if !strings.Contains(html, want) {
		t.Errorf("report lacks the pseudonym %s under the given key", want)
	}
}

func TestRenderShowCaptionsEscapes(t *testing.T) {
	html := renderFixture(t, Options{ShowCaptions: true})
	if !strings.Contains(html, "caption &lt;script&gt;document.title=&#34;PWNED&#34;") {
		t.Error("shown caption is not in the report, escaped")
	}
	if !strings.Contains(html, "random key made for this report") {
		t.Error("the report does not say its pseudonym key was random")
	}
	assertOffline(t, html)
}

func TestRenderRejectsWrites(t *testing.T) {
	ws := fixtureWorkspace(t)
	for _, q := range []string{"DELETE FROM videos", "CREATE TABLE x AS SELECT 1", "SELECT 1; SELECT 2", "SELECT ?"} {
		nb, err := Parse("w.md", []byte("---\ntitle: w\n---\n```sql name=w\n"+q+"\n```\n"))
		if err != nil {
			t.Fatal(err)
		}
		err = RenderNotebook(context.Background(), ws, nb, Source{Path: "w.md"}, Options{Now: fixedNow}, &bytes.Buffer{})
		if err == nil {
			t.Errorf("%q: rendered, want an error", q)
			continue
		}
		if !strings.Contains(err.Error(), "w.md:4") {
			t.Errorf("%q: error %q does not name the block's line", q, err)
		}
	}
	var n int
	if err := ws.DB.QueryRow("SELECT count(*) FROM videos").Scan(&n); err != nil || n != 12 {
		t.Fatalf("videos = %d, %v: a notebook changed the workspace", n, err)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	testws.CloseShared()
	closeImpactWorkspace()
	os.Exit(code)
}

func TestRenderSourceMatchesFile(t *testing.T) {
	src, err := os.ReadFile("omegle-investigation.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, OmegleInvestigation) {
		t.Fatal("the embedded notebook differs from omegle-investigation.md")
	}
}

// synthWorkspace is a small synthetic workspace made once per test binary.
func synthWorkspace(t testing.TB, videos int) *datasets.Workspace {
	t.Helper()
	ws, _ := testws.Shared(t, synth.Config{Videos: videos, Seed: 7, Format: "csv"})
	return ws
}

func renderShipped(t testing.TB, ws *datasets.Workspace, opts Options) string {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedNow
	}
	var buf bytes.Buffer
	if err := Render(context.Background(), ws, "omegle-investigation.md", opts, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestRenderShippedNotebook(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports synthetic data")
	}
	ws := synthWorkspace(t, 20000)
	html := renderShipped(t, ws, Options{PseudonymKey: []byte("k"), PseudonymKeySource: "test"})
	assertOffline(t, html)
	for _, want := range []string{
		"Investigation: #omegle",
		"Violation rates against the baseline",
		"minor_safety", "bullying_harassment", "hate_speech",
		"MDE", "Changepoints", "Related tags", "Removal", "Moderation funnel",
		"No labelled sample was given",
		"Investigation request",
		`data-kind="rates"`, `data-kind="trend"`, `data-kind="stacked_bar"`, `data-kind="heatmap"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if size := len(html); size > 3<<20 {
		t.Errorf("report is %d bytes, over 3 MB", size)
	}
	// Same workspace, key and time: the same report, byte for byte.
	again := renderShipped(t, ws, Options{PseudonymKey: []byte("k"), PseudonymKeySource: "test"})
	if again != html {
		t.Error("rendering twice gave different reports")
	}
}

func BenchmarkRenderOmegle(b *testing.B) {
	// TRENDLAB_BENCH_WORKSPACE names a workspace to render on (the lead's
	// 10-million-video one); otherwise a small synthetic one is made.
	var ws *datasets.Workspace
	if path := os.Getenv("TRENDLAB_BENCH_WORKSPACE"); path != "" {
		var err error
		ws, err = datasets.Open(context.Background(), path, datasets.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		defer ws.Close()
	} else {
		ws = synthWorkspace(b, 20000)
	}
	b.ReportAllocs()
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Render(context.Background(), ws, "omegle-investigation.md", Options{PseudonymKey: []byte("k")}, &buf); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "report-bytes")
}

// fakeInvestigation is a fixed Investigation whose every text field
// carries a payload, to test the investigate layout without the analysis.
func fakeInvestigation(_ context.Context, _ *datasets.Workspace, req analysis.Request) (*analysis.Investigation, error) {
	p := payloads[1]
	prop := func(x, n int64) analysis.Proportion {
		return analysis.Proportion{X: x, N: n, P: float64(x) / float64(n), CI: analysis.Interval{Lo: float64(x) / float64(n) * 0.7, Hi: float64(x)/float64(n)*1.3 + 0.01}}
	}
	inv := &analysis.Investigation{
		DocumentVersion: 1, GeneratedAt: fixedNow(), Request: req,
		Period: analysis.Period{Since: "2026-06-01", Until: "2026-06-06", Days: 6}, Confidence: 0.95, IntervalMethod: "Wilson score",
		TagSet: analysis.TagSet{Seed: req.Tag, Source: "score", Accepted: []string{req.Tag, req.Tag + p}, Videos: 120,
			Candidates: []analysis.Variant{
				{Tag: req.Tag, Videos: 100, Reasons: []string{"seed"}, Score: 1, Status: "accepted", DecidedBy: "score", RawForms: []analysis.RawForm{{Raw: "#" + req.Tag, Count: 100}}},
				{Tag: req.Tag + p, Videos: 20, Reasons: []string{"compound: seed as prefix " + p}, Score: 0.8, Status: "accepted", DecidedBy: "score", RawForms: []analysis.RawForm{{Raw: p, Count: 20}}},
			}},
		Baseline: analysis.Baseline{Kind: "rest", Description: "every other video " + p, Videos: 5000},
		Policies: []string{"minor_safety", "policy " + p},
		Notes:    []string{"note " + payloads[0]},
	}
	for i, pol := range inv.Policies {
		inv.Rates = append(inv.Rates, analysis.PolicyRate{Policy: pol, TagSet: prop(int64(12-8*i), 120), Baseline: prop(50, 5000),
			Test:           analysis.TestResult{Method: "Fisher's exact test", Reason: "small counts " + p, Alternative: "two-sided", PValue: 0.001, PAdjusted: 0.002, AdjustMethod: "Holm"},
			RiskDifference: analysis.Effect{Estimate: 0.09, CI: analysis.NumInterval{Lo: 0.04, Hi: 0.15}, Method: "Newcombe"},
			RiskRatio:      analysis.Effect{Estimate: 10, CI: analysis.NumInterval{Lo: 5, Hi: 18}, Method: "Katz"},
			MDE:            analysis.MDE{BaselineRate: 0.01, TagSetRate: 0.05, Difference: 0.04, Ratio: 5, CohensH: 0.2, Alpha: 0.05, Power: 0.8},
			Significant:    i == 0, Finding: "higher",
			Materiality: analysis.Materiality{Margin: analysis.DefaultMargin, Method: "TOST of the log risk ratio", Verdict: "material", Finding: "materially higher"}})
		for _, metric := range []string{analysis.MetricReport, analysis.MetricViolation} {
			mr := analysis.MetricRate{Metric: metric, Label: analysis.MetricLabel(metric), Denominator: "videos", PolicyRate: inv.Rates[len(inv.Rates)-1]}
			if metric == analysis.MetricReport && i == 0 {
				mr.Significant, mr.Finding, mr.Materiality.Finding = true, "higher", "higher but within the margin"
			}
			inv.Metrics = append(inv.Metrics, mr)
		}
		pt := analysis.PolicyTrend{Policy: pol,
			TagSetChange:   analysis.Change{Day: "2026-06-04", Before: 0.05, After: 0.2, LogLR: 5, PValue: 0.001, PAdjusted: 0.002, Significant: true, Method: "binomial scan " + p, Permutations: 999},
			BaselineChange: analysis.Change{Day: "2026-06-03", Before: 0.01, After: 0.011, Method: "binomial scan", Permutations: 999, PValue: 0.8, PAdjusted: 1},
			EWMAAlerts:     []string{"2026-06-05"},
			BeforeAfter: &analysis.BeforeAfter{Day: "2026-06-04", Before: prop(3, 60), After: prop(9, 60), RateRatio: 3,
				Test: analysis.TestResult{Method: "Poisson rate ratio, exact conditional", PValue: 0.01}}}
		for d := 1; d <= 6; d++ {
			day := time.Date(2026, 6, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			pt.Daily = append(pt.Daily, analysis.DayRate{Day: day, TagSetX: int64(d), TagSetN: 20, BaselineX: 8, BaselineN: 800})
			if i == 0 {
				inv.Trend.Volume = append(inv.Trend.Volume, analysis.DayVolume{Day: day, TagSet: 20, Baseline: 800})
			}
		}
		inv.Trend.Policies = append(inv.Trend.Policies, pt)
		inv.Removal = append(inv.Removal, analysis.Removal{Policy: pol,
			TagSet:  analysis.RemovalStats{Removals: 10, Proactive: prop(6, 10), ProactiveSamePolicy: prop(7, 10), Within24h: prop(8, 10), TimeToAction: analysis.Quantiles{P50: 3600, P90: 7200, P99: 90000, Method: "R type 7"}},
			Overall: analysis.RemovalStats{Removals: 40, Proactive: prop(30, 40), Within24h: prop(35, 40), TimeToAction: analysis.Quantiles{P50: 1800, P90: 7200, P99: 20000, Method: "R type 7"}}})
		fc := analysis.FunnelCounts{Videos: 120, Reported: 10, Flagged: 12, Reviewed: 15, Violating: 12, Removed: 10, Escalated: 3, Appealed: 1, Reinstated: 0,
			Steps: []analysis.FunnelStep{{From: "videos", To: "reported", Rate: prop(10, 120)}}}
		inv.Funnel = append(inv.Funnel, analysis.Funnel{Policy: pol, TagSet: fc, Baseline: fc})
	}
	inv.Trend.Spikes = []analysis.Spike{{Group: "tag_set", Policy: "minor_safety", Day: "2026-06-04", Before: 0.05, After: 0.2, PAdjusted: 0.002}}
	inv.Trend.ChangeDate, inv.Trend.ChangeDateSource = "2026-06-04", "changepoint"
	inv.Trend.VolumeShareChange = analysis.Change{Day: "2026-06-03", Before: 0.01, After: 0.03, LogLR: 9, PValue: 0.001, PAdjusted: 0.001, Significant: true, Method: "binomial scan"}
	inv.Trend.ControlCharts = analysis.ControlCharts{EWMALambda: 0.2, EWMAL: 3, CUSUMK: 0.5, CUSUMH: 5, MinDailyVariance: 5,
		EWMAARL0: 500, CUSUMARL0: 465, EWMAFalseAlarmPerDay: 0.002, CUSUMFalseAlarmPerDay: 1.0 / 465, ARLMethod: "Markov chain"}
	inv.TagSet.Candidates = append(inv.TagSet.Candidates, analysis.Variant{Tag: "οmegle", Videos: 5, Reasons: []string{"confusable characters"}, Score: 0.95, Status: "accepted", DecidedBy: "score",
		RawForms: []analysis.RawForm{{Raw: "#οmegle", Count: 5}}})
	inv.Related = analysis.Related{MinVideos: 5, MinSupport: 0.01, Tested: 3, TestMethod: "Fisher's exact test", AdjustMethod: "Benjamini-Hochberg",
		Tags: []analysis.RelatedTag{{Tag: payloads[2], Together: 30, TagVideos: 40, Support: 0.25, Lift: 30, NPMI: 0.6, PValue: 0.0001, QValue: 0.0002, Significant: true, Association: "strong"},
			{Tag: "strangers", Together: 20, TagVideos: 50, Support: 0.16, Lift: 1.6, NPMI: 0.4, PValue: 0.001, QValue: 0.001, Significant: true, Association: "weak"},
			{Tag: "fyp", Together: 20, TagVideos: 500, Support: 0.16, Lift: 1.48, NPMI: 0.05, PValue: 0.2, QValue: 0.3, Association: "none"}}}
	return inv, nil
}

func renderFakeInvestigation(t *testing.T) string {
	t.Helper()
	saved := investigate
	investigate = fakeInvestigation
	t.Cleanup(func() { investigate = saved })
	ws := fixtureWorkspace(t)
	src := "---\ntitle: Fake\nparams:\n  - {name: tag, default: omegle}\n---\n```investigate\ntag: $tag\nseed: 3\n```\n"
	var buf bytes.Buffer
	if err := RenderSource(context.Background(), ws, "fake.md", []byte(src), Options{Now: fixedNow}, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestRenderInvestigationLayout(t *testing.T) {
	html := renderFakeInvestigation(t)
	assertOffline(t, html)
	for _, bad := range []string{"<img src=x", "<b id=pwned>", `<script>document`} {
		if strings.Contains(html, bad) {
			t.Errorf("report contains unescaped %q", bad)
		}
	}
	for _, want := range []string{
		"Investigation: #omegle and 1 accepted variant, 2026-06-01 to 2026-06-06",
		"minor_safety: higher in the tag set than in the baseline: 10.0% of tag-set videos violate",
		"Fisher&#39;s exact test, p = 0.0020 (adjusted)",
		"Spike: the tag set rate of minor_safety rises from 5.00% to 20.0% from 2026-06-04",
		"note &lt;script&gt;",
		"5.00% (&#43;4.00%, h = 0.200)",
		"3 / 60 = 5.00%",
		"1.0 h", "25.0 h",
		"Poisson rate ratio, exact conditional",
		`data-kind="rates"`, `data-kind="volume"`, `data-kind="trend"`, `data-kind="related"`,
		"trendlab:errorbar",
		"Change date 2026-06-04: the most significant changepoint.",
		"Method: binomial scan",
		"&#34;tag&#34;: &#34;omegle&#34;", // request in the appendix
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(html, `data-kind="trend"`); n != 2 {
		t.Errorf("%d trend charts, want one per policy (2)", n)
	}
}

func TestRenderSamples(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports synthetic data")
	}
	ctx := context.Background()
	ws := synthWorkspace(t, 20000)
	// A saved sample labelled by two reviewers who overlap on three members.
	def := review.SampleDefinition{Frame: review.SampleFrame{Tags: []string{"omegle", "0megle", "omegel"}, Policies: []string{"minor_safety", "bullying_harassment"}, Violating: true},
		Method: review.MethodSimple, Size: 10, Seed: 11}
	s, err := review.SampleByName(ctx, ws, "review-<b>1</b>")
	if err != nil {
		if s, err = review.CreateSample(ctx, ws, "review-<b>1</b>", "tester", def); err != nil {
			t.Fatal(err)
		}
		members, err := review.SampleMembers(ctx, ws, s.ID, 0, 4)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range members {
			label := []string{review.LabelEscalate, review.LabelViolating, review.LabelNotViolating, review.LabelViolating}[i]
			if _, err := review.Label(ctx, ws, s.ID, m.VideoID, "tester", label, "", ""); err != nil {
				t.Fatal(err)
			}
			if i < 3 {
				other := []string{review.LabelEscalate, review.LabelNotViolating, review.LabelNotViolating}[i]
				if _, err := review.Label(ctx, ws, s.ID, m.VideoID, "second", other, "", ""); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	src := "---\ntitle: Samples\nparams:\n  - {name: sample, default: \"\"}\n---\n```investigate\ntag: omegle\npolicies: [minor_safety, bullying_harassment]\nsample: $sample\nshow: [sample]\n```\n"
	render := func(sample string) string {
		var buf bytes.Buffer
		if err := RenderSource(ctx, ws, "samples.md", []byte(src), Options{Now: fixedNow, Params: map[string]string{"sample": sample}}, &buf); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	html := render("review-<b>1</b>")
	for _, want := range []string{
		"Labelled review sample review-&lt;b&gt;1&lt;/b&gt;",
		"4 labelled so far",
		"Estimated share of the frame, by label",
		"Labels per reviewer",
		"Agreement between reviewers on the members both labelled",
		"second and tester",
		"Sample review-&lt;b&gt;1&lt;/b&gt;</h3>", // provenance
		"Label shares are estimated for the whole frame by",
		"Cohen&#39;s kappa",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(html, "<b>1</b>") {
		t.Error("the sample name is not escaped")
	}
	if none := render(""); !strings.Contains(none, "No labelled sample was given") {
		t.Error("without a sample the report does not say that none was given")
	}
}

func TestParseRefusesASampleOfItsOwn(t *testing.T) {
	_, err := Parse("old.md", []byte("---\ntitle: old\n---\n```investigate\ntag: omegle\nsample_size: 200\n```\n"))
	if err == nil || !strings.Contains(err.Error(), "old.md:5") || !strings.Contains(err.Error(), "sample: NAME") {
		t.Errorf("error = %v, want old.md:5 and advice to name a saved sample", err)
	}
}

func TestBuiltinParamsNeedInvestigate(t *testing.T) {
	ws := fixtureWorkspace(t)
	err := RenderSource(context.Background(), ws, "b.md", []byte("---\ntitle: b\n---\n```sql name=b\nSELECT unnest($tagset_tags)\n```\n"), Options{Now: fixedNow}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "exist only below an investigate block") {
		t.Errorf("error = %v, want advice about investigate blocks", err)
	}
}

// TestRenderGolden compares the fixture report with a golden file, with
// the inlined ECharts build (1 MB) and its version and hash replaced by
// placeholders so the golden stays small and survives a version bump.
func TestRenderGolden(t *testing.T) {
	html := renderFixture(t, Options{PseudonymKey: []byte("golden"), PseudonymKeySource: "--pseudonym-key"})
	lib, err := ECharts()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, string(lib.Source)) {
		t.Fatal("the report does not inline ECharts")
	}
	html = strings.Replace(html, string(lib.Source), "/* ECharts, inlined */", 1)
	html = strings.ReplaceAll(html, lib.SHA256, "ECHARTS-SHA256")
	html = strings.ReplaceAll(html, cspHash(lib.Source), "'sha256-ECHARTS'")
	html = strings.ReplaceAll(html, "Apache ECharts "+lib.Version, "Apache ECharts VERSION")
	golden := filepath.Join("testdata", "fixture-report.html.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if html != string(want) {
		gotLines, wantLines := strings.Split(html, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gotLines) && i < len(wantLines); i++ {
			if gotLines[i] != wantLines[i] {
				t.Fatalf("report differs from %s at line %d (run go test -update and review the diff):\ngot:  %.300s\nwant: %.300s", golden, i+1, gotLines[i], wantLines[i])
			}
		}
		t.Fatalf("report differs from %s in length: %d lines, want %d", golden, len(gotLines), len(wantLines))
	}
}

func TestRenderEmptyTagSet(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and imports synthetic data")
	}
	ws := synthWorkspace(t, 20000)
	var buf bytes.Buffer
	err := Render(context.Background(), ws, "omegle-investigation.md", Options{Now: fixedNow, Params: map[string]string{"tag": "zzzznotatag"}}, &buf)
	if err != nil {
		t.Fatalf("a tag with no videos should give a report that says so, got %v", err)
	}
	if !strings.Contains(buf.String(), "The tag set has 0 videos") {
		t.Error("the report does not say the tag set is empty")
	}
}
