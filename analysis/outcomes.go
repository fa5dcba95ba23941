package analysis

import (
	"context"
	"slices"
	"time"
)

// outcomeCounts are the counts of one (group, policy, day) of video_outcomes.
type outcomeCounts struct {
	violating, reported, flagged, surfaced, reviewed, removed, proactive, within24h,
	escalated, appealed, reinstated int64
	// joint counts for the funnel's conditional steps
	reviewedSurfaced, violatingReviewed, removedViolating, escalatedViolating,
	appealedRemoved, reinstatedAppealed int64
}

func (c *outcomeCounts) add(o outcomeCounts) {
	c.violating += o.violating
	c.reported += o.reported
	c.flagged += o.flagged
	c.surfaced += o.surfaced
	c.reviewed += o.reviewed
	c.removed += o.removed
	c.proactive += o.proactive
	c.within24h += o.within24h
	c.escalated += o.escalated
	c.appealed += o.appealed
	c.reinstated += o.reinstated
	c.reviewedSurfaced += o.reviewedSurfaced
	c.violatingReviewed += o.violatingReviewed
	c.removedViolating += o.removedViolating
	c.escalatedViolating += o.escalatedViolating
	c.appealedRemoved += o.appealedRemoved
	c.reinstatedAppealed += o.reinstatedAppealed
}

// outcomes runs the one grouped aggregate over video_outcomes.
func (r *run) outcomes(ctx context.Context) error {
	policyFilter, args := r.periodPolicyArgs()
	rows, err := r.conn.QueryContext(ctx, `
SELECT coalesce(m.grp, 0) AS g, o.policy, CAST(o.created_at AS DATE) AS d,
	count(*) FILTER (WHERE o.violating),
	count(*) FILTER (WHERE o.reported),
	count(*) FILTER (WHERE o.flagged),
	count(*) FILTER (WHERE o.reported OR o.flagged),
	count(*) FILTER (WHERE o.reviewed),
	count(*) FILTER (WHERE o.removed_at IS NOT NULL),
	count(*) FILTER (WHERE o.removed_at IS NOT NULL AND o.proactive),
	count(*) FILTER (WHERE o.removed_at IS NOT NULL AND o.within_24h),
	count(*) FILTER (WHERE o.escalated),
	count(*) FILTER (WHERE o.appealed),
	count(*) FILTER (WHERE o.reinstated),
	count(*) FILTER (WHERE o.reviewed AND (o.reported OR o.flagged)),
	count(*) FILTER (WHERE o.violating AND o.reviewed),
	count(*) FILTER (WHERE o.removed_at IS NOT NULL AND o.violating),
	count(*) FILTER (WHERE o.escalated AND o.violating),
	count(*) FILTER (WHERE o.appealed AND o.removed_at IS NOT NULL),
	count(*) FILTER (WHERE o.reinstated AND o.appealed)
FROM video_outcomes o LEFT JOIN tl_members m ON o.video_id = m.video_id
WHERE o.created_at >= ? AND o.created_at < ?`+policyFilter+`
GROUP BY ALL`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	r.counts = map[string]*[3][]outcomeCounts{}
	for rows.Next() {
		var g int
		var policy string
		var d time.Time
		var c outcomeCounts
		if err := rows.Scan(&g, &policy, &d, &c.violating, &c.reported, &c.flagged, &c.surfaced, &c.reviewed,
			&c.removed, &c.proactive, &c.within24h, &c.escalated, &c.appealed, &c.reinstated,
			&c.reviewedSurfaced, &c.violatingReviewed, &c.removedViolating, &c.escalatedViolating,
			&c.appealedRemoved, &c.reinstatedAppealed); err != nil {
			return err
		}
		i, ok := r.dayIndex[truncDay(d)]
		if !ok || g < 0 || g > 2 {
			continue
		}
		pc := r.counts[policy]
		if pc == nil {
			pc = &[3][]outcomeCounts{}
			for k := range pc {
				pc[k] = make([]outcomeCounts, len(r.days))
			}
			r.counts[policy] = pc
		}
		pc[g][i].add(c)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	r.inv.Policies = orderPolicies(r.counts, r.req.Policies)
	for _, p := range r.req.Policies {
		if r.counts[p] == nil {
			r.note("policy %q has no moderation outcomes in the period: its rates are 0", p)
		}
	}
	return nil
}

// knownPolicies is the data contract's usual order of policies.
var knownPolicies = []string{"minor_safety", "bullying_harassment", "hate_speech", "adult_nudity",
	"violent_extremism", "dangerous_acts", "integrity"}

// orderPolicies lists the requested policies in the order given, or every
// policy found: the contract's usual ones in their order, then the others
// alphabetically.
func orderPolicies(found map[string]*[3][]outcomeCounts, requested []string) []string {
	if len(requested) > 0 {
		out := []string{}
		for _, p := range requested {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		return out
	}
	out := []string{}
	for _, p := range knownPolicies {
		if found[p] != nil {
			out = append(out, p)
		}
	}
	var rest []string
	for p := range found {
		if !slices.Contains(knownPolicies, p) {
			rest = append(rest, p)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// totals sums a policy's counts of a group over the days.
func (r *run) totals(policy string, g int) outcomeCounts {
	var t outcomeCounts
	if pc := r.counts[policy]; pc != nil {
		for _, c := range pc[g] {
			t.add(c)
		}
	}
	return t
}

// daily returns a policy's counts of a group per day.
func (r *run) daily(policy string, g int) []outcomeCounts {
	if pc := r.counts[policy]; pc != nil {
		return pc[g]
	}
	return make([]outcomeCounts, len(r.days))
}

// overallTotals sums every group.
func (r *run) overallTotals(policy string) outcomeCounts {
	t := r.totals(policy, grpRest)
	t.add(r.totals(policy, grpSet))
	t.add(r.totals(policy, grpBaseline))
	return t
}
