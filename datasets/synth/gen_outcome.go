package synth

import "math"

// outcome evaluates the data contract's definitions for policy p over the
// (sorted) events of the current video.
func (g *generator) outcome(p uint8) (o PolicyOutcome) {
	const none = math.MinInt64
	latestViolation, removedAt := int64(none), int64(none)
	for i := range g.evs {
		e := &g.evs[i]
		if e.policy != p {
			continue
		}
		switch e.typ {
		case evReview:
			o.Reviewed = 1
			if e.decision == decViolation && e.t > latestViolation {
				latestViolation = e.t
			}
		case evEnforcement:
			if e.action == actRemoved && removedAt == none {
				removedAt = e.t
			}
		case evEscalation:
			if e.action == actEscalatedLERT {
				o.Escalated = 1
			}
		case evReinstatement:
			o.Reinstated = 1
		}
	}
	if latestViolation != none {
		o.Violating = 1
		for i := range g.evs {
			e := &g.evs[i]
			if e.policy == p && e.typ == evReinstatement && e.t > latestViolation {
				o.Violating = 0
			}
		}
	}
	if removedAt != none {
		o.Removed = 1
		o.Proactive = 1
		for i := range g.evs {
			if g.evs[i].typ == evReport && g.evs[i].t <= removedAt {
				o.Proactive = 0
				break
			}
		}
		if removedAt-g.v.created <= 86400 {
			o.Within24h = 1
		}
	}
	o.Videos = 1
	if g.v.planted[p] {
		o.Planted = 1
	}
	return o
}

func (o *PolicyOutcome) add(x PolicyOutcome) {
	o.Videos += x.Videos
	o.Planted += x.Planted
	o.Violating += x.Violating
	o.Reinstated += x.Reinstated
	o.Removed += x.Removed
	o.Proactive += x.Proactive
	o.Within24h += x.Within24h
	o.Escalated += x.Escalated
	o.Reviewed += x.Reviewed
}
