package analysis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/engine"
)

// ScanRequest asks for a platform-wide scan: which tags' daily violation
// rate rose at some day.
type ScanRequest struct {
	// Policies to scan; empty means every policy with outcomes.
	Policies []string `json:"policies,omitempty"`
	// Period bounds the videos by creation day, both ends inclusive; a
	// zero bound means the data's first or last day.
	datasets.Period
	// MinVideos is the least number of videos a tag needs in the period to
	// be scanned. Default 100.
	MinVideos int64 `json:"min_videos"`
	// MinViolating is the least number of violating videos a tag needs for
	// a policy to be scanned. Default 5.
	MinViolating int64 `json:"min_violating"`
	// Alpha is the level of the Benjamini-Hochberg q-values. Default 0.05.
	Alpha float64 `json:"alpha"`
	// Limit caps the results listed. Default 20.
	Limit int `json:"limit"`
}

// SpikeScan is the answer of ScanSpikes.
type SpikeScan struct {
	Period Period `json:"period"`
	// Series is the number of (tag, policy) daily series scanned.
	Series int `json:"series"`
	// Method describes the test and its adjustment.
	Method string `json:"method"`
	// Rises are the scanned series whose most likely change is a rise,
	// ranked by p-value (significant first).
	Rises []TagSpike `json:"rises"`
}

// TagSpike is the most likely change of one tag's daily violation rate
// for one policy.
type TagSpike struct {
	Tag    string  `json:"tag"`
	Policy string  `json:"policy"`
	Day    string  `json:"day"` // first day at the new rate
	Videos int64   `json:"videos"`
	Before float64 `json:"before"`
	After  float64 `json:"after"`
	LogLR  float64 `json:"log_lr"`
	// PValue bounds the scan's p-value: the chi-square(1) tail of 2·LogLR
	// times the number of possible change days (Bonferroni over splits).
	PValue float64 `json:"p_value"`
	// QValue is Benjamini-Hochberg across every scanned series.
	QValue      float64 `json:"q_value"`
	Significant bool    `json:"significant"`
}

// ScanSpikes scans every tag with enough videos for one change in its
// daily violation rate per policy, and lists the rises. Aggregation runs in
// the workspace's engine (engine.Spikes: videos per tag and day, violating
// videos per tag, policy and day); Go runs the binomial likelihood-ratio scan of each series
// (stats.ChangepointBinomial). Scanning thousands of series rules out
// permutation p-values at useful levels, so each series gets a
// conservative bound instead: P(χ²₁ > 2·LogLR) × (days − 1), and the
// bounds are adjusted by Benjamini-Hochberg across the series.
func ScanSpikes(ctx context.Context, ws *datasets.Workspace, req ScanRequest) (*SpikeScan, error) {
	if req.MinVideos == 0 {
		req.MinVideos = 100
	}
	if req.MinViolating == 0 {
		req.MinViolating = 5
	}
	if req.Alpha == 0 {
		req.Alpha = 0.05
	}
	if req.Limit == 0 {
		req.Limit = 20
	}
	if req.MinVideos < 0 || req.MinViolating < 0 || req.Limit < 0 || req.Alpha <= 0 || req.Alpha >= 1 {
		return nil, errors.New("scan: thresholds must not be negative and alpha must lie between 0 and 1")
	}
	eng, err := engine.ConnectSpikes(ctx, ws)
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	defer reportRows(eng)
	r := &run{req: Request{Period: req.Period}, eng: eng, inv: &Investigation{}}
	if err := r.period(ctx); err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	vols, viols, err := eng.SpikeCounts(ctx, engine.SpikeQuery{MinRows: req.MinVideos, Lo: r.lo, Hi: r.hi, Policies: req.Policies})
	if err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	vol := map[string][]int64{}
	for _, c := range vols {
		if i, ok := r.dayIndex[truncDay(c.Day)]; ok {
			if vol[c.Tag] == nil {
				vol[c.Tag] = make([]int64, len(r.days))
			}
			vol[c.Tag][i] = c.N
		}
	}
	type key struct{ tag, policy string }
	viol := map[key][]int64{}
	for _, c := range viols {
		k := key{c.Tag, c.Policy}
		if i, ok := r.dayIndex[truncDay(c.Day)]; ok {
			if viol[k] == nil {
				viol[k] = make([]int64, len(r.days))
			}
			viol[k][i] = c.N
		}
	}
	keys := make([]key, 0, len(viol))
	for k := range viol {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		return cmp.Or(strings.Compare(a.tag, b.tag), strings.Compare(a.policy, b.policy))
	})
	chi := distuv.ChiSquared{K: 1}
	var spikes []TagSpike
	var ps []float64
	for _, k := range keys {
		xs, ns := viol[k], vol[k.tag]
		if sum(ns) < req.MinVideos {
			continue
		}
		var x, n []int64
		var idx []int
		for i := range ns {
			if ns[i] > 0 {
				idx = append(idx, i)
				x = append(x, min(xs[i], ns[i]))
				n = append(n, ns[i])
			}
		}
		if sum(x) < req.MinViolating || len(idx) < 2 {
			continue
		}
		cp := stats.ChangepointBinomial(x, n, 0, 1)
		p := math.Min(1, chi.Survival(2*cp.LogLR)*float64(len(idx)-1))
		ps = append(ps, p)
		spikes = append(spikes, TagSpike{Tag: k.tag, Policy: k.policy, Day: day(r.days[idx[cp.Index]]), Videos: sum(n),
			Before: cp.Before, After: cp.After, LogLR: cp.LogLR, PValue: p})
	}
	qs := stats.BenjaminiHochberg(ps)
	out := &SpikeScan{Period: r.inv.Period, Series: len(spikes), Rises: []TagSpike{},
		Method: "binomial likelihood-ratio scan for one change per (tag, policy); p bounded by the chi-square(1) tail of 2·LogLR times the number of change days; Benjamini-Hochberg across series"}
	for i := range spikes {
		spikes[i].QValue = qs[i]
		spikes[i].Significant = qs[i] < req.Alpha
		if spikes[i].After > spikes[i].Before {
			out.Rises = append(out.Rises, spikes[i])
		}
	}
	slices.SortStableFunc(out.Rises, func(a, b TagSpike) int {
		return cmp.Or(cmp.Compare(a.PValue, b.PValue), cmp.Compare(b.LogLR, a.LogLR))
	})
	if len(out.Rises) > req.Limit {
		out.Rises = out.Rises[:req.Limit]
	}
	return out, nil
}
