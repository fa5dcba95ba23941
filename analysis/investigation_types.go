package analysis

import (
	"database/sql"
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// This file holds the result of an investigation: plain Go values with
// stable, snake_case JSON field names. Front ends (the CLI, the TUI, the
// notebooks) render these values; they never recompute them. JSON.md beside
// this file documents every field of the JSON document.

// DocumentVersion is the version of the Investigation JSON document. It
// changes only when a field is removed or changes meaning; new fields may be
// added without a change.
const DocumentVersion = 1

// Request says what to investigate. The zero value of every optional field
// takes the documented default (see Request.withDefaults).
type Request struct {
	// Tag is the seed hashtag, with or without '#'; it is normalised like
	// every hashtag (datasets.NormalizeTag).
	Tag string `json:"tag"`
	// Variants, when not empty, is the explicit list of tags in the set
	// (the seed is always included); variant discovery still runs so the
	// candidates are reported, but only these are accepted.
	Variants []string `json:"variants,omitempty"`
	// TagSet names a tag set saved in the workspace; its accepted variants
	// are used (Tag may then be empty).
	TagSet string `json:"tag_set,omitempty"`
	// SaveAs saves the resulting tag set definition under this name
	// (the workspace must be writable).
	SaveAs string `json:"save_as,omitempty"`
	// MinScore is the score at or above which a discovered variant is
	// accepted without the investigator's decision. Default 0.6.
	MinScore float64 `json:"min_score"`
	// IncludeCaptions adds videos whose caption mentions the seed or an
	// accepted variant as a word, even without the hashtag.
	IncludeCaptions bool `json:"include_captions"`
	// Policies restricts the policies reported; empty means every policy
	// found in the workspace's outcomes.
	Policies []string `json:"policies,omitempty"`
	// Period bounds the videos by creation day, Since and Until both
	// inclusive (UTC). A zero bound means the first / last day in the data.
	datasets.Period
	// Baseline is "rest" (default: every other video in the period) or
	// "tagset:NAME" (the videos of another saved tag set, minus this one's).
	Baseline string `json:"baseline"`
	// ChangeDate is the day for the before/after comparison; zero means the
	// day of the most significant changepoint found in the tag set.
	ChangeDate time.Time `json:"change_date,omitzero"`
	// Confidence of every interval. Default 0.95.
	Confidence float64 `json:"confidence"`
	// Alpha is the significance level for tests (after adjustment). Default 0.05.
	Alpha float64 `json:"alpha"`
	// Power for the minimum detectable effect. Default 0.8.
	Power float64 `json:"power"`
	// Permutations for the changepoint p-values. Default 999.
	Permutations int `json:"permutations"`
	// Seed makes permutation p-values reproducible. Default 1.
	Seed uint64 `json:"seed"`
	// Margin is the equivalence margin of the risk ratio: a difference
	// inside it is not material. Default DefaultMargin, [0.8, 1.25].
	Margin Margin `json:"margin"`
	// RelatedLimit caps the related tags listed. Default 20.
	RelatedLimit int `json:"related_limit"`
	// RelatedMinVideos is the least number of tag-set videos a tag must
	// share with the set to be considered. Default 5.
	RelatedMinVideos int64 `json:"related_min_videos"`
	// RelatedMinSupport is the least share of tag-set videos a related tag
	// must appear on. Default 0.01.
	RelatedMinSupport float64 `json:"related_min_support"`

	// Now stamps GeneratedAt; nil means time.Now. Tests fix it.
	Now func() time.Time `json:"-"`
	// Conn, when set, is the connection the investigation runs on (a
	// report's, whose later statements read what it leaves there); nil
	// takes one of the workspace's own.
	Conn *sql.Conn `json:"-"`
	// KeepSetIDs, when set, names a temporary table the investigation
	// leaves on Conn with the ids of the tag set's videos of the period
	// (DuckDB only: engine.SetKeeper), so that the caller need not find
	// them again.
	KeepSetIDs string `json:"-"`
}

// Investigation is the whole answer to a Request.
type Investigation struct {
	DocumentVersion int       `json:"document_version"`
	GeneratedAt     time.Time `json:"generated_at"`
	Request         Request   `json:"request"`
	// Provenance names the workspace state the numbers come from.
	Provenance Provenance `json:"provenance"`
	Period     Period     `json:"period"`
	// Confidence of every interval in the document, e.g. 0.95.
	Confidence float64 `json:"confidence"`
	// IntervalMethod names the method of every proportion interval.
	IntervalMethod string   `json:"interval_method"`
	TagSet         TagSet   `json:"tag_set"`
	Baseline       Baseline `json:"baseline"`
	// Policies lists the policies reported, in the order of Rates.
	Policies []string `json:"policies"`
	// Rates are the violation-rate rows of Metrics, one per policy.
	Rates []PolicyRate `json:"rates"`
	// Metrics compares every monitoring metric (Metrics: report,
	// automated-flag, reported-or-flagged, violation, removal, escalation
	// and reinstatement rate) per policy, metric by metric; their p-values
	// are adjusted as one family.
	Metrics []MetricRate `json:"metrics"`
	// AnyPolicy compares the share of videos violating at least one
	// policy (policy "any"); its p-value is not part of the Holm family
	// (p_adjusted equals p_value, adjust_method "none").
	AnyPolicy PolicyRate `json:"any_policy"`
	Trend     Trend      `json:"trend"`
	Related   Related    `json:"related"`
	Removal   []Removal  `json:"removal"`
	Funnel    []Funnel   `json:"funnel"`
	// Notes are warnings and explanations a reader should see (empty set,
	// tiny counts, a variant accepted by the investigator's list).
	Notes []string `json:"notes"`
}

// Provenance identifies the workspace and the imports behind the numbers.
type Provenance struct {
	Workspace       string `json:"workspace"`
	SchemaVersion   int    `json:"schema_version"`
	TrendlabVersion string `json:"trendlab_version"`
	// Videos and Events are the row counts of the workspace tables.
	Videos  int64          `json:"videos"`
	Events  int64          `json:"events"`
	Imports []ImportRecord `json:"imports"`
}

// ImportRecord is one row of the workspace's imports table.
type ImportRecord = datasets.ImportRecord

// Period is the range of video creation days investigated, both inclusive.
type Period struct {
	Since string `json:"since"` // YYYY-MM-DD
	Until string `json:"until"` // YYYY-MM-DD
	Days  int    `json:"days"`
}

// TagSet is the set of videos under investigation and how it was defined.
type TagSet struct {
	// Name is the saved tag set's name, or empty when not saved.
	Name string `json:"name,omitempty"`
	Seed string `json:"seed"`
	// Source says how the accepted variants were chosen: "score" (accepted
	// at or above MinScore), "explicit" (--variants) or "saved" (a tag set
	// saved in the workspace).
	Source          string  `json:"source"`
	MinScore        float64 `json:"min_score"`
	IncludeCaptions bool    `json:"include_captions"`
	// Accepted are the normalised tags whose videos form the set, seed first.
	Accepted []string `json:"accepted"`
	// Candidates are every look-alike tag found in the data, accepted or
	// rejected, best score first.
	Candidates []Variant `json:"candidates"`
	// Videos in the set within the period (distinct).
	Videos int64 `json:"videos"`
	// CaptionOnlyVideos of those are in the set only through their caption.
	CaptionOnlyVideos int64 `json:"caption_only_videos"`
}

// Variant is a tag in the data that resembles the seed.
type Variant struct {
	// Tag is the normalised tag (the form stored in video_tags.tag).
	Tag string `json:"tag"`
	// Videos carrying the tag (distinct, whole workspace).
	Videos int64 `json:"videos"`
	// RawForms are the spellings as written, most frequent first (at most 5).
	RawForms []RawForm `json:"raw_forms"`
	// Reasons it matched, e.g. "seed", "case fold", "width fold (NFKC)",
	// "leetspeak", "confusable characters", "transposition",
	// "edit distance 1 of 6", "compound: seed as prefix".
	Reasons []string `json:"reasons"`
	// Score in [0, 1]: how likely a spelling of the seed rather than another
	// word. 1 for the seed itself.
	Score float64 `json:"score"`
	// Status is "accepted" or "rejected".
	Status string `json:"status"`
	// DecidedBy is "score" (MinScore), "explicit" (the request's list) or
	// "saved" (a decision saved in the workspace's tag set).
	DecidedBy string `json:"decided_by"`
	// Lookalike marks a tag that resembles the seed but is judged another
	// word (score below MinScore), e.g. "omega" for "omegle".
	Lookalike bool `json:"lookalike"`
}

// RawForm is one spelling of a tag as written, with its occurrence count.
type RawForm struct {
	Raw   string `json:"raw"`
	Count int64  `json:"count"`
}

// Baseline is the comparison group.
type Baseline struct {
	// Kind is "rest" (every video in the period not in the tag set) or
	// "tagset" (a saved tag set's videos not in this tag set).
	Kind        string `json:"kind"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description"`
	Videos      int64  `json:"videos"`
}

// Interval is a confidence interval.
type Interval struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
}

// Proportion is x of n with its point estimate and interval (Wilson score
// unless the document says otherwise). P is 0 and CI [0, 1] when N is 0.
type Proportion struct {
	X  int64    `json:"x"`
	N  int64    `json:"n"`
	P  float64  `json:"p"`
	CI Interval `json:"ci"`
}

// Num is a float64 that may be undefined (NaN or infinite, e.g. a risk
// ratio with a zero denominator). It marshals to JSON null when undefined
// and unmarshals null to NaN.
type Num float64

// Valid reports whether n is a finite number.
func (n Num) Valid() bool { return !math.IsNaN(float64(n)) && !math.IsInf(float64(n), 0) }

// MarshalJSON writes null for an undefined number.
func (n Num) MarshalJSON() ([]byte, error) {
	if !n.Valid() {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(n), 'g', -1, 64), nil
}

// UnmarshalJSON reads null as NaN.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Num(f)
	return nil
}

// NumInterval is an interval whose ends may be undefined.
type NumInterval struct {
	Lo Num `json:"lo"`
	Hi Num `json:"hi"`
}

// PolicyRate compares the violation rate of the tag set with the baseline
// for one policy.
type PolicyRate struct {
	Policy   string     `json:"policy"`
	TagSet   Proportion `json:"tag_set"`
	Baseline Proportion `json:"baseline"`
	Test     TestResult `json:"test"`
	// RiskDifference is tag set minus baseline (Newcombe hybrid score interval).
	RiskDifference Effect `json:"risk_difference"`
	// RiskRatio is tag set over baseline (Katz log interval).
	RiskRatio Effect `json:"risk_ratio"`
	// MDE is the smallest tag-set rate above the baseline's that this many
	// videos would detect with the requested power.
	MDE MDE `json:"mde"`
	// Significant: the adjusted p-value is below alpha.
	Significant bool `json:"significant"`
	// Finding is the reading "no detectable difference": "higher",
	// "lower" or "no detectable difference".
	Finding string `json:"finding"`
	// Materiality is the reading "no material difference": the risk ratio
	// against the request's margin.
	Materiality Materiality `json:"materiality"`
}

// MetricRate compares one monitoring metric of the tag set with the
// baseline for one policy.
type MetricRate struct {
	// Metric is one of Metrics, e.g. "report_rate"; Label names it for
	// people ("report rate").
	Metric string `json:"metric"`
	Label  string `json:"label"`
	// Denominator is what the rate is a share of: "videos", or "appealed
	// videos" for the reinstatement rate.
	Denominator string `json:"denominator"`
	PolicyRate
}

// Margin is an equivalence margin of the risk ratio, Lo < 1 < Hi.
type Margin struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
}

// Materiality says whether a difference matters, by two one-sided tests
// (TOST) of the risk ratio against the margin.
type Materiality struct {
	Margin Margin `json:"margin"`
	Method string `json:"method"`
	// PEquivalence is the TOST p-value (null when neither group has an
	// event); below alpha, adjusted, the ratio is inside the margin.
	PEquivalence         Num     `json:"p_equivalence"`
	PEquivalenceAdjusted float64 `json:"p_equivalence_adjusted"`
	// PMaterial is the one-sided p-value of the ratio beyond the margin
	// bound on the side of the estimate (null as PEquivalence).
	PMaterial         Num     `json:"p_material"`
	PMaterialAdjusted float64 `json:"p_material_adjusted"`
	// Verdict is "equivalent", "within_margin" (a detectable difference
	// inside the margin), "material" or "inconclusive".
	Verdict string `json:"verdict"`
	// Finding says it in words: "equivalent within the margin", "higher
	// but within the margin", "materially lower", "higher, inconclusive
	// whether material" or "inconclusive".
	Finding string `json:"finding"`

	materialSide string // "higher" or "lower": the side PMaterial tests
}

// TestResult is a hypothesis test and why it was chosen.
type TestResult struct {
	Method string `json:"method"`
	// Reason says why this test, e.g. "smallest expected count 2.4 < 5".
	Reason      string  `json:"reason"`
	Alternative string  `json:"alternative"` // "two-sided"
	Statistic   Num     `json:"statistic"`   // null where the test has none (Fisher)
	PValue      float64 `json:"p_value"`
	// PAdjusted is adjusted across the policies by AdjustMethod.
	PAdjusted    float64 `json:"p_adjusted"`
	AdjustMethod string  `json:"adjust_method"`
}

// Effect is an effect size with its interval and method.
type Effect struct {
	Estimate Num         `json:"estimate"`
	CI       NumInterval `json:"ci"`
	Method   string      `json:"method"`
}

// MDE is the minimum detectable effect of a two-sided test at Alpha with
// Power, for the groups' sizes and the baseline rate.
type MDE struct {
	BaselineRate float64 `json:"baseline_rate"`
	// TagSetRate is the smallest detectable tag-set rate (above baseline).
	TagSetRate Num     `json:"tag_set_rate"`
	Difference Num     `json:"difference"` // TagSetRate - BaselineRate
	Ratio      Num     `json:"ratio"`      // TagSetRate / BaselineRate
	CohensH    Num     `json:"cohens_h"`
	Alpha      float64 `json:"alpha"`
	Power      float64 `json:"power"`
}

// Trend is the daily picture: volume, per-policy rates, changepoints and
// control-chart alerts, and a before/after comparison.
type Trend struct {
	// Volume is the number of videos per day, tag set and baseline.
	Volume   []DayVolume   `json:"volume"`
	Policies []PolicyTrend `json:"policies"`
	// Spikes lists the significant changepoints (adjusted p < alpha) that
	// raise a rate, tag set first, most significant first.
	Spikes []Spike `json:"spikes"`
	// ChangeDate is the day of the before/after comparison ("" if none).
	ChangeDate string `json:"change_date"`
	// ChangeDateSource is "request", "changepoint" or "" (none).
	ChangeDateSource string `json:"change_date_source"`
	// ControlCharts states the EWMA and CUSUM settings, the least daily
	// denominator charted and the in-control false-alarm rates.
	ControlCharts ControlCharts `json:"control_charts"`
	// VolumeShareChange scans the tag set's share of all uploads per day
	// (Volume[i].TagSet of Volume[i].All) for one change; p_adjusted =
	// p_value (a test of its own).
	VolumeShareChange Change `json:"volume_share_change"`
}

// ControlCharts describes the control charts behind the alerts.
type ControlCharts struct {
	EWMALambda float64 `json:"ewma_lambda"`
	EWMAL      float64 `json:"ewma_l"`
	CUSUMK     float64 `json:"cusum_k"`
	CUSUMH     float64 `json:"cusum_h"`
	// MinDailyVariance is the least n·p0·(1-p0) of a charted day (n the
	// day's videos, p0 the in-control rate).
	MinDailyVariance float64 `json:"min_daily_variance"`
	// EWMAARL0 and CUSUMARL0 are the in-control average run lengths in
	// charted days; the false-alarm rates per day are their reciprocals.
	EWMAARL0              float64 `json:"ewma_arl0"`
	CUSUMARL0             float64 `json:"cusum_arl0"`
	EWMAFalseAlarmPerDay  float64 `json:"ewma_false_alarm_per_day"`
	CUSUMFalseAlarmPerDay float64 `json:"cusum_false_alarm_per_day"`
	ARLMethod             string  `json:"arl_method"`
}

// DayVolume is one day's number of videos.
type DayVolume struct {
	Day      string `json:"day"` // YYYY-MM-DD
	TagSet   int64  `json:"tag_set"`
	Baseline int64  `json:"baseline"`
	// All is every video created that day (the tag set's share is
	// TagSet / All).
	All int64 `json:"all"`
}

// PolicyTrend is one policy's daily series and what was found in it.
type PolicyTrend struct {
	Policy string    `json:"policy"`
	Daily  []DayRate `json:"daily"`
	// TagSetChange and BaselineChange are the single most likely change in
	// the daily violation rate (binomial likelihood-ratio scan).
	TagSetChange   Change `json:"tag_set_change"`
	BaselineChange Change `json:"baseline_change"`
	// EWMAAlerts and CUSUMAlerts are the tag set's out-of-control days,
	// among the ChartedDays whose denominator is large enough to chart
	// (Trend.ControlCharts states the rule and the false-alarm rates).
	EWMAAlerts  []string `json:"ewma_alerts"`
	CUSUMAlerts []string `json:"cusum_alerts"`
	ChartedDays int      `json:"charted_days"`
	// BeforeAfter compares the tag set's rate before and after the change
	// date (nil when there is none).
	BeforeAfter *BeforeAfter `json:"before_after,omitempty"`
}

// DayRate is one day's violating videos of the tag set and the baseline.
type DayRate struct {
	Day       string `json:"day"`
	TagSetX   int64  `json:"tag_set_x"`
	TagSetN   int64  `json:"tag_set_n"`
	BaselineX int64  `json:"baseline_x"`
	BaselineN int64  `json:"baseline_n"`
}

// Change is the result of a one-change scan of a daily series. Day is
// the most likely change whether or not it is significant: only a
// Significant change is a change to report or draw.
type Change struct {
	// Day is the first day of the "after" segment ("" when the series is
	// too short or empty).
	Day    string  `json:"day"`
	Before float64 `json:"before"` // rate before
	After  float64 `json:"after"`  // rate after
	LogLR  float64 `json:"log_lr"`
	PValue float64 `json:"p_value"`
	// PAdjusted is Holm-adjusted across the policies of the same group.
	PAdjusted    float64 `json:"p_adjusted"`
	Significant  bool    `json:"significant"`
	Method       string  `json:"method"`
	Permutations int     `json:"permutations"`
}

// Spike is a significant rise in a daily violation rate.
type Spike struct {
	Group     string  `json:"group"` // "tag_set" or "baseline"
	Policy    string  `json:"policy"`
	Day       string  `json:"day"`
	Before    float64 `json:"before"`
	After     float64 `json:"after"`
	PAdjusted float64 `json:"p_adjusted"`
}

// BeforeAfter compares violating videos per video before and after a day
// (Poisson rate-ratio test, exact conditional).
type BeforeAfter struct {
	Day       string     `json:"day"` // first day of "after"
	Before    Proportion `json:"before"`
	After     Proportion `json:"after"`
	RateRatio Num        `json:"rate_ratio"` // after / before
	Test      TestResult `json:"test"`
}

// Related lists tags that co-occur with the tag set more than chance.
type Related struct {
	// MinVideos and MinSupport are the thresholds a tag had to pass.
	MinVideos  int64   `json:"min_videos"`
	MinSupport float64 `json:"min_support"`
	// Tested is the number of tags that passed the thresholds and were tested.
	Tested       int    `json:"tested"`
	TestMethod   string `json:"test_method"`
	AdjustMethod string `json:"adjust_method"`
	// Tags, ranked: strong associations first, then weak, then the rest,
	// each by NPMI, then by count.
	Tags []RelatedTag `json:"tags"`
}

// RelatedTag is one co-occurring tag. Counts are distinct videos in the period.
type RelatedTag struct {
	Tag       string `json:"tag"`
	Together  int64  `json:"together"`   // tag-set videos with the tag
	TagVideos int64  `json:"tag_videos"` // all videos with the tag
	// Support is Together / tag-set videos.
	Support     float64 `json:"support"`
	Lift        Num     `json:"lift"`
	NPMI        Num     `json:"npmi"`
	PValue      float64 `json:"p_value"`
	QValue      float64 `json:"q_value"` // Benjamini-Hochberg
	Significant bool    `json:"significant"`
	// Association is "strong" (significant, lift >= 2), "weak"
	// (significant, lift below 2) or "none" (not significant): mark only
	// the significant, and the strong first.
	Association string `json:"association"`
}

// Removal holds the removal metrics for one policy.
type Removal struct {
	Policy string `json:"policy"`
	// ProactiveReading and ProactiveSamePolicyReading say what "proactive"
	// means in Proactive (the data contract's, the default) and in
	// ProactiveSamePolicy: ProactiveAnyPolicy and ProactiveSamePolicy.
	ProactiveReading           string       `json:"proactive_reading"`
	ProactiveSamePolicyReading string       `json:"proactive_same_policy_reading"`
	TagSet                     RemovalStats `json:"tag_set"`
	Overall                    RemovalStats `json:"overall"` // every video in the period
}

// RemovalStats are removal metrics by the data contract's definitions.
type RemovalStats struct {
	Removals int64 `json:"removals"`
	// Proactive is proactive removals / removals: no user report of any
	// policy at or before the removal (the data contract's reading).
	Proactive Proportion `json:"proactive"`
	// ProactiveSamePolicy is the same share when only a report of the
	// removal's own policy counts.
	ProactiveSamePolicy Proportion `json:"proactive_same_policy"`
	// Within24h is removals within 24 h of creation / removals.
	Within24h Proportion `json:"within_24h"`
	// TimeToAction quantiles in seconds (null without removals).
	TimeToAction Quantiles `json:"time_to_action_s"`
}

// Quantiles of a duration in seconds.
type Quantiles struct {
	P50    Num    `json:"p50"`
	P90    Num    `json:"p90"`
	P99    Num    `json:"p99"`
	Method string `json:"method"`
}

// Funnel is the moderation funnel of one policy.
type Funnel struct {
	Policy   string       `json:"policy"`
	TagSet   FunnelCounts `json:"tag_set"`
	Baseline FunnelCounts `json:"baseline"`
}

// FunnelCounts are the videos reaching each moderation step, and each
// step's conversion from the step before it.
type FunnelCounts struct {
	Videos     int64 `json:"videos"`
	Reported   int64 `json:"reported"`
	Flagged    int64 `json:"flagged"`
	Reviewed   int64 `json:"reviewed"`
	Violating  int64 `json:"violating"`
	Removed    int64 `json:"removed"`
	Escalated  int64 `json:"escalated"`
	Appealed   int64 `json:"appealed"`
	Reinstated int64 `json:"reinstated"`
	// Steps are conditional rates: of the videos at From, the share that
	// also reached To (x counts videos at both steps).
	Steps []FunnelStep `json:"steps"`
}

// FunnelStep is one conversion of the funnel.
type FunnelStep struct {
	From string     `json:"from"`
	To   string     `json:"to"`
	Rate Proportion `json:"rate"`
}
