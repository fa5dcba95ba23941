package analysis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
)

// A sweep compares many tags with the baseline at once: the follow-up to an
// investigation that found related tags. It is one pass over the data, not
// one investigation per tag:
//
//  1. Tags: the related tags of a seed (one Investigate of the seed), a
//     list of tags, or saved tag sets. Each tag's variants are found in
//     one query for all tags over the distinct tags (sweepVariants).
//  2. Members: one join of video_tags with the accepted variants of every
//     tag (and the seed's tag set), into sw_members(video_id, day, k).
//  3. Volume: videos per day from sw_members, and in all from videos.
//  4. Outcomes: one scan of video_outcomes joined with sw_members, grouped
//     by (tag, policy), and one grouped by policy for the totals.
//
// The baseline of each tag is every other video of the period; with a seed
// whose videos are excluded (the default of RelatedTo), the seed's videos
// are taken out of each tag and of its baseline, so a related tag is judged
// on its own videos, not on those it shares with the seed.

// sweepRecentDays is the window of a tag's volume trend: its share of the
// videos in the last days of the period against its share before.
const sweepRecentDays = 7

// swept is a tag being resolved.
type swept struct {
	tag, source string
	accepted    []string
	related     *RelatedTag
}

func (q SweepRequest) withDefaults() (SweepRequest, error) {
	q.MinScore = cmp.Or(q.MinScore, DefaultMinScore)
	q.Confidence = cmp.Or(q.Confidence, defaultConfidence)
	q.Alpha = cmp.Or(q.Alpha, defaultAlpha)
	q.Power = cmp.Or(q.Power, defaultPower)
	q.Top = cmp.Or(q.Top, defaultRelatedLimit)
	q.Adjust = cmp.Or(q.Adjust, AdjustBH)
	n := 0
	for _, b := range []bool{q.RelatedTo != "", len(q.Tags) > 0, len(q.TagSets) > 0} {
		if b {
			n++
		}
	}
	switch {
	case n != 1:
		return q, errors.New("say what to sweep: the related tags of a tag set or tag, a list of tags, or saved tag sets (one of them)")
	case q.Adjust != AdjustBH && q.Adjust != AdjustHolm:
		return q, fmt.Errorf("adjustment %q: use %q or %q", q.Adjust, AdjustBH, AdjustHolm)
	case q.Top < 1:
		return q, fmt.Errorf("top %d: sweep at least one related tag", q.Top)
	case q.Confidence <= 0 || q.Confidence >= 1 || q.Alpha <= 0 || q.Alpha >= 1:
		return q, errors.New("confidence and alpha are levels between 0 and 1")
	}
	return q, nil
}

// RunSweep sweeps the requested tags: per tag and policy the violation
// rate against the baseline with tests, risk ratio and difference, the
// removal metrics and a volume trend, p-values adjusted across every tag
// and policy, ranked by SweepOrdering.
func RunSweep(ctx context.Context, ws *datasets.Workspace, q SweepRequest) (sw *Sweep, err error) {
	defer func() {
		if p := recover(); p != nil {
			sw, err = nil, fmt.Errorf("sweep: internal error (please report it with the workspace's provenance): %v", p)
		}
	}()
	q, err = q.withDefaults()
	if err != nil {
		return nil, err
	}
	now := time.Now
	if q.Now != nil {
		now = q.Now
	}
	sw = &Sweep{DocumentVersion: DocumentVersion, GeneratedAt: now().UTC(), Request: q, Confidence: q.Confidence,
		IntervalMethod: "Wilson score", AdjustMethod: q.Adjust, Ordering: SweepOrdering, Tags: []SweptTag{}, Notes: []string{}}
	const steps = 4
	var current string
	var started time.Time
	progress := func(step string, done int) {
		if stepTimer != nil && current != "" {
			stepTimer("sweep: "+current, time.Since(started))
		}
		current, started = step, time.Now()
		if q.Progress != nil {
			q.Progress(step, done, steps)
		}
	}
	var tags []swept
	var seedTags []string
	var seedName string
	switch {
	case q.RelatedTo != "":
		progress("finding the tags related to "+q.RelatedTo, 0)
		tags, sw.Seed, seedName, err = sweepRelated(ctx, ws, q)
		if err != nil {
			return nil, err
		}
		if sw.Seed.Excluded {
			seedTags = sw.Seed.Accepted
		}
	case len(q.TagSets) > 0:
		for _, name := range q.TagSets {
			s, err := LoadTagSet(ctx, ws, name)
			if err != nil {
				return nil, err
			}
			tags = append(tags, swept{tag: name, source: "tagset", accepted: s.Accepted()})
		}
	}
	conn, err := ws.DB.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	defer conn.Close()
	defer conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS temp.sw_members`)
	// The comparisons take investigate's defaults (margin, power); the
	// tag only satisfies withDefaults' check that there is something to
	// investigate.
	req, err := Request{Tag: "sweep", Period: q.Period, Policies: q.Policies, Confidence: q.Confidence, Alpha: q.Alpha,
		Power: q.Power, Margin: q.Margin}.withDefaults()
	if err != nil {
		return nil, err
	}
	sw.Request.Margin = req.Margin
	r := &run{req: req, conn: conn, inv: &Investigation{}}
	if err := r.provenance(ctx); err != nil {
		return nil, fmt.Errorf("sweep: reading provenance: %w", err)
	}
	if err := r.period(ctx); err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	sw.Provenance, sw.Period = r.inv.Provenance, r.inv.Period
	sw.Notes = append(sw.Notes, r.inv.Notes...)
	progress("resolving the tags' variants", 1)
	if len(q.Tags) > 0 {
		if tags, err = sweepTags(ctx, conn, q.Tags, q.MinScore); err != nil {
			return nil, err
		}
	} else if q.RelatedTo != "" {
		// Related tags are swept with their own variants too.
		seeds := make([]string, len(tags))
		for i, t := range tags {
			seeds[i] = t.tag
		}
		found, err := sweepTags(ctx, conn, seeds, q.MinScore)
		if err != nil {
			return nil, err
		}
		for i := range tags {
			tags[i].accepted = withoutAny(found[i].accepted, sw.Seed.Accepted)
		}
	}
	if len(tags) == 0 {
		sw.Notes = append(sw.Notes, "no tag to sweep")
		return sw, nil
	}
	progress(fmt.Sprintf("collecting the videos of %d tags", len(tags)), 2)
	if err := sweepMembers(ctx, conn, r, tags, seedTags, seedName); err != nil {
		return nil, fmt.Errorf("sweep: collecting videos: %w", err)
	}
	progress(fmt.Sprintf("counting the outcomes of %d tags", len(tags)), 3)
	counts, err := sweepCounts(ctx, conn, r, len(tags))
	if err != nil {
		return nil, fmt.Errorf("sweep: counting: %w", err)
	}
	sw.Policies = counts.policies
	sw.Baseline = "every other video created in the period"
	if sw.Seed != nil {
		sw.Seed.Videos = counts.videos[0]
		if sw.Seed.Excluded {
			sw.Baseline = fmt.Sprintf("every video created in the period in neither the tag nor the seed's tag set (#%s and its variants)", sw.Seed.Seed)
		}
	}
	sw.build(r, tags, counts)
	progress("done", steps)
	return sw, nil
}

// withoutAny drops from tags those in drop.
func withoutAny(tags, drop []string) []string {
	out := []string{}
	for _, t := range tags {
		if !slices.Contains(drop, t) {
			out = append(out, t)
		}
	}
	return out
}

// sweepRelated finds the seed's related tags as an investigation of it
// would (RelatedTags, the one definition of related tags), and describes
// the seed.
func sweepRelated(ctx context.Context, ws *datasets.Workspace, q SweepRequest) ([]swept, *SweepSeed, string, error) {
	req := Request{Period: q.Period, Policies: q.Policies, MinScore: q.MinScore, RelatedLimit: q.Top,
		Confidence: q.Confidence, Alpha: q.Alpha, Power: q.Power}
	if _, err := LoadTagSet(ctx, ws, q.RelatedTo); err == nil {
		req.TagSet = q.RelatedTo
	} else if errors.Is(err, ErrNoTagSet) {
		req.Tag = q.RelatedTo
	} else {
		return nil, nil, "", err
	}
	inv, err := RelatedTags(ctx, ws, req)
	if err != nil {
		return nil, nil, "", err
	}
	seed := &SweepSeed{Name: inv.TagSet.Name, Seed: inv.TagSet.Seed, Accepted: inv.TagSet.Accepted, Excluded: !q.KeepSeed}
	var tags []swept
	for i := range inv.Related.Tags {
		rt := inv.Related.Tags[i]
		tags = append(tags, swept{tag: rt.Tag, source: "related", related: &rt})
	}
	return tags, seed, inv.TagSet.Name, nil
}

// sweepTags resolves hashtags to their accepted variants, all in one query
// over the distinct tags: the same candidates, scores and threshold as
// DiscoverVariants gives each of them.
func sweepTags(ctx context.Context, q sqlConn, seeds []string, minScore float64) ([]swept, error) {
	from, to := skeletonSQL()
	var ks, lens, maxds []int64
	var norm, sks, prefixes []string
	var out []swept
	for _, s := range seeds {
		n := datasets.NormalizeTag(s)
		if n == "" {
			return nil, fmt.Errorf("tag %q is empty after normalisation: give hashtags with letters or digits", s)
		}
		if slices.ContainsFunc(out, func(w swept) bool { return w.tag == n }) {
			continue
		}
		ss, _ := skeleton(n)
		sr := []rune(ss)
		prefix := ss
		if p := sharedPrefix(len(sr)); p > 0 {
			prefix = string(sr[:p])
		}
		ks = append(ks, int64(len(out)))
		norm, sks, prefixes = append(norm, n), append(sks, ss), append(prefixes, prefix)
		lens = append(lens, int64(len(sr)))
		maxds = append(maxds, int64(maxLookalikeEdits*float64(len(sr))+1e-9)+1)
		out = append(out, swept{tag: n, source: "list", accepted: []string{n}})
	}
	// The filter is discoverVariants' (a superset of what ScoreVariant
	// scores above 0), joined with every seed at once; the distinct tags
	// come from tag_days, a fraction of video_tags' rows.
	rows, err := q.QueryContext(ctx, `
WITH seeds AS (
	SELECT unnest(?::BIGINT[]) AS k, unnest(?::VARCHAR[]) AS seed, unnest(?::VARCHAR[]) AS ss,
	       unnest(?::VARCHAR[]) AS prefix, unnest(?::BIGINT[]) AS len, unnest(?::BIGINT[]) AS maxd
), sk AS (
	SELECT tag, translate(strip_accents(tag), ?, ?) AS s
	FROM (SELECT DISTINCT tag FROM tag_days) WHERE length(tag) <= 100
)
SELECT seeds.k, sk.tag FROM sk, seeds
WHERE sk.tag <> seeds.seed AND (contains(sk.s, seeds.prefix)
   OR (length(sk.s) >= 3 AND contains(seeds.ss, sk.s))
   OR (abs(length(sk.s) - seeds.len) <= seeds.maxd AND levenshtein(sk.s, seeds.ss) <= seeds.maxd))
ORDER BY seeds.k, sk.tag`, ks, norm, sks, prefixes, lens, maxds, from, to)
	if err != nil {
		return nil, fmt.Errorf("finding variants of the swept tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k int
		var tag string
		if err := rows.Scan(&k, &tag); err != nil {
			return nil, err
		}
		if score, _ := ScoreVariant(out[k].tag, tag); score >= minScore {
			out[k].accepted = append(out[k].accepted, tag)
		}
	}
	return out, rows.Err()
}

// sweepMembers builds sw_members(video_id, day, k): k 1.. for the swept
// tags, 0 for the seed's tag set, whose videos are left out of the others.
// The swept tags may hold most of the workspace's videos (a related tag
// can be a popular one), so the statement makes one pass: the seed's
// videos are kept out by an anti-join and added without a second
// de-duplication (10M rows: 12.6 s of CPU where a UNION and a DELETE took
// 16.0 s).
func sweepMembers(ctx context.Context, conn sqlConn, r *run, tags []swept, seedTags []string, seedName string) error {
	var ks []int64
	var ts []string
	for i, t := range tags {
		for _, a := range t.accepted {
			ks, ts = append(ks, int64(i+1)), append(ts, a)
		}
	}
	seedSrc := `SELECT NULL::VARCHAR AS video_id WHERE false`
	args := []any{ks, ts}
	if len(seedTags) > 0 {
		// The seed's videos as investigate counts them, caption
		// mentions included for a saved set that includes them.
		seedSrc = `SELECT video_id FROM tag_set_videos(?, ?::VARCHAR[])`
		args = append(args, seedName, seedTags)
	}
	args = append(args, r.lo, r.hi)
	_, err := conn.ExecContext(ctx, `
CREATE OR REPLACE TEMP TABLE sw_members AS
WITH want AS (SELECT unnest(?::BIGINT[]) AS k, unnest(?::VARCHAR[]) AS tag),
seed AS (`+seedSrc+`),
tagged AS (
	SELECT DISTINCT t.video_id, w.k FROM video_tags t JOIN want w ON t.tag = w.tag
	WHERE t.video_id NOT IN (SELECT video_id FROM seed)
	UNION ALL SELECT video_id, 0 FROM seed
)
SELECT g.video_id, CAST(v.created_at AS DATE) AS day, g.k
FROM tagged g JOIN videos v ON v.video_id = g.video_id
WHERE v.created_at >= ? AND v.created_at < ?`, args...)
	return err
}

// sweepTotals are the counts of one group for one policy.
type sweepTotals struct{ violating, removed, proactive, within24h int64 }

type sweepCountsResult struct {
	policies []string
	videos   []int64                  // per k
	daily    [][]int64                // per k, per day
	total    []int64                  // all videos per day
	counts   map[string][]sweepTotals // policy -> per k
	all      map[string]sweepTotals   // policy -> every video
}

// sweepCounts runs the volume and outcome aggregates.
func sweepCounts(ctx context.Context, conn sqlConn, r *run, n int) (*sweepCountsResult, error) {
	c := &sweepCountsResult{videos: make([]int64, n+1), daily: make([][]int64, n+1), counts: map[string][]sweepTotals{}, all: map[string]sweepTotals{}}
	for k := range c.daily {
		c.daily[k] = make([]int64, len(r.days))
	}
	c.total = make([]int64, len(r.days))
	rows, err := conn.QueryContext(ctx, `
SELECT -1 AS k, CAST(created_at AS DATE) AS d, count(*) FROM videos WHERE created_at >= ? AND created_at < ? GROUP BY d
UNION ALL
SELECT k, day, count(*) FROM sw_members GROUP BY ALL`, r.lo, r.hi)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var k int
		var d time.Time
		var v int64
		if err := rows.Scan(&k, &d, &v); err != nil {
			rows.Close()
			return nil, err
		}
		i, ok := r.dayIndex[truncDay(d)]
		if !ok {
			continue
		}
		if k < 0 {
			c.total[i] = v
		} else if k <= n {
			c.daily[k][i] += v
			c.videos[k] += v
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	filter, args := r.periodPolicyArgs()
	rows, err = conn.QueryContext(ctx, `
WITH o AS (
	SELECT o.video_id, o.policy, o.violating, o.removed_at IS NOT NULL AS removed,
	       o.removed_at IS NOT NULL AND o.proactive AS proactive, o.removed_at IS NOT NULL AND o.within_24h AS within24h
	FROM video_outcomes o WHERE o.created_at >= ? AND o.created_at < ?`+filter+`
)
SELECT -1 AS k, policy, count(*) FILTER (WHERE violating), count(*) FILTER (WHERE removed),
       count(*) FILTER (WHERE proactive), count(*) FILTER (WHERE within24h)
FROM o GROUP BY policy
UNION ALL
SELECT m.k, o.policy, count(*) FILTER (WHERE o.violating), count(*) FILTER (WHERE o.removed),
       count(*) FILTER (WHERE o.proactive), count(*) FILTER (WHERE o.within24h)
FROM o JOIN sw_members m ON m.video_id = o.video_id GROUP BY ALL`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := map[string]*[3][]outcomeCounts{}
	for rows.Next() {
		var k int
		var policy string
		var t sweepTotals
		if err := rows.Scan(&k, &policy, &t.violating, &t.removed, &t.proactive, &t.within24h); err != nil {
			return nil, err
		}
		found[policy] = &[3][]outcomeCounts{}
		if k < 0 {
			c.all[policy] = t
			continue
		}
		if c.counts[policy] == nil {
			c.counts[policy] = make([]sweepTotals, n+1)
		}
		if k <= n {
			c.counts[policy][k] = t
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	c.policies = orderPolicies(found, r.req.Policies)
	return c, nil
}

// build turns the counts into the swept tags: rates against the baseline,
// adjusted across the sweep, removal, trend, and the ranking.
func (sw *Sweep) build(r *run, tags []swept, c *sweepCountsResult) {
	conf := sw.Confidence
	var ps []float64
	type at struct{ tag, rate int }
	var idx []at
	seedOut := sw.Seed != nil && sw.Seed.Excluded
	total := sum(c.total)
	for i, t := range tags {
		k := i + 1
		st := SweptTag{Tag: t.tag, Source: t.source, Accepted: t.accepted, Videos: c.videos[k], Related: t.related,
			Rates: []PolicyRate{}, Removal: []SweepRemoval{}, Flagged: []string{}}
		if st.Accepted == nil {
			st.Accepted = []string{}
		}
		n1 := c.videos[k]
		n2 := total - n1
		if seedOut {
			n2 -= c.videos[0]
		}
		for _, p := range sw.Policies {
			var x sweepTotals
			if c.counts[p] != nil {
				x = c.counts[p][k]
			}
			x2 := c.all[p].violating - x.violating
			if seedOut && c.counts[p] != nil {
				x2 -= c.counts[p][0].violating
			}
			pr := r.compareRates(p, x.violating, n1, x2, n2)
			pr.Test.AdjustMethod = sw.AdjustMethod
			if pr.Test.Method != "none" {
				ps = append(ps, pr.Test.PValue)
				idx = append(idx, at{i, len(st.Rates)})
			}
			st.Rates = append(st.Rates, pr)
			st.Removal = append(st.Removal, SweepRemoval{Policy: p, Removals: x.removed,
				Proactive: proportion(x.proactive, x.removed, conf), Within24h: proportion(x.within24h, x.removed, conf)})
		}
		st.Trend = sweepTrend(c.daily[k], c.total)
		sw.Tags = append(sw.Tags, st)
	}
	adjust := stats.BenjaminiHochberg
	if sw.AdjustMethod == AdjustHolm {
		adjust = stats.Holm
	}
	// The materiality's one-sided p-values are adjusted across the same
	// family, by the same method.
	pEq, pMat := make([]float64, len(idx)), make([]float64, len(idx))
	for j, a := range idx {
		m := sw.Tags[a.tag].Rates[a.rate].Materiality
		pEq[j], pMat[j] = nanTo1(float64(m.PEquivalence)), nanTo1(float64(m.PMaterial))
	}
	adj, adjEq, adjMat := adjust(ps), adjust(pEq), adjust(pMat)
	sw.Tests = len(ps)
	for j, a := range idx {
		pr := &sw.Tags[a.tag].Rates[a.rate]
		pr.Test.PAdjusted = adj[j]
		pr.Materiality.PEquivalenceAdjusted, pr.Materiality.PMaterialAdjusted = adjEq[j], adjMat[j]
	}
	for i := range sw.Tags {
		st := &sw.Tags[i]
		best, bestFlag := math.Inf(-1), math.Inf(-1)
		for j := range st.Rates {
			pr := finding(st.Rates[j], sw.Request.Alpha)
			st.Rates[j] = pr
			if rr := float64(pr.RiskRatio.Estimate); pr.RiskRatio.Estimate.Valid() && rr > best {
				best = rr
			}
			if pr.Finding == "higher" {
				st.Flagged = append(st.Flagged, pr.Policy)
				if lo := float64(pr.RiskRatio.CI.Lo); pr.RiskRatio.CI.Lo.Valid() && lo > bestFlag {
					bestFlag = lo
				}
			}
		}
		switch {
		case len(st.Flagged) > 0:
			st.Risk = Num(bestFlag)
		case !math.IsInf(best, -1):
			st.Risk = Num(best)
		default:
			st.Risk = Num(math.NaN())
		}
		if st.Videos == 0 {
			sw.Notes = append(sw.Notes, fmt.Sprintf("no video in the period carries %s", strings.Join(st.Accepted, ", ")))
		}
	}
	slices.SortStableFunc(sw.Tags, func(a, b SweptTag) int {
		if fa, fb := len(a.Flagged) > 0, len(b.Flagged) > 0; fa != fb {
			if fa {
				return -1
			}
			return 1
		}
		ra, rb := float64(a.Risk), float64(b.Risk)
		if math.IsNaN(ra) {
			ra = math.Inf(-1)
		}
		if math.IsNaN(rb) {
			rb = math.Inf(-1)
		}
		return cmp.Or(cmp.Compare(rb, ra), cmp.Compare(b.Videos, a.Videos), strings.Compare(a.Tag, b.Tag))
	})
	for i := range sw.Tags {
		sw.Tags[i].Rank = i + 1
	}
}

// sweepTrend compares a tag's share of videos in the last sweepRecentDays
// days with its share before them.
func sweepTrend(daily, total []int64) SweepTrend {
	t := SweepTrend{RecentDays: sweepRecentDays, Daily: daily, Ratio: Num(math.NaN()), PValue: 1,
		Method: "Poisson rate ratio score test (tag videos over all videos, last days against before)"}
	cut := len(daily) - sweepRecentDays
	if cut < 1 {
		t.Method = "none: the period is too short for a trend"
		return t
	}
	t.EarlyVideos, t.RecentVideos = sum(daily[:cut]), sum(daily[cut:])
	e, rt := sum(total[:cut]), sum(total[cut:])
	if e == 0 || rt == 0 {
		return t
	}
	if t.EarlyVideos > 0 {
		t.Ratio = Num(float64(t.RecentVideos) / float64(rt) / (float64(t.EarlyVideos) / float64(e)))
	}
	t.PValue = stats.PoissonRateRatioScore(t.RecentVideos, float64(rt), t.EarlyVideos, float64(e), stats.TwoSided).PValue
	return t
}
