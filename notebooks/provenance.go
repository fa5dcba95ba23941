package notebooks

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
)

func sqlNamed(name string, v any) sql.NamedArg { return sql.Named(name, v) }

// provenanceView is the report's appendix: enough to make it again.
type provenanceView struct {
	Workspace       string
	SchemaVersion   int
	TrendlabVersion string
	Made            string
	Notebook        Source
	Library         *Library
	Params          []ParamValue
	Tables          *table
	Imports         *table
	Samples         *table
	Drawn           []sampleRecord
	Requests        []string
	Statements      []statement
}

const savedSamplesSQL = `SELECT name, seed, size, frame_size, created_at, created_by, CAST(definition AS VARCHAR)
FROM samples ORDER BY sample_id`

const countsSQL = `SELECT (SELECT count(*) FROM videos), (SELECT count(*) FROM moderation_events),
       (SELECT count(*) FROM rejects)`

func (r *renderer) provenance(ctx context.Context) (*provenanceView, error) {
	p := &provenanceView{
		Workspace:       r.shownPath(r.ws.Path),
		TrendlabVersion: datasets.Version,
		Made:            r.now.Format(time.RFC3339),
		Params:          r.vals.List(),
		Drawn:           r.samples,
	}
	var videos, events, rejects int64
	if err := r.conn.QueryRowContext(ctx, countsSQL).Scan(&videos, &events, &rejects); err != nil {
		return nil, fmt.Errorf("provenance: counting rows: %w", err)
	}
	r.statements = append(r.statements, statement{Source: "provenance", SQL: countsSQL})
	// The import keeps this count; the view is counted only when the
	// tables changed since (an anti join of every event and video).
	orphans, counted, err := datasets.OrphanEvents(ctx, r.conn)
	if err != nil {
		return nil, fmt.Errorf("provenance: %w", err)
	}
	orphansSQL := datasets.OrphanEventsSQL
	if !counted {
		orphansSQL = datasets.KeptOrphanEventsSQL
	}
	r.statements = append(r.statements, statement{Source: "provenance", SQL: orphansSQL})
	p.Tables = newTable("Workspace tables", "table", "rows")
	p.Tables.add(text("videos"), num(analysis.GroupDigits(videos)))
	p.Tables.add(text("moderation_events"), num(analysis.GroupDigits(events)))
	p.Tables.add(text("rejects"), num(analysis.GroupDigits(rejects)))
	p.Tables.add(text("orphan_events (view)"), num(analysis.GroupDigits(orphans)))

	prov, err := datasets.ReadProvenance(ctx, r.conn)
	if err != nil {
		return nil, fmt.Errorf("provenance: %w", err)
	}
	p.SchemaVersion = prov.SchemaVersion
	p.Imports = newTable("Imports", "id", "kind", "file", "bytes", "SHA-256", "format", "rows read", "loaded", "rejected", "started (UTC)", "trendlab")
	for _, im := range prov.Imports {
		format := im.Format
		if im.Compression != "" && im.Compression != "none" {
			format += "+" + im.Compression
		}
		p.Imports.add(num(fmt.Sprint(im.ID)), text(im.Kind), text(r.shownPath(im.File)), num(analysis.GroupDigits(im.SizeBytes)), cell{Text: im.SHA256, Class: "hash"}, text(format),
			num(analysis.GroupDigits(im.RowsRead)), num(analysis.GroupDigits(im.RowsLoaded)), num(analysis.GroupDigits(im.RowsRejected)), text(im.StartedAt.Format("2006-01-02 15:04:05")), text(im.TrendlabVersion))
	}
	if len(p.Imports.Rows) == 0 {
		p.Imports.Note = "The workspace has no imports."
	}
	r.statements = append(r.statements, statement{Source: "provenance", SQL: datasets.ImportsSQL})

	rows, err := r.conn.QueryContext(ctx, savedSamplesSQL)
	if err != nil {
		return nil, fmt.Errorf("provenance: reading samples: %w", err)
	}
	p.Samples = newTable("Samples saved in the workspace", "name", "seed", "size", "frame", "created (UTC)", "by", "definition")
	for rows.Next() {
		var name, by, def string
		var seed, size, frame int64
		var created time.Time
		if err := rows.Scan(&name, &seed, &size, &frame, &created, &by, &def); err != nil {
			rows.Close()
			return nil, fmt.Errorf("provenance: reading samples: %w", err)
		}
		p.Samples.add(text(name), num(fmt.Sprint(seed)), num(analysis.GroupDigits(size)), num(analysis.GroupDigits(frame)), text(created.UTC().Format("2006-01-02 15:04:05")),
			text(by), cell{Text: def, Class: "code"})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	r.statements = append(r.statements, statement{Source: "provenance", SQL: savedSamplesSQL})
	for _, inv := range r.investigations {
		p.Requests = append(p.Requests, inv.Request)
	}
	p.Statements = r.statements
	return p, nil
}

// methodsView explains, in words, every method the report used.
type methodsView struct {
	Paragraphs []string
}

func (r *renderer) methods() *methodsView {
	m := &methodsView{}
	add := func(format string, args ...any) { m.Paragraphs = append(m.Paragraphs, fmt.Sprintf(format, args...)) }
	if r.used.tables {
		add("SQL blocks run as single SELECT statements against the workspace, with the notebook's parameters bound as SQL parameters (never spliced into the text). Their tables show at most the number of rows the block asks for (%d by default); charts draw from at most %s rows.", DefaultRows, analysis.GroupDigits(int64(r.opts.MaxChartRows)))
	}
	for _, rec := range r.investigations {
		inv := rec.Inv
		add("The tag set is the videos created from %s to %s (UTC days, inclusive) whose normalised hashtags include #%s or an accepted variant (%s; %s). The baseline is %s.",
			inv.Period.Since, inv.Period.Until, inv.TagSet.Seed, strings.Join(inv.TagSet.Accepted, ", "), chosenBy(inv.TagSet.Source), inv.Baseline.Description)
		add("Every proportion (violation rates, proactive and 24-hour removal shares, funnel steps) is given as numerator / denominator with a %s %s interval. A video violates a policy when its latest review for the policy found a violation and it was not reinstated later (the data contract's definition).",
			level(inv.Confidence), inv.IntervalMethod)
		tests, adjust := methodsOf(inv)
		if len(tests) > 0 {
			add("The tag set's rate is compared with the baseline's per policy by: %s. P-values are adjusted across the policies by %s and called significant below α = %s. The risk difference has a Newcombe hybrid score interval and the risk ratio a Katz log interval.",
				strings.Join(tests, "; "), strings.Join(adjust, ", "), strconv.FormatFloat(alphaOf(inv), 'f', -1, 64))
			add("The minimum detectable effect (MDE) is the smallest tag-set rate above the baseline's that a two-sided test at α = %s would detect with %s power for these group sizes (Cohen's h); a \"no detectable difference\" finding should be read with it.",
				strconv.FormatFloat(alphaOf(inv), 'f', -1, 64), level(mdePower(inv)))
		}
		for _, pr := range inv.Rates {
			if m := pr.Materiality; m.Method != "" {
				add("Whether a difference is material: the risk ratio is tested against the margin %s by %s. A finding is \"equivalent within the margin\" when the ratio is shown to lie inside it, \"higher/lower but within the margin\" when it differs detectably but not beyond the margin, \"materially higher/lower\" when it is shown to lie beyond it, and \"inconclusive\" when the interval is too wide for either. Both readings are given: \"no detectable difference\" (the test above) and \"no material difference\" (this one).",
					marginText(m.Margin), m.Method)
				break
			}
		}
		if len(inv.Metrics) > 0 {
			add("Every monitoring metric (report, automated-flag, reported-or-flagged, violation, removal, escalation and reinstatement rate) is compared the same way per policy, with the p-values adjusted across all metrics and policies as one family.")
		}
		for _, pt := range inv.Trend.Policies {
			if pt.TagSetChange.Method != "" {
				perm := ""
				if pt.TagSetChange.Permutations > 0 {
					perm = fmt.Sprintf(" with %d permutations", pt.TagSetChange.Permutations)
				}
				add("Changepoints: for each policy and group, the single most likely change in the daily violation rate is found by %s%s; p-values are adjusted across policies. Only a significant changepoint is drawn or called a change. A significant changepoint that raises the rate is reported as a spike.", pt.TagSetChange.Method, perm)
				break
			}
		}
		for _, pt := range inv.Trend.Policies {
			if pt.BeforeAfter != nil {
				add("Before and after %s: violating videos per video in the tag set are compared by %s.", inv.Trend.ChangeDate, pt.BeforeAfter.Test.Method)
				break
			}
		}
		if inv.Related.TestMethod != "" {
			add("Related tags: tags on at least %d tag-set videos (support at least %s) are tested for co-occurrence by %s, q-values by %s; lift and normalised PMI measure the association.",
				inv.Related.MinVideos, pct(inv.Related.MinSupport), inv.Related.TestMethod, inv.Related.AdjustMethod)
		}
		for _, rm := range inv.Removal {
			if rm.TagSet.TimeToAction.Method != "" {
				add("Removal: a removal is proactive when no user report (for any policy) came at or before it; time to action is from creation to the first removal, with quantiles by %s.", rm.TagSet.TimeToAction.Method)
				break
			}
		}
	}
	if len(r.used.sweeps) > 0 {
		sw := r.used.sweeps[0]
		add("Sweep: each swept tag (with its own spelling variants) is compared per policy with %s, on its own videos; rates have %s %s intervals, the risk ratio a Katz log interval. P-values are adjusted across all %d tests (every tag and policy) by %s; a tag is flagged for a policy when its adjusted p-value is below %s and its rate is higher. Ranking: %s. The recent-share column is the tag's share of uploads in the last days against before.",
			sw.Baseline, level(sw.Confidence), sw.IntervalMethod, sw.Tests, sw.AdjustMethod, strconv.FormatFloat(1-sw.Confidence, 'g', 2, 64), sw.Ordering)
	}
	m.Paragraphs = append(m.Paragraphs, r.impactMethods()...)
	if r.used.sample {
		add("The labelled sample was drawn reproducibly from its frame (its definition and seed are in the appendix): the same workspace, frame and seed give the same members. Each labelled member counts once, with its latest label.")
		if m := r.used.methods["label estimate"]; m != "" {
			add("Label shares are estimated for the whole frame by %s.", m)
		}
		if r.used.methods["kappa"] != "" {
			add("Agreement between two reviewers is Cohen's kappa on the members both labelled, with a normal-approximation interval.")
		}
	}
	add("Privacy: author ids are replaced by keyed pseudonyms (HMAC-SHA256) and captions are hidden unless the report was made with --show-captions; both are recognised by column name.")
	return m
}
