package synth

import (
	"cmp"
	"math"
	"slices"
)

// drawEvents fills g.evs with the events of g.v, sorted by time, and
// g.orphans with orphan events to write after them.
func (g *generator) drawEvents(n int64) {
	r := g.r
	v := &g.v
	g.evs = g.evs[:0]
	g.orphans = g.orphans[:0]
	g.flowEnforced = 0
	for p := range policies {
		if v.planted[p] {
			g.violationFlow(uint8(p))
		}
	}
	if r.Float64() < benignFlowShare {
		// Nothing is reported or reviewed once the video is removed.
		removed := int64(math.MaxInt64)
		for i := range g.evs {
			if e := &g.evs[i]; e.typ == evEnforcement && e.action == actRemoved {
				removed = min(removed, e.t)
			}
		}
		g.benignFlow(uint8(r.IntN(len(policies))), removed)
	}
	slices.SortStableFunc(g.evs, func(a, b event) int {
		if c := cmp.Compare(a.t, b.t); c != 0 {
			return c
		}
		if c := cmp.Compare(a.typ, b.typ); c != 0 {
			return c
		}
		return cmp.Compare(a.order, b.order)
	})
	for range g.evs {
		if r.Float64() < orphanPerEvent {
			k := int64(len(g.orphans)) + g.m.OrphanEvents
			typ, src := evReport, srcUser
			if r.IntN(2) == 0 {
				typ, src = evFlag, srcModel
			}
			g.orphans = append(g.orphans, event{
				video: g.cfg.FirstID + n + k, t: v.created + g.lognormal(6*3600, 1.5, 60),
				typ: typ, source: src, policy: uint8(r.IntN(len(policies))),
			})
		}
	}
}

func (g *generator) add(e event) {
	e.video = g.v.num
	e.style, e.off = g.drawStyle(0.02, 0.02)
	e.order = int32(len(g.evs))
	g.evs = append(g.evs, e)
}

// violationFlow plants the events of one (video, policy) violation:
// detection by flag or report, a review, enforcement, and for some an
// escalation, an appeal and a reinstatement.
func (g *generator) violationFlow(p uint8) {
	r := g.r
	c := g.v.created
	titles := policyTitles[p]
	title := titles[r.IntN(len(titles))]
	if g.flowEnforced != 0 {
		// A second policy on the same video: the reviewer of the first
		// adds it right after enforcing the first.
		g.enforce(p, title, g.flowEnforced+1+int64(r.IntN(120)), false)
		return
	}
	var detect int64
	proactive := r.Float64() < proactiveShare
	if proactive {
		detect = c + g.lognormal(90*60, 1.3, 1)
		// Hash matching finds known material: more of it for minor safety
		// and violent extremism.
		hashShare := 0.15
		if p == polMinorSafety || p == polViolentExtremism {
			hashShare = 0.45
		}
		src := srcKeywordList
		switch u := r.Float64(); {
		case u < hashShare:
			src = srcHashMatch
		case u < hashShare+0.55:
			src = srcModel
		}
		g.add(event{t: detect, typ: evFlag, source: src, policy: p})
	} else {
		detect = c + g.lognormal(8*3600, 1.1, 1)
		src := srcUser
		if r.Float64() < 0.05 {
			src = srcPartner
		}
		g.add(event{t: detect, typ: evReport, source: src, policy: p})
	}
	reviewMedian := 2 * 3600.0
	if !proactive {
		reviewMedian = 6 * 3600
	}
	review := detect + g.lognormal(reviewMedian, 1.0, 1)
	if !proactive {
		// More reports, and sometimes a flag, while the video waits for
		// review.
		for extra := r.IntN(4); extra > 0; extra-- {
			g.add(event{t: detect + r.Int64N(review-detect+1), typ: evReport, source: srcUser, policy: p})
		}
		if r.Float64() < 0.30 {
			g.add(event{t: detect + r.Int64N(review-detect+1), typ: evFlag, source: srcModel, policy: p})
		}
	}
	g.flowEnforced = g.enforce(p, title, review, proactive)
}

// enforce plants a violation review at the given time and what follows it:
// enforcement, and for some an escalation, an appeal and a reinstatement.
// It returns the time of the enforcement.
func (g *generator) enforce(p uint8, title string, review int64, proactive bool) int64 {
	r := g.r
	rsrc := srcModerator
	if r.Float64() < 0.25 {
		rsrc = srcModel
	}
	g.add(event{t: review, typ: evReview, source: rsrc, policy: p, title: title, decision: decViolation})

	enforce := review + int64(r.IntN(121))
	act := actRemoved
	switch u := r.Float64(); {
	case u < 0.10:
		act = actAgeRestricted
	case u < 0.15:
		act = actNotRecommended
	}
	g.add(event{t: enforce, typ: evEnforcement, source: rsrc, policy: p, title: title, action: act})
	if act == actRemoved && p == polMinorSafety && r.Float64() < 0.05 {
		g.add(event{t: enforce + int64(r.IntN(600)), typ: evEnforcement, source: srcModerator, policy: p, title: title, action: actAccountBanned})
	}
	if proactive && act == actRemoved && r.Float64() < reportTieShare {
		g.add(event{t: enforce, typ: evReport, source: srcUser, policy: p})
	}
	if act == actRemoved && p == polMinorSafety && r.Float64() < escalateShare {
		g.add(event{t: enforce + g.lognormal(3600, 1.0, 1), typ: evEscalation, source: srcModerator, policy: p, title: title, action: actEscalatedLERT})
	}
	if r.Float64() < appealShare {
		appeal := enforce + g.lognormal(86400, 0.8, 60)
		g.add(event{t: appeal, typ: evAppeal, source: srcUser, policy: p})
		second := appeal + g.lognormal(10*3600, 0.9, 60)
		if r.Float64() < reinstateShare {
			g.add(event{t: second, typ: evReview, source: srcModerator, policy: p, decision: decNoViolation})
			g.add(event{t: second + 1 + int64(r.IntN(300)), typ: evReinstatement, source: srcModerator, policy: p, action: actReinstated})
		} else {
			g.add(event{t: second, typ: evReview, source: srcModerator, policy: p, title: title, decision: decViolation})
		}
	}
	return enforce
}

// benignFlow plants a report or flag on a video that is then, most of the
// time, reviewed as no violation.
func (g *generator) benignFlow(p uint8, removed int64) {
	r := g.r
	c := g.v.created
	var detect int64
	typ, src := evReport, srcUser
	if r.Float64() < 0.7 {
		detect = c + g.lognormal(12*3600, 1.2, 1)
	} else {
		detect = c + g.lognormal(2*3600, 1.2, 1)
		typ, src = evFlag, srcModel
		if r.IntN(2) == 0 {
			src = srcKeywordList
		}
	}
	review := detect + g.lognormal(6*3600, 1.0, 1)
	rsrc := srcModerator
	if r.Float64() < 0.3 {
		rsrc = srcModel
	}
	reviewed := r.Float64() < benignReviewShare
	if detect >= removed {
		return
	}
	g.add(event{t: detect, typ: typ, source: src, policy: p})
	if reviewed && review < removed {
		g.add(event{t: review, typ: evReview, source: rsrc, policy: p, decision: decNoViolation})
	}
}
