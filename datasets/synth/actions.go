package synth

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// The stories of trendlab sweep and trendlab watch (issue 12), planted
// only when asked (Config.SweepStory, Config.Evasion, Config.Rise), so the
// default data stays byte for byte what it was.
//
// Sweep story: three more tags co-occur with the family, as relatedTags do.
// Two carry raised violation rates of their own (on videos outside the
// family); one does not. A sweep of the family's related tags, with the
// family's videos left out, flags the two and not the third, nor the
// relatedTags, whose own videos are at base rates.
//
// Watch story: a later export (Config.FirstID past the earlier one's ids)
// in which the family's videos sometimes carry a new evasion spelling
// (Config.Evasion, e.g. "0m3gle") and the family's minor_safety rate rises
// by Config.Rise. Importing it fires a watch's new-spelling and rate rules;
// a later export without them fires nothing.

// sweepStoryTags are the sweep story's tags. policy < 0: not raised.
var sweepStoryTags = []struct {
	tag         string
	familyShare float64 // chance a family video carries it
	background  float64 // chance another video carries it
	policy      int
	multiplier  float64 // of the base rate, on its non-family videos
}{
	{"anonchat", 0.10, 0.004, polMinorSafety, 5},
	{"camroulette", 0.08, 0.003, polBullying, 3},
	{"chatroulette", 0.10, 0.004, -1, 1},
}

// storyEvasionShare is the share of family videos that carry Config.Evasion in
// place of their family spelling.
const storyEvasionShare = 0.3

// Stories records what the stories planted (Manifest.Stories).
type Stories struct {
	// SweepRaised maps the sweep story's raised tags to their raised
	// policy; SweepNotRaised lists the related tags at base rates.
	SweepRaised    map[string]string `json:"sweep_raised,omitempty"`
	SweepNotRaised []string          `json:"sweep_not_raised,omitempty"`
	SweepVideos    map[string]int64  `json:"sweep_videos,omitempty"`
	// Evasion is the evasion spelling and the videos carrying it.
	Evasion       string `json:"evasion,omitempty"`
	EvasionVideos int64  `json:"evasion_videos,omitempty"`
	// Rise multiplies the family's RisePolicy rate in this export.
	Rise       float64 `json:"rise,omitempty"`
	RisePolicy string  `json:"rise_policy,omitempty"`
	FirstID    int64   `json:"first_id,omitempty"`
}

// storyMix keys the hashes that choose the sweep story's videos.
const storyMix = 0x73746f7279 // "story"

// newStories returns the stories cfg asks for, or nil.
func newStories(cfg Config) *Stories {
	if !cfg.SweepStory && cfg.Evasion == "" && cfg.Rise == 0 && cfg.FirstID == 0 {
		return nil
	}
	s := &Stories{Evasion: cfg.Evasion, Rise: cfg.Rise, FirstID: cfg.FirstID}
	if cfg.Rise != 0 {
		s.RisePolicy = policies[polMinorSafety]
	}
	if cfg.SweepStory {
		s.SweepRaised, s.SweepVideos = map[string]string{}, map[string]int64{}
		for _, t := range sweepStoryTags {
			if t.policy >= 0 {
				s.SweepRaised[t.tag] = policies[t.policy]
			} else {
				s.SweepNotRaised = append(s.SweepNotRaised, t.tag)
			}
		}
		for _, t := range relatedTags {
			s.SweepNotRaised = append(s.SweepNotRaised, t.tag)
		}
	}
	return s
}

// plantStories runs after the video's tags and violations are drawn and
// before its caption: it adds the story tags, swaps in the evasion
// spelling and raises violations as the stories say.
func (g *generator) plantStories() {
	s, v, cfg := g.m.Stories, &g.v, g.cfg
	if cfg.SweepStory {
		h := splitmix(uint64(v.num) ^ storyMix)
		u := unitFromHash(h)
		acc := 0.0
		for _, t := range sweepStoryTags {
			h = splitmix(h)
			hit := false
			if v.family {
				acc += t.familyShare
				hit = u < acc && u >= acc-t.familyShare
			} else {
				hit = unitFromHash(h) < t.background
			}
			if !hit {
				continue
			}
			v.tags = append(v.tags, t.tag)
			s.SweepVideos[t.tag]++
			if !v.family && t.policy >= 0 {
				g.raise(t.policy, baseRates[t.policy], t.multiplier)
			}
		}
	}
	if !v.family {
		return
	}
	if cfg.Evasion != "" && g.r.Float64() < storyEvasionShare {
		for i, t := range v.tags {
			if isFamilySpelling(t) {
				v.tags[i] = cfg.Evasion
				v.variants[0] = -1
				s.EvasionVideos++
				break
			}
		}
	}
	if cfg.Rise > 1 {
		g.raise(polMinorSafety, baseRates[polMinorSafety]*familyMultipliers[polMinorSafety], cfg.Rise)
	}
}

// raise plants policy p's violation with the chance that takes its rate
// from rate to rate*m, given the draw at rate already made.
func (g *generator) raise(p int, rate, m float64) {
	if g.v.planted[p] || rate >= 1 {
		return
	}
	if g.r.Float64() < (min(1, rate*m)-rate)/(1-rate) {
		g.v.planted[p] = true
	}
}

func isFamilySpelling(t string) bool {
	for _, f := range familyVariants {
		if f.raw == t {
			return true
		}
	}
	return false
}

// checkStories refuses story settings that would not give a valid export.
func (cfg Config) checkStories() error {
	switch {
	case cfg.FirstID < 0 || cfg.FirstID > 9e9:
		return fmt.Errorf("synth: the first id must be between 0 and 9000000000 (got %d)", cfg.FirstID)
	case cfg.Rise < 0:
		return fmt.Errorf("synth: the rise must be a positive factor, e.g. 2 (got %v)", cfg.Rise)
	case cfg.Evasion != "" && (strings.ContainsAny(cfg.Evasion, " ,#\"\t\r\n") || !utf8.ValidString(cfg.Evasion)):
		return fmt.Errorf("synth: the evasion spelling %q must be one hashtag without '#', spaces, commas or quotes", cfg.Evasion)
	}
	return nil
}
