package analysis

// Samples: reproducible review samples drawn from a frame of videos.
//
// A frame is a set of videos given by filters (SampleFrame). Selection ranks
// every frame video by md5(seed || ':' || video_id) and takes the n smallest
// (per stratum when stratified). md5 is a fixed, documented function, so the
// same workspace, frame and seed give the same members on any machine and in
// any DuckDB version, whatever the order the rows were inserted in. The whole
// selection runs in DuckDB; only per-stratum counts and the chosen members
// come into Go.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
)

// Sampling methods.
const (
	MethodSimple     = "simple"     // simple random sample without replacement
	MethodStratified = "stratified" // stratified random sample
)

// Stratification variables.
const (
	StrataPolicy = "policy" // the video's first matching policy (see SampleFrame.Policies)
	StrataWeek   = "week"   // ISO week of created_at, e.g. "2026-W07"
	StrataRegion = "region" // videos.region; "unknown" where it is missing
)

// Allocations of a stratified sample's size to its strata.
const (
	AllocProportional = "proportional" // n_h proportional to the stratum's frame size N_h
	AllocNeyman       = "neyman"       // n_h proportional to N_h * sqrt(p_h (1 - p_h))
)

// Sources of the prior p_h that a Neyman allocation needs per stratum.
const (
	// PriorViolationRate: the share of the stratum's frame videos that are
	// violating (for the frame's policies, or any policy).
	PriorViolationRate = "violation_rate"
	// PriorEscalationRate: the share of the stratum's frame videos with an
	// escalation event with action escalated_lert.
	PriorEscalationRate = "escalation_rate"
	// PriorGuess: SampleDefinition.PriorGuess for every stratum, overridden
	// per stratum by SampleDefinition.Priors.
	PriorGuess = "guess"
)

// StratumUnknown names the stratum of videos without a value for the
// stratification variable (no region; no outcome for any frame policy).
const StratumUnknown = "unknown"

// StratumAll is the single stratum of a simple random sample.
const StratumAll = "all"

// SelectionHash documents the ranking function, recorded in every definition.
const SelectionHash = "md5(seed || ':' || video_id), ascending; ties by video_id"

// priorClamp bounds a Neyman prior away from 0 and 1, so that a stratum whose
// observed rate happens to be 0 or 1 is not left with zero weight: the prior
// is only a guess, and the estimate needs every stratum sampled.
const priorClamp = 0.01

// SampleFrame defines the videos a sample is drawn from. Empty fields do not
// filter. Everything given must hold (AND), except that TagSet and Tags
// together mean "any tag of the set or any of Tags".
type SampleFrame struct {
	// TagSet names a saved tag set: videos with its seed tag or one of its
	// accepted variants (and, if the tag set includes caption mentions,
	// videos whose caption mentions one of them as a word, as in the
	// investigation).
	TagSet string `json:"tag_set,omitempty"`
	// TagSetTags and CaptionMentions are the tag set as it was when the
	// sample was drawn (its seed and accepted variants, and whether caption
	// mentions count). A draw fills them in; a redraw uses them, not the tag
	// set as it may have been edited since.
	TagSetTags      []string `json:"tag_set_tags,omitempty"`
	CaptionMentions bool     `json:"caption_mentions,omitempty"`
	// Tags are normalised hashtags (see datasets.NormalizeTag); a video with
	// any of them is in the frame.
	Tags []string `json:"tags,omitempty"`
	// Policies restrict the frame to videos with an outcome (video_outcomes)
	// for one of these policies; with Violating, to videos violating one of
	// them. Their order is the priority used to put a video into a policy
	// stratum: a video is in the stratum of the first listed policy that
	// matches it.
	Policies []string `json:"policies,omitempty"`
	// Violating keeps only violating videos (by the data contract: for one of
	// Policies, or for any policy when Policies is empty).
	Violating bool `json:"violating,omitempty"`
	// Since and Until bound created_at: Since <= created_at < Until (UTC).
	Since *time.Time `json:"since,omitempty"`
	Until *time.Time `json:"until,omitempty"`
	// Regions keeps videos whose region is one of these.
	Regions []string `json:"regions,omitempty"`
}

// StratumAllocation is one stratum of a drawn sample.
type StratumAllocation struct {
	Stratum    string  `json:"stratum"`
	FrameSize  int64   `json:"frame_size"`      // N_h
	SampleSize int64   `json:"sample_size"`     // n_h
	Prior      float64 `json:"prior,omitempty"` // p_h used by a Neyman allocation
}

// SampleDefinition is everything needed to draw a sample again. It is stored
// as JSON in samples.definition; drawing the same definition on the same
// workspace gives the same members.
type SampleDefinition struct {
	Frame SampleFrame `json:"frame"`
	// Method is MethodSimple or MethodStratified.
	Method string `json:"method"`
	// Strata is StrataPolicy, StrataWeek or StrataRegion (stratified only).
	Strata string `json:"strata,omitempty"`
	// Allocation is AllocProportional (default) or AllocNeyman.
	Allocation string `json:"allocation,omitempty"`
	// Size is the number of members wanted. Zero means: plan it from
	// Margin and Confidence (see PlanSampleSize).
	Size int64 `json:"size"`
	// Margin, Confidence and PlanP are the planner's inputs when Size was
	// planned: half-width of the interval, its confidence, the anticipated
	// proportion (0.5, the most conservative, when zero).
	Margin     float64 `json:"margin,omitempty"`
	Confidence float64 `json:"confidence,omitempty"`
	PlanP      float64 `json:"plan_p,omitempty"`
	// Seed makes the selection reproducible.
	Seed int64 `json:"seed"`
	// PriorSource says where a Neyman allocation takes p_h from: one of
	// PriorViolationRate, PriorEscalationRate, PriorGuess. Empty means
	// PriorEscalationRate when the frame is violating videos only (their
	// violation rate is 1 by construction), otherwise PriorViolationRate.
	PriorSource string `json:"prior_source,omitempty"`
	// PriorGuess is p_h for every stratum when PriorSource is PriorGuess.
	PriorGuess float64 `json:"prior_guess,omitempty"`
	// Priors are per-stratum p_h. When a sample is created they are filled
	// in with the values actually used, so a redraw does not depend on data
	// that may have changed since.
	Priors map[string]float64 `json:"priors,omitempty"`
	// Labels is the label set reviewers choose from; empty means
	// DefaultLabelSet.
	Labels []LabelDef `json:"labels,omitempty"`
	// Hash records the selection function (SelectionHash).
	Hash string `json:"hash,omitempty"`
	// Allocated is filled in by the draw: each stratum's frame and sample size.
	Allocated []StratumAllocation `json:"allocated,omitempty"`
}

// Sample is a saved sample.
type Sample struct {
	ID         int64
	Name       string
	Definition SampleDefinition
	Seed       int64
	Size       int64 // members drawn
	FrameSize  int64 // videos in the frame when drawn
	CreatedAt  time.Time
	CreatedBy  string
}

// SampleMember is one member of a sample, in review order.
type SampleMember struct {
	Position int64   `json:"position"` // 1-based review order
	VideoID  string  `json:"video_id"`
	Stratum  string  `json:"stratum"`
	Weight   float64 `json:"weight"` // N_h / n_h
}

// Draw is the result of drawing a definition without saving it.
type Draw struct {
	Definition SampleDefinition // with Size, Priors and Allocated filled in
	FrameSize  int64
	Members    []SampleMember
}

// SamplePlan is the planner's answer.
type SamplePlan struct {
	FrameSize  int64   `json:"frame_size"`
	Margin     float64 `json:"margin"`
	Confidence float64 `json:"confidence"`
	P          float64 `json:"p"`    // anticipated proportion
	Size       int64   `json:"size"` // with finite population correction
	Method     string  `json:"method"`
}

// ErrNoSample means no sample has the given name or id.
var ErrNoSample = errors.New("no such sample")

// ErrEmptyFrame means the frame has no videos.
var ErrEmptyFrame = errors.New("the sample frame is empty")

// normalise fills in defaults and checks the definition, before any query.
func (d *SampleDefinition) normalise() error {
	if d.Method == "" {
		if d.Strata != "" {
			d.Method = MethodStratified
		} else {
			d.Method = MethodSimple
		}
	}
	switch d.Method {
	case MethodSimple:
		if d.Strata != "" {
			return fmt.Errorf("a simple random sample has no strata (got %q): use method %q", d.Strata, MethodStratified)
		}
		d.Allocation = ""
	case MethodStratified:
		switch d.Strata {
		case StrataPolicy, StrataWeek, StrataRegion:
		case "":
			return fmt.Errorf("a stratified sample needs strata (expected: %s / %s / %s)", StrataPolicy, StrataWeek, StrataRegion)
		default:
			return fmt.Errorf("unknown strata %q (expected: %s / %s / %s)", d.Strata, StrataPolicy, StrataWeek, StrataRegion)
		}
		if d.Allocation == "" {
			d.Allocation = AllocProportional
		}
		if d.Allocation != AllocProportional && d.Allocation != AllocNeyman {
			return fmt.Errorf("unknown allocation %q (expected: %s / %s)", d.Allocation, AllocProportional, AllocNeyman)
		}
	default:
		return fmt.Errorf("unknown sampling method %q (expected: %s / %s)", d.Method, MethodSimple, MethodStratified)
	}
	if d.Allocation == AllocNeyman {
		if d.PriorSource == "" {
			if d.Frame.Violating {
				d.PriorSource = PriorEscalationRate
			} else {
				d.PriorSource = PriorViolationRate
			}
		}
		switch d.PriorSource {
		case PriorViolationRate, PriorEscalationRate:
		case PriorGuess:
			if len(d.Priors) == 0 && !(d.PriorGuess > 0 && d.PriorGuess < 1) {
				return fmt.Errorf("a Neyman allocation with guessed priors needs a prior guess strictly between 0 and 1 (got %g)", d.PriorGuess)
			}
		default:
			return fmt.Errorf("unknown prior source %q (expected: %s / %s / %s)", d.PriorSource, PriorViolationRate, PriorEscalationRate, PriorGuess)
		}
		for s, p := range d.Priors {
			if !(p >= 0 && p <= 1) {
				return fmt.Errorf("prior for stratum %q is %g: a prior is a proportion in [0, 1]", s, p)
			}
		}
	} else {
		d.PriorSource, d.PriorGuess, d.Priors = "", 0, nil
	}
	if d.Size < 0 {
		return fmt.Errorf("sample size %d is negative", d.Size)
	}
	if d.Size == 0 {
		if err := checkPlanInputs(d.Margin, d.Confidence, d.PlanP); err != nil {
			return fmt.Errorf("no sample size given, and it cannot be planned: %w", err)
		}
	}
	if d.Frame.Since != nil && d.Frame.Until != nil && !d.Frame.Since.Before(*d.Frame.Until) {
		return fmt.Errorf("the frame's period is empty: since %s is not before until %s",
			d.Frame.Since.UTC().Format(time.RFC3339), d.Frame.Until.UTC().Format(time.RFC3339))
	}
	if len(d.Labels) == 0 {
		d.Labels = DefaultLabelSet()
	}
	if err := ValidateLabelSet(d.Labels); err != nil {
		return err
	}
	d.Hash = SelectionHash
	return nil
}

func checkPlanInputs(margin, conf, p float64) error {
	if !(margin > 0 && margin < 1) {
		return fmt.Errorf("margin %g must be between 0 and 1, e.g. 0.05 for ±5 percentage points", margin)
	}
	if !(conf > 0 && conf < 1) {
		return fmt.Errorf("confidence %g must be between 0 and 1, e.g. 0.95", conf)
	}
	if p != 0 && !(p > 0 && p < 1) {
		return fmt.Errorf("anticipated proportion %g must be between 0 and 1 (or 0 for the conservative 0.5)", p)
	}
	return nil
}

// frameQuery is the frame as a SQL query with ? parameters: one row per
// video with columns video_id and stratum. strata is "" for a simple sample.
type frameQuery struct {
	sql  string
	args []any
}

// buildFrame turns a frame into SQL. Every value from the user is a
// parameter; only fixed SQL text and placeholders are concatenated.
func buildFrame(f SampleFrame, strata string) frameQuery {
	var where []string
	var args []any
	placeholders := func(n int) string {
		return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
	}
	addStrings := func(xs []string) {
		for _, x := range xs {
			args = append(args, x)
		}
	}

	if len(f.TagSetTags) > 0 || len(f.Tags) > 0 {
		tags := append(append([]string{}, f.TagSetTags...), f.Tags...)
		cond := `v.video_id IN (SELECT video_id FROM video_tags WHERE tag IN (` + placeholders(len(tags)) + `))`
		addStrings(tags)
		if f.CaptionMentions && len(f.TagSetTags) > 0 {
			cond = `(` + cond + ` OR coalesce(regexp_matches(v.caption, ?), false))`
			args = append(args, captionPattern(f.TagSetTags))
		}
		where = append(where, cond)
	}

	if len(f.Policies) > 0 || f.Violating {
		cond := `v.video_id IN (SELECT video_id FROM video_outcomes o WHERE true`
		if len(f.Policies) > 0 {
			cond += ` AND o.policy IN (` + placeholders(len(f.Policies)) + `)`
			addStrings(f.Policies)
		}
		if f.Violating {
			cond += ` AND o.violating`
		}
		where = append(where, cond+`)`)
	}
	if f.Since != nil {
		where = append(where, `v.created_at >= ?`)
		args = append(args, f.Since.UTC())
	}
	if f.Until != nil {
		where = append(where, `v.created_at < ?`)
		args = append(args, f.Until.UTC())
	}
	if len(f.Regions) > 0 {
		where = append(where, `v.region IN (`+placeholders(len(f.Regions))+`)`)
		addStrings(f.Regions)
	}

	// The stratum expression, with its own parameters placed before the
	// WHERE clause's.
	var strat string
	var stratArgs []any
	switch strata {
	case StrataWeek:
		strat = `isoyear(v.created_at)::VARCHAR || '-W' || lpad(week(v.created_at)::VARCHAR, 2, '0')`
	case StrataRegion:
		strat = `coalesce(nullif(trim(v.region), ''), '` + StratumUnknown + `')`
	case StrataPolicy:
		// The first of the frame's policies (in the order given) that the
		// video matches; without policies, the alphabetically first.
		rank := `o.policy`
		if len(f.Policies) > 0 {
			var b strings.Builder
			b.WriteString(`CASE o.policy`)
			for i, p := range f.Policies {
				fmt.Fprintf(&b, ` WHEN ? THEN %d`, i)
				stratArgs = append(stratArgs, p)
			}
			b.WriteString(` END`)
			rank = b.String()
		}
		sub := `(SELECT arg_min(o.policy, ` + rank + `) FROM video_outcomes o WHERE o.video_id = v.video_id`
		if len(f.Policies) > 0 {
			sub += ` AND o.policy IN (` + placeholders(len(f.Policies)) + `)`
			for _, p := range f.Policies {
				stratArgs = append(stratArgs, p)
			}
		}
		if f.Violating {
			sub += ` AND o.violating`
		}
		sub += `)`
		strat = `coalesce(` + sub + `, '` + StratumUnknown + `')`
	default:
		strat = `'` + StratumAll + `'`
	}
	q := `SELECT v.video_id, ` + strat + ` AS stratum FROM videos v`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	return frameQuery{sql: q, args: append(stratArgs, args...)}
}

// queryer is what both *sql.DB and *sql.Tx provide.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// resolveFrame snapshots the frame's tag set (its accepted tags and
// whether caption mentions count) into the frame, unless a snapshot is
// there already.
func resolveFrame(ctx context.Context, q queryer, f *SampleFrame) error {
	if f.TagSet == "" {
		if len(f.TagSetTags) > 0 {
			return errors.New("the frame lists tag set tags but names no tag set")
		}
		return nil
	}
	if len(f.TagSetTags) > 0 {
		return nil
	}
	ts, err := loadTagSet(ctx, q, f.TagSet)
	if err != nil {
		return err
	}
	f.TagSetTags = ts.Accepted()
	f.CaptionMentions = ts.IncludeCaptions
	return nil
}

// frameStratum is a stratum of the frame, as counted in DuckDB.
type frameStratum struct {
	name                     string
	n                        int64
	violationRate, escalRate float64
}

// countFrame counts the frame's videos per stratum, with the rates a Neyman
// allocation may take its priors from.
func countFrame(ctx context.Context, q queryer, d SampleDefinition) ([]frameStratum, error) {
	fq := buildFrame(d.Frame, d.Strata)
	violCond := `o.violating`
	var violArgs []any
	if len(d.Frame.Policies) > 0 {
		violCond += ` AND o.policy IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(d.Frame.Policies)), ", ") + `)`
		for _, p := range d.Frame.Policies {
			violArgs = append(violArgs, p)
		}
	}
	sqlText := `WITH frame AS (` + fq.sql + `)
SELECT f.stratum, count(*),
	avg(CASE WHEN EXISTS (SELECT 1 FROM video_outcomes o WHERE o.video_id = f.video_id AND ` + violCond + `) THEN 1 ELSE 0 END),
	avg(CASE WHEN EXISTS (SELECT 1 FROM moderation_events e WHERE e.video_id = f.video_id
		AND e.event_type = 'escalation' AND e.action = 'escalated_lert') THEN 1 ELSE 0 END)
FROM frame f GROUP BY f.stratum ORDER BY f.stratum`
	if d.Allocation != AllocNeyman {
		// The rates are only needed for Neyman priors.
		sqlText = `WITH frame AS (` + fq.sql + `) SELECT stratum, count(*), 0, 0 FROM frame GROUP BY stratum ORDER BY stratum`
		violArgs = nil
	}
	rows, err := q.QueryContext(ctx, sqlText, append(fq.args, violArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("counting the sample frame: %w", err)
	}
	defer rows.Close()
	var out []frameStratum
	for rows.Next() {
		var s frameStratum
		if err := rows.Scan(&s.name, &s.n, &s.violationRate, &s.escalRate); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// PlanSampleSize returns the sample size that estimates a proportion in the
// frame to within ±margin at the given confidence, with the finite
// population correction for the frame's size (stats.SampleSizeProportion).
// p is the anticipated proportion; 0 means 0.5, which needs the most.
//
// The formula is for a simple random sample. A stratified sample of the
// same size with proportional allocation is at least as precise (up to
// rounding), so the size serves it too; a Neyman allocation is more precise
// when its priors are right and can be less precise when they are badly
// wrong.
func PlanSampleSize(ctx context.Context, ws *datasets.Workspace, frame SampleFrame, margin, conf, p float64) (SamplePlan, error) {
	if err := checkPlanInputs(margin, conf, p); err != nil {
		return SamplePlan{}, err
	}
	if err := resolveFrame(ctx, ws.DB, &frame); err != nil {
		return SamplePlan{}, err
	}
	fq := buildFrame(frame, "")
	var n int64
	if err := ws.DB.QueryRowContext(ctx, `SELECT count(*) FROM (`+fq.sql+`)`, fq.args...).Scan(&n); err != nil {
		return SamplePlan{}, fmt.Errorf("counting the sample frame: %w", err)
	}
	return planFor(n, margin, conf, p), nil
}

func planFor(frameSize int64, margin, conf, p float64) SamplePlan {
	if p == 0 {
		p = 0.5
	}
	size := stats.SampleSizeProportion(p, margin, conf, frameSize)
	if size > frameSize {
		size = frameSize
	}
	return SamplePlan{
		FrameSize: frameSize, Margin: margin, Confidence: conf, P: p, Size: size,
		Method: "n0 = z^2 p(1-p) / margin^2, with finite population correction n = n0 / (1 + (n0-1)/N)",
	}
}

// DrawSample draws the members of a definition without saving anything.
// The returned definition has Size (if planned), Priors (if Neyman) and
// Allocated filled in; drawing it again gives the same members.
func DrawSample(ctx context.Context, ws *datasets.Workspace, def SampleDefinition) (*Draw, error) {
	return drawSample(ctx, ws.DB, def, true)
}

// drawSample completes the definition and, if withMembers, selects the
// members.
func drawSample(ctx context.Context, q queryer, def SampleDefinition, withMembers bool) (*Draw, error) {
	if err := def.normalise(); err != nil {
		return nil, err
	}
	if err := resolveFrame(ctx, q, &def.Frame); err != nil {
		return nil, err
	}
	strata, err := countFrame(ctx, q, def)
	if err != nil {
		return nil, err
	}
	var frameSize int64
	for _, s := range strata {
		frameSize += s.n
	}
	if frameSize == 0 {
		return nil, fmt.Errorf("%w: no video matches it; widen the filters (tags, policies, period, regions)", ErrEmptyFrame)
	}
	if def.Size == 0 {
		def.Size = planFor(frameSize, def.Margin, def.Confidence, def.PlanP).Size
	}
	size := def.Size
	if size > frameSize {
		size = frameSize // the whole frame: a census
	}
	alloc, err := allocate(def, strata, size)
	if err != nil {
		return nil, err
	}
	def.Allocated = alloc
	if def.Allocation == AllocNeyman {
		def.Priors = make(map[string]float64, len(alloc))
		for _, a := range alloc {
			def.Priors[a.Stratum] = a.Prior
		}
	}
	d := &Draw{Definition: def, FrameSize: frameSize}
	if withMembers {
		if d.Members, err = selectMembers(ctx, q, def); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// allocate splits size over the strata; it fills in Neyman priors.
func allocate(def SampleDefinition, strata []frameStratum, size int64) ([]StratumAllocation, error) {
	out := make([]StratumAllocation, len(strata))
	caps := make([]int64, len(strata))
	weights := make([]float64, len(strata))
	for i, s := range strata {
		out[i] = StratumAllocation{Stratum: s.name, FrameSize: s.n}
		caps[i] = s.n
		weights[i] = float64(s.n)
	}
	if def.Method == MethodStratified && int64(len(strata)) > size {
		return nil, fmt.Errorf("sample size %d is smaller than the %d strata by %s: every stratum needs at least one member; raise --size or stratify by something coarser", size, len(strata), def.Strata)
	}
	if def.Allocation == AllocNeyman {
		neyman := make([]float64, len(strata))
		var total float64
		for i, s := range strata {
			p, ok := def.Priors[s.name]
			if !ok {
				switch def.PriorSource {
				case PriorViolationRate:
					p = s.violationRate
				case PriorEscalationRate:
					p = s.escalRate
				case PriorGuess:
					p = def.PriorGuess
				}
			}
			out[i].Prior = p
			p = math.Min(math.Max(p, priorClamp), 1-priorClamp)
			neyman[i] = float64(s.n) * math.Sqrt(p*(1-p))
			total += neyman[i]
		}
		if total > 0 {
			weights = neyman
		}
	}
	counts := AllocateSizes(weights, caps, size)
	for i := range out {
		out[i].SampleSize = counts[i]
	}
	return out, nil
}

// AllocateSizes splits n over strata in proportion to weights, with no
// stratum given more than its cap (its frame size), by largest remainder:
// each stratum gets the floor of its share, and the units left over go to
// the largest fractional parts (ties to the earlier stratum). A stratum
// whose share reaches its cap is fixed at the cap and the rest is shared
// again among the others. When n is at least the number of non-empty
// strata, every non-empty stratum gets at least one: a unit is moved from
// the stratum with the most. The result sums to min(n, sum of caps).
func AllocateSizes(weights []float64, caps []int64, n int64) []int64 {
	k := len(weights)
	out := make([]int64, k)
	var capTotal int64
	for _, c := range caps {
		capTotal += c
	}
	if n >= capTotal {
		copy(out, caps)
		return out
	}
	fixed := make([]bool, k)
	for {
		remaining := n
		var w float64
		for i := range k {
			if fixed[i] {
				remaining -= out[i]
			} else {
				w += weights[i]
			}
		}
		share := make([]float64, k)
		changed := false
		for i := range k {
			if fixed[i] {
				continue
			}
			if w > 0 {
				share[i] = float64(remaining) * weights[i] / w
			}
			if share[i] >= float64(caps[i]) {
				out[i], fixed[i], changed = caps[i], true, true
			}
		}
		if changed {
			continue
		}
		// Floors, then the largest remainders.
		type rem struct {
			i    int
			frac float64
		}
		var rems []rem
		left := remaining
		for i := range k {
			if fixed[i] {
				continue
			}
			f := math.Floor(share[i])
			out[i] = int64(f)
			left -= out[i]
			rems = append(rems, rem{i, share[i] - f})
		}
		sort.SliceStable(rems, func(a, b int) bool { return rems[a].frac > rems[b].frac })
		for j := 0; left > 0 && len(rems) > 0; j = (j + 1) % len(rems) {
			if i := rems[j].i; out[i] < caps[i] {
				out[i]++
				left--
			}
		}
		break
	}
	// At least one per non-empty stratum, when n allows.
	var nonEmpty int64
	for _, c := range caps {
		if c > 0 {
			nonEmpty++
		}
	}
	if n >= nonEmpty {
		for i := range k {
			if caps[i] == 0 || out[i] > 0 {
				continue
			}
			big := -1
			for j := range k {
				if out[j] > 1 && (big < 0 || out[j] > out[big]) {
					big = j
				}
			}
			if big < 0 {
				break
			}
			out[big]--
			out[i]++
		}
	}
	return out
}

// selectMembers runs the selection in DuckDB: per stratum, the n_h frame
// videos with the smallest hash; review order is the hash over all members.
func selectMembers(ctx context.Context, q queryer, def SampleDefinition) ([]SampleMember, error) {
	sqlText, args := selectionSQL(def)
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, fmt.Errorf("drawing the sample: %w", err)
	}
	defer rows.Close()
	var out []SampleMember
	for rows.Next() {
		var m SampleMember
		if err := rows.Scan(&m.Position, &m.VideoID, &m.Stratum, &m.Weight); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// selectionSQL is the query giving position, video_id, stratum and weight
// of every member. The rank of a video is its hex md5 (32 characters)
// followed by its id, so rank order is hash order with ties (never seen)
// broken by id. Per stratum, min(rank, n) keeps the n smallest ranks in a
// bounded heap, without sorting the frame; they are sorted explicitly, cut
// to n_h, and review positions follow rank order over the whole sample.
func selectionSQL(def SampleDefinition) (string, []any) {
	fq := buildFrame(def.Frame, def.Strata)
	var vals []string
	var allocArgs []any
	var maxN int64
	for _, a := range def.Allocated {
		if a.SampleSize == 0 {
			continue
		}
		vals = append(vals, `(?, ?::BIGINT, ?::BIGINT)`)
		allocArgs = append(allocArgs, a.Stratum, a.FrameSize, a.SampleSize)
		maxN = max(maxN, a.SampleSize)
	}
	if len(vals) == 0 {
		vals = append(vals, `(NULL::VARCHAR, 0::BIGINT, 0::BIGINT)`)
	}
	seed := strconv.FormatInt(def.Seed, 10)
	sqlText := `WITH frame AS (` + fq.sql + `),
alloc(stratum, frame_size, sample_size) AS (VALUES ` + strings.Join(vals, ", ") + `),
top AS (
	SELECT f.stratum, list_sort(min(md5(? || ':' || f.video_id) || f.video_id, ?::BIGINT)) AS ranks
	FROM frame f JOIN alloc a ON a.stratum = f.stratum
	GROUP BY f.stratum),
chosen AS (
	SELECT t.stratum, unnest(t.ranks[1:a.sample_size]) AS rank, a.frame_size, a.sample_size
	FROM top t JOIN alloc a ON a.stratum = t.stratum)
SELECT row_number() OVER (ORDER BY rank) AS position, substr(rank, 33) AS video_id, stratum,
	frame_size::DOUBLE / sample_size::DOUBLE AS weight
FROM chosen
ORDER BY position`
	args := append(append(fq.args, allocArgs...), seed, max(maxN, 1))
	return sqlText, args
}

// CreateSample draws a sample and saves it under name, with its members, in
// one transaction. createdBy is the user who drew it.
func CreateSample(ctx context.Context, ws *datasets.Workspace, name, createdBy string, def SampleDefinition) (*Sample, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, errors.New("a sample needs a name")
	}
	if createdBy == "" {
		return nil, errors.New("a sample needs the name of who created it")
	}
	tx, err := ws.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM samples WHERE name = ?`, name).Scan(&exists); err != nil {
		return nil, err
	}
	if exists > 0 {
		return nil, fmt.Errorf("a sample named %q already exists: choose another name", name)
	}
	draw, err := drawSample(ctx, tx, def, false)
	if err != nil {
		return nil, err
	}
	defJSON, err := json.Marshal(draw.Definition)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO samples
		(sample_id, name, definition, seed, size, frame_size, created_at, created_by)
		VALUES (nextval('sample_id_seq'), ?, ?, ?, ?, ?, ?, ?) RETURNING sample_id`,
		name, string(defJSON), draw.Definition.Seed, draw.Definition.allocatedSize(), draw.FrameSize, now, createdBy).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("saving sample %q: %w", name, err)
	}
	// The members go in straight from the selection query, in DuckDB.
	sel, args := selectionSQL(draw.Definition)
	res, err := tx.ExecContext(ctx, `INSERT INTO sample_members (sample_id, position, video_id, stratum, weight)
		SELECT ?, position, video_id, stratum, weight FROM (`+sel+`)`, append([]any{id}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("saving the members of sample %q: %w", name, err)
	}
	saved, err := res.RowsAffected()
	if err != nil {
		return nil, fmt.Errorf("saving the members of sample %q: %w", name, err)
	}
	if want := draw.Definition.allocatedSize(); saved != want {
		return nil, fmt.Errorf("saving sample %q: %d members allocated but %d selected (did the data change during the draw?); nothing was saved", name, want, saved)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("saving sample %q: %w", name, err)
	}
	return &Sample{ID: id, Name: name, Definition: draw.Definition, Seed: draw.Definition.Seed,
		Size: saved, FrameSize: draw.FrameSize, CreatedAt: now, CreatedBy: createdBy}, nil
}

// allocatedSize is the number of members the allocation asks for.
func (d SampleDefinition) allocatedSize() int64 {
	var n int64
	for _, a := range d.Allocated {
		n += a.SampleSize
	}
	return n
}

const sampleColumns = `sample_id, name, definition::VARCHAR, seed, size, frame_size, created_at, created_by`

func scanSample(sc interface{ Scan(...any) error }) (*Sample, error) {
	var s Sample
	var def string
	if err := sc.Scan(&s.ID, &s.Name, &def, &s.Seed, &s.Size, &s.FrameSize, &s.CreatedAt, &s.CreatedBy); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(def), &s.Definition); err != nil {
		return nil, fmt.Errorf("sample %q has an unreadable definition: %w", s.Name, err)
	}
	if len(s.Definition.Labels) == 0 {
		s.Definition.Labels = DefaultLabelSet()
	}
	s.CreatedAt = s.CreatedAt.UTC()
	return &s, nil
}

// ListSamples returns the saved samples, newest first.
func ListSamples(ctx context.Context, ws *datasets.Workspace) ([]Sample, error) {
	rows, err := ws.DB.QueryContext(ctx, `SELECT `+sampleColumns+` FROM samples ORDER BY created_at DESC, sample_id DESC`)
	if err != nil {
		return nil, fmt.Errorf("listing samples: %w", err)
	}
	defer rows.Close()
	var out []Sample
	for rows.Next() {
		s, err := scanSample(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

// SampleByName returns the sample with that name; the error wraps
// ErrNoSample when there is none.
func SampleByName(ctx context.Context, ws *datasets.Workspace, name string) (*Sample, error) {
	s, err := scanSample(ws.DB.QueryRowContext(ctx, `SELECT `+sampleColumns+` FROM samples WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w named %q: `trendlab sample list` shows the saved samples", ErrNoSample, name)
	}
	return s, err
}

// SampleByID returns the sample with that id; the error wraps ErrNoSample
// when there is none.
func SampleByID(ctx context.Context, ws *datasets.Workspace, id int64) (*Sample, error) {
	return sampleByID(ctx, ws.DB, id)
}

func sampleByID(ctx context.Context, q queryer, id int64) (*Sample, error) {
	s, err := scanSample(q.QueryRowContext(ctx, `SELECT `+sampleColumns+` FROM samples WHERE sample_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w with id %d", ErrNoSample, id)
	}
	return s, err
}

// SampleMembers returns members in review order, from position offset+1,
// at most limit of them (limit <= 0: all).
func SampleMembers(ctx context.Context, ws *datasets.Workspace, sampleID int64, offset, limit int64) ([]SampleMember, error) {
	q := `SELECT position, video_id, stratum, weight FROM sample_members WHERE sample_id = ? AND position > ? ORDER BY position`
	args := []any{sampleID, offset}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := ws.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("reading sample members: %w", err)
	}
	defer rows.Close()
	var out []SampleMember
	for rows.Next() {
		var m SampleMember
		if err := rows.Scan(&m.Position, &m.VideoID, &m.Stratum, &m.Weight); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MemberDetail is what a reviewer sees of one member: the video's metadata,
// hashtags as written and its moderation timeline. Caption and tags are
// untrusted text: a front end escapes or sanitises them before display.
type MemberDetail struct {
	SampleMember
	AuthorID      string        `json:"author_id"`
	CreatedAt     time.Time     `json:"created_at"`
	Caption       string        `json:"caption"`
	Region        string        `json:"region"`
	Language      string        `json:"language"`
	AuthorAgeBand string        `json:"author_age_band"`
	ViewCount     int64         `json:"view_count"`
	Tags          []string      `json:"tags"` // as written, in order
	Events        []MemberEvent `json:"events"`
}

// MemberEvent is one moderation event of a member, in time order.
type MemberEvent struct {
	EventTime   time.Time `json:"event_time"`
	EventType   string    `json:"event_type"`
	Source      string    `json:"source"`
	Policy      string    `json:"policy"`
	PolicyTitle string    `json:"policy_title,omitempty"`
	Decision    string    `json:"decision,omitempty"`
	Action      string    `json:"action,omitempty"`
}

// SampleMemberDetail returns the member at a position (1-based review
// order) with its video's metadata, tags and moderation timeline.
func SampleMemberDetail(ctx context.Context, ws *datasets.Workspace, sampleID, position int64) (*MemberDetail, error) {
	d := &MemberDetail{}
	err := ws.DB.QueryRowContext(ctx, `SELECT m.position, m.video_id, m.stratum, m.weight,
			coalesce(v.author_id, ''), coalesce(v.created_at, TIMESTAMP '1970-01-01'), coalesce(v.caption, ''),
			coalesce(v.region, ''), coalesce(v.language, ''), coalesce(v.author_age_band, ''), coalesce(v.view_count, 0)
		FROM sample_members m LEFT JOIN videos v ON v.video_id = m.video_id
		WHERE m.sample_id = ? AND m.position = ?`, sampleID, position).Scan(
		&d.Position, &d.VideoID, &d.Stratum, &d.Weight,
		&d.AuthorID, &d.CreatedAt, &d.Caption, &d.Region, &d.Language, &d.AuthorAgeBand, &d.ViewCount)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sample %d has no member at position %d", sampleID, position)
	}
	if err != nil {
		return nil, fmt.Errorf("reading sample member: %w", err)
	}
	d.CreatedAt = d.CreatedAt.UTC()
	rows, err := ws.DB.QueryContext(ctx, `SELECT tag_raw FROM video_tags WHERE video_id = ? ORDER BY position`, d.VideoID)
	if err != nil {
		return nil, fmt.Errorf("reading the member's tags: %w", err)
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		d.Tags = append(d.Tags, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = ws.DB.QueryContext(ctx, `SELECT event_time, event_type, source, policy,
			coalesce(policy_title, ''), coalesce(decision, ''), coalesce(action, '')
		FROM moderation_events WHERE video_id = ? ORDER BY event_time, event_id`, d.VideoID)
	if err != nil {
		return nil, fmt.Errorf("reading the member's moderation timeline: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e MemberEvent
		if err := rows.Scan(&e.EventTime, &e.EventType, &e.Source, &e.Policy, &e.PolicyTitle, &e.Decision, &e.Action); err != nil {
			return nil, err
		}
		e.EventTime = e.EventTime.UTC()
		d.Events = append(d.Events, e)
	}
	return d, rows.Err()
}
