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
	"github.com/trendlab/trendlab/engine"
)

// A sweep compares many tags with the baseline at once: the follow-up to an
// investigation that found related tags. It is one pass over the data, not
// one investigation per tag, and its aggregations are the engine's
// (engine.Sweeper, one implementation per dialect):
//
//  1. Tags: the related tags of a seed (relatedTags, on the sweep's own
//     engine session, whose cohort is then the seed's videos), a list of
//     tags, or saved tag sets. Each tag's variants are found in one query
//     for all tags over the distinct tags (sweepTags), scored in Go.
//  2. Members: the accepted variants of every tag, and the seed.
//  3. Volume: videos per day of each tag, and in all.
//  4. Outcomes: per tag and policy, and per policy for the totals.
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
	eng, err := engine.Connect(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	defer eng.Close()
	var tags []swept
	switch {
	case q.RelatedTo != "":
		progress("finding the tags related to "+q.RelatedTo, 0)
		// On the same session: its cohort, the seed's videos, is what the
		// sweep leaves out of each tag.
		tags, sw.Seed, err = sweepRelated(ctx, eng, q)
		if err != nil {
			return nil, err
		}
	case len(q.TagSets) > 0:
		for _, name := range q.TagSets {
			s, err := loadTagSet(ctx, eng, name)
			if err != nil {
				return nil, err
			}
			tags = append(tags, swept{tag: name, source: "tagset", accepted: s.Accepted()})
		}
	}
	// The comparisons take investigate's defaults (margin, power); the
	// tag only satisfies withDefaults' check that there is something to
	// investigate.
	req, err := Request{Tag: "sweep", Period: q.Period, Policies: q.Policies, Confidence: q.Confidence, Alpha: q.Alpha,
		Power: q.Power, Margin: q.Margin}.withDefaults()
	if err != nil {
		return nil, err
	}
	sw.Request.Margin = req.Margin
	r := &run{req: req, eng: eng, inv: &Investigation{}}
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
		if tags, err = sweepTags(ctx, eng, q.Tags, q.MinScore); err != nil {
			return nil, err
		}
	} else if q.RelatedTo != "" {
		// Related tags are swept with their own variants too.
		seeds := make([]string, len(tags))
		for i, t := range tags {
			seeds[i] = t.tag
		}
		found, err := sweepTags(ctx, eng, seeds, q.MinScore)
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
	m := engine.SweepMembers{Seed: sw.Seed != nil && sw.Seed.Excluded, Lo: r.lo, Hi: r.hi}
	for _, t := range tags {
		m.Tags = append(m.Tags, t.accepted)
	}
	videos, err := engine.Sweeps(eng).SweepMembers(ctx, m)
	if err != nil {
		return nil, fmt.Errorf("sweep: collecting videos: %w", err)
	}
	progress(fmt.Sprintf("counting the outcomes of %d tags", len(tags)), 3)
	counts, err := sweepCounts(ctx, engine.Sweeps(eng), videos, r, len(tags))
	if err != nil {
		return nil, fmt.Errorf("sweep: counting: %w", err)
	}
	sw.Policies = counts.policies
	sw.Baseline = "every other video created in the period"
	if sw.Seed != nil && sw.Seed.Excluded {
		sw.Seed.Videos = counts.videos[0]
		sw.Baseline = fmt.Sprintf("every video created in the period in neither the tag nor the seed's tag set (#%s and its variants)", sw.Seed.Seed)
	}
	sw.build(r, tags, counts)
	if rowsMoved != nil {
		rowsMoved(eng.RowsRead())
	}
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

// sweepRelated finds the seed's related tags on eng as an investigation
// of it would (relatedTags, the one definition of related tags), and
// describes the seed; eng's cohort is left the seed's videos.
func sweepRelated(ctx context.Context, eng engine.Session, q SweepRequest) ([]swept, *SweepSeed, error) {
	req := Request{Period: q.Period, Policies: q.Policies, MinScore: q.MinScore, RelatedLimit: q.Top,
		Confidence: q.Confidence, Alpha: q.Alpha, Power: q.Power}
	if _, err := loadTagSet(ctx, eng, q.RelatedTo); err == nil {
		req.TagSet = q.RelatedTo
	} else if errors.Is(err, ErrNoTagSet) {
		req.Tag = q.RelatedTo
	} else {
		return nil, nil, err
	}
	r, err := relatedTags(ctx, eng, req)
	if err != nil {
		return nil, nil, err
	}
	inv := r.inv
	seed := &SweepSeed{Name: inv.TagSet.Name, Seed: inv.TagSet.Seed, Accepted: inv.TagSet.Accepted, Excluded: !q.KeepSeed}
	var tags []swept
	for i := range inv.Related.Tags {
		rt := inv.Related.Tags[i]
		tags = append(tags, swept{tag: rt.Tag, source: "related", related: &rt})
	}
	return tags, seed, nil
}

// variantFilter is the filter that narrows the distinct tags down to the
// candidate variants of seed (normalised) in the engine, for
// investigations and sweeps alike. It keeps a superset of what
// ScoreVariant scores above 0: small edit distance, the seed's prefix
// inside, or inside the seed; the length test spares most tags the edit
// distance. The engines count Levenshtein distance (ten times faster in
// DuckDB than damerau_levenshtein), where a transposition counts 2, so
// the bound is loosened by one. Every tag scoring as a typo or better
// passes; a look-alike with several transpositions may not be listed.
func variantFilter(seed string) engine.VariantFilter {
	ss, _ := skeleton(seed)
	sr := []rune(ss)
	from, to := skeletonSQL()
	maxD := int(maxLookalikeEdits*float64(len(sr)) + 1e-9)
	prefix := ss
	if p := sharedPrefix(len(sr)); p > 0 {
		prefix = string(sr[:p])
	}
	return engine.VariantFilter{Seed: seed, Skeleton: ss, Prefix: prefix, From: from, To: to, SkeletonLen: len(sr), MaxEdits: maxD + 1}
}

// sweepTags resolves hashtags to their accepted variants, all in one query
// over the distinct tags: the same candidates, scores and threshold as
// DiscoverVariants gives each of them.
func sweepTags(ctx context.Context, eng engine.Session, seeds []string, minScore float64) ([]swept, error) {
	var out []swept
	var filters []engine.VariantFilter
	for _, s := range seeds {
		n := datasets.NormalizeTag(s)
		if n == "" {
			return nil, fmt.Errorf("tag %q is empty after normalisation: give hashtags with letters or digits", s)
		}
		if slices.ContainsFunc(out, func(w swept) bool { return w.tag == n }) {
			continue
		}
		filters = append(filters, variantFilter(n))
		out = append(out, swept{tag: n, source: "list", accepted: []string{n}})
	}
	found, err := engine.Sweeps(eng).SweepCandidates(ctx, filters)
	if err != nil {
		return nil, fmt.Errorf("finding variants of the swept tags: %w", err)
	}
	for k, tags := range found {
		for _, tag := range tags {
			if score, _ := ScoreVariant(out[k].tag, tag); score >= minScore {
				out[k].accepted = append(out[k].accepted, tag)
			}
		}
	}
	return out, nil
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

// sweepCounts reads the volume and outcome counts of the swept tags (k 1
// to n) and the seed (k 0).
func sweepCounts(ctx context.Context, eng engine.Sweeper, videos *engine.SweptVideos, r *run, n int) (*sweepCountsResult, error) {
	c := &sweepCountsResult{videos: make([]int64, n+1), daily: make([][]int64, n+1), counts: map[string][]sweepTotals{}, all: map[string]sweepTotals{}}
	for k := range c.daily {
		c.daily[k] = make([]int64, len(r.days))
	}
	c.total = make([]int64, len(r.days))
	total, volumes, err := eng.SweepVolumes(ctx, videos)
	if err != nil {
		return nil, err
	}
	for _, v := range total {
		if i, ok := r.dayIndex[truncDay(v.Day)]; ok {
			c.total[i] = v.N
		}
	}
	for _, v := range volumes {
		if i, ok := r.dayIndex[truncDay(v.Day)]; ok && v.K >= 0 && v.K <= n {
			c.daily[v.K][i] += v.N
			c.videos[v.K] += v.N
		}
	}
	outcomes, err := eng.SweepOutcomes(ctx, videos, r.req.Policies)
	if err != nil {
		return nil, err
	}
	found := map[string]*[3][]outcomeCounts{}
	for _, o := range outcomes {
		found[o.Policy] = &[3][]outcomeCounts{}
		t := sweepTotals{o.Violating, o.Removed, o.Proactive, o.Within24h}
		if o.K == engine.SweepAll {
			c.all[o.Policy] = t
			continue
		}
		if c.counts[o.Policy] == nil {
			c.counts[o.Policy] = make([]sweepTotals, n+1)
		}
		if o.K >= 0 && o.K <= n {
			c.counts[o.Policy][o.K] = t
		}
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
