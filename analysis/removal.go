package analysis

import (
	"context"

	"github.com/trendlab/trendlab/engine"
)

// removal reports removal metrics per policy: tag set and overall.
func (r *run) removal(ctx context.Context) error {
	conf := r.req.Confidence
	q, err := r.timeToAction(ctx)
	if err != nil {
		return err
	}
	r.inv.Removal = make([]Removal, 0, len(r.inv.Policies))
	stat := func(c outcomeCounts, key ttaKey) RemovalStats {
		return RemovalStats{
			Removals:            c.removed,
			Proactive:           proportion(c.proactive, c.removed, conf),
			ProactiveSamePolicy: proportion(min(q[key].samePolicyProactive, c.removed), c.removed, conf),
			Within24h:           proportion(c.within24h, c.removed, conf),
			TimeToAction:        q[key].quantiles,
		}
	}
	for _, policy := range r.inv.Policies {
		r.inv.Removal = append(r.inv.Removal, Removal{
			Policy:                     policy,
			ProactiveReading:           ProactiveAnyPolicy,
			ProactiveSamePolicyReading: ProactiveSamePolicy,
			TagSet:                     stat(r.totals(policy, grpSet), ttaKey{policy, true}),
			Overall:                    stat(r.overallTotals(policy), ttaKey{policy, false}),
		})
	}
	return nil
}

// The two readings of a proactive removal. The data contract's, with no
// user report of any policy, is the default (RemovalStats.Proactive).
const (
	ProactiveAnyPolicy  = "proactive: no user report of any policy at or before the removal (data contract)"
	ProactiveSamePolicy = "proactive (same policy): no user report of the removal's policy at or before it"
)

// removalExtra is what the removal query adds to the outcome counts.
type removalExtra struct {
	quantiles           Quantiles
	samePolicyProactive int64
}

type ttaKey struct {
	policy string
	inSet  bool
}

// timeToAction computes per policy, for the tag set and for every video,
// the time-to-action quantiles and the removals with no user report of the
// same policy at or before them, from the engine's histogram of removals
// (engine.Quantiles: the same numbers on every engine).
func (r *run) timeToAction(ctx context.Context) (map[ttaKey]removalExtra, error) {
	buckets, err := r.db().Removals(ctx)
	if err != nil {
		return nil, err
	}
	hist := map[ttaKey][]engine.RemovalBucket{}
	same := map[ttaKey]int64{}
	for _, b := range buckets {
		keys := []ttaKey{{b.Policy, false}}
		if b.InSet {
			keys = append(keys, ttaKey{b.Policy, true})
		}
		for _, k := range keys {
			hist[k] = append(hist[k], b)
			same[k] += b.SamePolicyProactive
		}
	}
	out := map[ttaKey]removalExtra{}
	for _, p := range r.inv.Policies {
		for _, inSet := range []bool{true, false} {
			k := ttaKey{p, inSet}
			q := engine.Quantiles(hist[k], 0.5, 0.9, 0.99)
			out[k] = removalExtra{Quantiles{P50: Num(q[0]), P90: Num(q[1]), P99: Num(q[2]), Method: engine.QuantileMethod}, same[k]}
		}
	}
	return out, nil
}
