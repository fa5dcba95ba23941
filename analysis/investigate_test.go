package analysis

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/internal/testws"
)

// invSynthConfig: 30 days concentrate the spike tag's volume (about 20
// videos a day) so that its change day is well determined.
var invSynthConfig = synth.Config{Videos: 250_000, Seed: 7, Days: 30}

// synthWorkspace is one synthetic workspace shared by the investigation tests.
func synthWorkspace(t testing.TB) (*datasets.Workspace, synth.Manifest) {
	t.Helper()
	return testws.Shared(t, invSynthConfig)
}

var fixedNow = func() time.Time { return time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC) }

func TestScoreVariant(t *testing.T) {
	tests := []struct {
		cand   string
		accept bool
		reason string
	}{
		{"omegle", true, "seed"},
		{"0megle", true, "leetspeak"},
		{"omeg1e", true, "leetspeak"},
		{"οmegle", true, "confusable characters"}, // Greek omicron
		{"оmegle", true, "confusable characters"}, // Cyrillic o
		{"omégle", true, "diacritics"},
		{"omegle_talk", true, "compound: seed as prefix"},
		{"omegel", true, "transposition"},
		{"omeggle", true, "repeated letters"},
		{"omeglefunny", true, "compound: seed as prefix"},
		{"funnyomegle", true, "compound: seed as suffix"},
		{"omegletalk", true, "compound: seed as prefix"},
		{"smegle", false, "substituted first letter"},
		{"omega", false, "edit distance 2 of 6"},
		{"omelet", false, "edit distance 2 of 6"},
		{"omelette", false, "edit distance 4 of 6"},
		{"google", false, "edit distance 3 of 6"},
		{"homegrown", false, `shares "omeg"`},
		{"omeg", false, "truncation of the seed"},
		{"omegla", false, "substituted letter"},
	}
	for _, tt := range tests {
		t.Run(tt.cand, func(t *testing.T) {
			score, reasons := ScoreVariant("omegle", tt.cand)
			if score < 0 || score > 1 {
				t.Fatalf("score %v outside [0, 1]", score)
			}
			if got := score >= DefaultMinScore; got != tt.accept {
				t.Errorf("ScoreVariant(omegle, %q) = %v %v: accepted %v, want %v", tt.cand, score, reasons, got, tt.accept)
			}
			if !slices.Contains(reasons, tt.reason) {
				t.Errorf("ScoreVariant(omegle, %q) reasons %q, want %q among them", tt.cand, reasons, tt.reason)
			}
		})
	}
	// In a long tag one changed letter is a likely misspelling.
	if s, _ := ScoreVariant("rooftopchallenge", "rooftopchallange"); s < DefaultMinScore {
		t.Errorf("rooftopchallange scored %v, want it accepted as a spelling of rooftopchallenge", s)
	}
	if s, r := ScoreVariant("omegle", "cooking"); s != 0 || r != nil {
		t.Errorf("unrelated tag scored %v %v, want 0 and no reason", s, r)
	}
}

func TestInvestigateSynth(t *testing.T) {
	ws, m := synthWorkspace(t)
	ctx := context.Background()
	inv, err := Investigate(ctx, ws, Request{Tag: m.Family.SeedTag, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(inv); err != nil {
		t.Fatalf("the investigation does not marshal to JSON: %v", err)
	}

	t.Run("variants", func(t *testing.T) {
		for _, v := range m.Family.Normalised {
			if !slices.Contains(inv.TagSet.Accepted, v) {
				t.Errorf("family variant %q not accepted; accepted %q", v, inv.TagSet.Accepted)
			}
		}
		for _, d := range m.Decoys {
			if slices.Contains(inv.TagSet.Accepted, d) {
				t.Errorf("decoy %q accepted", d)
			}
			i := slices.IndexFunc(inv.TagSet.Candidates, func(v Variant) bool { return v.Tag == d })
			if i < 0 {
				t.Errorf("decoy %q is not listed as a look-alike candidate", d)
				continue
			}
			if c := inv.TagSet.Candidates[i]; !c.Lookalike || c.Status != VariantRejected {
				t.Errorf("decoy %q: %+v, want a rejected look-alike", d, c)
			}
		}
		if inv.TagSet.Videos != m.Family.Videos {
			t.Errorf("tag set has %d videos, the manifest %d", inv.TagSet.Videos, m.Family.Videos)
		}
	})

	t.Run("rates", func(t *testing.T) {
		byPolicy := map[string]PolicyRate{}
		for _, r := range inv.Rates {
			byPolicy[r.Policy] = r
		}
		for p := range m.RaisedPolicies {
			r := byPolicy[p]
			if !r.Significant || r.Finding != "higher" {
				t.Errorf("raised policy %s: %s, p adjusted %.3g (%s), want significantly higher", p, r.Finding, r.Test.PAdjusted, r.Test.Method)
			}
			if want := m.Family.Outcomes[p].Violating; r.TagSet.X != want {
				t.Errorf("%s: %d violating tag-set videos, the manifest %d", p, r.TagSet.X, want)
			}
		}
		for _, p := range m.EqualPolicies {
			r := byPolicy[p]
			if r.Significant {
				t.Errorf("equal policy %s reported significant (p adjusted %.3g)", p, r.Test.PAdjusted)
			}
			if r.Finding != "no detectable difference" {
				t.Errorf("equal policy %s: finding %q", p, r.Finding)
			}
			if !r.MDE.TagSetRate.Valid() || float64(r.MDE.TagSetRate) <= r.Baseline.P || !r.MDE.Ratio.Valid() {
				t.Errorf("equal policy %s: MDE %+v not reported above the baseline rate %v", p, r.MDE, r.Baseline.P)
			}
		}
		for _, r := range inv.Rates {
			if r.TagSet.N != inv.TagSet.Videos || r.TagSet.N+r.Baseline.N != m.Videos {
				t.Errorf("%s: denominators %d + %d, want %d + rest of %d", r.Policy, r.TagSet.N, r.Baseline.N, inv.TagSet.Videos, m.Videos)
			}
			if !(r.TagSet.CI.Lo <= r.TagSet.P && r.TagSet.P <= r.TagSet.CI.Hi) {
				t.Errorf("%s: interval %+v does not contain %v", r.Policy, r.TagSet.CI, r.TagSet.P)
			}
		}
	})

	t.Run("any policy", func(t *testing.T) {
		var x, n int64
		args := []any{}
		for _, tag := range inv.TagSet.Accepted {
			args = append(args, tag)
		}
		if err := ws.DB.QueryRowContext(ctx, `
WITH s AS (SELECT DISTINCT video_id FROM video_tags WHERE tag IN (`+placeholders(len(args))+`)),
viol AS (
	SELECT e.video_id, e.policy, max(e.event_time) FILTER (WHERE e.event_type = 'review' AND e.decision = 'violation') AS v,
		max(e.event_time) FILTER (WHERE e.event_type = 'reinstatement') AS r
	FROM moderation_events e GROUP BY ALL)
SELECT count(DISTINCT viol.video_id) FILTER (WHERE v IS NOT NULL AND (r IS NULL OR r <= v)), (SELECT count(*) FROM s)
FROM viol JOIN s USING (video_id)`, args...).Scan(&x, &n); err != nil {
			t.Fatal(err)
		}
		a := inv.AnyPolicy
		if a.Policy != "any" || a.TagSet.X != x || a.TagSet.N != n {
			t.Errorf("any policy: %s, direct SQL %d/%d", FormatProportion(a.TagSet), x, n)
		}
		if !a.Significant || a.Finding != "higher" {
			t.Errorf("any policy: %s (p %.3g), want higher", a.Finding, a.Test.PValue)
		}
	})

	t.Run("no spike in the family", func(t *testing.T) {
		for _, s := range inv.Trend.Spikes {
			if s.Group == "tag_set" {
				t.Errorf("spike reported in the tag set where none was planted: %+v", s)
			}
		}
	})

	t.Run("related", func(t *testing.T) {
		k := len(m.RelatedTags)
		if len(inv.Related.Tags) < k {
			t.Fatalf("%d related tags, want at least %d", len(inv.Related.Tags), k)
		}
		var top []string
		for _, r := range inv.Related.Tags[:k] {
			top = append(top, r.Tag)
			if !r.Significant {
				t.Errorf("related tag %q not significant: %+v", r.Tag, r)
			}
		}
		for _, want := range m.RelatedTags {
			if !slices.Contains(top, want) {
				t.Errorf("planted related tag %q not in the top %d: %q", want, k, top)
			}
		}
	})

	t.Run("removal equals direct SQL", func(t *testing.T) {
		checkRemovalAgainstSQL(t, ws, inv)
	})
}

// checkRemovalAgainstSQL recomputes the removal metrics from
// moderation_events by the data contract's definitions, independently of
// video_outcomes, and compares.
func checkRemovalAgainstSQL(t *testing.T, ws *datasets.Workspace, inv *Investigation) {
	t.Helper()
	ctx := context.Background()
	args := []any{}
	for _, tag := range inv.TagSet.Accepted {
		args = append(args, tag)
	}
	rows, err := ws.DB.QueryContext(ctx, `
WITH tagset AS (SELECT DISTINCT video_id FROM video_tags WHERE tag IN (`+placeholders(len(inv.TagSet.Accepted))+`)),
removed AS (
	SELECT e.video_id, e.policy, min(e.event_time) AS removed_at
	FROM moderation_events e
	WHERE e.event_type = 'enforcement' AND e.action = 'removed'
	GROUP BY e.video_id, e.policy
),
r AS (
	SELECT rm.policy, v.video_id IN (SELECT video_id FROM tagset) AS in_set,
		NOT EXISTS (SELECT 1 FROM moderation_events rep
		            WHERE rep.video_id = rm.video_id AND rep.event_type = 'report'
		              AND rep.event_time <= rm.removed_at) AS proactive,
		rm.removed_at - v.created_at <= INTERVAL 24 HOUR AS within,
		epoch(rm.removed_at) - epoch(v.created_at) AS tta
	FROM removed rm JOIN videos v ON v.video_id = rm.video_id
)
SELECT policy, in_set, count(*), count(*) FILTER (WHERE proactive), count(*) FILTER (WHERE within),
	quantile_cont(tta, 0.5), quantile_cont(tta, 0.9), quantile_cont(tta, 0.99)
FROM r GROUP BY GROUPING SETS ((policy, in_set), (policy)) ORDER BY ALL`, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]Removal{}
	for _, r := range inv.Removal {
		got[r.Policy] = r
	}
	checked := 0
	for rows.Next() {
		var policy string
		var inSet *bool
		var n, pro, within int64
		var p50, p90, p99 float64
		if err := rows.Scan(&policy, &inSet, &n, &pro, &within, &p50, &p90, &p99); err != nil {
			t.Fatal(err)
		}
		var rs RemovalStats
		switch {
		case inSet == nil:
			rs = got[policy].Overall
		case *inSet:
			rs = got[policy].TagSet
		default:
			continue
		}
		checked++
		if rs.Removals != n || rs.Proactive.X != pro || rs.Within24h.X != within || rs.Proactive.N != n {
			t.Errorf("%s (in set %v): removals %d proactive %d within %d; SQL %d %d %d", policy, inSet, rs.Removals, rs.Proactive.X, rs.Within24h.X, n, pro, within)
		}
		for _, q := range []struct {
			got  Num
			want float64
		}{{rs.TimeToAction.P50, p50}, {rs.TimeToAction.P90, p90}, {rs.TimeToAction.P99, p99}} {
			// The quantiles come from a histogram whose buckets are less
			// than 1/64 of their values wide (engine.Quantiles).
			if math.Abs(float64(q.got)-q.want) > q.want/64+1e-6*math.Max(1, q.want) {
				t.Errorf("%s (in set %v): time to action quantile %v, exact (DuckDB quantile_cont) %v", policy, inSet, q.got, q.want)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if checked < len(inv.Policies) {
		t.Errorf("compared %d rows, want at least one per policy (%d)", checked, len(inv.Policies))
	}
}

func TestInvestigateSpike(t *testing.T) {
	ws, m := synthWorkspace(t)
	ctx := context.Background()
	inv, err := Investigate(ctx, ws, Request{Tag: m.Spike.Tag, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	planted, _ := time.Parse(time.DateOnly, m.Spike.Day)
	var found *Spike
	for i, s := range inv.Trend.Spikes {
		if s.Group == "tag_set" && s.Policy == m.Spike.Policy {
			found = &inv.Trend.Spikes[i]
			break
		}
	}
	if found == nil {
		for _, p := range inv.Trend.Policies {
			t.Logf("%s: %+v", p.Policy, p.TagSetChange)
		}
		t.Fatalf("no %s spike found for #%s (planted on %s)", m.Spike.Policy, m.Spike.Tag, m.Spike.Day)
	}
	d, _ := time.Parse(time.DateOnly, found.Day)
	if diff := math.Abs(d.Sub(planted).Hours() / 24); diff > 2 {
		t.Errorf("spike found on %s, planted on %s (%v days apart)", found.Day, m.Spike.Day, diff)
	}
	for _, s := range inv.Trend.Spikes {
		if s.Group == "tag_set" && s.Policy != m.Spike.Policy {
			t.Errorf("spike in %s reported, only %s was planted: %+v", s.Policy, m.Spike.Policy, s)
		}
	}
	if inv.Trend.ChangeDateSource != "changepoint" || inv.Trend.ChangeDate != found.Day {
		t.Errorf("before/after date %q (%s), want the spike's day %s", inv.Trend.ChangeDate, inv.Trend.ChangeDateSource, found.Day)
	}
	for _, p := range inv.Trend.Policies {
		if p.Policy == m.Spike.Policy {
			if p.BeforeAfter == nil || p.BeforeAfter.Test.PAdjusted >= 0.05 || float64(p.BeforeAfter.RateRatio) <= 1 {
				t.Errorf("before/after for %s: %+v, want a significant rise", p.Policy, p.BeforeAfter)
			}
		}
	}
}

// BenchmarkInvestigate measures the whole investigation of the family seed
// side by side with hand-written DuckDB SQL computing the same aggregates
// (distinct tags, the tag set's ids, outcome counts per group, policy and
// day, time-to-action quantiles, co-occurrence counts), without Go's
// statistics. By default it runs on the small synthetic workspace of the
// tests; TRENDLAB_BENCH_WORKSPACE names a workspace file (opened read-only)
// for the 10M-video run:
//
//	TRENDLAB_BENCH_WORKSPACE=bench.duckdb go test -tags=duckdb_arrow ./analysis -run '^$' -bench Investigate -benchtime 5x
func BenchmarkInvestigate(b *testing.B) {
	ctx := context.Background()
	var ws *datasets.Workspace
	seed := "omegle"
	if path := os.Getenv("TRENDLAB_BENCH_WORKSPACE"); path != "" {
		var err error
		ws, err = datasets.Open(ctx, path, datasets.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		defer ws.Close()
	} else {
		ws, _ = synthWorkspace(b)
	}
	b.Run("investigate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Investigate(ctx, ws, Request{Tag: seed}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("handwritten_sql", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := handwrittenAggregates(ctx, ws, seed); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// handwrittenAggregates is the baseline of the benchmark: the aggregates
// Investigate needs, as plain SQL on one connection, rows drained.
func handwrittenAggregates(ctx context.Context, ws *datasets.Workspace, seed string) error {
	conn, err := ws.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	family := []any{seed, "0megle", "omeg1e", "οmegle", "omegel", "omeglefunny", "omegletalk", "funnyomegle"}
	in := placeholders(len(family))
	stmts := []struct {
		q    string
		args []any
	}{
		{`SELECT min(created_at), max(created_at) FROM videos`, nil},
		{`SELECT tag FROM (SELECT unnest(list(DISTINCT tag)) AS tag FROM video_tags) WHERE levenshtein(tag, ?) <= 5 OR contains(tag, 'omeg')`, []any{seed}},
		{`SELECT tag, tag_raw, count(*), count(DISTINCT video_id) FROM video_tags WHERE tag IN (` + in + `) GROUP BY GROUPING SETS ((tag), (tag, tag_raw))`, family},
		{`CREATE OR REPLACE TEMP TABLE hw_members AS SELECT v.video_id, CAST(v.created_at AS DATE) AS day FROM videos v
		  WHERE v.video_id IN (SELECT video_id FROM video_tags WHERE tag IN (` + in + `))`, family},
		{`SELECT CAST(created_at AS DATE) AS d, count(*) FROM videos GROUP BY d`, nil},
		{`SELECT day, count(*) FROM hw_members GROUP BY day`, nil},
		{`SELECT m.video_id IS NOT NULL, o.policy, CAST(o.created_at AS DATE),
			count(*) FILTER (WHERE o.violating), count(*) FILTER (WHERE o.reported), count(*) FILTER (WHERE o.flagged),
			count(*) FILTER (WHERE o.reviewed), count(*) FILTER (WHERE o.removed_at IS NOT NULL),
			count(*) FILTER (WHERE o.proactive), count(*) FILTER (WHERE o.within_24h), count(*) FILTER (WHERE o.escalated),
			count(*) FILTER (WHERE o.appealed), count(*) FILTER (WHERE o.reinstated)
		  FROM video_outcomes o LEFT JOIN hw_members m ON o.video_id = m.video_id GROUP BY ALL`, nil},
		{`SELECT o.policy, m.video_id IS NOT NULL AS in_set, quantile_cont(o.time_to_action_s, [0.5, 0.9, 0.99])
		  FROM video_outcomes o LEFT JOIN hw_members m ON o.video_id = m.video_id
		  WHERE o.removed_at IS NOT NULL GROUP BY GROUPING SETS ((o.policy, in_set), (o.policy))`, nil},
		{`CREATE OR REPLACE TEMP TABLE hw_co AS SELECT t.tag, count(DISTINCT t.video_id) AS nab FROM video_tags t JOIN hw_members m ON t.video_id = m.video_id
		  GROUP BY t.tag HAVING count(DISTINCT t.video_id) >= greatest(5, ceil(0.01 * (SELECT count(*) FROM hw_members)))`, nil},
		{`SELECT tag, count(DISTINCT video_id) FROM video_tags WHERE tag IN (SELECT tag FROM hw_co) GROUP BY tag`, nil},
	}
	for _, s := range stmts {
		start := time.Now()
		rows, err := conn.QueryContext(ctx, s.q, s.args...)
		if err != nil {
			return err
		}
		for rows.Next() {
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if stepTimer != nil {
			stepTimer(s.q[:min(len(s.q), 60)], time.Since(start))
		}
	}
	_, err = conn.ExecContext(ctx, `DROP TABLE IF EXISTS temp.hw_members; DROP TABLE IF EXISTS temp.hw_co`)
	return err
}

func TestScanSpikes(t *testing.T) {
	ws, m := synthWorkspace(t)
	scan, err := ScanSpikes(context.Background(), ws, ScanRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if scan.Series == 0 || len(scan.Rises) == 0 {
		t.Fatalf("scan of %d series found no rise", scan.Series)
	}
	top := scan.Rises[0]
	if top.Tag != m.Spike.Tag || top.Policy != m.Spike.Policy || !top.Significant {
		t.Fatalf("top rise %+v, want %s/%s significant", top, m.Spike.Tag, m.Spike.Policy)
	}
	planted, _ := time.Parse(time.DateOnly, m.Spike.Day)
	d, _ := time.Parse(time.DateOnly, top.Day)
	if diff := math.Abs(d.Sub(planted).Hours() / 24); diff > 2 {
		t.Errorf("spike found on %s, planted on %s", top.Day, m.Spike.Day)
	}
	for _, r := range scan.Rises[1:] {
		if r.Significant {
			t.Errorf("significant rise where none was planted: %+v", r)
		}
	}
	t.Logf("%d series scanned; top %+v", scan.Series, top)
}

// TestAnyPolicyFromOutcomesPass: over every policy the videos violating
// any are counted from video_outcomes.first_violating in the outcomes
// pass; naming every policy takes the distinct count instead. Both must
// give the same counts, on a workspace where videos violate several
// policies.
func TestAnyPolicyFromOutcomesPass(t *testing.T) {
	ws, m := synthWorkspace(t)
	ctx := context.Background()
	var several int64
	if err := ws.DB.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT video_id FROM video_outcomes
		WHERE violating GROUP BY video_id HAVING count(*) > 1)`).Scan(&several); err != nil {
		t.Fatal(err)
	}
	if several == 0 {
		t.Fatal("no video violates two policies: the test cannot tell the counts apart")
	}
	all, err := Investigate(ctx, ws, Request{Tag: m.Family.SeedTag, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	named, err := Investigate(ctx, ws, Request{Tag: m.Family.SeedTag, Now: fixedNow, Policies: all.Policies})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what      string
		got, want Proportion
	}{
		{"tag set", all.AnyPolicy.TagSet, named.AnyPolicy.TagSet},
		{"baseline", all.AnyPolicy.Baseline, named.AnyPolicy.Baseline},
	} {
		if c.got.X != c.want.X || c.got.N != c.want.N || c.got.X == 0 {
			t.Errorf("%s: any policy %d of %d from the outcomes pass, %d of %d by distinct count", c.what, c.got.X, c.got.N, c.want.X, c.want.N)
		}
	}
}

// TestKeepSetIDs: an investigation asked to keep its tag set's video ids
// leaves, on the caller's connection, exactly the videos of the period
// that tag_set_members gives for its accepted tags, with and without
// caption mentions.
func TestKeepSetIDs(t *testing.T) {
	ws, m := synthWorkspace(t)
	ctx := context.Background()
	conn, err := ws.DB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, captions := range []bool{false, true} {
		inv, err := Investigate(ctx, ws, Request{Tag: m.Family.SeedTag, IncludeCaptions: captions, Now: fixedNow, Conn: conn, KeepSetIDs: "kept_ids"})
		if err != nil {
			t.Fatal(err)
		}
		lo, err := time.Parse(time.DateOnly, inv.Period.Since)
		if err != nil {
			t.Fatal(err)
		}
		hi, err := time.Parse(time.DateOnly, inv.Period.Until)
		if err != nil {
			t.Fatal(err)
		}
		hi = hi.AddDate(0, 0, 1) // Until is inclusive
		var kept, onlyKept, onlyMacro int64
		if err := conn.QueryRowContext(ctx, `WITH macro AS (
			SELECT DISTINCT s.video_id FROM tag_set_members('', ?::VARCHAR[], ?) s JOIN videos v USING (video_id)
			WHERE v.created_at >= ? AND v.created_at < ?)
			SELECT (SELECT count(*) FROM kept_ids),
				(SELECT count(*) FROM (SELECT video_id FROM kept_ids EXCEPT SELECT video_id FROM macro)),
				(SELECT count(*) FROM (SELECT video_id FROM macro EXCEPT SELECT video_id FROM kept_ids))`,
			inv.TagSet.Accepted, captions, lo, hi).Scan(&kept, &onlyKept, &onlyMacro); err != nil {
			t.Fatal(err)
		}
		if kept != inv.TagSet.Videos || onlyKept != 0 || onlyMacro != 0 {
			t.Errorf("captions %v: kept %d ids for %d tag-set videos; %d only kept, %d only in tag_set_members", captions, kept, inv.TagSet.Videos, onlyKept, onlyMacro)
		}
	}
}
