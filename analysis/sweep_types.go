package analysis

import (
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// Adjustment methods of a sweep's p-values.
const (
	AdjustBH   = "Benjamini-Hochberg"
	AdjustHolm = "Holm"
)

// SweepOrdering states how swept tags are ranked.
const SweepOrdering = "tags with a policy rate significantly above the baseline (adjusted p < alpha) first, " +
	"by the largest lower confidence bound of the risk ratio among those policies; " +
	"then the others by their largest risk ratio; ties by videos"

// SweepRequest says which tags to sweep and how.
type SweepRequest struct {
	// RelatedTo is a saved tag set or a hashtag whose related tags are
	// swept, Top of them (as Investigate ranks them).
	RelatedTo string `json:"related_to,omitempty"`
	Top       int    `json:"top,omitempty"`
	// KeepSeed keeps the seed's videos in each related tag and in the
	// baseline; by default they are left out of both.
	KeepSeed bool `json:"keep_seed,omitempty"`
	// Tags are hashtags to sweep, each with its variants (MinScore).
	Tags []string `json:"tags,omitempty"`
	// TagSets are saved tag sets to sweep, with their saved decisions.
	TagSets []string `json:"tag_sets,omitempty"`

	Policies []string `json:"policies,omitempty"`
	// Period bounds the videos by creation day (both inclusive; zero: open).
	datasets.Period
	MinScore   float64 `json:"min_score"`
	Confidence float64 `json:"confidence"`
	Alpha      float64 `json:"alpha"`
	Power      float64 `json:"power"`
	Adjust     string  `json:"adjust"` // AdjustBH (default) or AdjustHolm
	// Margin is the risk ratio's equivalence margin (default investigate's).
	Margin Margin           `json:"margin"`
	Now    func() time.Time `json:"-"`
	// Progress, if set, is told which step of the sweep starts (done of
	// total steps finished), and once when all are.
	Progress func(step string, done, total int) `json:"-"`
}

// Sweep is the answer to a SweepRequest.
type Sweep struct {
	DocumentVersion int          `json:"document_version"`
	GeneratedAt     time.Time    `json:"generated_at"`
	Request         SweepRequest `json:"request"`
	Provenance      Provenance   `json:"provenance"`
	Period          Period       `json:"period"`
	Confidence      float64      `json:"confidence"`
	IntervalMethod  string       `json:"interval_method"`
	// Seed is the tag set whose related tags were swept (RelatedTo).
	Seed *SweepSeed `json:"seed,omitempty"`
	// Baseline says what each tag is compared with.
	Baseline     string   `json:"baseline"`
	Policies     []string `json:"policies"`
	AdjustMethod string   `json:"adjust_method"`
	// Tests is the size of the adjusted family: tags x policies tested.
	Tests    int        `json:"tests"`
	Ordering string     `json:"ordering"`
	Tags     []SweptTag `json:"tags"`
	Notes    []string   `json:"notes"`
}

// SweepSeed describes the seed of a related-tags sweep.
type SweepSeed struct {
	Name     string   `json:"name,omitempty"` // saved tag set, if one
	Seed     string   `json:"seed"`
	Accepted []string `json:"accepted"`
	Videos   int64    `json:"videos"`
	Excluded bool     `json:"excluded"` // its videos are left out of each tag and the baseline
}

// SweptTag is one tag's row of a sweep.
type SweptTag struct {
	Rank int    `json:"rank"`
	Tag  string `json:"tag"`
	// Source is "related", "list" or "tagset".
	Source string `json:"source"`
	// Accepted are the tags whose videos count: the tag and its variants.
	Accepted []string `json:"accepted"`
	Videos   int64    `json:"videos"`
	// Related is the tag's co-occurrence with the seed (RelatedTo only).
	Related *RelatedTag `json:"related,omitempty"`
	// Rates per policy against the baseline; p-values adjusted across the
	// whole sweep.
	Rates   []PolicyRate   `json:"rates"`
	Removal []SweepRemoval `json:"removal"`
	Trend   SweepTrend     `json:"trend"`
	// Flagged lists the policies whose rate is significantly higher.
	Flagged []string `json:"flagged"`
	// Risk is the ordering key's value: the flagged policies' largest
	// lower bound of the risk ratio, else the largest risk ratio.
	Risk Num `json:"risk"`
}

// SweepRemoval is a tag's removal metrics for one policy.
type SweepRemoval struct {
	Policy    string     `json:"policy"`
	Removals  int64      `json:"removals"`
	Proactive Proportion `json:"proactive"`  // of removals
	Within24h Proportion `json:"within_24h"` // of removals
}

// SweepTrend compares a tag's share of the period's videos in its last
// days with its share before (Poisson rate ratio, score test).
type SweepTrend struct {
	RecentDays   int     `json:"recent_days"`
	RecentVideos int64   `json:"recent_videos"`
	EarlyVideos  int64   `json:"early_videos"`
	Ratio        Num     `json:"ratio"` // recent share / earlier share
	PValue       float64 `json:"p_value"`
	Method       string  `json:"method"`
	Daily        []int64 `json:"daily"`
}
