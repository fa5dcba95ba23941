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
	// minDailyVariance is the least binomial variance n·p0·(1-p0) of a
	// day's violating count for the day to be charted: below it the count
	// is too far from normal for a standardised score to mean anything
	// (10 videos a day at p0 = 0.2 give 1.6, and rates swing 0 % to 22 %).
	minDailyVariance = 5
	// The charts' in-control average run lengths in charted days, by
	// stats.CUSUMARL0 and stats.EWMAARL0 (4,000 runs, seed 1; a test checks
	// them): one false alarm per this many days when nothing changes.
	cusumARL0 = 467.6
	ewmaARL0  = 570.8
)

// controlChartSpec states the charts' settings and false-alarm rates.
func controlChartSpec() ControlCharts {
	return ControlCharts{
		EWMALambda: ewmaLambda, EWMAL: ewmaL, CUSUMK: cusumK, CUSUMH: cusumH,
		MinDailyVariance: minDailyVariance,
		EWMAARL0:         ewmaARL0, CUSUMARL0: cusumARL0,
		EWMAFalseAlarmPerDay: 1 / ewmaARL0, CUSUMFalseAlarmPerDay: 1 / cusumARL0,
		ARLMethod: "simulated: 4,000 runs of independent N(0, 1) standardised days with known in-control level, until the first alarm",
	}
}

// trend builds the daily series per policy, scans each for one change in
// the violation rate (tag set and baseline), runs EWMA and CUSUM charts on
// the tag set, and compares before and after the change date.
func (r *run) trend(ctx context.Context) error {
	t := &r.inv.Trend
	t.Policies = make([]PolicyTrend, 0, len(r.inv.Policies))
	t.Spikes = []Spike{}
	t.ControlCharts = controlChartSpec()
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
		pt.EWMAAlerts, pt.CUSUMAlerts, pt.ChartedDays = r.controlCharts(pt.Daily)
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
	r.volumeShare()
	r.beforeAfter()
	return nil
}

// volumeShare scans the tag set's share of all uploads per day for one
// change ("did the tag rise?"); a test of its own, not in the policies'
// Holm families.
func (r *run) volumeShare() {
	daily := make([]DayRate, len(r.days))
	for i, d := range r.days {
		daily[i] = DayRate{Day: day(d), TagSetX: r.volume[grpSet][i], TagSetN: r.total[i]}
	}
	c := r.changepoint(daily, true)
	c.Significant = c.Day != "" && c.PValue < r.req.Alpha
	r.inv.Trend.VolumeShareChange = c
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
// in-control period and sets the in-control rate p0. Only days whose
// violating count has a binomial variance n·p0·(1-p0) of at least
// minDailyVariance are charted (charted counts them); each is standardised
// by its binomial spread, z = (x - n·p0)/sqrt(n·p0·(1-p0)), and the charts
// estimate the level and spread of z from the charted in-control days.
// Without violations in the in-control period (p0 = 0), or with fewer than
// minControlDays charted in-control days, nothing is charted.
func (r *run) controlCharts(daily []DayRate) (ewma, cusum []string, charted int) {
	ewma, cusum = []string{}, []string{}
	idx, x, n := series(daily, true)
	base0 := len(idx) / 3
	if base0 < minControlDays || len(idx) <= base0 {
		return ewma, cusum, 0
	}
	p0 := float64(sum(x[:base0])) / float64(sum(n[:base0]))
	if p0 <= 0 || p0 >= 1 {
		return ewma, cusum, 0
	}
	var z []float64
	var days []int
	base := 0
	for i := range idx {
		v := float64(n[i]) * p0 * (1 - p0)
		if v < minDailyVariance {
			continue
		}
		z = append(z, (float64(x[i])-float64(n[i])*p0)/math.Sqrt(v))
		days = append(days, idx[i])
		if i < base0 {
			base++
		}
	}
	if base < minControlDays || len(z) <= base || slices.Min(z[:base]) == slices.Max(z[:base]) {
		return ewma, cusum, 0
	}
	for _, i := range stats.EWMAAlerts(z, ewmaLambda, ewmaL, base) {
		ewma = append(ewma, daily[days[i]].Day)
	}
	for _, i := range stats.CUSUMAlerts(z, cusumK, cusumH, base) {
		cusum = append(cusum, daily[days[i]].Day)
	}
	return ewma, cusum, len(z)
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
