package analysis

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/trendlab/trendlab/analysis/stats"
)

// Control-chart settings for the daily violation rate of the tag set.
const (
	ewmaLambda     = 0.2
	ewmaL          = 3
	cusumK         = 0.5
	cusumH         = 5
	minControlDays = 7 // fewest in-control days (a third of the series)
)

// trend builds the daily series per policy, scans each for one change in
// the violation rate (tag set and baseline), runs EWMA and CUSUM charts on
// the tag set, and compares before and after the change date.
func (r *run) trend(ctx context.Context) error {
	t := &r.inv.Trend
	t.Policies = make([]PolicyTrend, 0, len(r.inv.Policies))
	t.Spikes = []Spike{}
	bg := r.baselineGroup()
	for _, policy := range r.inv.Policies {
		set, base := r.daily(policy, grpSet), r.daily(policy, bg)
		pt := PolicyTrend{Policy: policy, Daily: make([]DayRate, len(r.days)), EWMAAlerts: []string{}, CUSUMAlerts: []string{}}
		for i, d := range r.days {
			pt.Daily[i] = DayRate{Day: day(d),
				TagSetX: set[i].violating, TagSetN: r.volume[grpSet][i],
				BaselineX: base[i].violating, BaselineN: r.volume[bg][i]}
		}
		pt.TagSetChange = r.changepoint(pt.Daily, true)
		pt.BaselineChange = r.changepoint(pt.Daily, false)
		pt.EWMAAlerts, pt.CUSUMAlerts = r.controlCharts(pt.Daily)
		t.Policies = append(t.Policies, pt)
	}
	for _, group := range []string{"tag_set", "baseline"} {
		var ps []float64
		var idx []int
		for i := range t.Policies {
			c := r.change(&t.Policies[i], group)
			if !math.IsNaN(c.PValue) && c.Day != "" {
				ps = append(ps, c.PValue)
				idx = append(idx, i)
			}
		}
		adj := stats.Holm(ps)
		for k, i := range idx {
			c := r.change(&t.Policies[i], group)
			c.PAdjusted = adj[k]
			c.Significant = adj[k] < r.req.Alpha
			if c.Significant && c.After > c.Before {
				t.Spikes = append(t.Spikes, Spike{Group: group, Policy: t.Policies[i].Policy, Day: c.Day,
					Before: c.Before, After: c.After, PAdjusted: c.PAdjusted})
			}
		}
	}
	slices.SortStableFunc(t.Spikes, func(a, b Spike) int {
		if a.Group != b.Group {
			if a.Group == "tag_set" {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.PAdjusted, b.PAdjusted)
	})
	r.beforeAfter()
	return nil
}

func (r *run) change(pt *PolicyTrend, group string) *Change {
	if group == "tag_set" {
		return &pt.TagSetChange
	}
	return &pt.BaselineChange
}

// series returns the days with videos and their counts, for one group.
func series(daily []DayRate, tagSet bool) (idx []int, x, n []int64) {
	for i, d := range daily {
		xi, ni := d.BaselineX, d.BaselineN
		if tagSet {
			xi, ni = d.TagSetX, d.TagSetN
		}
		if ni <= 0 {
			continue
		}
		idx = append(idx, i)
		x = append(x, min(xi, ni))
		n = append(n, ni)
	}
	return idx, x, n
}

// changepoint scans one group's daily series for one change in the rate.
func (r *run) changepoint(daily []DayRate, tagSet bool) Change {
	idx, x, n := series(daily, tagSet)
	// Without a scan the p-values are 1 and Day is empty.
	c := Change{PValue: 1, PAdjusted: 1, Permutations: r.req.Permutations}
	if len(idx) < 2 || sum(x) == 0 {
		if len(idx) < 2 {
			c.Method = "none (fewer than two days with videos)"
		} else {
			c.Method = "none (no violating videos)"
		}
		return c
	}
	cp := stats.ChangepointBinomial(x, n, r.req.Permutations, r.req.Seed)
	c.Day = daily[idx[cp.Index]].Day
	c.Before, c.After, c.LogLR, c.PValue, c.Method = cp.Before, cp.After, cp.LogLR, cp.PValue, cp.Method
	c.PAdjusted = c.PValue
	return c
}

// controlCharts runs EWMA and CUSUM on the tag set's daily violations,
// over the days with videos. The first third of those days is the
// in-control period. Each day is standardised by its binomial spread
// around the in-control rate p0, z = (x - n·p0)/sqrt(n·p0·(1-p0)), so days
// with few videos weigh less than busy ones; the charts then estimate the
// level and spread of z from the in-control days. Without violations in
// the in-control period (p0 = 0) there is no spread to judge by, and no
// alerts are given.
func (r *run) controlCharts(daily []DayRate) (ewma, cusum []string) {
	ewma, cusum = []string{}, []string{}
	idx, x, n := series(daily, true)
	base := len(idx) / 3
	if base < minControlDays || len(idx) <= base {
		return ewma, cusum
	}
	p0 := float64(sum(x[:base])) / float64(sum(n[:base]))
	if p0 <= 0 || p0 >= 1 {
		return ewma, cusum
	}
	z := make([]float64, len(idx))
	for i := range idx {
		fn := float64(n[i])
		z[i] = (float64(x[i]) - fn*p0) / math.Sqrt(fn*p0*(1-p0))
	}
	if slices.Min(z[:base]) == slices.Max(z[:base]) {
		return ewma, cusum
	}
	for _, i := range stats.EWMAAlerts(z, ewmaLambda, ewmaL, base) {
		ewma = append(ewma, daily[idx[i]].Day)
	}
	for _, i := range stats.CUSUMAlerts(z, cusumK, cusumH, base) {
		cusum = append(cusum, daily[idx[i]].Day)
	}
	return ewma, cusum
}

// beforeAfter compares the tag set's rate before and after the change date
// per policy: the requested date, or the day of the most significant
// rising changepoint of the tag set.
func (r *run) beforeAfter() {
	t := &r.inv.Trend
	var cd time.Time
	switch {
	case !r.req.ChangeDate.IsZero():
		cd, t.ChangeDateSource = truncDay(r.req.ChangeDate), "request"
	default:
		for _, s := range t.Spikes {
			if s.Group == "tag_set" {
				cd, _ = time.Parse(time.DateOnly, s.Day)
				t.ChangeDateSource = "changepoint"
				break
			}
		}
	}
	if cd.IsZero() {
		return
	}
	t.ChangeDate = day(cd)
	if !cd.After(r.lo) || !cd.Before(r.hi) {
		r.note("the change date %s is not inside the period %s to %s: no before/after comparison", day(cd), r.inv.Period.Since, r.inv.Period.Until)
		return
	}
	var ps []float64
	var idx []int
	for i := range t.Policies {
		pt := &t.Policies[i]
		var xb, nb, xa, na int64
		for _, d := range pt.Daily {
			if d.Day < t.ChangeDate {
				xb, nb = xb+d.TagSetX, nb+d.TagSetN
			} else {
				xa, na = xa+d.TagSetX, na+d.TagSetN
			}
		}
		xb, xa = min(xb, nb), min(xa, na)
		ba := &BeforeAfter{Day: t.ChangeDate,
			Before: proportion(xb, nb, r.req.Confidence), After: proportion(xa, na, r.req.Confidence),
			RateRatio: Num(math.NaN())}
		ba.Test = TestResult{Alternative: "two-sided", Statistic: Num(math.NaN()), AdjustMethod: "Holm"}
		if nb == 0 || na == 0 {
			ba.Test.Method, ba.Test.Reason, ba.Test.PValue, ba.Test.PAdjusted = "none", "no tag-set videos on one side of the date", 1, 1
		} else {
			st := stats.PoissonRateRatioExact(xa, float64(na), xb, float64(nb), stats.TwoSided)
			ba.Test.Method = st.Method
			ba.Test.Reason = "violating videos as Poisson counts over videos as exposure; exact conditional test (valid for small counts)"
			ba.Test.PValue, ba.Test.PAdjusted = st.PValue, st.PValue
			if xb > 0 {
				ba.RateRatio = Num((float64(xa) / float64(na)) / (float64(xb) / float64(nb)))
			} else if xa > 0 {
				ba.RateRatio = Num(math.Inf(1))
			}
			ps = append(ps, st.PValue)
			idx = append(idx, i)
		}
		pt.BeforeAfter = ba
	}
	adj := stats.Holm(ps)
	for k, i := range idx {
		t.Policies[i].BeforeAfter.Test.PAdjusted = adj[k]
	}
}
