package analysis

import (
	"context"
	"slices"

	"github.com/trendlab/trendlab/engine"
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

// fromEngine is the engine's counts of one group, policy and day.
func fromEngine(c engine.OutcomeCounts) outcomeCounts {
	return outcomeCounts{violating: c.Violating, reported: c.Reported, flagged: c.Flagged, surfaced: c.Surfaced,
		reviewed: c.Reviewed, removed: c.Removed, proactive: c.Proactive, within24h: c.Within24h,
		escalated: c.Escalated, appealed: c.Appealed, reinstated: c.Reinstated,
		reviewedSurfaced: c.ReviewedSurfaced, violatingReviewed: c.ViolatingReviewed, removedViolating: c.RemovedViolating,
		escalatedViolating: c.EscalatedViolating, appealedRemoved: c.AppealedRemoved, reinstatedAppealed: c.ReinstatedAppealed}
}

// outcomes runs the one grouped aggregate over video_outcomes.
func (r *run) outcomes(ctx context.Context) error {
	rows, err := r.db().Outcomes(ctx, r.req.Policies)
	if err != nil {
		return err
	}
	r.counts = map[string]*[3][]outcomeCounts{}
	r.anyViolating = [3]int64{}
	for _, row := range rows {
		if row.Group < 0 || row.Group > 2 {
			continue
		}
		r.anyViolating[row.Group] += row.Counts.FirstViolating
		i, ok := r.dayIndex[truncDay(row.Day)]
		if !ok {
			continue
		}
		pc := r.counts[row.Policy]
		if pc == nil {
			pc = &[3][]outcomeCounts{}
			for k := range pc {
				pc[k] = make([]outcomeCounts, len(r.days))
			}
			r.counts[row.Policy] = pc
		}
		pc[row.Group][i].add(fromEngine(row.Counts))
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
