package notebooks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/trendlab/trendlab/analysis"
)

func (r *renderer) trend(inv *analysis.Investigation, v *investigateView) error {
	if len(inv.Trend.Volume) > 0 {
		// "Did the tag rise?": the tag set's videos and their share of
		// all uploads, with the share's change when it is significant.
		c := charts.NewLine()
		c.SetGlobalOptions(tooltipAxis, legendTop, gridOpts,
			charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
			charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "videos"}))
		c.ExtendYAxis(opts.YAxis{Type: "value", Name: "share of uploads", Position: "right"})
		var days []string
		var ts, share []opts.LineData
		for _, d := range inv.Trend.Volume {
			days = append(days, d.Day)
			ts = append(ts, opts.LineData{Value: d.TagSet})
			share = append(share, opts.LineData{Value: ratio(d.TagSet, d.All), YAxisIndex: 1})
		}
		c.SetXAxis(days)
		c.AddSeries("tag set videos", ts, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#c0392b"}))
		shareOpts := []charts.SeriesOpts{charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2c7fb8"}),
			charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.YAxisIndex = 1 })}
		if ch := inv.Trend.VolumeShareChange; ch.Day != "" && ch.Significant {
			shareOpts = append(shareOpts, changeMark(ch, "#2c7fb8")...)
		}
		c.AddSeries("share of all uploads", share, shareOpts...)
		ch, err := r.newChart("volume", "Daily volume and the tag set's share of all uploads", c, 300)
		if err != nil {
			return err
		}
		v.VolumeChart = ch
	}
	for _, pt := range inv.Trend.Policies {
		if len(pt.Daily) == 0 {
			continue
		}
		c := charts.NewLine()
		c.SetGlobalOptions(tooltipAxis, legendTop, gridOpts,
			charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
			charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "violation rate"}))
		var days []string
		var ts, bs []opts.LineData
		for _, d := range pt.Daily {
			days = append(days, d.Day)
			ts = append(ts, opts.LineData{Value: ratio(d.TagSetX, d.TagSetN)})
			bs = append(bs, opts.LineData{Value: ratio(d.BaselineX, d.BaselineN)})
		}
		c.SetXAxis(days)
		var marks []charts.SeriesOpts
		marks = append(marks, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#c0392b"}))
		// Only a significant changepoint is drawn: the scan always finds
		// a most likely day, and a line would read as a change.
		if ch := pt.TagSetChange; ch.Day != "" && ch.Significant {
			marks = append(marks, changeMark(ch, "#c0392b")...)
		}
		var points []opts.MarkPointNameCoordItem
		for _, sp := range inv.Trend.Spikes {
			if sp.Policy != pt.Policy || sp.Group != "tag_set" {
				continue
			}
			points = append(points, opts.MarkPointNameCoordItem{Name: "spike " + sp.Day, Coordinate: []any{sp.Day, sp.After}, Symbol: "pin", SymbolSize: 40,
				Label: &opts.Label{Show: opts.Bool(true), Formatter: "spike"}})
		}
		if len(points) > 0 {
			marks = append(marks, charts.WithMarkPointNameCoordItemOpts(points...))
		}
		c.AddSeries("tag set", ts, marks...)
		c.AddSeries("baseline", bs, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#7f8c8d"}))
		ch, err := r.newChart("trend", "Daily violation rate: "+pt.Policy, c, 300)
		if err != nil {
			return err
		}
		v.TrendCharts = append(v.TrendCharts, ch)
	}
	cc := inv.Trend.ControlCharts
	alerts := cc.EWMAFalseAlarmPerDay > 0 || cc.CUSUMFalseAlarmPerDay > 0
	cols := []string{"policy", "group", "change", "rate before", "rate after", "log LR", "p", "p adjusted"}
	if alerts {
		cols = append(cols, "EWMA alerts", "CUSUM alerts")
	}
	t := newTable("Changepoints", cols...)
	methods := map[string]bool{}
	if ch := inv.Trend.VolumeShareChange; ch.Day != "" {
		row := changeRow("", "tag set's share of all uploads", ch)
		if alerts {
			row = append(row, text(""), text(""))
		}
		t.add(row...)
	}
	for _, pt := range inv.Trend.Policies {
		for _, g := range []struct {
			name string
			ch   analysis.Change
		}{{"tag set", pt.TagSetChange}, {"baseline", pt.BaselineChange}} {
			ch := g.ch
			row := changeRow(pt.Policy, g.name, ch)
			if alerts {
				var ew, cu string
				if g.name == "tag set" {
					ew, cu = strings.Join(pt.EWMAAlerts, ", "), strings.Join(pt.CUSUMAlerts, ", ")
				}
				row = append(row, text(ew), text(cu))
			}
			t.add(row...)
			if ch.Method != "" && !methods[ch.Method] {
				methods[ch.Method] = true
				t.Note = strings.TrimSpace(t.Note + " Method: " + ch.Method + ".")
			}
		}
	}
	if alerts {
		t.Note = strings.TrimSpace(t.Note + " " + controlChartNote(cc))
	}
	v.Changes = t
	ba := newTable("Before and after "+inv.Trend.ChangeDate, "policy", "before", "after", "rate ratio", "test", "p")
	for _, pt := range inv.Trend.Policies {
		if b := pt.BeforeAfter; b != nil {
			ba.add(text(pt.Policy), text(propText(b.Before)), text(propText(b.After)), num(numText(b.RateRatio)),
				cell{Text: b.Test.Method, Title: b.Test.Reason}, num(pval(b.Test.PValue)))
		}
	}
	if len(ba.Rows) > 0 {
		src := map[string]string{"request": "the day asked for", "changepoint": "the most significant changepoint"}[inv.Trend.ChangeDateSource]
		ba.Note = fmt.Sprintf("Change date %s: %s.", inv.Trend.ChangeDate, src)
		v.BeforeAfter = ba
	}
	return nil
}

// ratio is x/n for a chart, nil (a gap) without videos.
func ratio(x, n int64) any {
	if n == 0 {
		return nil
	}
	return float64(x) / float64(n)
}

// changeRow is a changepoints row: a change only when it is significant.
func changeRow(policy, group string, ch analysis.Change) []cell {
	switch {
	case ch.Day == "":
		return []cell{text(policy), text(group), text("none (series too short)"), text(""), text(""), text(""), text(""), text("")}
	case ch.Significant:
		return []cell{text(policy), text(group), text("on " + ch.Day), num(pct(ch.Before)), num(pct(ch.After)), num(fmt.Sprintf("%.2f", ch.LogLR)),
			num(pval(ch.PValue)), num(pval(ch.PAdjusted))}
	}
	return []cell{text(policy), text(group), text("none significant (most likely day " + ch.Day + ")"), text(""), text(""), num(fmt.Sprintf("%.2f", ch.LogLR)),
		num(pval(ch.PValue)), num(pval(ch.PAdjusted))}
}

// controlChartNote states what an alert is worth: the charts' settings,
// which days were charted and the in-control false-alarm rates.
func controlChartNote(cc analysis.ControlCharts) string {
	every := func(p float64) string {
		if p <= 0 {
			return "n/a"
		}
		return fmt.Sprintf("about 1 day in %.0f", 1/p)
	}
	return fmt.Sprintf("Alerts: EWMA (λ = %s, L = %s) and CUSUM (k = %s, h = %s) on the days whose n·p0·(1−p0) is at least %s; in control they raise a false alarm on %s (EWMA) and %s (CUSUM)%s.",
		strconv.FormatFloat(cc.EWMALambda, 'f', -1, 64), strconv.FormatFloat(cc.EWMAL, 'f', -1, 64),
		strconv.FormatFloat(cc.CUSUMK, 'f', -1, 64), strconv.FormatFloat(cc.CUSUMH, 'f', -1, 64),
		strconv.FormatFloat(cc.MinDailyVariance, 'f', -1, 64), every(cc.EWMAFalseAlarmPerDay), every(cc.CUSUMFalseAlarmPerDay),
		map[bool]string{true: ", by " + cc.ARLMethod, false: ""}[cc.ARLMethod != ""])
}

// changeMark draws a significant change as a vertical line at its day.
func changeMark(ch analysis.Change, color string) []charts.SeriesOpts {
	label := fmt.Sprintf("change %s (p adj %s)", ch.Day, pval(ch.PAdjusted))
	return []charts.SeriesOpts{
		charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: label, XAxis: ch.Day}),
		charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
			LineStyle: &opts.LineStyle{Type: "solid", Color: color, Width: 2},
			Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideEndTop"}}),
	}
}
