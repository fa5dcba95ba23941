package synth

// Manifest records what the generator planted and what it realised, so
// that tests and the demo can check an analysis against the truth. It is
// written as manifest.json next to the data. Planted values are the
// parameters of the random draws; realised values are counted in the
// generated data by the data contract's definitions (for example a video
// that was reinstated after appeal is planted as violating but not
// violating by the contract).
type Manifest struct {
	Generator   string `json:"generator"`
	Seed        uint64 `json:"seed"`
	Videos      int64  `json:"videos"`
	Events      int64  `json:"events"` // all event rows, orphans included
	Days        int    `json:"days"`
	Start       string `json:"start"` // RFC 3339, first instant of the period
	End         string `json:"end"`   // RFC 3339, end of the period (exclusive) for created_at
	Format      string `json:"format"`
	Compression string `json:"compression"`
	Files       Files  `json:"files"`

	// Timestamps counts how created_at and event_time values are written:
	// "utc" (…Z), "naive" (no offset) and "offset" (a non-Z offset); all
	// denote the same UTC instants. Parquet holds plain timestamps instead.
	Timestamps map[string]int64 `json:"timestamps"`

	Family      Family           `json:"family"`
	Decoys      []string         `json:"decoys"`
	DecoyVideos map[string]int64 `json:"decoy_videos"` // videos carrying each decoy
	// RelatedTags are ranked by planted strength, strongest first.
	RelatedTags []string     `json:"related_tags"`
	Related     []RelatedTag `json:"related"`

	Policies       []string           `json:"policies"`
	BaseRates      map[string]float64 `json:"base_rates"`
	RaisedPolicies map[string]float64 `json:"raised_policies"` // family multiplier of the base rate
	EqualPolicies  []string           `json:"equal_policies"`  // family rate equals the base rate

	Spike Spike `json:"spike"`

	// Flows are the planted parameters of the event flows (shares of
	// violations, removals or events; see the package documentation).
	Flows map[string]float64 `json:"flows"`

	OrphanEvents   int64            `json:"orphan_events"`
	OrphanVideoIDs []string         `json:"orphan_video_ids_sample"` // up to 10 of them
	EventsByType   map[string]int64 `json:"events_by_type"`

	// Outcomes are per policy over all videos (family included).
	Outcomes map[string]PolicyOutcome `json:"outcomes"`

	OrdinaryTags int `json:"ordinary_tags"` // size of the ordinary tag vocabulary

	// Impact is set when the optional exports were written (optional.go).
	Impact *Impact `json:"impact,omitempty"`
	// Stories is set when the sweep or watch stories were planted (actions.go).
	Stories *Stories `json:"stories,omitempty"`
}

// Files names the written files (Dir joined with the file name).
type Files struct {
	Videos   string `json:"videos"`
	Events   string `json:"events"`
	Manifest string `json:"manifest"`
}

// Family describes the planted tag family.
type Family struct {
	SeedTag string `json:"seed_tag"`
	// Variants are the raw spellings written into the data (without '#');
	// VariantKinds says what kind of variant each is.
	Variants     []string `json:"variants"`
	VariantKinds []string `json:"variant_kinds"`
	// Normalised are the distinct normalised forms of Variants: the tags an
	// investigator should accept into the tag set.
	Normalised []string `json:"normalised"`
	Rate       float64  `json:"rate"`   // planted share of videos with a family tag
	Videos     int64    `json:"videos"` // videos carrying at least one family tag
	// VariantVideos counts videos per normalised form.
	VariantVideos map[string]int64 `json:"variant_videos"`
	// Outcomes are per policy over family videos.
	Outcomes map[string]PolicyOutcome `json:"outcomes"`
}

// RelatedTag describes a tag planted to co-occur with the family.
type RelatedTag struct {
	Tag            string  `json:"tag"`
	FamilyShare    float64 `json:"family_share"`    // planted share of family videos carrying it
	BackgroundRate float64 `json:"background_rate"` // planted share of other videos carrying it
	FamilyVideos   int64   `json:"family_videos"`   // realised
	Videos         int64   `json:"videos"`          // realised, all videos
}

// Spike describes the tag whose violation rate jumps on one day.
type Spike struct {
	Tag         string  `json:"tag"`
	Policy      string  `json:"policy"`
	Day         string  `json:"day"`       // YYYY-MM-DD (UTC), first day at the raised rate
	DayIndex    int     `json:"day_index"` // days after Start
	RateBefore  float64 `json:"rate_before"`
	RateAfter   float64 `json:"rate_after"`
	VolumeShare float64 `json:"volume_share"` // planted share of videos carrying the tag, every day

	VideosBefore    int64 `json:"videos_before"`    // realised, created before Day
	ViolatingBefore int64 `json:"violating_before"` // violating for Policy, by the contract
	VideosAfter     int64 `json:"videos_after"`     // created on or after Day
	ViolatingAfter  int64 `json:"violating_after"`
}

// PolicyOutcome counts outcomes for one policy over a set of videos, by the
// data contract's definitions.
type PolicyOutcome struct {
	Videos     int64 `json:"videos"`     // the denominator: videos in the set
	Planted    int64 `json:"planted"`    // drawn as violating (before appeals)
	Violating  int64 `json:"violating"`  // violating by the contract
	Reinstated int64 `json:"reinstated"` // has a reinstatement
	Removed    int64 `json:"removed"`    // has an enforcement with action removed
	Proactive  int64 `json:"proactive"`  // removed with no report at or before removed_at
	Within24h  int64 `json:"within_24h"` // removed_at - created_at <= 24 h
	Escalated  int64 `json:"escalated"`  // has an escalation with action escalated_lert
	Reviewed   int64 `json:"reviewed"`   // has a review for the policy
}
