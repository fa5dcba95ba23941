package notebooks

import (
	"html/template"
)

// page is everything the report template shows.
type page struct {
	Title       string
	Description string
	Made        string
	Params      []ParamValue
	Privacy     []string
	Items       []item
	Methods     *methodsView
	Provenance  *provenanceView
	Library     *Library
	Source      Source
	// CSP is the Content-Security-Policy (csp.go).
	CSP string
}

// The report is one html/template: every value from the data or the
// notebook is escaped by context (text, attribute, JSON in a script).
// The only unescaped pieces are the embedded ECharts build, the static
// bootstrap script and CSS below, goldmark's safe-mode Markdown and the
// Content-Security-Policy, which lets only those two scripts run.
var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"library":   func(l *Library) template.JS { return template.JS(l.Source) },
	"bootstrap": func() template.JS { return template.JS(bootstrapJS) },
	"css":       func() template.CSS { return template.CSS(reportCSS) },
	"cspAttr":   cspAttr,
}).Parse(reportHTML))

const reportHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="trendlab {{.Provenance.TrendlabVersion}}">
<meta http-equiv="Content-Security-Policy" {{cspAttr .CSP}}>
<title>{{.Title}}</title>
<style>{{css}}</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
{{with .Description}}<p class="description">{{.}}</p>{{end}}
<p class="made">Made {{.Made}} by trendlab {{.Provenance.TrendlabVersion}} from <code>{{.Source.Path}}</code> on workspace <code>{{.Provenance.Workspace}}</code>.</p>
{{if .Params}}<table class="params"><caption>Parameters</caption><tbody>
{{range .Params}}<tr><th scope="row">{{.Name}}</th><td>{{.Value}}</td><td class="muted">{{.Type}}</td></tr>
{{end}}</tbody></table>{{end}}
<aside class="privacy">{{range .Privacy}}<p>{{.}}</p>{{end}}</aside>
</header>
<main>
{{range .Items}}
{{- if eq (print .Kind) "markdown"}}<section class="prose">{{.HTML}}</section>
{{else if .Table}}{{template "table" .Table}}
{{else if .Chart}}{{template "chart" .Chart}}
{{else if .Investigate}}{{template "investigate" .Investigate}}
{{else if .Impact}}{{template "impact" .Impact}}
{{else if .Sweep}}{{template "chart" .Sweep.Chart}}{{template "table" .Sweep.Table}}
{{else if .Alerts}}{{template "alerts" .Alerts}}
{{end}}
{{- end}}
</main>
<section class="methods" id="methods">
<h2>Methods</h2>
{{range .Methods.Paragraphs}}<p>{{.}}</p>
{{end}}
</section>
<section class="provenance" id="provenance">
<h2>Appendix: provenance</h2>
{{with .Provenance}}
<dl>
<dt>Workspace</dt><dd><code>{{.Workspace}}</code> (schema version {{.SchemaVersion}})</dd>
<dt>trendlab</dt><dd>{{.TrendlabVersion}}</dd>
<dt>Made (UTC)</dt><dd>{{.Made}}</dd>
<dt>Notebook</dt><dd><code>{{.Notebook.Path}}</code>, SHA-256 <code class="hash">{{.Notebook.SHA256}}</code></dd>
<dt>Charts</dt><dd>{{.Library.Name}} {{.Library.Version}} (npm, inlined), SHA-256 <code class="hash">{{.Library.SHA256}}</code></dd>
<dt>Parameters</dt><dd>{{range $i, $p := .Params}}{{if $i}}, {{end}}{{$p.Name}} = {{printf "%q" $p.Value}}{{else}}none{{end}}</dd>
</dl>
{{template "table" .Tables}}
{{template "table" .Imports}}
{{if .Samples.Rows}}{{template "table" .Samples}}{{end}}
{{range .Drawn}}<h3>Sample {{.Name}}</h3>
<p>Seed {{.Seed}}; {{.Size}} members of a frame of {{.FrameSize}} videos; saved in the workspace. Definition:</p>
<pre class="code">{{.Definition}}</pre>
{{end}}
{{range .Requests}}<h3>Investigation request</h3><pre class="code">{{.}}</pre>
{{end}}
<h3>SQL run</h3>
<p class="muted">Every statement, in the order run, with the values bound to its parameters. The investigate blocks' own SQL is trendlab's (package analysis) for the request above.</p>
<ol class="statements">
{{range .Statements}}<li><p class="muted">{{.Source}}{{range $i, $p := .Params}}{{if eq $i 0}}; parameters: {{else}}, {{end}}${{$p.Name}} = {{printf "%q" $p.Value}}{{end}}</p><pre class="code">{{.SQL}}</pre></li>
{{end}}</ol>
{{end}}
</section>
<script>{{library .Library}}</script>
<script>{{bootstrap}}</script>
</body>
</html>
{{define "table"}}<figure class="table">
{{with .Caption}}<figcaption>{{.}}</figcaption>{{else}}{{with .Name}}<figcaption>{{.}}</figcaption>{{end}}{{end}}
<div class="table-wrap"><table>
<thead><tr>{{range .Columns}}<th scope="col"{{if .Numeric}} class="num"{{end}}>{{.Name}}{{with .Note}} <span class="note">({{.}})</span>{{end}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range .}}<td{{with .Class}} class="{{.}}"{{end}}{{with .Title}} title="{{.}}"{{end}}>{{.Text}}</td>{{end}}</tr>
{{end}}</tbody>
</table></div>
{{with .Note}}<p class="table-note">{{.}}</p>{{end}}
{{if .SQL}}<details class="sql"><summary>SQL{{range $i, $p := .Params}}{{if eq $i 0}} with {{else}}, {{end}}${{$p.Name}} = {{printf "%q" $p.Value}}{{end}}</summary><pre class="code">{{.SQL}}</pre></details>{{end}}
</figure>
{{end}}
{{define "chart"}}{{if .}}<figure class="chart-figure">
<figcaption>{{.Title}}</figcaption>
<div class="chart" id="{{.ID}}" data-kind="{{.Kind}}" data-option="{{.ID}}-option" style="height: {{.Height}}px"></div>
<script type="application/json" id="{{.ID}}-option">{{.Option}}</script>
{{with .Note}}<p class="table-note">{{.}}</p>{{end}}
</figure>{{end}}
{{end}}
{{define "impact"}}<section class="impact">
<div class="lead">{{range .Lead}}<p>{{.}}</p>{{end}}</div>
{{range .Notices}}<p class="notice">{{.}}</p>{{end}}
{{range .Platform}}<h3>{{.Heading}}</h3>
<div class="lead">{{range .Lead}}<p>{{.}}</p>{{end}}</div>
{{range .Notes}}<p class="notice">{{.}}</p>{{end}}
{{template "chart" .SeriesChart}}{{template "table" .Scans}}{{template "chart" .CCFChart}}{{template "table" .Regression}}
{{end}}
{{range .Effects}}<h3>{{.Heading}}</h3>
<div class="lead">{{range .Lead}}<p>{{.}}</p>{{end}}</div>
{{range .Notes}}<p class="notice">{{.}}</p>{{end}}
{{with .Effects}}{{template "table" .}}{{end}}{{range .Charts}}{{template "chart" .}}{{end}}{{with .Evasion}}{{template "table" .}}{{end}}
{{end}}
{{with .Reference}}<p class="muted">The same numbers, with JSON: <code>{{.}}</code>.</p>{{end}}
</section>
{{end}}
{{define "investigate"}}<section class="investigation">
<h2>Investigation: {{.Heading}}</h2>
<div class="lead">{{range .Lead}}<p>{{.}}</p>{{end}}</div>
{{range .Notes}}<p class="notice">{{.}}</p>{{end}}
{{with .Variants}}<h3>Tag set and variants</h3>{{template "table" .}}{{end}}
{{if .Rates}}<h3>Violation rates against the baseline</h3>{{template "chart" .RatesChart}}{{template "table" .Rates}}{{end}}
{{with .Metrics}}<h3>Every monitoring metric against the baseline</h3>{{template "table" .}}{{end}}
{{if or .VolumeChart .TrendCharts}}<h3>Trend, changepoints and spikes</h3>
{{template "chart" .VolumeChart}}{{range .TrendCharts}}{{template "chart" .}}{{end}}
{{with .Changes}}{{template "table" .}}{{end}}{{with .BeforeAfter}}{{template "table" .}}{{end}}{{end}}
{{with .Related}}<h3>Related tags</h3>{{template "chart" $.RelatedChart}}<p class="muted">{{$.RelatedNote}}</p>{{template "table" .}}{{end}}
{{with .Removal}}<h3>Removal</h3>{{template "table" .}}{{end}}
{{with .Funnel}}<h3>Moderation funnel</h3>{{template "table" .}}{{template "table" $.FunnelSteps}}{{end}}
{{with .Sample}}<h3>{{.Heading}}</h3>
<div class="lead">{{range .Lead}}<p>{{.}}</p>{{end}}</div>
{{with .Labels}}{{template "table" .}}{{end}}{{with .Reviewers}}{{template "table" .}}{{end}}{{with .Agreement}}{{template "table" .}}{{end}}
{{with .Definition}}<details class="sql"><summary>Sample definition</summary><pre class="code">{{.}}</pre></details>{{end}}
{{end}}
</section>
{{end}}`

// bootstrapJS draws every chart from its JSON option. It sets
// data-rendered on each chart when ECharts has finished drawing it, and
// data-charts-rendered on <body> when all have (the browser test waits
// for it).
const bootstrapJS = `(function () {
  "use strict";
  // Interval whiskers for a custom series whose data are
  // [category index, lo, hi, bar index of 2].
  function errorBar(params, api) {
    var x = api.value(0), lo = api.value(1), hi = api.value(2), which = api.value(3);
    var a = api.coord([x, lo]), b = api.coord([x, hi]);
    var band = api.size([1, 0])[0];
    var cx = a[0] + (which === 0 ? -1 : 1) * band * 0.218;
    var w = Math.max(3, band * 0.06);
    var style = {stroke: "#111", lineWidth: 1.5};
    return {type: "group", children: [
      {type: "line", shape: {x1: cx, y1: a[1], x2: cx, y2: b[1]}, style: style},
      {type: "line", shape: {x1: cx - w, y1: a[1], x2: cx + w, y2: a[1]}, style: style},
      {type: "line", shape: {x1: cx - w, y1: b[1], x2: cx + w, y2: b[1]}, style: style}
    ]};
  }
  var nodes = document.querySelectorAll("div.chart[data-option]");
  var charts = [], done = 0;
  function finished() {
    done++;
    if (done === nodes.length) document.body.setAttribute("data-charts-rendered", String(done));
  }
  if (nodes.length === 0) document.body.setAttribute("data-charts-rendered", "0");
  if (typeof echarts === "undefined") { document.body.setAttribute("data-charts-error", "echarts missing"); return; }
  Array.prototype.forEach.call(nodes, function (el) {
    var opt;
    try {
      opt = JSON.parse(document.getElementById(el.getAttribute("data-option")).textContent);
    } catch (e) {
      el.textContent = "This chart could not be read.";
      finished();
      return;
    }
    (opt.series || []).forEach(function (s) {
      if (s.renderItem === "trendlab:errorbar") {
        s.renderItem = errorBar;
        s.encode = {x: 0, y: [1, 2]};
        s.z = 10;
        s.silent = true;
      }
    });
    // Scale labels with enough decimals for rates (ECharts shows none).
    [].concat(opt.visualMap || []).forEach(function (vm) {
      if (vm.precision === undefined) {
        var span = Math.abs((vm.max || 0) - (vm.min || 0));
        vm.precision = span >= 10 ? 0 : span >= 1 ? 1 : span > 0 ? Math.min(6, Math.ceil(-Math.log10(span)) + 2) : 2;
      }
    });
    opt.animation = false;
    // Rich-text tooltips are drawn on the canvas: data never becomes HTML.
    opt.tooltip = Object.assign({}, opt.tooltip || {}, {renderMode: "richText", confine: true});
    var chart = echarts.init(el, null, {renderer: "canvas"});
    var once = function () {
      chart.off("finished", once);
      el.setAttribute("data-rendered", "1");
      finished();
    };
    chart.on("finished", once);
    chart.setOption(opt);
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  // Fit the page width when printing (A4 with the @page margins).
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize({width: 680}); }); });
  window.addEventListener("afterprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();`

const reportCSS = `
:root { --fg: #1b1b1b; --muted: #5f6368; --rule: #d9d9d9; --accent: #8e1b12; --bg-soft: #f6f6f4; }
* { box-sizing: border-box; }
body { font: 15px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", Roboto, sans-serif; color: var(--fg); max-width: 1100px; margin: 0 auto; padding: 24px; background: #fff; }
h1 { font-size: 1.8em; margin: 0 0 .2em; }
h2 { font-size: 1.35em; margin: 1.6em 0 .5em; border-bottom: 2px solid var(--accent); padding-bottom: .15em; }
h3 { font-size: 1.1em; margin: 1.4em 0 .4em; }
.description { font-size: 1.05em; margin: .2em 0 .6em; }
.made, .muted, .table-note { color: var(--muted); font-size: .9em; }
.privacy { background: var(--bg-soft); border-left: 4px solid var(--accent); padding: .3em .9em; margin: 1em 0; font-size: .9em; }
.privacy p { margin: .3em 0; }
.notice { background: #fff7e6; border-left: 4px solid #e6a23c; padding: .4em .8em; }
.lead p { margin: .35em 0; }
code, pre, .code, .hash { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .85em; }
pre.code { background: var(--bg-soft); padding: .6em .8em; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
.hash { word-break: break-all; }
figure { margin: 1em 0 1.4em; }
figcaption { font-weight: 600; margin-bottom: .3em; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: .88em; width: auto; max-width: 100%; }
th, td { border-bottom: 1px solid var(--rule); padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: var(--bg-soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.null { color: var(--muted); font-style: italic; }
td.redacted { color: var(--muted); font-style: italic; }
td.muted { color: var(--muted); }
td.strong { font-weight: 600; }
td.code { font-family: monospace; font-size: .8em; max-width: 40em; word-break: break-all; }
th .note { font-weight: normal; color: var(--muted); font-size: .85em; }
table.params caption { text-align: left; font-weight: 600; }
table.params th { background: none; }
.chart { width: 100%; min-height: 200px; }
details.sql summary { cursor: pointer; color: var(--muted); font-size: .85em; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
dt { font-weight: 600; }
dd { margin: 0; word-break: break-word; }
ol.statements li { margin-bottom: .6em; }
.prose table { margin: .6em 0; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2, h3, figcaption { break-after: avoid; page-break-after: avoid; }
  figure.chart-figure { break-inside: avoid; page-break-inside: avoid; }
  .chart { width: 680px !important; max-width: 100%; }
  .table-wrap { overflow: visible; }
  table { font-size: 8pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  details.sql { display: none; }
  pre.code { white-space: pre-wrap; }
  .privacy { break-inside: avoid; }
}
`
