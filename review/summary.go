package review

// What a report shows of a labelled sample.

import (
	"context"
	"fmt"

	"github.com/trendlab/trendlab/datasets"
)

// ReviewerLabels counts one reviewer's current labels on a sample.
type ReviewerLabels struct {
	Reviewer string `json:"reviewer"`
	Labelled int64  `json:"labelled"` // members this reviewer labelled
	// Counts has one entry per label of the sample's label set, in its order.
	Counts []LabelCount `json:"counts"`
}

// LabelCount is how many members have a label.
type LabelCount struct {
	Label string `json:"label"`
	Count int64  `json:"count"`
}

// Summary is everything a report shows of a labelled sample: the estimates
// from the latest label of any reviewer, each reviewer's labels, and
// Cohen's kappa for every pair of reviewers who labelled a member in common.
type Summary struct {
	Sample     *Sample          `json:"-"`
	Estimates  *SampleEstimates `json:"estimates"`
	Reviewers  []ReviewerLabels `json:"reviewers"`
	Agreements []*Agreement     `json:"agreements"`
}

// Summarize gathers a Summary of the sample named name at confidence conf;
// the error wraps ErrNoSample when there is none.
func Summarize(ctx context.Context, ws *datasets.Workspace, name string, conf float64) (*Summary, error) {
	s, err := SampleByName(ctx, ws, name)
	if err != nil {
		return nil, err
	}
	est, err := EstimateSample(ctx, ws, s.ID, "", conf)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Sample: s, Estimates: est, Reviewers: []ReviewerLabels{}, Agreements: []*Agreement{}}
	rows, err := queryLabels(ctx, ws, `SELECT c.reviewer, c.label, count(*) FROM current_labels c
		JOIN sample_members m ON m.sample_id = c.sample_id AND m.video_id = c.video_id
		WHERE c.sample_id = ? GROUP BY c.reviewer, c.label ORDER BY c.reviewer`, s.ID)
	if err != nil {
		return nil, fmt.Errorf("counting the reviewers' labels: %w", err)
	}
	counts := map[string]map[string]int64{}
	var names []string
	for rows.Next() {
		var who, label string
		var n int64
		if err := rows.Scan(&who, &label, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if counts[who] == nil {
			counts[who] = map[string]int64{}
			names = append(names, who)
		}
		counts[who][label] += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, who := range names {
		r := ReviewerLabels{Reviewer: who}
		for _, d := range s.Definition.Labels {
			r.Counts = append(r.Counts, LabelCount{Label: d.Name, Count: counts[who][d.Name]})
			r.Labelled += counts[who][d.Name]
		}
		sum.Reviewers = append(sum.Reviewers, r)
	}
	for i, a := range names {
		for _, b := range names[i+1:] {
			var common int64
			if err := scanLabelsRow(ctx, ws, `SELECT count(*) FROM current_labels x
				JOIN current_labels y ON y.sample_id = x.sample_id AND y.video_id = x.video_id AND y.reviewer = ?
				WHERE x.sample_id = ? AND x.reviewer = ?`, []any{b, s.ID, a}, &common); err != nil {
				return nil, fmt.Errorf("finding the members two reviewers share: %w", err)
			}
			if common == 0 {
				continue
			}
			ag, err := SampleAgreement(ctx, ws, s.ID, a, b, conf)
			if err != nil {
				return nil, err
			}
			sum.Agreements = append(sum.Agreements, ag)
		}
	}
	return sum, nil
}
