package notebooks

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/trendlab/trendlab/analysis"
)

// An alerts block lists what the watches on a tag set found when data
// arrived (analysis.RunWatches keeps it in the alerts table): for each
// alert the import, the rule, its numbers and when it fired. No watch and
// no alerts are each said plainly, so a report never reads "quiet" when
// nothing was watching:
//
//	```alerts
//	tag_set: $tagset   # default: the investigate block's seed
//	limit: 50          # newest alerts shown
//	```

// AlertsSpec is the YAML body of an alerts block.
type AlertsSpec struct {
	TagSet string `yaml:"tag_set" json:"tag_set,omitempty"`
	Limit  string `yaml:"limit" json:"limit,omitempty"`
}

// defaultAlertRows is the newest alerts an alerts block shows.
const defaultAlertRows = 50

// alertsView is an alerts block made ready for the template.
type alertsView struct {
	Lead    []string
	Notices []string
	Table   *table
}

// alertsTemplate joins the report's template, so the table looks like
// every other one.
var _ = template.Must(reportTemplate.New("alerts").Parse(`<section class="alerts">
<div class="lead">{{range .Lead}}<p>{{.}}</p>{{end}}</div>
{{range .Notices}}<p class="notice">{{.}}</p>{{end}}
{{with .Table}}{{template "table" .}}{{end}}
</section>`))

// alertsBlock parses the body of an alerts fence.
func (p *parser) alertsBlock(line int, attrs []attr, body string) (Block, error) {
	if len(attrs) > 0 {
		return Block{}, p.errf(line, 0, "alerts fence takes no options; write them in the block as YAML")
	}
	spec := &AlertsSpec{}
	if err := decodeYAML(body, spec); err != nil {
		return Block{}, p.yamlErr(line+1, err)
	}
	return Block{Kind: KindAlerts, Line: line, Alerts: spec}, nil
}

// alerts lists the alerts of the watches on the block's tag set.
func (r *renderer) alerts(ctx context.Context, spec *AlertsSpec) (*alertsView, error) {
	name, err := r.impactTagSet(&ImpactSpec{TagSet: spec.TagSet})
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	limit := defaultAlertRows
	if s := strings.TrimSpace(r.vals.expand(spec.Limit)); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 {
			return nil, fmt.Errorf("alerts: limit %q is not a positive whole number", s)
		}
	}
	all, err := analysis.ListWatches(ctx, r.ws)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	watches := slices.DeleteFunc(all, func(w analysis.Watch) bool { return w.TagSet != name })
	return alertsLayout(ctx, name, watches, limit, func(ctx context.Context, watch string, limit int) ([]analysis.Alert, error) {
		return analysis.ListAlerts(ctx, r.ws, watch, limit)
	})
}

// alertsLayout words the watches on tag set name and their newest alerts.
func alertsLayout(ctx context.Context, name string, watches []analysis.Watch, limit int,
	list func(ctx context.Context, watch string, limit int) ([]analysis.Alert, error)) (*alertsView, error) {
	v := &alertsView{}
	if len(watches) == 0 {
		v.Notices = append(v.Notices, fmt.Sprintf("No watch is kept on tag set %s, so nothing re-checks it when data arrives and no alert can fire. Start one with: trendlab watch add NAME --tagset %s", name, name))
		return v, nil
	}
	var alerts []analysis.Alert
	for _, w := range watches {
		pol := "every policy"
		if len(w.Definition.Policies) > 0 {
			pol = strings.Join(w.Definition.Policies, ", ")
		}
		v.Lead = append(v.Lead, fmt.Sprintf("Watch %s on tag set %s, since %s: rules %s on %s; the rise rules fire at a one-sided p below %.3g shared across the run's tests (Bonferroni) and a rise of at least %.2gx. It has checked the imports up to import %d.",
			w.Name, w.TagSet, w.CreatedAt.Format("2006-01-02"), strings.Join(w.Definition.Rules, ", "), pol, w.Definition.Alpha, w.Definition.MinRatio, w.LastImportID))
		got, err := list(ctx, w.Name, 0) // all of them, to count them; the table shows limit
		if err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		alerts = append(alerts, got...)
	}
	if len(alerts) == 0 {
		v.Notices = append(v.Notices, "No alerts: no rule fired on the imports checked.")
		return v, nil
	}
	// Newest first across the watches; the ids grow with time.
	slices.SortFunc(alerts, func(a, b analysis.Alert) int { return int(b.ID - a.ID) })
	shown := alerts[:min(limit, len(alerts))]
	t := &table{Name: "alerts", Caption: fmt.Sprintf("Alerts on tag set %s, newest first", name)}
	for _, c := range []struct {
		name string
		num  bool
	}{{"fired (UTC)", false}, {"watch", false}, {"import", true}, {"rule", false}, {"about", false}, {"numbers", false}, {"what fired", false}} {
		t.Columns = append(t.Columns, column{Name: c.name, Numeric: c.num})
	}
	for _, a := range shown {
		t.Rows = append(t.Rows, []cell{
			{Text: a.FiredAt.Format("2006-01-02 15:04")}, {Text: a.Watch}, {Text: strconv.FormatInt(a.ImportID, 10), Class: "num"},
			{Text: a.Rule}, {Text: a.Subject}, {Text: alertNumbers(a.Numbers)}, {Text: a.Message},
		})
	}
	if len(shown) < len(alerts) {
		t.Note = fmt.Sprintf("The newest %d of %d alerts; `trendlab watch alerts` lists them all.", len(shown), len(alerts))
	}
	v.Lead = append(v.Lead, fmt.Sprintf("%s since the watch began; the newest fired %s on import %d.",
		plural(len(alerts), "alert"), alerts[0].FiredAt.Format("2006-01-02 15:04 UTC"), alerts[0].ImportID))
	v.Table = t
	return v, nil
}

// alertNumbers writes an alert's numbers as name = value, by name.
func alertNumbers(nums map[string]float64) string {
	keys := make([]string, 0, len(nums))
	for k := range nums {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " = " + strconv.FormatFloat(nums[k], 'g', 4, 64)
	}
	return strings.Join(parts, ", ")
}
