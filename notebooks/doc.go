// Package notebooks turns an investigation notebook into a self-contained
// HTML report.
//
// A notebook is Markdown with YAML front matter and three kinds of fenced
// block:
//
//	---
//	title: "#omegle: minor safety"
//	params:
//	  - {name: tag, type: string, default: omegle}
//	  - {name: since, type: date, default: "2026-01-01"}
//	---
//	Prose in Markdown.
//
//	```sql name=daily
//	SELECT CAST(created_at AS DATE) AS day, count(*) AS videos
//	FROM videos v JOIN video_tags t USING (video_id)
//	WHERE t.tag = $tag AND v.created_at >= $since
//	GROUP BY ALL ORDER BY day
//	```
//
//	```chart
//	type: line        # line | bar | stacked_bar | scatter | heatmap
//	data: daily       # a sql block above
//	x: day
//	y: videos         # or a list; series: COLUMN splits one y by a column
//	```
//
//	```investigate
//	tag: $tag
//	policies: [minor_safety, bullying_harassment]
//	sample: $sample   # a labelled sample saved in the workspace
//	seed: 7
//	```
//
// Parse reads a notebook (errors name file, line and column); Render runs
// it on a workspace and writes the report:
//
//	err := notebooks.Render(ctx, ws, "notebooks/omegle-investigation.md",
//		notebooks.Options{Params: map[string]string{"tag": "omegle"}}, w)
//
// sql blocks are prepared first: each must be one SELECT, and its $name
// parameters are bound from the notebook's parameters as SQL parameters,
// never spliced into the text. investigate blocks call analysis.Investigate
// and, with sample: NAME, show the investigators' labelled sample (package
// review: estimates for the frame, labels per reviewer, agreement); a
// report never draws a sample of its own. The report shows the findings in
// words written from the results, rates with interval bars, tests with
// their MDE, the trend with its significant changepoints, related tags
// (significant ones first), removal metrics, the funnel and the sample's
// estimates. An investigate block also gives the sql blocks below it the
// temporary table tagset_videos (video_id, created_at, author_id, region,
// author_age_band: the columns of videos a block groups by, so that it
// need not join videos again) and the parameters
// $tagset_tags, $period_start and $period_end, so their numbers are about
// exactly the investigation's videos. All the report's SQL runs on one
// connection of the workspace, which may be opened read-only.
//
// The report is one HTML file that makes no network request: ECharts (from
// npm, at the version package-lock.json pins) is embedded in the binary
// and inlined, go-echarts builds only the chart options (its templates would
// load ECharts from a CDN), and a Content-Security-Policy forbids any fetch
// and runs only the two scripts whose SHA-256 it lists (ECharts and the
// bootstrap), so that even an escaping mistake could not run injected
// script. Everything from the data is escaped by html/template; author ids are
// pseudonymised with a keyed HMAC and captions hidden unless asked for. The
// report ends with a Methods section, in words, and a provenance appendix:
// workspace, imports with SHA-256, samples and seeds, every SQL statement
// with its parameters, trendlab and ECharts versions, and the time made.
package notebooks
