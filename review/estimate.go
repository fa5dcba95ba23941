package review

// Estimates from a labelled sample: the share of the frame with each label.

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
)

// LabelShare is the estimated share of the frame that has a label.
type LabelShare struct {
	Label    string `json:"label"`
	Count    int64  `json:"count"`    // labelled members with this label
	Labelled int64  `json:"labelled"` // labelled members (the denominator in the sample)
	// Estimate is the share in the frame: P, its standard error, interval
	// and method (stratum weights applied for a stratified sample).
	Estimate ShareEstimate `json:"estimate"`
}

// ShareEstimate is an estimated proportion of the frame. P and SE are NaN
// when there is nothing to estimate from (they marshal to JSON null).
type ShareEstimate struct {
	P, SE  float64
	CI     stats.Interval
	Method string
}

// MarshalJSON writes {"p", "se", "lo", "hi", "method"}, with null for NaN.
func (e ShareEstimate) MarshalJSON() ([]byte, error) {
	num := func(f float64) any {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		return f
	}
	return json.Marshal(map[string]any{"p": num(e.P), "se": num(e.SE),
		"lo": num(e.CI.Lo), "hi": num(e.CI.Hi), "method": e.Method})
}

// EscalationShare is the share of sample members escalated to law
// enforcement by the moderation data (video_outcomes.escalated for any
// policy): the contract's "escalation rate of a sample = escalated /
// sampled", and its estimate for the frame.
type EscalationShare struct {
	Escalated int64         `json:"escalated"`
	Sampled   int64         `json:"sampled"`
	Share     float64       `json:"share"` // Escalated / Sampled
	Estimate  ShareEstimate `json:"estimate"`
}

// SampleEstimates are the estimates from a (possibly partly) labelled
// sample.
type SampleEstimates struct {
	SampleID   int64   `json:"sample_id"`
	Reviewer   string  `json:"reviewer"` // "" = the latest label of any reviewer
	Confidence float64 `json:"confidence"`
	Size       int64   `json:"size"`
	FrameSize  int64   `json:"frame_size"`
	Labelled   int64   `json:"labelled"`
	// Strata and StrataCovered count the strata, and those with at least
	// one labelled member. Until every stratum is covered the label shares
	// describe only the covered strata's part of the frame (CoveredFrame).
	Strata        int   `json:"strata"`
	StrataCovered int   `json:"strata_covered"`
	CoveredFrame  int64 `json:"covered_frame"`
	// Shares has one entry per label of the label set, in its order.
	Shares []LabelShare `json:"shares"`
	// Violating is the share with a label that counts as violating
	// (LabelDef.Violating; escalate and violating by default).
	Violating LabelShare `json:"violating"`
	// EscalatedEvents is computed from the moderation events of all members,
	// labelled or not.
	EscalatedEvents EscalationShare `json:"escalated_events"`
}

// EstimateSample estimates, from the labels given so far, the share of the
// frame that has each label, with intervals at confidence conf.
//
// Each labelled member counts once, with reviewer's current label, or,
// when reviewer is "", with the latest current label any reviewer gave it.
// Members are reviewed in a random order (by hash), so the labelled ones
// are a random subsample of each stratum; with n_h members labelled in a
// stratum of N_h frame videos the estimate is
//
//	simple random:  p = x / n, Wilson interval with finite population
//	                correction (stats.WilsonFPC), SE = sqrt(p(1-p)/n * (N-n)/(N-1))
//	stratified:     p = sum_h (N_h/N) x_h/n_h, with SE and interval from
//	                stats.StratifiedKornGraubard (per-stratum FPC; Korn-Graubard interval)
//
// Strata with no labelled member yet are left out, and the estimate then
// describes the covered strata only (see SampleEstimates.StrataCovered).
func EstimateSample(ctx context.Context, ws *datasets.Workspace, sampleID int64, reviewer string, conf float64) (*SampleEstimates, error) {
	if !(conf > 0 && conf < 1) {
		return nil, fmt.Errorf("confidence %g must be between 0 and 1, e.g. 0.95", conf)
	}
	s, err := sampleByID(ctx, ws.Params(ws.DB), sampleID)
	if err != nil {
		return nil, err
	}
	est := &SampleEstimates{SampleID: sampleID, Reviewer: reviewer, Confidence: conf,
		Size: s.Size, FrameSize: s.FrameSize}

	// Per stratum: members, escalated members, and labelled members per label.
	type cell struct{ members, escalated int64 }
	cells := map[string]*cell{}
	rows, err := ws.Params(ws.DB).QueryContext(ctx, `SELECT m.stratum, count(*), count(*) FILTER (WHERE `+escalatedIn("m")+`)
		FROM sample_members m WHERE m.sample_id = ? GROUP BY m.stratum`, sampleID)
	if err != nil {
		return nil, fmt.Errorf("estimating from sample %q: %w", s.Name, err)
	}
	for rows.Next() {
		var name string
		c := &cell{}
		if err := rows.Scan(&name, &c.members, &c.escalated); err != nil {
			rows.Close()
			return nil, err
		}
		cells[name] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	counts := map[string]map[string]int64{} // stratum -> label -> count
	labelled := map[string]int64{}          // stratum -> labelled members
	// Per member the latest current label (of any reviewer when reviewer
	// is ""); DISTINCT ON, which both engines have, rather than arg_max.
	rows, err = queryLabels(ctx, ws, `WITH chosen AS (
			SELECT DISTINCT ON (c.video_id) c.video_id, c.label
			FROM current_labels c WHERE c.sample_id = ? AND (? = '' OR c.reviewer = ?)
			ORDER BY c.video_id, c.labelled_at DESC, c.reviewer)
		SELECT m.stratum, ch.label, count(*) FROM sample_members m
		JOIN chosen ch ON ch.video_id = m.video_id
		WHERE m.sample_id = ? GROUP BY m.stratum, ch.label`, sampleID, reviewer, reviewer, sampleID)
	if err != nil {
		return nil, fmt.Errorf("estimating from sample %q: %w", s.Name, err)
	}
	for rows.Next() {
		var st, label string
		var n int64
		if err := rows.Scan(&st, &label, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if counts[st] == nil {
			counts[st] = map[string]int64{}
		}
		counts[st][label] += n
		labelled[st] += n
		est.Labelled += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// The strata with their frame sizes, from the definition.
	frameSizes := map[string]int64{}
	var order []string
	for _, a := range s.Definition.Allocated {
		if a.SampleSize > 0 {
			frameSizes[a.Stratum] = a.FrameSize
			order = append(order, a.Stratum)
		}
	}
	if len(order) == 0 { // a definition without allocation (should not happen): one stratum
		frameSizes[StratumAll] = s.FrameSize
		order = []string{StratumAll}
	}
	sort.Strings(order)
	est.Strata = len(order)
	for _, st := range order {
		if labelled[st] > 0 {
			est.StrataCovered++
			est.CoveredFrame += frameSizes[st]
		}
	}

	stratified := s.Definition.Method == MethodStratified
	share := func(name string, count func(stratum string) int64) LabelShare {
		ls := LabelShare{Label: name, Labelled: est.Labelled}
		var strata []stats.Stratum
		for _, st := range order {
			x := count(st)
			ls.Count += x
			if labelled[st] > 0 {
				strata = append(strata, stats.Stratum{N: frameSizes[st], N_sampled: labelled[st], X: x})
			}
		}
		ls.Estimate = estimateProportion(strata, stratified, conf)
		return ls
	}
	for _, d := range s.Definition.Labels {
		name := d.Name
		est.Shares = append(est.Shares, share(name, func(st string) int64 { return counts[st][name] }))
	}
	est.Violating = share("violating (any)", func(st string) int64 {
		var x int64
		for _, d := range s.Definition.Labels {
			if d.Violating {
				x += counts[st][d.Name]
			}
		}
		return x
	})

	// Escalation from the moderation events, over all members.
	var escStrata []stats.Stratum
	for _, st := range order {
		c := cells[st]
		if c == nil || c.members == 0 {
			continue
		}
		est.EscalatedEvents.Escalated += c.escalated
		est.EscalatedEvents.Sampled += c.members
		escStrata = append(escStrata, stats.Stratum{N: frameSizes[st], N_sampled: c.members, X: c.escalated})
	}
	if est.EscalatedEvents.Sampled > 0 {
		est.EscalatedEvents.Share = float64(est.EscalatedEvents.Escalated) / float64(est.EscalatedEvents.Sampled)
	}
	est.EscalatedEvents.Estimate = estimateProportion(escStrata, stratified, conf)
	return est, nil
}

// estimateProportion is the frame estimate from per-stratum counts: Wilson
// with finite population correction for one stratum of a simple random
// sample, the stratified estimator otherwise. No data gives P = NaN.
func estimateProportion(strata []stats.Stratum, stratified bool, conf float64) ShareEstimate {
	var n int64
	for _, s := range strata {
		n += s.N_sampled
	}
	if n == 0 {
		return ShareEstimate{P: math.NaN(), SE: math.NaN(), CI: stats.Interval{Lo: 0, Hi: 1}, Method: "nothing to estimate from yet"}
	}
	if !stratified && len(strata) == 1 {
		s := strata[0]
		p := float64(s.X) / float64(s.N_sampled)
		var se float64
		if s.N > 1 {
			se = math.Sqrt(p * (1 - p) / float64(s.N_sampled) * float64(s.N-s.N_sampled) / float64(s.N-1))
		}
		return ShareEstimate{P: p, SE: se, CI: stats.WilsonFPC(s.X, s.N_sampled, s.N, conf),
			Method: "Wilson score interval with finite population correction"}
	}
	e := stats.StratifiedKornGraubard(strata, conf)
	return ShareEstimate{P: e.P, SE: e.SE, CI: e.CI, Method: e.Method}
}
