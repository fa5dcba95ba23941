package synth

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// Event types, sources, decisions and actions of the data contract. The
// numeric order of event types is the tie-break order of events at the same
// instant (a report at the moment of removal comes first, so it counts as
// "at or before").
const (
	evReport uint8 = iota
	evFlag
	evReview
	evEnforcement
	evEscalation
	evAppeal
	evReinstatement
)

var eventTypeNames = [...]string{"report", "flag", "review", "enforcement", "escalation", "appeal", "reinstatement"}

const (
	srcUser uint8 = iota
	srcModel
	srcHashMatch
	srcKeywordList
	srcModerator
	srcPartner
)

var sourceNames = [...]string{"user", "model", "hash_match", "keyword_list", "moderator", "partner"}

const (
	decNone uint8 = iota
	decViolation
	decNoViolation
)

var decisionNames = [...]string{"", "violation", "no_violation"}

const (
	actNone uint8 = iota
	actRemoved
	actAgeRestricted
	actNotRecommended
	actAccountBanned
	actEscalatedLERT
	actReinstated
)

var actionNames = [...]string{"", "removed", "age_restricted", "not_recommended", "account_banned", "escalated_lert", "reinstated"}

// Rates of the event flows.
const (
	proactiveShare    = 0.70  // violations first found by automated flags
	reportTieShare    = 0.03  // proactive removals with a user report at the very instant of removal
	escalateShare     = 0.30  // removed minor_safety violations escalated
	appealShare       = 0.05  // enforced violations appealed
	reinstateShare    = 0.50  // appeals that end in reinstatement
	benignFlowShare   = 0.04  // videos with a report or flag that is reviewed as no violation
	benignReviewShare = 0.80  // of those, reviewed
	orphanPerEvent    = 0.001 // events followed by an orphan event
	tsNaiveShare      = 0.05
	tsOffsetShare     = 0.05
	emptyCaptionShare = 0.02
	missingFieldShare = 0.01 // region, language missing
	capitalisedShare  = 0.05 // ordinary tags written capitalised
	maxDelay          = 45 * 86400
)

// video is the one reusable row of the videos table.
type video struct {
	num                            int64 // 0-based; the id is v + num+1, zero-padded
	author                         int64
	created                        int64 // unix seconds
	style                          uint8
	off                            int16
	caption                        []byte
	hasCaption                     bool
	tags                           []string // raw, without '#'
	region, language, ageBand      string
	views, likes, shares, comments int64
	durationTenths                 int64

	day      int
	family   bool
	spiked   bool
	variants [8]int8 // normalised family forms present (index into familyNorms), -1 terminated
	related  int     // index of the planted related tag on a family video, or -1
	decoyHit [8]bool
	relHit   [8]bool
	planted  [8]bool
}

// event is one row of the moderation events table.
type event struct {
	video    int64 // video number; orphans have numbers >= the number of videos
	t        int64
	style    uint8
	off      int16
	typ      uint8
	source   uint8
	policy   uint8
	title    string
	decision uint8
	action   uint8
	order    int32 // insertion order, the last tie-break
}

// generator draws videos and their events from one seeded random stream.
type generator struct {
	cfg        Config
	r          *rand.Rand
	vocab      *vocabulary
	tagZipf    *rand.Zipf
	authorZipf *rand.Zipf
	authorMix  uint64

	start, span int64
	spikeDay    int

	variantCum, regionCum, ageCum []float64
	familyNorms                   []string
	variantNorm                   []int8

	v      video
	counts counts

	flowEnforced int64 // time of the current video's first enforcement (0: none yet)

	familySeen    int64    // family videos drawn so far
	familyPlanted [8]int64 // their planted violations per policy

	evs     []event
	orphans []event
	m       *Manifest
	imp     *impact // nil unless Config.Optional (optional.go)
}

var tagCountCum = cumulative([]float64{10, 20, 25, 20, 15, 10}) // 0..5 ordinary tags

func newGenerator(cfg Config, m *Manifest) *generator {
	r := rand.New(rand.NewPCG(cfg.Seed, 0x73796e7468657469)) // "synthetic"
	g := &generator{
		cfg:       cfg,
		r:         r,
		vocab:     newVocabulary(),
		authorMix: splitmix(cfg.Seed ^ 0x617574686f72), // "author"
		start:     cfg.Start.Unix(),
		span:      int64(cfg.Days) * 86400,
		spikeDay:  max(1, cfg.Days*2/3),
		m:         m,
	}
	g.tagZipf = rand.NewZipf(r, zipfS, zipfV, uint64(len(g.vocab.tags)-1))
	authors := uint64(max(1, cfg.Videos/6))
	g.authorZipf = rand.NewZipf(r, 1.2, 8, authors-1)
	var w []float64
	for _, v := range familyVariants {
		w = append(w, v.weight)
		i := slices.Index(g.familyNorms, v.norm)
		if i < 0 {
			i = len(g.familyNorms)
			g.familyNorms = append(g.familyNorms, v.norm)
		}
		g.variantNorm = append(g.variantNorm, int8(i))
	}
	g.variantCum = cumulative(w)
	w = w[:0]
	for _, rg := range regions {
		w = append(w, rg.weight)
	}
	g.regionCum = cumulative(w)
	w = w[:0]
	for _, a := range ageBands {
		w = append(w, a.weight)
	}
	g.ageCum = cumulative(w)
	g.v.caption = make([]byte, 0, 256)
	return g
}

func cumulative(w []float64) []float64 {
	c := make([]float64, len(w))
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	acc := 0.0
	for i, x := range w {
		acc += x
		c[i] = acc / sum
	}
	c[len(c)-1] = 1
	return c
}

// pick returns the index chosen by u in [0,1) from a cumulative table.
func pick(cum []float64, u float64) int {
	for i, c := range cum {
		if u < c {
			return i
		}
	}
	return len(cum) - 1
}

// splitmix is SplitMix64's finaliser: a fixed, well-mixed hash of x.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func unitFromHash(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// lognormal draws exp(N(ln median, sigma)) seconds, at least floor and at most
// maxDelay.
func (g *generator) lognormal(median, sigma float64, floor int64) int64 {
	d := int64(median * math.Exp(sigma*g.r.NormFloat64()))
	if d < floor {
		d = floor
	}
	if d > maxDelay {
		d = maxDelay
	}
	return d
}

// nextVideo fills g.v with video number i of n.
func (g *generator) nextVideo(i, n int64) {
	r := g.r
	v := &g.v
	v.num = g.cfg.FirstID + i
	v.created = g.start + int64((float64(i)+r.Float64())*float64(g.span)/float64(n))
	v.day = int((v.created - g.start) / 86400)
	v.style, v.off = g.drawStyle(tsNaiveShare, tsOffsetShare)

	v.author = int64(g.authorZipf.Uint64())
	h := splitmix(uint64(v.author) ^ g.authorMix)
	rg := regions[pick(g.regionCum, unitFromHash(h))]
	h = splitmix(h)
	v.region = rg.code
	v.language = rg.langs[int(h%uint64(len(rg.langs)))]
	h = splitmix(h)
	v.ageBand = ageBands[pick(g.ageCum, unitFromHash(h))].band
	if r.Float64() < missingFieldShare {
		v.region = ""
	}
	if r.Float64() < missingFieldShare {
		v.language = ""
	}

	g.drawTags()
	g.drawViolations()
	if g.m.Stories != nil {
		g.plantStories() // actions.go
	}

	v.views = int64(800 * math.Exp(1.8*r.NormFloat64()))
	v.likes = int64(float64(v.views) * (0.01 + 0.09*r.Float64()))
	v.shares = int64(float64(v.likes) * (0.02 + 0.13*r.Float64()))
	v.comments = int64(float64(v.likes) * (0.01 + 0.09*r.Float64()))
	dur := 25 * math.Exp(0.8*r.NormFloat64())
	v.durationTenths = int64(math.Round(math.Min(600, math.Max(3, dur)) * 10))

	g.drawCaption()
}

func (g *generator) drawStyle(naive, offset float64) (uint8, int16) {
	u := g.r.Float64()
	switch {
	case u < naive:
		return tsNaive, 0
	case u < naive+offset:
		return tsOffset, offsets[g.r.IntN(len(offsets))]
	}
	return tsUTC, 0
}

func (g *generator) drawTags() {
	r := g.r
	v := &g.v
	v.tags = v.tags[:0]
	v.family = false
	v.related = -1
	v.variants[0] = -1
	for i := range v.decoyHit {
		v.decoyHit[i] = false
		v.relHit[i] = false
	}

	rate := familyRate
	if g.imp != nil {
		rate = g.imp.familyRate(v.day)
	}
	if r.Float64() < rate {
		v.family = true
		a := pick(g.variantCum, r.Float64())
		v.tags = append(v.tags, familyVariants[a].raw)
		v.variants[0], v.variants[1] = g.variantNorm[a], -1
		if g.imp != nil {
			g.imp.famByDay[v.day]++
			if g.imp.evades(v.day) {
				v.tags = append(v.tags, evasionTag)
				g.imp.m.EvasionVideos++
			}
		}
		if r.Float64() < 0.10 { // a second, differently normalised spelling
			b := pick(g.variantCum, r.Float64())
			if g.variantNorm[b] != g.variantNorm[a] {
				v.tags = append(v.tags, familyVariants[b].raw)
				v.variants[1], v.variants[2] = g.variantNorm[b], -1
			}
		}
		u := r.Float64()
		acc := 0.0
		for k, rt := range relatedTags {
			acc += rt.familyShare
			if u < acc {
				v.related = k
				v.relHit[k] = true
				v.tags = append(v.tags, rt.tag)
				break
			}
		}
	} else {
		for k, rt := range relatedTags {
			if r.Float64() < rt.background {
				v.relHit[k] = true
				v.tags = append(v.tags, rt.tag)
			}
		}
	}
	for k, d := range decoys {
		if r.Float64() < d.rate {
			v.decoyHit[k] = true
			v.tags = append(v.tags, d.tag)
		}
	}
	v.spiked = r.Float64() < spikeShare
	if v.spiked {
		v.tags = append(v.tags, spikeTag)
	}
	k := pick(tagCountCum, r.Float64())
	if v.family {
		k = min(k, 3)
	}
	for j := 0; j < k; j++ {
		t := int(g.tagZipf.Uint64())
		name := g.vocab.tags[t]
		if r.Float64() < capitalisedShare {
			name = g.vocab.title[t]
		}
		dup := false
		for _, have := range v.tags {
			if len(have) == len(name) && have[0]|0x20 == name[0]|0x20 && have[1:] == name[1:] {
				dup = true
				break
			}
		}
		if !dup {
			v.tags = append(v.tags, name)
		}
	}
	if len(v.tags) > 1 {
		r.Shuffle(len(v.tags), func(i, j int) { v.tags[i], v.tags[j] = v.tags[j], v.tags[i] })
	}
}

// familyDriftWindow is W in the family's drift-corrected draws: a family
// video violates policy p with probability rate + (rate*k - count)/W, where
// k family videos drawn so far hold count violations of p. The realised
// count then stays within a few videos of rate*k, so the raised policies
// stand out at 20,000 videos whatever the seed, while which videos violate
// is still random.
const familyDriftWindow = 8

func (g *generator) drawViolations() {
	v := &g.v
	for p := range policies {
		rate := baseRates[p]
		if v.family {
			if m, ok := familyMultipliers[p]; ok {
				rate *= m
			}
			deficit := rate*float64(g.familySeen) - float64(g.familyPlanted[p])
			rate = min(1, max(0, rate+deficit/familyDriftWindow))
		}
		if g.imp != nil {
			rate = g.imp.rate(p, v.day, v.family, rate)
		}
		if p == spikePolicy && v.spiked {
			rate = spikeRateBefore
			if v.day >= g.spikeDay {
				rate = spikeRateAfter
			}
		}
		v.planted[p] = g.r.Float64() < rate
		if v.family && v.planted[p] {
			g.familyPlanted[p]++
		}
	}
	if v.family {
		g.familySeen++
	}
}

func (g *generator) drawCaption() {
	r := g.r
	v := &g.v
	c := v.caption[:0]
	v.hasCaption = r.Float64() >= emptyCaptionShare
	if v.hasCaption {
		c = append(c, captionOpeners[r.IntN(len(captionOpeners))]...)
		c = append(c, ' ')
		c = append(c, captionSubjects[r.IntN(len(captionSubjects))]...)
		if e := captionEndings[r.IntN(len(captionEndings))]; e != "" {
			c = append(c, ' ')
			c = append(c, e...)
		}
		u := r.Float64()
		switch {
		case u < 0.06:
			c = append(c, ", honestly the best part of the week"...)
		case u < 0.10:
			c = append(c, ` and she called it "perfect"`...)
		case u < 0.13:
			c = append(c, "\nPart 2 tomorrow, stay tuned!"...)
		case u < 0.28:
			c = append(c, ' ')
			c = append(c, captionExtras[r.IntN(len(captionExtras))]...)
		}
		for _, t := range v.tags {
			c = append(c, " #"...)
			c = append(c, t...)
		}
	}
	v.caption = c
}

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
