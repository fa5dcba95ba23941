package analysis

import (
	"context"
	"math"
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

const quantileMethod = "DuckDB quantile_cont (linear interpolation, R type 7)"

// timeToAction computes, in DuckDB, per policy for the tag set and for
// every video, the time-to-action quantiles and the removals with no user
// report of the same policy at or before them.
func (r *run) timeToAction(ctx context.Context) (map[ttaKey]removalExtra, error) {
	rows, err := r.conn.QueryContext(ctx, `
WITH first_report AS (
	SELECT video_id, policy, min(event_time) AS at FROM moderation_events
	WHERE event_type = 'report' GROUP BY ALL
)
SELECT policy, in_set, grouping(in_set) AS all_videos,
	quantile_cont(tta, 0.5), quantile_cont(tta, 0.9), quantile_cont(tta, 0.99),
	count(*) FILTER (WHERE same_policy_proactive)
FROM (
	SELECT o.policy, coalesce(m.grp = 1, false) AS in_set, o.time_to_action_s AS tta,
		fr.at IS NULL OR fr.at > o.removed_at AS same_policy_proactive
	FROM video_outcomes o LEFT JOIN tl_members m ON o.video_id = m.video_id
	LEFT JOIN first_report fr ON fr.video_id = o.video_id AND fr.policy = o.policy
	WHERE o.removed_at IS NOT NULL AND o.created_at >= ? AND o.created_at < ?
)
GROUP BY GROUPING SETS ((policy, in_set), (policy))`, r.lo, r.hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[ttaKey]removalExtra{}
	nan := Num(math.NaN())
	for _, p := range r.inv.Policies {
		for _, inSet := range []bool{true, false} {
			out[ttaKey{p, inSet}] = removalExtra{quantiles: Quantiles{P50: nan, P90: nan, P99: nan, Method: quantileMethod}}
		}
	}
	for rows.Next() {
		var policy string
		var inSet *bool
		var all int
		var p50, p90, p99 *float64
		var same int64
		if err := rows.Scan(&policy, &inSet, &all, &p50, &p90, &p99, &same); err != nil {
			return nil, err
		}
		key := ttaKey{policy, all == 0}
		if all == 0 && (inSet == nil || !*inSet) {
			continue
		}
		out[key] = removalExtra{Quantiles{P50: optNum(p50), P90: optNum(p90), P99: optNum(p99), Method: quantileMethod}, same}
	}
	return out, rows.Err()
}

func optNum(f *float64) Num {
	if f == nil {
		return Num(math.NaN())
	}
	return Num(*f)
}
