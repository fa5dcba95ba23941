package review

// A sample's definition: how it is drawn (method, strata, allocation,
// size, seed, priors) and the label set its reviewers choose from.

import (
	"errors"
	"fmt"
	"time"
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
	// PriorEscalationRate: the share of the stratum's frame videos
	// escalated (video_outcomes.escalated, any policy).
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
