package synth

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// The optional exports (Config.Optional): views_daily, search_daily and
// interventions, with the truths of the impact analyses planted in them
// and in the videos and events. Draws for these come from a second PCG
// stream, so only the family's daily share and one policy's daily rate
// change the main stream's outcomes.
//
// What is planted (all recorded in Manifest.Impact):
//   - the family's daily share of uploads rises exponentially from 0.4x
//     to 1.6x of familyRate over the period, with AR(1) day-to-day shocks;
//   - assocPolicy's violation rate among non-family videos on day t is
//     its base rate times (family videos on day t-assocLag) / (expected
//     family videos per day): a linear, lagged association with slope
//     AssociationSlope per family video; nullPolicy has none;
//   - not_recommended on the family at day Days*3/4: the family's for_you
//     views fall by notRecDrop while every video's for_you views fall by
//     platformDip on the same day (a platform-wide change that a
//     comparison must not credit to the intervention);
//   - autocomplete_restricted on the family's terms at day Days/2: the
//     autocomplete share of searches for them falls from acShareBefore to
//     acShareAfter and searches fall by acSearchDrop; from evasionDelay
//     days later the spelling evasionTag appears in searches and, beside
//     the family spelling, on impEvasionShare of family videos.
const (
	volumeLow, volumeHigh = 0.4, 1.6
	volumeShockPhi        = 0.5
	volumeShockSD         = 0.2
	assocPolicy           = polBullying
	nullPolicy            = polHateSpeech
	assocLag              = 2
	notRecDrop            = 0.70
	platformDip           = 0.15
	acShareBefore         = 0.45
	acShareAfter          = 0.05
	acSearchDrop          = 0.30
	evasionTag            = "omeggle"
	evasionDelay          = 3
	impEvasionShare       = 0.30
	forYouShare           = 0.60
)

// searchTerms are the family spellings people search for (normalised),
// with their share of the family's searches.
var searchTerms = []struct {
	q     string
	share float64
}{{"omegle", 0.7}, {"omegel", 0.1}, {"0megle", 0.08}, {"omeglefunny", 0.07}, {"omegle chat", 0.05}}

// otherSurfaces are the surfaces besides for_you; a video's other views
// on a day go to one of them.
var otherSurfaces = []string{"following", "search", "hashtag_page", "profile", "external", "other"}

// Impact is the manifest section for the optional exports.
type Impact struct {
	Files OptionalFiles `json:"files"`

	// VolumeLow and VolumeHigh are the planted multipliers of the family's
	// share of uploads at the first and last day (before the shocks).
	VolumeLow   float64 `json:"volume_low"`
	VolumeHigh  float64 `json:"volume_high"`
	FamilyByDay []int64 `json:"family_by_day"` // realised family videos per day

	AssociatedPolicy string  `json:"associated_policy"`
	AssociationLag   int     `json:"association_lag_days"`
	AssociationSlope float64 `json:"association_slope"` // platform rate change per extra family video on day t-lag
	NullPolicy       string  `json:"null_policy"`

	NotRecommended Intervention `json:"not_recommended"`
	ForYouDrop     float64      `json:"for_you_drop"` // family's for_you fall against the rest of the platform
	PlatformDip    float64      `json:"platform_dip"` // every video's for_you fall on the same day

	Autocomplete     Intervention `json:"autocomplete_restricted"`
	SearchTerms      []string     `json:"search_terms"`
	ACShareBefore    float64      `json:"autocomplete_share_before"`
	ACShareAfter     float64      `json:"autocomplete_share_after"`
	SearchDrop       float64      `json:"search_drop"`
	EvasionTag       string       `json:"evasion_tag"`
	EvasionFirstDay  string       `json:"evasion_first_day"`
	EvasionVideos    int64        `json:"evasion_videos"`
	EvasionSearches  int64        `json:"evasion_searches"`
	ViewRows         int64        `json:"view_rows"`
	SearchRows       int64        `json:"search_rows"`
	InterventionRows int64        `json:"intervention_rows"`
}

// Intervention is one planted intervention.
type Intervention struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Target   string `json:"target"`
	Day      string `json:"day"` // YYYY-MM-DD, first day in force
	DayIndex int    `json:"day_index"`
}

// OptionalFiles names the written optional exports.
type OptionalFiles struct {
	Views         string `json:"views"`
	Searches      string `json:"searches"`
	Interventions string `json:"interventions"`
}

// OptionalWriters receive the optional exports (always CSV, in the
// configured CSV compression) when Config.Optional is set.
type OptionalWriters struct {
	Views, Searches, Interventions io.Writer
}

// File names of the optional exports inside Config.Dir.
const (
	ViewsBase         = "views_daily"
	SearchesBase      = "search_daily"
	InterventionsBase = "interventions"
)

// impact is the generator state for the optional exports.
type impact struct {
	cfg      Config
	r        *rand.Rand
	factor   []float64 // planted family share multiplier per day
	famByDay []int64
	perDay   float64 // expected family videos per day at factor 1
	notRec   int     // day index of not_recommended
	acDay    int     // day index of autocomplete_restricted
	views    *stream
	queries  []string // ordinary search queries, the autocomplete comparison
	m        *Impact
	buf      []byte
}

func newImpact(cfg Config, vocab *vocabulary, out OptionalWriters, m *Impact) (*impact, error) {
	imp := &impact{
		cfg:      cfg,
		r:        rand.New(rand.NewPCG(cfg.Seed, 0x696d70616374)), // "impact"
		famByDay: make([]int64, cfg.Days),
		perDay:   float64(cfg.Videos) / float64(cfg.Days) * familyRate,
		notRec:   cfg.Days * 3 / 4,
		acDay:    cfg.Days / 2,
		m:        m,
	}
	for k := range 20 {
		imp.queries = append(imp.queries, vocab.tags[k*7])
	}
	s := 0.0
	for d := range cfg.Days {
		s = volumeShockPhi*s + volumeShockSD*imp.r.NormFloat64()
		// Exponential growth: linear on the log scale the analyses fit.
		trend := volumeLow * math.Pow(volumeHigh/volumeLow, float64(d)/float64(max(1, cfg.Days-1)))
		imp.factor = append(imp.factor, trend*math.Exp(s))
	}
	csv := cfg
	csv.Format = FormatCSV
	if cfg.Format == FormatParquet {
		csv.Compression = CompressNone
	}
	var err error
	if imp.views, err = newStream(csv, out.Views); err != nil {
		return nil, err
	}
	imp.views.w.WriteString("video_id,date,surface,views\n")
	day := func(i int) string { return cfg.Start.AddDate(0, 0, i).Format(time.DateOnly) }
	*m = Impact{
		VolumeLow: volumeLow, VolumeHigh: volumeHigh,
		AssociatedPolicy: policies[assocPolicy], AssociationLag: assocLag,
		AssociationSlope: baseRates[assocPolicy] / imp.perDay,
		NullPolicy:       policies[nullPolicy],
		NotRecommended:   Intervention{ID: "int-nr-1", Kind: "not_recommended", Target: familySeed, Day: day(imp.notRec), DayIndex: imp.notRec},
		ForYouDrop:       notRecDrop, PlatformDip: platformDip,
		Autocomplete:  Intervention{ID: "int-ac-1", Kind: "autocomplete_restricted", Target: familySeed, Day: day(imp.acDay), DayIndex: imp.acDay},
		ACShareBefore: acShareBefore, ACShareAfter: acShareAfter, SearchDrop: acSearchDrop,
		EvasionTag: evasionTag, EvasionFirstDay: day(min(cfg.Days-1, imp.acDay+evasionDelay)),
	}
	for _, t := range searchTerms {
		m.SearchTerms = append(m.SearchTerms, t.q)
	}
	return imp, nil
}

// familyRate is the chance that a video created on day d carries a
// family tag.
func (imp *impact) familyRate(d int) float64 { return min(0.5, familyRate*imp.factor[d]) }

// evades reports whether a family video on day d also carries the
// evasion spelling.
func (imp *impact) evades(d int) bool {
	return d >= imp.acDay+evasionDelay && imp.r.Float64() < impEvasionShare
}

// rate is the violation rate of policy p for a video on day d.
func (imp *impact) rate(p int, d int, family bool, base float64) float64 {
	if p != assocPolicy || family {
		return base
	}
	vol := imp.perDay
	if d >= assocLag {
		vol = float64(imp.famByDay[d-assocLag])
	}
	return min(0.5, base*vol/imp.perDay)
}

// writeViews writes the video's views_daily rows: on 1 to 3 days from
// its creation, for_you views and one other surface's views.
func (imp *impact) writeViews(v *video) error {
	r := imp.r
	base := 120 * math.Exp(1.2*r.NormFloat64())
	days := 1 + r.IntN(3)
	for j := 0; j < days && v.day+j < imp.cfg.Days; j++ {
		d := v.day + j
		total := base * math.Pow(0.5, float64(j))
		fy := total * forYouShare
		if d >= imp.notRec {
			fy *= 1 - platformDip
			if v.family {
				fy *= 1 - notRecDrop
			}
		}
		date := imp.cfg.Start.AddDate(0, 0, d).Format(time.DateOnly)
		for k, surface := range []string{"for_you", otherSurfaces[r.IntN(len(otherSurfaces))]} {
			n := fy
			if k == 1 {
				n = total * (1 - forYouShare)
			}
			views := int64(math.Round(n * (0.8 + 0.4*r.Float64())))
			if views == 0 {
				continue
			}
			b := appendPadded(imp.buf[:0], 'v', v.num+1, videoIDWidth)
			b = append(b, ',')
			b = append(b, date...)
			b = append(b, ',')
			b = append(b, surface...)
			b = append(b, ',')
			b = strconv.AppendInt(b, views, 10)
			b = append(b, '\n')
			imp.buf = b
			if _, err := imp.views.w.Write(b); err != nil {
				return err
			}
			imp.m.ViewRows++
		}
	}
	return nil
}

// finish writes search_daily and interventions and closes the views.
func (imp *impact) finish(out OptionalWriters) error {
	if err := imp.views.close(); err != nil {
		return err
	}
	imp.m.FamilyByDay = imp.famByDay
	csv := imp.cfg
	csv.Format = FormatCSV
	if imp.cfg.Format == FormatParquet {
		csv.Compression = CompressNone
	}
	ss, err := newStream(csv, out.Searches)
	if err != nil {
		return err
	}
	w := ss.w
	w.WriteString("date,query,searches,via_autocomplete\n")
	r := imp.r
	row := func(d int, q string, searches float64, share float64) {
		// Stochastic rounding keeps the realised autocomplete share
		// unbiased for the planted one at any volume.
		n := int64(searches*(0.85+0.3*r.Float64()) + r.Float64())
		if n <= 0 {
			return
		}
		ac := int64(float64(n)*share + r.Float64())
		fmt.Fprintf(w, "%s,%s,%d,%d\n", imp.cfg.Start.AddDate(0, 0, d).Format(time.DateOnly), q, n, min(ac, n))
		imp.m.SearchRows++
		if q == evasionTag {
			imp.m.EvasionSearches += n
		}
	}
	perVideo := 40.0 // searches per expected family video that day
	for d := range imp.cfg.Days {
		// Interest follows the family's planted share (trend and shocks),
		// not the day's realised uploads.
		fam := imp.perDay * imp.factor[d] * perVideo
		share := acShareBefore
		if d >= imp.acDay {
			share, fam = acShareAfter, fam*(1-acSearchDrop)
		}
		for _, t := range searchTerms {
			row(d, t.q, fam*t.share, share)
		}
		if d >= imp.acDay+evasionDelay {
			grow := math.Min(1, float64(d-imp.acDay-evasionDelay+1)/7)
			row(d, evasionTag, fam*0.25*grow, 0)
		}
		// Ordinary queries: a steady autocomplete share, the comparison.
		for k, q := range imp.queries {
			row(d, q, perVideo*imp.perDay/float64(k+2), acShareBefore)
		}
	}
	if err := ss.close(); err != nil {
		return err
	}
	is, err := newStream(csv, out.Interventions)
	if err != nil {
		return err
	}
	is.w.WriteString("intervention_id,kind,target,started_at,ended_at,note\n")
	for _, iv := range []Intervention{imp.m.Autocomplete, imp.m.NotRecommended} {
		fmt.Fprintf(is.w, "%s,%s,%s,%sT00:00:00Z,,planted by trendlab synth\n", iv.ID, iv.Kind, iv.Target, iv.Day)
		imp.m.InterventionRows++
	}
	// One on an unrelated term, which the tag set's analyses must ignore.
	fmt.Fprintf(is.w, "int-other-1,sensitive_words,%s,%sT00:00:00Z,,unrelated\n", decoys[0].tag, imp.cfg.Start.AddDate(0, 0, imp.cfg.Days/3).Format(time.DateOnly))
	imp.m.InterventionRows++
	return is.close()
}
