package notebooks

import (
	"fmt"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/trendlab/trendlab/analysis"
)

func (r *renderer) trend(inv *analysis.Investigation, v *investigateView) error {
	if len(inv.Trend.Volume) > 0 {
		c := charts.NewLine()
		c.SetGlobalOptions(tooltipAxis, legendTop, gridOpts,
			charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
			charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "tag set"}))
		c.ExtendYAxis(opts.YAxis{Type: "value", Name: "baseline", Position: "right"})
		var days []string
		var ts, bs []opts.LineData
		for _, d := range inv.Trend.Volume {
			days = append(days, d.Day)
			ts = append(ts, opts.LineData{Value: d.TagSet})
			bs = append(bs, opts.LineData{Value: d.Baseline, YAxisIndex: 1})
		}
		c.SetXAxis(days)
		c.AddSeries("tag set videos", ts, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#c0392b"}))
		c.AddSeries("baseline videos", bs, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#7f8c8d"}),
			charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.YAxisIndex = 1 }))
		ch, err := r.newChart("volume", "Daily volume", c, 300)
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
			label := fmt.Sprintf("change %s (p adj %s)", ch.Day, pval(ch.PAdjusted))
			marks = append(marks,
				charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: label, XAxis: ch.Day}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"},
					LineStyle: &opts.LineStyle{Type: "solid", Color: "#c0392b", Width: 2},
					Label:     &opts.Label{Show: opts.Bool(true), Formatter: "{b}", Position: "insideEndTop"}}))
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
	t := newTable("Changepoints", "policy", "group", "change", "rate before", "rate after", "log LR", "p", "p adjusted")
	methods := map[string]bool{}
	for _, pt := range inv.Trend.Policies {
		for _, g := range []struct {
			name string
			ch   analysis.Change
		}{{"tag set", pt.TagSetChange}, {"baseline", pt.BaselineChange}} {
			ch := g.ch
			switch {
			case ch.Day == "":
				t.add(text(pt.Policy), text(g.name), text("none (series too short)"), text(""), text(""), text(""), text(""), text(""))
				continue
			case ch.Significant:
				t.add(text(pt.Policy), text(g.name), text("on "+ch.Day), num(pct(ch.Before)), num(pct(ch.After)), num(fmt.Sprintf("%.2f", ch.LogLR)),
					num(pval(ch.PValue)), num(pval(ch.PAdjusted)))
			default:
				t.add(text(pt.Policy), text(g.name), text("none significant (most likely day "+ch.Day+")"), text(""), text(""), num(fmt.Sprintf("%.2f", ch.LogLR)),
					num(pval(ch.PValue)), num(pval(ch.PAdjusted)))
			}
			if ch.Method != "" && !methods[ch.Method] {
				methods[ch.Method] = true
				t.Note = strings.TrimSpace(t.Note + " Method: " + ch.Method + ".")
			}
		}
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
