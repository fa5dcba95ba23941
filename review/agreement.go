package review

// Agreement between two reviewers on the members both labelled.

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
)

// Agreement is how two reviewers agree on the members both labelled.
type Agreement struct {
	ReviewerA string         `json:"reviewer_a"`
	ReviewerB string         `json:"reviewer_b"`
	Items     int64          `json:"items"`    // members both labelled
	Agreed    int64          `json:"agreed"`   // with the same current label
	Observed  float64        `json:"observed"` // Agreed / Items
	Kappa     float64        `json:"kappa"`    // Cohen's kappa (stats.CohensKappa)
	SE        float64        `json:"se"`
	CI        stats.Interval `json:"ci"` // kappa ± z SE
	// Table counts members by (label of A, label of B).
	Table      map[string]map[string]int64 `json:"table"`
	Confidence float64                     `json:"confidence"`
}

// MarshalJSON writes kappa, se and the interval as null when undefined
// (every item given one and the same label by both reviewers).
func (a Agreement) MarshalJSON() ([]byte, error) {
	num := func(f float64) any {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		return f
	}
	type plain Agreement
	return json.Marshal(struct {
		plain
		Kappa any `json:"kappa"`
		SE    any `json:"se"`
		CI    any `json:"ci"`
	}{plain(a), num(a.Kappa), num(a.SE), map[string]any{"lo": num(a.CI.Lo), "hi": num(a.CI.Hi)}})
}

// SampleAgreement computes Cohen's kappa between the current labels of two
// reviewers on the members of a sample both have labelled.
func SampleAgreement(ctx context.Context, ws *datasets.Workspace, sampleID int64, reviewerA, reviewerB string, conf float64) (*Agreement, error) {
	if reviewerA == "" || reviewerB == "" || reviewerA == reviewerB {
		return nil, fmt.Errorf("agreement needs two different reviewers (got %q and %q)", reviewerA, reviewerB)
	}
	if !(conf > 0 && conf < 1) {
		return nil, fmt.Errorf("confidence %g must be between 0 and 1, e.g. 0.95", conf)
	}
	rows, err := queryLabels(ctx, ws, `SELECT a.label, b.label FROM current_labels a
		JOIN current_labels b ON b.sample_id = a.sample_id AND b.video_id = a.video_id AND b.reviewer = ?
		JOIN sample_members m ON m.sample_id = a.sample_id AND m.video_id = a.video_id
		WHERE a.sample_id = ? AND a.reviewer = ? ORDER BY m.position`, reviewerB, sampleID, reviewerA)
	if err != nil {
		return nil, fmt.Errorf("reading the two reviewers' labels: %w", err)
	}
	defer rows.Close()
	ag := &Agreement{ReviewerA: reviewerA, ReviewerB: reviewerB, Confidence: conf, Table: map[string]map[string]int64{}}
	var la, lb []string
	for rows.Next() {
		var x, y string
		if err := rows.Scan(&x, &y); err != nil {
			return nil, err
		}
		la, lb = append(la, x), append(lb, y)
		if ag.Table[x] == nil {
			ag.Table[x] = map[string]int64{}
		}
		ag.Table[x][y]++
		if x == y {
			ag.Agreed++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ag.Items = int64(len(la))
	if ag.Items == 0 {
		return nil, fmt.Errorf("%s and %s have not labelled any member in common yet: both must label the same members", reviewerA, reviewerB)
	}
	ag.Observed = float64(ag.Agreed) / float64(ag.Items)
	ag.Kappa, ag.SE = stats.CohensKappa(la, lb)
	z := distuv.UnitNormal.Quantile(1 - (1-conf)/2)
	ag.CI = stats.Interval{Lo: ag.Kappa - z*ag.SE, Hi: ag.Kappa + z*ag.SE}
	return ag, nil
}
