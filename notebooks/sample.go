package notebooks

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/review"
)

// A report shows the investigators' own review: the labels of a sample
// saved in the workspace (trendlab sample, the TUI), named by the
// investigate block's sample: (the shipped notebook's parameter sample).
// The estimates, intervals and agreement come from package review; this
// file only lays them out.

type sampleView struct {
	Heading    string
	Definition string // JSON
	Lead       []string
	Labels     *table // estimated share of the frame per label
	Reviewers  *table // labels per reviewer
	Agreement  *table // Cohen's kappa per pair of reviewers who overlap
}

// noSampleText is what a report says when its notebook asks for a sample
// and none was named.
const noSampleText = "No labelled sample was given, so this report has no estimates from the investigators' review. Name a saved sample with the notebook's parameter sample (samples are drawn and labelled with trendlab sample and the terminal UI)."

// labelledSample shows the label estimates of the saved sample name ("" is
// a report made without one).
func (r *renderer) labelledSample(ctx context.Context, name string, conf float64) (*sampleView, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return &sampleView{Heading: "Labelled review sample", Lead: []string{noSampleText}}, nil
	}
	s, err := review.SampleByName(ctx, r.ws, name)
	if err != nil {
		return nil, fmt.Errorf("investigate: sample %q: %w", name, err)
	}
	est, err := review.EstimateSample(ctx, r.ws, s.ID, "", conf)
	if err != nil {
		return nil, fmt.Errorf("investigate: estimating sample %q: %w", name, err)
	}
	defJSON, _ := json.MarshalIndent(s.Definition, "", "  ")
	r.used.sample = true
	r.samples = append(r.samples, sampleRecord{Name: s.Name, Definition: string(defJSON), Seed: s.Seed, Size: s.Size, FrameSize: s.FrameSize})
	sv := &sampleView{Heading: "Labelled review sample " + s.Name, Definition: string(defJSON)}
	sv.Lead = append(sv.Lead, fmt.Sprintf("Sample %s: %s members of a frame of %s videos (seed %d); %s labelled so far; %d of %d strata have a labelled member.",
		s.Name, analysis.GroupDigits(est.Size), analysis.GroupDigits(est.FrameSize), s.Seed, analysis.GroupDigits(est.Labelled), est.StrataCovered, est.Strata))
	if est.Labelled > 0 && est.StrataCovered < est.Strata {
		sv.Lead = append(sv.Lead, fmt.Sprintf("Until every stratum has a label the shares describe the covered strata only (%s frame videos).", analysis.GroupDigits(est.CoveredFrame)))
	}
	if v := est.Violating; v.Labelled > 0 {
		sv.Lead = append(sv.Lead, fmt.Sprintf("By the investigators' labels, %s of %s labelled members violate (%s); estimated share of the frame %s %s.",
			analysis.GroupDigits(v.Count), analysis.GroupDigits(v.Labelled), pct(ratioOf(v.Count, v.Labelled)), pct(v.Estimate.P), estimateCI(v.Estimate)))
	}
	ee := est.EscalatedEvents
	sv.Lead = append(sv.Lead, fmt.Sprintf("By the moderation data, %s of %s members were escalated to law enforcement (%s); estimated share of the frame %s %s.",
		analysis.GroupDigits(ee.Escalated), analysis.GroupDigits(ee.Sampled), pct(ee.Share), pct(ee.Estimate.P), estimateCI(ee.Estimate)))

	t := newTable("Estimated share of the frame, by label (latest label of any reviewer)", "label", "members", "of labelled", "estimated share", "interval")
	add := func(ls review.LabelShare) {
		t.add(text(ls.Label), num(analysis.GroupDigits(ls.Count)), num(analysis.GroupDigits(ls.Labelled)), num(pct(ls.Estimate.P)),
			cell{Text: estimateCI(ls.Estimate), Title: ls.Estimate.Method})
	}
	for _, ls := range est.Shares {
		add(ls)
	}
	add(est.Violating)
	switch {
	case est.Labelled == 0:
		t.Note = "No member is labelled yet: label the sample in the terminal UI."
	case est.Violating.Estimate.Method != "":
		t.Note = "Estimates and intervals: " + est.Violating.Estimate.Method + "."
	}
	sv.Labels = t
	if est.Violating.Estimate.Method != "" {
		r.used.methods["label estimate"] = est.Violating.Estimate.Method
	}
	if err := r.reviewers(ctx, s, est, conf, sv); err != nil {
		return nil, err
	}
	return sv, nil
}

// reviewers adds each reviewer's labels and, for every two reviewers who
// labelled members in common, their agreement.
func (r *renderer) reviewers(ctx context.Context, s *review.Sample, all *review.SampleEstimates, conf float64, sv *sampleView) error {
	prog, err := review.SampleProgress(ctx, r.ws, s.ID, "")
	if err != nil {
		return err
	}
	names := make([]string, 0, len(prog.Reviewers))
	for n := range prog.Reviewers {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil
	}
	cols := []string{"reviewer", "labelled"}
	for _, ls := range all.Shares {
		cols = append(cols, ls.Label)
	}
	rt := newTable("Labels per reviewer (each reviewer's current label)", cols...)
	for _, n := range names {
		est, err := review.EstimateSample(ctx, r.ws, s.ID, n, conf)
		if err != nil {
			return fmt.Errorf("investigate: estimating sample %q for reviewer %s: %w", s.Name, n, err)
		}
		row := []cell{text(n), num(analysis.GroupDigits(est.Labelled))}
		for _, ls := range est.Shares {
			row = append(row, num(analysis.GroupDigits(ls.Count)))
		}
		rt.add(row...)
	}
	sv.Reviewers = rt
	if len(names) < 2 {
		return nil
	}
	at := newTable("Agreement between reviewers on the members both labelled", "reviewers", "members", "agreed", "Cohen's kappa", "interval")
	for i, a := range names {
		for _, b := range names[i+1:] {
			ag, err := review.SampleAgreement(ctx, r.ws, s.ID, a, b, conf)
			if err != nil {
				// Most often: no member in common yet. Say so in the row.
				at.add(text(a+" and "+b), text("not computed: "+err.Error()), text(""), text(""), text(""))
				continue
			}
			at.add(text(a+" and "+b), num(analysis.GroupDigits(ag.Items)), num(fmt.Sprintf("%s (%s)", analysis.GroupDigits(ag.Agreed), pct(ag.Observed))),
				num(kappaText(ag.Kappa)), text("["+kappaText(math.Max(-1, ag.CI.Lo))+", "+kappaText(math.Min(1, ag.CI.Hi))+"]"))
		}
	}
	at.Note = fmt.Sprintf("Cohen's kappa with a %s interval (kappa ± z·SE, cut to kappa's range [−1, 1]); kappa is undefined when both reviewers gave every member one and the same label.", level(conf))
	r.used.methods["kappa"] = "Cohen's kappa"
	sv.Agreement = at
	return nil
}

func estimateCI(e review.ShareEstimate) string {
	return ciText(analysis.Interval{Lo: e.CI.Lo, Hi: e.CI.Hi})
}

func kappaText(k float64) string {
	if math.IsNaN(k) || math.IsInf(k, 0) {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", k)
}

func ratioOf(x, n int64) float64 {
	if n == 0 {
		return math.NaN()
	}
	return float64(x) / float64(n)
}
