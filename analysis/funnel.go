package analysis

import "context"

// funnel builds the moderation funnel per policy for tag set and baseline.
func (r *run) funnel(ctx context.Context) error {
	conf := r.req.Confidence
	r.inv.Funnel = make([]Funnel, 0, len(r.inv.Policies))
	for _, policy := range r.inv.Policies {
		r.inv.Funnel = append(r.inv.Funnel, Funnel{
			Policy:   policy,
			TagSet:   funnelCounts(r.totals(policy, grpSet), r.inv.TagSet.Videos, conf),
			Baseline: funnelCounts(r.totals(policy, r.baselineGroup()), r.inv.Baseline.Videos, conf),
		})
	}
	return nil
}

// funnelCounts turns totals into the funnel with conditional step rates.
func funnelCounts(c outcomeCounts, videos int64, conf float64) FunnelCounts {
	f := FunnelCounts{
		Videos: videos, Reported: c.reported, Flagged: c.flagged, Reviewed: c.reviewed,
		Violating: c.violating, Removed: c.removed, Escalated: c.escalated, Appealed: c.appealed,
		Reinstated: c.reinstated,
	}
	step := func(from, to string, x, n int64) FunnelStep {
		return FunnelStep{From: from, To: to, Rate: proportion(x, n, conf)}
	}
	f.Steps = []FunnelStep{
		step("videos", "reported", c.reported, videos),
		step("videos", "flagged", c.flagged, videos),
		step("reported or flagged", "reviewed", c.reviewedSurfaced, c.surfaced),
		step("reviewed", "violating", c.violatingReviewed, c.reviewed),
		step("violating", "removed", c.removedViolating, c.violating),
		step("violating", "escalated", c.escalatedViolating, c.violating),
		step("removed", "appealed", c.appealedRemoved, c.removed),
		step("appealed", "reinstated", c.reinstatedAppealed, c.appealed),
	}
	return f
}
