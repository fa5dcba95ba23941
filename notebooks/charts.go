package notebooks

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/trendlab/trendlab/analysis"
)

// Charts are built with go-echarts, but only their option object is used:
// go-echarts' own page templates load ECharts from a CDN, so the report
// writes its own <div> per chart, the option as JSON in a
// <script type="application/json"> (html/template escapes it), and one
// inline bootstrap script that calls echarts.init on each (template.go).
// Chart text is drawn on a canvas and tooltips use ECharts' rich-text mode,
// so data never becomes HTML inside a chart.

// chart is one chart in the report.
type chart struct {
	ID     string
	Title  string
	Kind   string
	Height int
	Option json.RawMessage
	Note   string
}

// optioner is what every go-echarts chart provides.
type optioner interface {
	Validate()
	JSON() map[string]interface{}
}

// errorBarRenderer names the custom-series renderItem function defined by
// the report's bootstrap script (JSON cannot carry functions).
const errorBarRenderer = "trendlab:errorbar"

func (r *renderer) newChart(kind, title string, c optioner, height int) (*chart, error) {
	c.Validate()
	obj := c.JSON()
	// go-echarts always adds an empty toolbox and title; a report needs
	// neither (the title is an HTML heading above the chart).
	delete(obj, "toolbox")
	delete(obj, "title")
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("chart %q: %w", title, err)
	}
	r.charts++
	if height == 0 {
		height = 360
	}
	return &chart{ID: fmt.Sprintf("chart-%d", r.charts), Title: title, Kind: kind, Height: height, Option: b}, nil
}

var (
	tooltipAxis = charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"})
	tooltipItem = charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"})
	legendTop   = charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Top: "0"})
	gridOpts    = charts.WithGridOpts(opts.Grid{Left: "3%", Right: "4%", Top: "40", Bottom: "40", ContainLabel: opts.Bool(true)})
)

// chartFromResult draws a chart block from a sql block's result.
func (r *renderer) chartFromResult(spec *ChartSpec, res *result) (*chart, error) {
	col := func(name string) (int, error) {
		for i, c := range res.Columns {
			if c == name {
				return i, nil
			}
		}
		return 0, fmt.Errorf("chart: column %q is not in %s's result (it has %v)", name, spec.Data, res.Columns)
	}
	xi, err := col(spec.X)
	if err != nil {
		return nil, err
	}
	var yi []int
	for _, y := range spec.Y {
		i, err := col(y)
		if err != nil {
			return nil, err
		}
		yi = append(yi, i)
	}
	si := -1
	if spec.Series != "" {
		if si, err = col(spec.Series); err != nil {
			return nil, err
		}
	}
	title := spec.Title
	if title == "" {
		// What is drawn, in the columns' words: the sql block's name is
		// the caption of its table, just above.
		title = strings.Join(spec.Y, ", ") + " by " + spec.X
		if spec.Series != "" {
			title += " and " + spec.Series
		}
	}
	var c *chart
	switch spec.Type {
	case "heatmap":
		vi, err := col(spec.Value)
		if err != nil {
			return nil, err
		}
		c, err = r.heatmap(title, res, xi, yi[0], vi)
		if err != nil {
			return nil, err
		}
	case "scatter":
		c, err = r.scatter(title, res, xi, yi, si, spec)
		if err != nil {
			return nil, err
		}
	default:
		c, err = r.categoryChart(spec.Type, title, res, xi, yi, si, spec)
		if err != nil {
			return nil, err
		}
	}
	if res.More {
		c.Note = fmt.Sprintf("Drawn from the first %d rows of a larger result.", len(res.Rows))
	}
	return c, nil
}

// pivot turns long rows (x, series, y) or wide rows (x, y1, y2...) into
// categories and named series, in order of first appearance.
func pivot(res *result, xi int, yi []int, si int, yNames []string) (cats []string, names []string, data map[string][]any) {
	catIdx := map[string]int{}
	data = map[string][]any{}
	for _, row := range res.Rows {
		x := formatValue(row[xi])
		if _, ok := catIdx[x]; !ok {
			catIdx[x] = len(cats)
			cats = append(cats, x)
			for n := range data {
				data[n] = append(data[n], nil)
			}
		}
		ci := catIdx[x]
		put := func(name string, v any) {
			if _, ok := data[name]; !ok {
				names = append(names, name)
				data[name] = make([]any, len(cats))
			}
			if f, ok := toFloat(v); ok {
				data[name][ci] = f
			}
		}
		if si >= 0 {
			put(formatValue(row[si]), row[yi[0]])
		} else {
			for k, i := range yi {
				put(yNames[k], row[i])
			}
		}
	}
	return cats, names, data
}

func (r *renderer) categoryChart(kind, title string, res *result, xi int, yi []int, si int, spec *ChartSpec) (*chart, error) {
	cats, names, data := pivot(res, xi, yi, si, spec.Y)
	yName := ""
	if len(spec.Y) == 1 {
		yName = spec.Y[0]
	}
	global := []charts.GlobalOpts{tooltipAxis, legendTop, gridOpts,
		charts.WithXAxisOpts(opts.XAxis{Name: spec.X, Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Name: yName, Type: "value"}),
	}
	if len(cats) > 40 {
		global = append(global, charts.WithDataZoomOpts(opts.DataZoom{Type: "slider", Start: 0, End: 100}))
	}
	switch kind {
	case "line":
		c := charts.NewLine()
		c.SetGlobalOptions(global...)
		c.SetXAxis(cats)
		for _, n := range names {
			pts := make([]opts.LineData, len(cats))
			for i, v := range data[n] {
				pts[i] = opts.LineData{Value: v}
			}
			c.AddSeries(n, pts, charts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(len(cats) <= 60)}))
		}
		return r.newChart(kind, title, c, 0)
	default: // bar, stacked_bar
		c := charts.NewBar()
		c.SetGlobalOptions(global...)
		c.SetXAxis(cats)
		for _, n := range names {
			pts := make([]opts.BarData, len(cats))
			for i, v := range data[n] {
				pts[i] = opts.BarData{Value: v}
			}
			var so []charts.SeriesOpts
			if kind == "stacked_bar" {
				so = append(so, charts.WithBarChartOpts(opts.BarChart{Stack: "total"}))
			}
			c.AddSeries(n, pts, so...)
		}
		return r.newChart(kind, title, c, 0)
	}
}

func (r *renderer) scatter(title string, res *result, xi int, yi []int, si int, spec *ChartSpec) (*chart, error) {
	c := charts.NewScatter()
	c.SetGlobalOptions(tooltipItem, legendTop, gridOpts,
		charts.WithXAxisOpts(opts.XAxis{Name: spec.X, Type: "value", Scale: opts.Bool(true)}),
		charts.WithYAxisOpts(opts.YAxis{Name: spec.Y[0], Type: "value", Scale: opts.Bool(true)}))
	series := map[string][]opts.ScatterData{}
	var names []string
	for _, row := range res.Rows {
		x, ok := toFloat(row[xi])
		if !ok {
			continue
		}
		for k, i := range yi {
			y, ok := toFloat(row[i])
			if !ok {
				continue
			}
			name := spec.Y[k]
			if si >= 0 {
				name = formatValue(row[si])
			}
			if _, ok := series[name]; !ok {
				names = append(names, name)
			}
			series[name] = append(series[name], opts.ScatterData{Value: []float64{x, y}})
		}
	}
	for _, n := range names {
		c.AddSeries(n, series[n])
	}
	return r.newChart("scatter", title, c, 0)
}

func (r *renderer) heatmap(title string, res *result, xi, yi, vi int) (*chart, error) {
	var xs, ys []string
	xIdx, yIdx := map[string]int{}, map[string]int{}
	var pts []opts.HeatMapData
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range res.Rows {
		x, y := formatValue(row[xi]), formatValue(row[yi])
		if _, ok := xIdx[x]; !ok {
			xIdx[x] = len(xs)
			xs = append(xs, x)
		}
		if _, ok := yIdx[y]; !ok {
			yIdx[y] = len(ys)
			ys = append(ys, y)
		}
		v, ok := toFloat(row[vi])
		if !ok {
			continue
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
		pts = append(pts, opts.HeatMapData{Value: [3]any{xIdx[x], yIdx[y], v}})
	}
	if len(pts) == 0 {
		lo, hi = 0, 1
	}
	c := charts.NewHeatMap()
	c.SetGlobalOptions(tooltipItem,
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(opts.Grid{Left: "3%", Right: "90", Top: "20", Bottom: "30", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: xs}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: ys}),
		charts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: float32(lo), Max: float32(hi), Orient: "vertical", Right: "0", Top: "middle",
			InRange: &opts.VisualMapInRange{Color: []string{"#f7fbff", "#6baed6", "#08306b"}}}),
	)
	c.AddSeries(title, pts)
	height := 120 + 22*len(ys)
	if height < 300 {
		height = 300
	}
	return r.newChart("heatmap", title, c, height)
}

// ratesChart draws each policy's rate for tag set and baseline as bars with
// interval whiskers (a custom series drawn by the bootstrap script).
func (r *renderer) ratesChart(inv *analysis.Investigation) (*chart, error) {
	if len(inv.Rates) == 0 {
		return nil, nil
	}
	c := charts.NewBar()
	c.SetGlobalOptions(tooltipItem, gridOpts,
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0", Data: []string{"tag set", "baseline"}}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "violation rate"}))
	var cats []string
	var ts, bs []opts.BarData
	var tErr, bErr []opts.CustomData
	for i, pr := range inv.Rates {
		cats = append(cats, pr.Policy)
		ts = append(ts, opts.BarData{Value: pr.TagSet.P})
		bs = append(bs, opts.BarData{Value: pr.Baseline.P})
		tErr = append(tErr, opts.CustomData{Value: []any{i, pr.TagSet.CI.Lo, pr.TagSet.CI.Hi, 0}})
		bErr = append(bErr, opts.CustomData{Value: []any{i, pr.Baseline.CI.Lo, pr.Baseline.CI.Hi, 1}})
	}
	c.SetXAxis(cats)
	c.AddSeries("tag set", ts, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#c0392b"}))
	c.AddSeries("baseline", bs, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#7f8c8d"}))
	whiskers := charts.NewCustom()
	whiskers.AddSeries("tag set interval", tErr, charts.WithCustomChartOpts(opts.CustomChart{RenderItem: errorBarRenderer}))
	whiskers.AddSeries("baseline interval", bErr, charts.WithCustomChartOpts(opts.CustomChart{RenderItem: errorBarRenderer}))
	c.Overlap(whiskers)
	ch, err := r.newChart("rates", "Violation rate by policy, with "+level(inv.Confidence)+" "+inv.IntervalMethod+" intervals", c, 0)
	return ch, err
}

// relatedChart draws the related tags' NPMI, significant ones in colour
// and the rest in grey, significant first.
func (r *renderer) relatedChart(inv *analysis.Investigation) (*chart, error) {
	tags := relatedOrder(inv.Related.Tags)
	if len(tags) > 15 {
		tags = tags[:15]
	}
	c := charts.NewBar()
	c.SetGlobalOptions(tooltipItem, gridOpts,
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0", Data: []string{"significant", "not significant"}}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "NPMI"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}))
	var names []string
	sig, other := make([]opts.BarData, len(tags)), make([]opts.BarData, len(tags))
	for i, rt := range tags {
		names = append(names, rt.Tag)
		var v any
		if rt.NPMI.Valid() {
			v = float64(rt.NPMI)
		}
		if rt.Significant {
			sig[i] = opts.BarData{Value: v}
		} else {
			other[i] = opts.BarData{Value: v}
		}
	}
	c.SetXAxis(names)
	stack := charts.WithBarChartOpts(opts.BarChart{Stack: "npmi"})
	c.AddSeries("significant", sig, stack, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#2c7fb8"}))
	c.AddSeries("not significant", other, stack, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#c8ccd0"}))
	c.XYReversal()
	return r.newChart("related", "Related tags by normalised PMI", c, 100+24*len(tags))
}
