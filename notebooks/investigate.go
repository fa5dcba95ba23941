package notebooks

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
)

// An investigate block runs analysis.Investigate and lays its result out:
// findings in words (findings.go), tables (sections.go), the trend
// (trend.go), charts (charts.go) and a labelled sample (sample.go).

// investigate is analysis.Investigate; a variable so tests of the report
// layout can stand in a fixed Investigation.
var investigate = analysis.Investigate

// investigateView is an investigate block made ready for the template.
type investigateView struct {
	Heading      string
	Lead         []string // the findings in sentences
	Show         map[string]bool
	Variants     *table
	RatesChart   *chart
	Rates        *table
	Metrics      *table
	VolumeChart  *chart
	TrendCharts  []*chart
	Changes      *table
	BeforeAfter  *table
	RelatedChart *chart
	Related      *table
	RelatedNote  string
	Removal      *table
	Funnel       *table
	FunnelSteps  *table
	Sample       *sampleView
	Notes        []string
}

type investigationRecord struct {
	Request string // JSON of the request
	Inv     *analysis.Investigation
}

// sampleRecord is a saved sample the report shows, for the appendix.
type sampleRecord struct {
	Name       string
	Definition string
	Seed       int64
	Size       int64
	FrameSize  int64
}

// request builds the analysis request from a block, parameters expanded.
func (r *renderer) request(spec *InvestigateSpec) (analysis.Request, error) {
	req := analysis.Request{
		Tag:      strings.TrimSpace(r.vals.expand(spec.Tag)),
		Variants: r.vals.expandList(spec.Variants),
		Policies: r.vals.expandList(spec.Policies),
		Baseline: r.vals.expand(spec.Baseline),
		Now:      func() time.Time { return r.now },
	}
	period, err := datasets.ParsePeriod(r.vals.expand(spec.Since), r.vals.expand(spec.Until))
	if err != nil {
		return req, fmt.Errorf("investigate: %w", err)
	}
	req.Period = period
	if s := strings.TrimSpace(r.vals.expand(spec.Seed)); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return req, fmt.Errorf("investigate: seed %q is not a whole number", s)
		}
		req.Seed = seed
	}
	return req, nil
}

func (r *renderer) investigate(ctx context.Context, spec *InvestigateSpec) (*investigateView, error) {
	req, err := r.request(spec)
	if err != nil {
		return nil, err
	}
	// On DuckDB the investigation runs on the report's connection and
	// leaves its tag set's video ids there, for tagset_videos: finding them
	// again was a second scan of the tag lists (5-6 s at 100M videos).
	duck := r.ws.Dialect == datasets.DuckDB
	if duck {
		if _, err := r.conn.ExecContext(ctx, `DROP TABLE IF EXISTS temp.tagset_ids`); err != nil {
			return nil, err
		}
		req.Conn, req.KeepSetIDs = r.conn, "tagset_ids"
	}
	start := time.Now()
	inv, err := investigate(ctx, r.ws, req)
	if err != nil {
		return nil, fmt.Errorf("investigating #%s: %w", req.Tag, err)
	}
	kept := false
	if duck {
		if err := r.conn.QueryRowContext(ctx, `SELECT count(*) > 0 FROM duckdb_tables() WHERE temporary AND table_name = 'tagset_ids'`).Scan(&kept); err != nil {
			return nil, err
		}
	}
	if r.opts.Trace != nil {
		r.opts.Trace("analysis.Investigate", time.Since(start))
	}
	reqJSON, _ := json.MarshalIndent(inv.Request, "", "  ")
	r.investigations = append(r.investigations, investigationRecord{Request: string(reqJSON), Inv: inv})
	r.used.investigate = true
	r.setBuiltins(inv.TagSet.Accepted, inv.Period.Since, inv.Period.Until)
	if err := r.tagSetTable(ctx, inv.TagSet.IncludeCaptions, kept); err != nil {
		return nil, err
	}
	v := &investigateView{Show: map[string]bool{}, Notes: inv.Notes}
	if len(spec.Show) == 0 {
		for _, s := range InvestigateSections {
			v.Show[s] = true
		}
	}
	for _, s := range spec.Show {
		v.Show[s] = true
	}
	v.Heading = fmt.Sprintf("#%s and %s, %s to %s", inv.TagSet.Seed, plural(max(0, len(inv.TagSet.Accepted)-1), "accepted variant"), inv.Period.Since, inv.Period.Until)
	v.Lead = leadSentences(inv)
	if v.Show["variants"] {
		v.Variants = variantsTable(inv)
	}
	if v.Show["rates"] || v.Show["tests"] {
		if v.RatesChart, err = r.ratesChart(inv); err != nil {
			return nil, err
		}
		v.Rates = ratesTable(inv)
		if len(inv.Metrics) > 0 {
			v.Metrics = metricsTable(inv)
		}
	}
	if v.Show["trend"] {
		if err := r.trend(inv, v); err != nil {
			return nil, err
		}
	}
	if v.Show["related"] {
		v.Related = relatedTable(inv)
		v.RelatedNote = fmt.Sprintf("Tags on at least %d tag-set videos and %s of them; %d tested with %s, adjusted by %s.",
			inv.Related.MinVideos, pct(inv.Related.MinSupport), inv.Related.Tested, inv.Related.TestMethod, inv.Related.AdjustMethod)
		if len(inv.Related.Tags) > 0 {
			if v.RelatedChart, err = r.relatedChart(inv); err != nil {
				return nil, err
			}
		}
	}
	if v.Show["removal"] {
		v.Removal = removalTable(inv)
	}
	if v.Show["funnel"] {
		v.Funnel = funnelTable(inv)
		v.FunnelSteps = funnelSteps(inv)
	}
	if v.Show["sample"] && spec.Sample != "" {
		if v.Sample, err = r.labelledSample(ctx, r.vals.expand(spec.Sample), inv.Confidence); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// tagSetVideosSQL makes the temporary table tagset_videos: the tag set's
// videos created in the period, for the sql blocks below, with the
// columns of videos they group by (tagSetVideoColumns), so that a block
// joins no other table of every video: at 100M videos each such join was a
// pass over all of them (2-4 s), against one more column read here.
//
// It takes two statements: with the tag set's ids in a table of their own,
// DuckDB filters the scan of videos by them (0.37 s at 10M videos against
// 0.7-0.9 s for the same join in one statement).
const tagSetVideosSQL = `CREATE OR REPLACE TEMP TABLE tagset_videos AS
SELECT ` + tagSetVideoColumns + `
FROM videos v SEMI JOIN tagset_ids USING (video_id)
WHERE v.created_at >= $period_start AND v.created_at < $period_end`

// tagSetVideoColumns are tagset_videos' columns (doc.go lists them).
const tagSetVideoColumns = `v.video_id, v.created_at, v.author_id, v.region, v.author_age_band`

// tagSetIDsSQL is the first of the two: the ids of the tag set's videos, by
// the workspace's one definition (the tag_set_members macro); %s is true
// when the investigation counted caption mentions.
const tagSetIDsSQL = `CREATE OR REPLACE TEMP TABLE tagset_ids AS
SELECT DISTINCT video_id FROM tag_set_members('', $tagset_tags::VARCHAR[], %s)`

// tagSetIDsFromListsSQL is the first statement without caption mentions:
// the same videos, those carrying one of the tags, from video_tag_lists
// (one scan of integer lists, the period by its day column); %s is the
// condition on a row's tag ids, written in as engine's Members writes it
// (tagIDsSQL reads them; a bound list is evaluated per row). At 100M
// videos, load 4.5: 9.5 CPU-s against 21-25 for tag_set_members' pass
// over video_tags.
const tagSetIDsFromListsSQL = `CREATE OR REPLACE TEMP TABLE tagset_ids AS
SELECT video_id FROM video_tag_lists
WHERE day >= CAST($period_start AS DATE) AND day < CAST($period_end AS DATE)
  AND %s`

// tagIDsSQL reads the tag set's tag ids for tagSetIDsFromListsSQL.
const tagIDsSQL = `SELECT tag_id FROM tags WHERE list_contains($tagset_tags::VARCHAR[], tag) ORDER BY tag_id`

// tagSetVideosPG is tagset_videos on a server workspace, in one statement
// with positional parameters ($1 the tags, $2 and $3 the period): the
// program's own SQL, so it runs in a READ WRITE transaction of its own
// (a temporary table is a CREATE, which a read-only workspace's default
// transactions refuse; it writes nothing that outlives the connection).
const tagSetVideosPG = `CREATE TEMP TABLE tagset_videos AS
SELECT ` + tagSetVideoColumns + `
FROM videos v
WHERE v.video_id IN (SELECT video_id FROM tag_set_members('', CAST($1 AS TEXT[]), %s))
  AND v.created_at >= $2 AND v.created_at < $3`

// tagSetTable makes tagset_videos; kept says the investigation left
// tagset_ids, which the statements listed for the report then describe.
func (r *renderer) tagSetTable(ctx context.Context, captions, kept bool) error {
	if r.ws.Dialect == datasets.Postgres {
		return r.tagSetTablePG(ctx, captions)
	}
	args, params, err := r.tagSetArgs(true)
	if err != nil {
		return err
	}
	start := time.Now()
	idsSQL, idsArgs, idsParams := fmt.Sprintf(tagSetIDsSQL, strconv.FormatBool(captions)), args[:1], params[:1]
	if !captions {
		in, err := r.tagIDsCondition(ctx, args[0])
		if err != nil {
			return fmt.Errorf("investigate: reading the tag set's tag ids: %w", err)
		}
		r.statements = append(r.statements, statement{Source: "investigate block (tag ids for the next statement)", SQL: tagIDsSQL, Params: params[:1]})
		idsSQL, idsArgs, idsParams = fmt.Sprintf(tagSetIDsFromListsSQL, in), args[1:], params[1:]
	}
	idsSource := "investigate block (temporary table for the next statement)"
	if kept {
		idsSource = "investigate block (temporary table for the next statement, which the investigation made from its own tag-set videos: the same ids)"
	} else if _, err := r.conn.ExecContext(ctx, idsSQL, idsArgs...); err != nil {
		return fmt.Errorf("investigate: making the table tagset_ids: %w", err)
	}
	if _, err := r.conn.ExecContext(ctx, tagSetVideosSQL, args[1:]...); err != nil {
		return fmt.Errorf("investigate: making the table tagset_videos: %w", err)
	}
	if r.opts.Trace != nil {
		r.opts.Trace("tagset_videos", time.Since(start))
	}
	r.keepSetVideos(captions)
	r.statements = append(r.statements,
		statement{Source: idsSource, SQL: idsSQL, Params: idsParams},
		statement{Source: "investigate block (temporary table for the sql blocks below)", SQL: tagSetVideosSQL, Params: params[1:]})
	return nil
}

// tagIDsCondition is the condition on a video_tag_lists row that it holds
// one of the tag set's tags (tags, the bound $tagset_tags), their integer
// ids written in; false when the workspace has none of them.
func (r *renderer) tagIDsCondition(ctx context.Context, tags any) (string, error) {
	rows, err := r.conn.QueryContext(ctx, tagIDsSQL, tags)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	return datasets.HasTagIDSQL(ids), rows.Err()
}

func (r *renderer) tagSetTablePG(ctx context.Context, captions bool) error {
	q := fmt.Sprintf(tagSetVideosPG, strconv.FormatBool(captions))
	args, params, err := r.tagSetArgs(false)
	if err != nil {
		return err
	}
	start := time.Now()
	err = func() (err error) {
		if _, err := r.conn.ExecContext(ctx, "BEGIN TRANSACTION READ WRITE"); err != nil {
			return err
		}
		defer func() {
			end := "COMMIT"
			if err != nil {
				end = "ROLLBACK"
			}
			if _, e := r.conn.ExecContext(context.WithoutCancel(ctx), end); err == nil {
				err = e
			}
		}()
		if _, err := r.conn.ExecContext(ctx, "DROP TABLE IF EXISTS pg_temp.tagset_videos"); err != nil {
			return err
		}
		_, err = r.conn.ExecContext(ctx, q, args...)
		return err
	}()
	if err != nil {
		return fmt.Errorf("investigate: making the table tagset_videos: %w", err)
	}
	if r.opts.Trace != nil {
		r.opts.Trace("tagset_videos", time.Since(start))
	}
	r.keepSetVideos(captions)
	r.statements = append(r.statements,
		statement{Source: "investigate block (temporary table for the sql blocks below)", SQL: q, Params: params})
	return nil
}

// keepSetVideos describes the tagset_videos just made for the impact
// blocks below, which read it instead of finding the tag set's videos
// again when their tag set and period are the investigation's. A table
// with caption mentions holds other videos than the impact analyses'
// (hashtags alone), so it is not offered.
func (r *renderer) keepSetVideos(captions bool) {
	r.setVideos = nil
	tags, _ := r.builtins[BuiltinTagSetTags].value.([]string)
	lo, _ := r.builtins[BuiltinPeriodStart].value.(time.Time)
	hi, _ := r.builtins[BuiltinPeriodEnd].value.(time.Time)
	if !captions {
		r.setVideos = &analysis.SetVideosTable{Conn: r.conn, Table: "tagset_videos", Tags: tags, Lo: lo, Hi: hi}
	}
}

// tagSetArgs are the tag set's tags and the period's bounds, as SQL
// arguments (named $tagset_tags, ... for DuckDB, else positional) and as
// the report shows them.
func (r *renderer) tagSetArgs(named bool) ([]any, []ParamValue, error) {
	var args []any
	var params []ParamValue
	for _, n := range []string{BuiltinTagSetTags, BuiltinPeriodStart, BuiltinPeriodEnd} {
		b, ok := r.builtins[n]
		if !ok {
			return nil, nil, fmt.Errorf("investigate: the investigation has no period")
		}
		var a any = b.value
		if named {
			a = sqlNamed(n, b.value)
		}
		args = append(args, a)
		params = append(params, b.ParamValue)
	}
	return args, params, nil
}
