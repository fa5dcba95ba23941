package notebooks

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	_ "embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/queries"
)

// Options say how to render a report.
type Options struct {
	// Params override the notebook's parameter defaults (--param k=v).
	Params map[string]string
	// ShowCaptions shows caption columns; by default they are hidden.
	ShowCaptions bool
	// PseudonymKey keys the HMAC that replaces author ids. Empty means a
	// random key made for this report only (noted in the report).
	PseudonymKey []byte
	// PseudonymKeySource says where the key came from, for the report
	// ("--pseudonym-key", "TRENDLAB_PSEUDONYM_KEY"); ignored without a key.
	PseudonymKeySource string
	// FullPaths shows the workspace's, the notebook's and the imported
	// files' full paths; by default a report names only the files, as
	// a report leaves the machine and a path can say whose it is.
	FullPaths bool
	// MaxChartRows caps the rows a sql block fetches for its charts
	// (default 50,000); the table shows fewer (the block's rows=).
	MaxChartRows int
	// Now stamps the report; nil means time.Now. Tests fix it.
	Now func() time.Time
	// Trace, if set, is told how long each step took (a block, the
	// provenance, writing the HTML); the report itself never shows times,
	// so that the same workspace gives the same report.
	Trace func(step string, d time.Duration)
	// Progress, if set, is told before each block which one runs and how
	// many of the total are done, and once when all are.
	Progress func(step string, done, total int)
}

const defaultMaxChartRows = 50000

// Render reads the notebook at path, runs it on ws and writes the HTML
// report to w. The workspace may be read-only; sql blocks must be single
// SELECT statements.
func Render(ctx context.Context, ws *datasets.Workspace, path string, opts Options, w io.Writer) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading notebook: %w", err)
	}
	nb, err := Parse(path, src)
	if err != nil {
		return err
	}
	abs, _ := filepath.Abs(path)
	sum := sha256.Sum256(src)
	return RenderNotebook(ctx, ws, nb, Source{Path: abs, SHA256: hex.EncodeToString(sum[:])}, opts, w)
}

// OmegleInvestigation is the shipped notebook omegle-investigation.md,
// embedded so that `trendlab demo` can render it from any directory.
//
//go:embed omegle-investigation.md
var OmegleInvestigation []byte

// RenderSource is Render for a notebook held in memory; name stands for its
// path in errors and in the provenance appendix.
func RenderSource(ctx context.Context, ws *datasets.Workspace, name string, src []byte, opts Options, w io.Writer) error {
	nb, err := Parse(name, src)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(src)
	return RenderNotebook(ctx, ws, nb, Source{Path: name, SHA256: hex.EncodeToString(sum[:])}, opts, w)
}

// Source identifies the notebook file a report was made from.
type Source struct {
	Path   string
	SHA256 string
}

// RenderNotebook runs a parsed notebook and writes its report.
func RenderNotebook(ctx context.Context, ws *datasets.Workspace, nb *Notebook, src Source, opts Options, w io.Writer) error {
	lib, err := ECharts()
	if err != nil {
		return err
	}
	vals, err := ResolveParams(nb, opts.Params)
	if err != nil {
		return err
	}
	r, err := newRenderer(ws, nb, vals, opts)
	if err != nil {
		return err
	}
	// One connection for the report's own SQL, so that the temporary
	// table tagset_videos an investigate block makes is seen by the sql
	// blocks below it (temporary tables live in a connection).
	// A notebook from a colleague must not read the reader's files.
	if err := queries.Confine(ctx, ws.DB); err != nil {
		return err
	}
	if r.conn, err = ws.DB.Conn(ctx); err != nil {
		return err
	}
	defer r.conn.Close()
	page := &page{
		Title:       nb.Title,
		Description: nb.Description,
		Params:      vals.List(),
		Library:     lib,
		Source:      Source{Path: r.shownPath(src.Path), SHA256: src.SHA256},
		CSP:         contentSecurityPolicy(lib.Source, []byte(bootstrapJS)),
	}
	trace := func(string, time.Time) {}
	if opts.Trace != nil {
		trace = func(step string, start time.Time) { opts.Trace(step, time.Since(start)) }
	}
	progress := func(string, int) {}
	if opts.Progress != nil {
		progress = func(step string, done int) { opts.Progress(step, done, len(nb.Blocks)) }
	}
	for i, b := range nb.Blocks {
		if err := ctx.Err(); err != nil {
			return err
		}
		progress(fmt.Sprintf("line %d: %s block", b.Line, b.Kind), i)
		start := time.Now()
		it, err := r.block(ctx, b)
		if err != nil {
			return fmt.Errorf("%s:%d: %s block: %w", src.Path, b.Line, b.Kind, err)
		}
		trace(fmt.Sprintf("line %d: %s block", b.Line, b.Kind), start)
		page.Items = append(page.Items, it)
	}
	progress("provenance and HTML", len(nb.Blocks))
	page.Methods = r.methods()
	start := time.Now()
	prov, err := r.provenance(ctx)
	if err != nil {
		return err
	}
	trace("provenance", start)
	defer trace("writing HTML", time.Now())
	prov.Notebook = page.Source
	prov.Library = lib
	page.Provenance = prov
	page.Privacy = r.privacyNote()
	page.Made = prov.Made
	return reportTemplate.Execute(w, page)
}

// shownPath is how the report names a local file: its name, or its full
// path with Options.FullPaths.
func (r *renderer) shownPath(path string) string {
	if r.opts.FullPaths || path == "" || path == ":memory:" || datasets.IsServerURL(path) {
		return path // a server's URL (its password hidden) is not a local path
	}
	return filepath.Base(path)
}

// renderer carries the state of one report being made.
type renderer struct {
	ws      *datasets.Workspace
	conn    *sql.Conn
	nb      *Notebook
	vals    *Values
	opts    Options
	now     time.Time
	key     []byte
	results map[string]*result
	charts  int
	// statements run, in order, for the provenance appendix.
	statements []statement
	// what the methods section must explain.
	used usage
	// samples drawn by investigate blocks.
	samples []sampleRecord
	// investigations run.
	investigations []investigationRecord
	// builtins are parameters set by investigate blocks for the sql blocks
	// after them (see setBuiltins).
	builtins map[string]builtin
	// setVideos is the tag set's videos of the last investigate block
	// (tagset_videos), for the impact blocks; nil without one.
	setVideos *analysis.SetVideosTable
}

type builtin struct {
	ParamValue
	value any
}

// Builtin parameters: after an investigate block, sql blocks below it can
// use the investigation's tag set and period, so that their numbers are
// about exactly the videos the investigation counted.
const (
	BuiltinTagSetTags  = "tagset_tags"  // strings: the accepted tags, seed first
	BuiltinPeriodStart = "period_start" // timestamp: first instant of the period
	BuiltinPeriodEnd   = "period_end"   // timestamp: end of the period (exclusive)
)

func (r *renderer) setBuiltins(tags []string, since, until string) {
	if r.builtins == nil {
		r.builtins = map[string]builtin{}
	}
	list := append([]string{}, tags...)
	r.builtins[BuiltinTagSetTags] = builtin{ParamValue{Name: BuiltinTagSetTags, Type: "strings", Value: strings.Join(list, ",")}, list}
	if t, err := time.Parse(time.DateOnly, since); err == nil {
		r.builtins[BuiltinPeriodStart] = builtin{ParamValue{Name: BuiltinPeriodStart, Type: "timestamp", Value: t.Format(time.RFC3339)}, t}
	}
	if t, err := time.Parse(time.DateOnly, until); err == nil {
		end := t.AddDate(0, 0, 1)
		r.builtins[BuiltinPeriodEnd] = builtin{ParamValue{Name: BuiltinPeriodEnd, Type: "timestamp", Value: end.Format(time.RFC3339)}, end}
	}
}

func (r *renderer) builtinHint() string {
	if len(r.builtins) == 0 {
		return "; $" + BuiltinTagSetTags + ", $" + BuiltinPeriodStart + " and $" + BuiltinPeriodEnd + " exist only below an investigate block"
	}
	return "; investigate blocks above also set $" + BuiltinTagSetTags + ", $" + BuiltinPeriodStart + ", $" + BuiltinPeriodEnd
}

type usage struct {
	tables, pseudonymised, hiddenCaptions bool
	truncated                             bool
	investigate                           bool
	sample                                bool
	sweeps                                []*analysis.Sweep              // for the methods
	platform                              []*analysis.Platform           // impact_platform results, for the methods
	interventions                         []*analysis.InterventionReport // impact_intervention results
	methods                               map[string]string              // method -> why / description
}

type statement struct {
	Source string // "sql block daily", "provenance", ...
	SQL    string
	Params []ParamValue
}

func newRenderer(ws *datasets.Workspace, nb *Notebook, vals *Values, opts Options) (*renderer, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	if opts.MaxChartRows <= 0 {
		opts.MaxChartRows = defaultMaxChartRows
	}
	key := opts.PseudonymKey
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("making a pseudonym key: %w", err)
		}
		opts.PseudonymKeySource = ""
	}
	return &renderer{
		ws: ws, nb: nb, vals: vals, opts: opts, now: now().UTC(), key: key,
		results: map[string]*result{},
		used:    usage{methods: map[string]string{}},
	}, nil
}

// item is one rendered part of the report, in notebook order.
type item struct {
	Kind        BlockKind
	HTML        template.HTML // markdown, rendered safely
	Table       *table
	Chart       *chart
	Investigate *investigateView
	Impact      *impactView
	Sweep       *sweepView
	Alerts      *alertsView
}

func (r *renderer) block(ctx context.Context, b Block) (item, error) {
	switch b.Kind {
	case KindMarkdown:
		h, err := renderMarkdown(b.Text)
		return item{Kind: b.Kind, HTML: h}, err
	case KindSQL:
		res, err := r.runSQL(ctx, "sql block "+b.SQL.Name, b.Text)
		if err != nil {
			return item{}, fmt.Errorf("%s: %w", b.SQL.Name, err)
		}
		r.results[b.SQL.Name] = res
		if b.SQL.Hide {
			return item{Kind: b.Kind}, nil
		}
		rows := b.SQL.Rows
		if rows == 0 {
			rows = DefaultRows
		}
		r.used.tables = true
		t := res.table(b.SQL.Name, rows)
		if t.Note != "" {
			r.used.truncated = true
		}
		return item{Kind: b.Kind, Table: t}, nil
	case KindChart:
		res := r.results[b.Chart.Data]
		if res == nil {
			return item{}, fmt.Errorf("data %q: no sql block of that name ran above", b.Chart.Data)
		}
		c, err := r.chartFromResult(b.Chart, res)
		if err != nil {
			return item{}, err
		}
		return item{Kind: b.Kind, Chart: c}, nil
	case KindSweep:
		res, v, err := r.sweep(ctx, b.Sweep)
		if err != nil {
			return item{}, fmt.Errorf("%s: %w", b.Sweep.Name, err)
		}
		r.results[b.Sweep.Name] = res
		return item{Kind: b.Kind, Sweep: v}, nil
	case KindAlerts:
		v, err := r.alerts(ctx, b.Alerts)
		if err != nil {
			return item{}, err
		}
		return item{Kind: b.Kind, Alerts: v}, nil
	case KindImpactPlatform, KindImpactIntervention:
		run := r.platformBlock
		if b.Kind == KindImpactIntervention {
			run = r.interventionBlock
		}
		v, err := run(ctx, b.Impact)
		if err != nil {
			return item{}, err
		}
		return item{Kind: b.Kind, Impact: v}, nil
	case KindInvestigate:
		v, err := r.investigate(ctx, b.Investigate)
		if err != nil {
			return item{}, err
		}
		return item{Kind: b.Kind, Investigate: v}, nil
	}
	return item{}, fmt.Errorf("unknown block kind %q", b.Kind)
}

// result is what a sql block returned: at most MaxChartRows rows, values
// already pseudonymised or redacted as the privacy options say.
type result struct {
	Name      string
	Columns   []string
	Types     []string
	Rows      [][]any
	More      bool // the query returned more rows than were kept
	Redacted  map[int]string
	SQL       string
	ParamsUse []ParamValue
}

// runSQL runs a sql block through queries (checked, nothing outside the
// workspace, read-only) on the report's connection, binding the notebook's
// values to the $name parameters the block uses.
func (r *renderer) runSQL(ctx context.Context, source, text string) (*result, error) {
	names, err := queries.ParamNames(ctx, r.conn, "the block", text)
	if err != nil {
		return nil, err
	}
	var args []sql.NamedArg
	var used []ParamValue
	for _, n := range names {
		v, ok := r.vals.Value(n)
		txt, _ := r.vals.Text(n)
		typ := r.paramType(n)
		if !ok {
			b, isBuiltin := r.builtins[n]
			if !isBuiltin {
				return nil, fmt.Errorf("$%s is not a parameter in the front matter (it has %s)%s", n, paramList(r.nb.Params), r.builtinHint())
			}
			v, txt, typ = b.value, b.Value, b.Type
		}
		args = append(args, sql.Named(n, v))
		used = append(used, ParamValue{Name: n, Type: typ, Value: txt})
	}
	sort.Slice(used, func(i, j int) bool { return used[i].Name < used[j].Name })
	r.statements = append(r.statements, statement{Source: source, SQL: text, Params: used})
	t, err := queries.FetchOn(ctx, r.conn, queries.Bound("", text, args), r.opts.MaxChartRows)
	if err != nil {
		return nil, err
	}
	res := &result{SQL: text, ParamsUse: used, Redacted: map[int]string{}, More: t.Truncated, Rows: t.Rows}
	for i, c := range t.Columns {
		res.Columns = append(res.Columns, c.Name)
		res.Types = append(res.Types, c.Type)
		if c.Type == "NUMERIC" {
			numericToFloat(res.Rows, i)
		}
	}
	transform := r.privacyTransforms(res)
	for _, row := range res.Rows {
		for i, f := range transform {
			if f != nil {
				row[i] = f(row[i])
			}
		}
	}
	return res, nil
}

// numericToFloat turns column i's PostgreSQL NUMERIC values, which the
// driver gives as text, into numbers, as DuckDB's DECIMAL values are read
// (formatValue, toFloat), so that a table or chart reads the same on both
// engines.
func numericToFloat(rows [][]any, i int) {
	for _, row := range rows {
		if s, ok := row[i].(string); ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				row[i] = f
			}
		}
	}
}

func (r *renderer) paramType(name string) string {
	for _, p := range r.nb.Params {
		if p.Name == name {
			return p.Type
		}
	}
	return ""
}

// formatValue writes a SQL value as report text: numbers rounded for
// reading, times without a zero clock, lists as [a, b]; any other value as
// queries writes it (Column.Text, the CSV export's text).
func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		x = x.UTC()
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.Format("2006-01-02 15:04:05")
	case float64:
		return formatFloat(x)
	case float32:
		return formatFloat(float64(x))
	case duckdb.Decimal:
		f := x.Float64()
		return formatFloat(f)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = formatValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case redactedValue:
		return string(x)
	}
	return queries.Column{}.Text(v)
}

func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 0):
		if f > 0 {
			return "∞"
		}
		return "−∞"
	case f == math.Trunc(f) && math.Abs(f) < 1e15:
		return strconv.FormatFloat(f, 'f', -1, 64)
	case math.Abs(f) >= 0.001 && math.Abs(f) < 1e6:
		return strconv.FormatFloat(f, 'f', 4, 64)
	}
	return strconv.FormatFloat(f, 'g', 4, 64)
}

// toFloat reads a SQL value as a number for a chart.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case int16:
		return float64(x), true
	case int8:
		return float64(x), true
	case int:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint8:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case float32:
		return float64(x), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	case duckdb.Decimal:
		f := x.Float64()
		return f, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case time.Time:
		return float64(x.UnixMilli()), true
	}
	return 0, false
}
