package synth

import (
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
