package analysis

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/engine"
)

// Impact analyses: whether the tag set goes with harm on the rest of the
// platform (Platform), and whether actions taken against it worked
// (InterventionImpact, impact_intervention.go). Both aggregate in the
// workspace's engine (engine.Impact: one row per day comes into Go) and fit with analysis/stats: prewhitened
// cross-correlation, OLS with Newey-West errors and day-of-week terms,
// segmented regression, and the changepoint and spike scans.

// ErrNoOptionalExport means an analysis needs an optional export (views,
// searches or interventions) that the workspace does not hold.
var ErrNoOptionalExport = errors.New("the workspace has no rows of an optional export this analysis needs")

// PlatformRequest asks whether the tag set's volume goes with the
// platform-wide rate of one policy among the videos outside the set.
type PlatformRequest struct {
	TagSet string // a saved tag set
	Policy string // e.g. minor_safety
	// Period bounds the days by video creation, both inclusive (UTC); a
	// zero bound is the data's first or last day.
	datasets.Period
	// Lag is the regression's lag in days: the platform rate on day t
	// against the tag set's volume on day t-Lag. Chosen beforehand (0 by
	// default): picking the lag with the largest cross-correlation would
	// make chance associations look real.
	Lag          int
	MaxLag       int     // cross-correlation lags -MaxLag..MaxLag (default 14)
	Conf         float64 // default 0.95
	Power        float64 // for the detectable association (default 0.8)
	Permutations int     // for the changepoint and spike scans (default 999)
	Seed         uint64
}

// Platform is the answer to PlatformRequest.
type Platform struct {
	TagSet string   `json:"tag_set"`
	Tags   []string `json:"tags"`
	Policy string   `json:"policy"`
	Days   []string `json:"days"`
	// Per day: the tag set's uploads, all uploads, the videos outside the
	// set and how many of them violate the policy.
	Volume    []int64 `json:"tag_set_volume"`
	Uploads   []int64 `json:"uploads"`
	Outside   []int64 `json:"outside_videos"`
	Violating []int64 `json:"outside_violating"`

	CCF        CrossCorrelation  `json:"cross_correlation"`
	Volume1    AssociationResult `json:"regression_on_volume"`
	Share      AssociationResult `json:"regression_on_share"`
	Associated bool              `json:"associated"`
	Statement  string            `json:"statement"`

	Rise          ScanChange `json:"tag_set_rise"`         // the changepoint of the tag set's daily share of uploads
	PlatformShift ScanChange `json:"platform_changepoint"` // of the platform's rate
	PlatformSpike ScanWindow `json:"platform_spike"`       // the most raised window of the platform's rate
	SpikeText     string     `json:"spike_statement"`
	Notes         []string   `json:"notes,omitempty"`
}

// ScanChange is the most likely lasting change in a daily rate
// (stats.ChangepointBinomial), whether or not it is significant.
type ScanChange struct {
	Day    string `json:"day"` // first day after the change
	Before Num    `json:"before"`
	After  Num    `json:"after"`
	PValue Num    `json:"p_value"`
	Method string `json:"method"`
}

// ScanWindow is the most raised window of a daily rate
// (stats.SpikeBinomial), whether or not it is significant.
type ScanWindow struct {
	Start   string `json:"start"` // first day of the window
	End     string `json:"end"`   // last day of the window
	Inside  Num    `json:"inside"`
	Outside Num    `json:"outside"`
	PValue  Num    `json:"p_value"`
	Method  string `json:"method"`
}

// CrossCorrelation is the prewhitened cross-correlation of the tag set's
// daily volume (x) and the platform rate (y): R at lag k is corr(x_t,
// y_{t+k}), so positive lags are the platform following the tag set.
type CrossCorrelation struct {
	Lags    []int         `json:"lags"`
	R       []Num         `json:"r"`
	CI      []NumInterval `json:"ci"`
	Band    Num           `json:"band"` // |R| above it differs from 0 at the level
	Outside []int         `json:"lags_outside_band"`
	Method  string        `json:"method"`
}

// AssociationResult is a regression of the platform rate on one regressor
// (volume or share) with day-of-week terms and HAC errors, stated for a
// named rise of the regressor.
type AssociationResult struct {
	Regressor  string      `json:"regressor"`
	Lag        int         `json:"lag"`
	Slope      Num         `json:"slope"` // rate change per unit of the regressor
	SlopeCI    NumInterval `json:"slope_ci"`
	PValue     Num         `json:"p_value"`
	Rise       Num         `json:"rise"`             // the regressor's rise the statement speaks of
	RiseText   string      `json:"rise_text"`        // e.g. "120 videos a day"
	RiseWindow int         `json:"rise_window_days"` // the rise is the mean of the last RiseWindow days less that of the first
	Change     Num         `json:"change"`           // Slope × Rise, in rate units
	ChangeCI   NumInterval `json:"change_ci"`
	MDE        Num         `json:"detectable_change"` // smallest |Change| detectable at Power
	Method     string      `json:"method"`
}

// SetVideosTable is a table of a tag set's videos that the caller has
// made on a connection (a report's tagset_videos), which ImpactPlatforms
// reads instead of finding the videos again when it holds the same ones.
type SetVideosTable struct {
	Conn  *sql.Conn
	Table string // columns video_id and created_at; a name from the program
	// Tags are the tags whose videos it holds, by their hashtags alone
	// (no caption mentions), created in [Lo, Hi).
	Tags   []string
	Lo, Hi time.Time
}

// holds reports whether t holds exactly the videos of tags created in
// [lo, hi).
func (t *SetVideosTable) holds(tags []string, lo, hi time.Time) bool {
	sorted := func(xs []string) []string { return slices.Compact(slices.Sorted(slices.Values(xs))) }
	return t != nil && t.Lo.Equal(lo) && t.Hi.Equal(hi) && slices.Equal(sorted(t.Tags), sorted(tags))
}

// ImpactPlatform answers req.
func ImpactPlatform(ctx context.Context, ws *datasets.Workspace, req PlatformRequest) (*Platform, error) {
	ps, err := ImpactPlatforms(ctx, ws, req, nil, req.Policy)
	if err != nil {
		return nil, err
	}
	return ps[0], nil
}

// ImpactPlatforms answers req for each of policies (req.Policy is
// ignored), reading the platform's daily counts once for all of them.
// With on, it runs on on.Conn, and reads the tag set's videos from
// on.Table when that holds the same ones.
func ImpactPlatforms(ctx context.Context, ws *datasets.Workspace, req PlatformRequest, on *SetVideosTable, policies ...string) ([]*Platform, error) {
	req.MaxLag = cmp.Or(req.MaxLag, 14)
	req.Conf = cmp.Or(req.Conf, 0.95)
	req.Power = cmp.Or(req.Power, 0.8)
	req.Permutations = cmp.Or(req.Permutations, defaultPermutations)
	if len(policies) == 0 || slices.Contains(policies, "") {
		return nil, errors.New("no policy given: name the policy whose platform-wide rate to test, e.g. minor_safety")
	}
	if req.Lag < 0 {
		return nil, fmt.Errorf("lag %d is negative: the platform rate can only follow the tag set", req.Lag)
	}
	set, err := LoadTagSet(ctx, ws, req.TagSet)
	if err != nil {
		return nil, err
	}
	var eng engine.Impact
	if on != nil {
		eng = engine.OnConn(ws, on.Conn).(engine.Impact)
	} else if eng, err = engine.ConnectImpact(ctx, ws); err != nil {
		return nil, err
	}
	defer eng.Close()
	defer reportRows(eng)
	days, err := impactDays(ctx, eng, req.Period)
	if err != nil {
		return nil, err
	}
	tags, n := set.Accepted(), len(days)
	q := engine.PlatformQuery{Tags: tags, Policies: slices.Compact(slices.Sorted(slices.Values(policies))), Lo: days[0], Hi: days[n-1].AddDate(0, 0, 1)}
	if on.holds(tags, q.Lo, q.Hi) {
		q.SetVideos = on.Table
	}
	done := impactStep("platform: daily counts")
	counts, err := eng.PlatformDays(ctx, q)
	if err != nil {
		return nil, err
	}
	done()
	out := make([]*Platform, len(policies))
	for k, policy := range policies {
		p := &Platform{TagSet: req.TagSet, Tags: tags, Policy: policy}
		p.Volume, p.Uploads, p.Outside, p.Violating = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		for _, d := range days {
			p.Days = append(p.Days, day(d))
		}
		index, col := dayIndex(days), slices.Index(q.Policies, policy)
		for _, c := range counts {
			if i, ok := index[truncDay(c.Day)]; ok {
				p.Uploads[i], p.Volume[i], p.Outside[i], p.Violating[i] = c.Uploads, c.InSet, c.Uploads-c.InSet, c.Outside[col]
			}
		}
		r := req
		r.Policy = policy
		if out[k], err = platformFits(p, days, r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// platformFits fills in p's statistics from its daily counts.
func platformFits(p *Platform, days []time.Time, req PlatformRequest) (*Platform, error) {
	n := len(days)
	var anyViolation int64
	for _, v := range p.Violating {
		anyViolation += v
	}
	if anyViolation == 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("no video outside the tag set violates %s in the period: check the policy's name", req.Policy))
	}

	rate := make([]float64, n)
	vol, share := make([]float64, n), make([]float64, n)
	for i := range days {
		rate[i] = ratio(p.Violating[i], p.Outside[i])
		vol[i] = float64(p.Volume[i])
		share[i] = ratio(p.Volume[i], p.Uploads[i])
	}
	c, err := stats.CrossCorrelation(vol, rate, req.MaxLag, 7, req.Conf)
	if err == nil {
		p.CCF = CrossCorrelation{Band: Num(c.Band), Method: c.Method}
		for i, k := range c.Lags {
			p.CCF.Lags = append(p.CCF.Lags, k)
			p.CCF.R = append(p.CCF.R, Num(c.R[i]))
			p.CCF.CI = append(p.CCF.CI, NumInterval{Num(c.CI[i].Lo), Num(c.CI[i].Hi)})
			if math.Abs(c.R[i]) > c.Band {
				p.CCF.Outside = append(p.CCF.Outside, k)
			}
		}
	} else {
		p.Notes = append(p.Notes, "cross-correlation not computed: "+err.Error())
	}
	first := days[0].Weekday()
	if p.Volume1, err = associate(rate, vol, first, req, "tag set volume", "videos a day", 1); err != nil {
		return nil, err
	}
	if p.Share, err = associate(rate, share, first, req, "tag set share of uploads", "percentage points of uploads", 100); err != nil {
		return nil, err
	}
	p.Associated = p.Volume1.SlopeCI.Lo > 0 || p.Volume1.SlopeCI.Hi < 0
	p.Statement = platformStatement(p, req)

	// The scans: the tag set's rise (its share of uploads) and the
	// platform's rate, each for one lasting change and one raised window.
	defer impactStep("platform: scans")()
	rise := stats.ChangepointBinomial(p.Volume, p.Uploads, req.Permutations, req.Seed)
	p.Rise = changeOf(rise, p.Days)
	shift := stats.ChangepointBinomial(p.Violating, p.Outside, req.Permutations, req.Seed+1)
	p.PlatformShift = changeOf(shift, p.Days)
	sp := stats.SpikeBinomial(p.Violating, p.Outside, 14, req.Permutations, req.Seed+2)
	p.PlatformSpike = spikeOf(sp, p.Days)
	p.SpikeText = spikeStatement(p, req)
	return p, nil
}

// associate regresses y on x lagged by req.Lag with day-of-week terms and
// HAC errors, and states the change for the regressor's rise: the
// difference between its mean over the last and the first 14 days (or a
// quarter of the period), shown as unit (scale multiplies x for display).
func associate(y, x []float64, first time.Weekday, req PlatformRequest, name, unit string, scale float64) (AssociationResult, error) {
	a := AssociationResult{Regressor: name, Lag: req.Lag}
	L := req.Lag
	n := len(y) - L
	if n < 21 {
		return a, fmt.Errorf("%d days after the lag: too few for a regression (need 21)", n)
	}
	yl, xl := y[L:], x[:n]
	dn, dc := stats.DayOfWeekColumns(time.Weekday((int(first)+L)%7), n)
	r, err := stats.OLSHAC(yl, append([][]float64{stats.Ones(n), xl}, dc...), append([]string{"const", name}, dn...), -1)
	if err != nil {
		a.Method = "regression not possible: " + err.Error()
		a.Slope, a.PValue, a.Change, a.MDE = Num(math.NaN()), Num(math.NaN()), Num(math.NaN()), Num(math.NaN())
		a.SlopeCI = NumInterval{Num(math.NaN()), Num(math.NaN())}
		a.ChangeCI = a.SlopeCI
		return a, nil
	}
	ci := r.CI(1, req.Conf)
	w := min(14, max(1, len(x)/4))
	rise := meanOf(x[len(x)-w:]) - meanOf(x[:w])
	if math.Abs(rise) == 0 {
		rise = stdOf(x)
	}
	a.Slope, a.SlopeCI, a.PValue = Num(r.Coef[1]), NumInterval{Num(ci.Lo), Num(ci.Hi)}, Num(r.PValue(1))
	a.Rise = Num(rise)
	a.RiseText = fmt.Sprintf("%.3g %s", rise*scale, unit)
	a.RiseWindow = w
	lo, hi := ci.Lo*rise, ci.Hi*rise
	if lo > hi {
		lo, hi = hi, lo
	}
	a.Change, a.ChangeCI = Num(r.Coef[1]*rise), NumInterval{Num(lo), Num(hi)}
	a.MDE = Num(stats.MinimumDetectableCoef(r.SE[1], 1-req.Conf, req.Power) * math.Abs(rise))
	a.Method = fmt.Sprintf("platform rate on day t against the %s on day t-%d, day-of-week terms; %s", name, L, r.Method)
	return a, nil
}

// platformStatement is the sentence an investigator writes down.
func platformStatement(p *Platform, req PlatformRequest) string {
	a := p.Volume1
	if !a.Change.Valid() {
		return fmt.Sprintf("No regression of the platform's %s rate was possible: %s.", p.Policy, a.Method)
	}
	lag := ""
	if a.Lag > 0 {
		lag = fmt.Sprintf(" %d days later", a.Lag)
	}
	conf := fmt.Sprintf("%.0f%%", 100*req.Conf)
	if p.Associated {
		return fmt.Sprintf("A rise of %s in the tag set's daily volume (from its first to its last %s) goes with a change of %s [%s, %s] (%s CI) in the platform's %s rate%s among videos outside the tag set (p = %.2g; Newey-West errors, day-of-week terms).",
			a.RiseText, windowText(a.RiseWindow), pp(float64(a.Change)), pp(float64(a.ChangeCI.Lo)), pp(float64(a.ChangeCI.Hi)), conf, p.Policy, lag, float64(a.PValue))
	}
	return fmt.Sprintf("No association detected between the tag set's daily volume and the platform's %s rate%s among videos outside the tag set: a rise of %s goes with %s [%s, %s] (%s CI); the data could have detected a change of at least %s (power %.0f%%).",
		p.Policy, lag, a.RiseText, pp(float64(a.Change)), pp(float64(a.ChangeCI.Lo)), pp(float64(a.ChangeCI.Hi)), conf, pp(float64(a.MDE)), 100*req.Power)
}

func windowText(days int) string {
	if days == 14 {
		return "two weeks"
	}
	return fmt.Sprintf("%d days", days)
}

// spikeStatement answers "did it cause a spike?" from the scans.
func spikeStatement(p *Platform, req PlatformRequest) string {
	alpha := 1 - req.Conf
	var b strings.Builder
	if p.Rise.PValue.Valid() && float64(p.Rise.PValue) < alpha {
		fmt.Fprintf(&b, "The tag set's share of uploads changed on %s (%s to %s, p = %.2g). ", p.Rise.Day, pct(float64(p.Rise.Before)), pct(float64(p.Rise.After)), float64(p.Rise.PValue))
	} else {
		b.WriteString("The tag set's share of uploads shows no single lasting change. ")
	}
	shifted := p.PlatformShift.PValue.Valid() && float64(p.PlatformShift.PValue) < alpha
	spiked := p.PlatformSpike.PValue.Valid() && float64(p.PlatformSpike.PValue) < alpha
	switch {
	case !shifted && !spiked:
		fmt.Fprintf(&b, "The platform's %s rate shows no spike (most raised window p = %s) and no lasting change (p = %s).", p.Policy, pnum(p.PlatformSpike.PValue), pnum(p.PlatformShift.PValue))
	default:
		if shifted {
			fmt.Fprintf(&b, "The platform's %s rate changed on %s (%s to %s, p = %.2g)", p.Policy, p.PlatformShift.Day, pct(float64(p.PlatformShift.Before)), pct(float64(p.PlatformShift.After)), float64(p.PlatformShift.PValue))
			if p.Rise.Day != "" {
				if d1, e1 := time.Parse(time.DateOnly, p.Rise.Day); e1 == nil {
					if d2, e2 := time.Parse(time.DateOnly, p.PlatformShift.Day); e2 == nil {
						fmt.Fprintf(&b, ", %+d days from the tag set's change", int(d2.Sub(d1).Hours()/24))
					}
				}
			}
			b.WriteString(". ")
		}
		if spiked {
			fmt.Fprintf(&b, "Its most raised window is %s to %s (%s against %s outside it, p = %.2g).", p.PlatformSpike.Start, p.PlatformSpike.End, pct(float64(p.PlatformSpike.Inside)), pct(float64(p.PlatformSpike.Outside)), float64(p.PlatformSpike.PValue))
		}
	}
	return strings.TrimSpace(b.String())
}

// impactDays lists the days of the period (impactSpan).
func impactDays(ctx context.Context, eng engine.Impact, period datasets.Period) ([]time.Time, error) {
	from, to, err := impactSpan(ctx, eng, period)
	if err != nil {
		return nil, err
	}
	return daysBetween(from, to)
}

// impactSpan is the first and last day of the period: its bounds, or the
// first and last day of the videos.
func impactSpan(ctx context.Context, eng engine.Impact, period datasets.Period) (from, to time.Time, err error) {
	lo, hi, ok, err := eng.Span(ctx)
	if err != nil {
		return from, to, err
	}
	if !ok {
		return from, to, errors.New("the workspace has no videos: import the exports first")
	}
	return truncDay(cmp.Or(period.Since, lo)), truncDay(cmp.Or(period.Until, hi)), nil
}

// daysBetween lists the days from from to to, both included; the impact
// analyses need at least 21.
func daysBetween(from, to time.Time) ([]time.Time, error) {
	var days []time.Time
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		days = append(days, d)
	}
	if len(days) < 21 {
		return nil, fmt.Errorf("the period has %d days: the impact analyses need at least 21", len(days))
	}
	return days, nil
}

// impactStep starts timing one step of an impact analysis (timeStep).
func impactStep(name string) func() { return timeStep("impact " + name) }

// reportRows tells rowsMoved (tests and benchmarks) how many rows an
// analysis read from the engine into Go.
func reportRows(eng interface{ RowsRead() int64 }) {
	if rowsMoved != nil {
		rowsMoved(eng.RowsRead())
	}
}

func dayIndex(days []time.Time) map[time.Time]int {
	m := make(map[time.Time]int, len(days))
	for i, d := range days {
		m[d] = i
	}
	return m
}

func ratio(x, n int64) float64 {
	if n == 0 {
		return 0
	}
	return float64(x) / float64(n)
}

func meanOf(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func stdOf(x []float64) float64 {
	m, s := meanOf(x), 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(max(1, len(x)-1)))
}

// pp formats a rate difference in percentage points.
func pp(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%+.2f pp", 100*v)
}

func pnum(v Num) string {
	if !v.Valid() {
		return "n/a"
	}
	return fmt.Sprintf("%.2g", float64(v))
}

func changeOf(c stats.Changepoint, days []string) ScanChange {
	out := ScanChange{PValue: Num(c.PValue), Before: Num(c.Before), After: Num(c.After), Method: c.Method}
	if c.Index >= 0 && c.Index < len(days) {
		out.Day = days[c.Index]
	}
	return out
}

func spikeOf(s stats.Spike, days []string) ScanWindow {
	out := ScanWindow{PValue: Num(s.PValue), Inside: Num(s.Inside), Outside: Num(s.Outside), Method: s.Method}
	if s.Start >= 0 && s.End > s.Start && s.End <= len(days) {
		out.Start, out.End = days[s.Start], days[s.End-1]
	}
	return out
}
