package review

// The frame: the videos a sample is drawn from, as parameterised SQL.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// SampleFrame defines the videos a sample is drawn from. Empty fields do not
// filter. Everything given must hold (AND), except that TagSet and Tags
// together mean "any tag of the set or any of Tags".
type SampleFrame struct {
	// TagSet names a saved tag set: its videos by the workspace's
	// tag_set_members macro, as in the investigation (its seed tag or an
	// accepted variant, and caption mentions when the tag set includes
	// them).
	TagSet string `json:"tag_set,omitempty"`
	// TagSetTags and CaptionMentions are the tag set as it was when the
	// sample was drawn (its seed and accepted variants, and whether caption
	// mentions count). A draw fills them in; a redraw uses them, not the tag
	// set as it may have been edited since.
	TagSetTags      []string `json:"tag_set_tags,omitempty"`
	CaptionMentions bool     `json:"caption_mentions,omitempty"`
	// Tags are normalised hashtags (see datasets.NormalizeTag); a video with
	// any of them is in the frame.
	Tags []string `json:"tags,omitempty"`
	// Policies restrict the frame to videos with an outcome (video_outcomes)
	// for one of these policies; with Violating, to videos violating one of
	// them. Their order is the priority used to put a video into a policy
	// stratum: a video is in the stratum of the first listed policy that
	// matches it.
	Policies []string `json:"policies,omitempty"`
	// Violating keeps only violating videos (by the data contract: for one of
	// Policies, or for any policy when Policies is empty).
	Violating bool `json:"violating,omitempty"`
	// Since and Until bound created_at: Since <= created_at < Until (UTC).
	// SetPeriod sets them from a period of whole days (datasets.Period,
	// --until inclusive), so Until is the midnight after the last day.
	Since *time.Time `json:"since,omitempty"`
	Until *time.Time `json:"until,omitempty"`
	// Regions keeps videos whose region is one of these.
	Regions []string `json:"regions,omitempty"`
}

// frameQuery is the frame as a SQL query with ? parameters: one row per
// video with columns video_id and stratum. strata is "" for a simple sample.
type frameQuery struct {
	sql  string
	args []any
}

// buildFrame turns a frame into SQL in the workspace's dialect. Every value
// from the user is a parameter; only fixed SQL text and placeholders are
// concatenated.
func buildFrame(f SampleFrame, strata string, dialect datasets.Dialect) frameQuery {
	var where []string
	var args []any
	placeholders := func(n int) string {
		return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
	}
	addStrings := func(xs []string) {
		for _, x := range xs {
			args = append(args, x)
		}
	}

	// The tag set's videos by the workspace's one definition (the
	// tag_set_members macro), over the snapshot of its tags, so a redraw
	// ignores later edits of the tag set; Tags add videos with those tags.
	var tagConds []string
	if len(f.TagSetTags) > 0 {
		tagConds = append(tagConds, `v.video_id IN (SELECT video_id FROM tag_set_members('', ?::VARCHAR[], ?))`)
		args = append(args, f.TagSetTags, f.CaptionMentions)
	}
	if len(f.Tags) > 0 {
		tagConds = append(tagConds, `v.video_id IN (SELECT video_id FROM video_tags WHERE tag IN (`+placeholders(len(f.Tags))+`))`)
		addStrings(f.Tags)
	}
	if len(tagConds) > 0 {
		where = append(where, `(`+strings.Join(tagConds, ` OR `)+`)`)
	}

	if len(f.Policies) > 0 || f.Violating {
		cond := `v.video_id IN (SELECT video_id FROM video_outcomes o WHERE true`
		if len(f.Policies) > 0 {
			cond += ` AND o.policy IN (` + placeholders(len(f.Policies)) + `)`
			addStrings(f.Policies)
		}
		if f.Violating {
			cond += ` AND o.violating`
		}
		where = append(where, cond+`)`)
	}
	if f.Since != nil {
		where = append(where, `v.created_at >= ?`)
		args = append(args, f.Since.UTC())
	}
	if f.Until != nil {
		where = append(where, `v.created_at < ?`)
		args = append(args, f.Until.UTC())
	}
	if len(f.Regions) > 0 {
		where = append(where, `v.region IN (`+placeholders(len(f.Regions))+`)`)
		addStrings(f.Regions)
	}

	// The stratum expression, with its own parameters placed before the
	// WHERE clause's.
	var strat string
	var stratArgs []any
	switch strata {
	case StrataWeek:
		strat = `isoyear(v.created_at)::VARCHAR || '-W' || lpad(week(v.created_at)::VARCHAR, 2, '0')`
		if dialect == datasets.Postgres {
			strat = `to_char(v.created_at, 'IYYY-"W"IW')`
		}
	case StrataRegion:
		strat = `coalesce(nullif(trim(v.region), ''), '` + StratumUnknown + `')`
	case StrataPolicy:
		// The first of the frame's policies (in the order given) that the
		// video matches; without policies, the alphabetically first.
		rank := `o.policy`
		var rankArgs []any
		if len(f.Policies) > 0 {
			var b strings.Builder
			b.WriteString(`CASE o.policy`)
			for i, p := range f.Policies {
				fmt.Fprintf(&b, ` WHEN ? THEN %d`, i)
				rankArgs = append(rankArgs, p)
			}
			b.WriteString(` END`)
			rank = b.String()
		}
		var in string
		var inArgs []any
		if len(f.Policies) > 0 {
			in = ` AND o.policy IN (` + placeholders(len(f.Policies)) + `)`
			for _, p := range f.Policies {
				inArgs = append(inArgs, p)
			}
		}
		if f.Violating {
			in += ` AND o.violating`
		}
		sub := `(SELECT arg_min(o.policy, ` + rank + `) FROM video_outcomes o WHERE o.video_id = v.video_id` + in + `)`
		stratArgs = append(rankArgs, inArgs...)
		if dialect == datasets.Postgres {
			// No arg_min: the first row in rank order (a video has one
			// row per policy), policies compared byte by byte as DuckDB
			// does; the parameters in the order they now appear.
			if len(f.Policies) == 0 {
				rank += ` COLLATE "C"`
			}
			sub = `(SELECT o.policy FROM video_outcomes o WHERE o.video_id = v.video_id` + in + ` ORDER BY ` + rank + ` LIMIT 1)`
			stratArgs = append(inArgs, rankArgs...)
		}
		strat = `coalesce(` + sub + `, '` + StratumUnknown + `')`
	default:
		strat = `'` + StratumAll + `'`
	}
	q := `SELECT v.video_id, ` + strat + ` AS stratum FROM videos v`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	return frameQuery{sql: q, args: append(stratArgs, args...)}
}

// queryer is what both *sql.DB and *sql.Tx provide.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// resolveFrame snapshots the frame's tag set (its accepted tags and
// whether caption mentions count) into the frame, unless a snapshot is
// there already.
func resolveFrame(ctx context.Context, q queryer, f *SampleFrame) error {
	if f.TagSet == "" {
		if len(f.TagSetTags) > 0 {
			return errors.New("the frame lists tag set tags but names no tag set")
		}
		return nil
	}
	if len(f.TagSetTags) > 0 {
		return nil
	}
	// The seed first, then the accepted variants by score, as the tag set
	// lists them.
	var seed string
	err := q.QueryRowContext(ctx, `SELECT seed_tag, include_caption_mentions FROM tag_sets WHERE name = ?`, f.TagSet).
		Scan(&seed, &f.CaptionMentions)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w %q", ErrNoTagSet, f.TagSet)
	}
	if err != nil {
		return fmt.Errorf("reading tag set %q: %w", f.TagSet, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT tag FROM tag_set_variants
		WHERE tag_set = ? AND status = 'accepted' AND tag <> ? ORDER BY score DESC, tag`, f.TagSet, seed)
	if err != nil {
		return fmt.Errorf("reading tag set %q: %w", f.TagSet, err)
	}
	defer rows.Close()
	f.TagSetTags = []string{seed}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return err
		}
		f.TagSetTags = append(f.TagSetTags, t)
	}
	return rows.Err()
}

// ErrNoTagSet means the frame names a tag set that is not saved.
var ErrNoTagSet = errors.New("no such tag set")

// frameStratum is a stratum of the frame, as counted in DuckDB.
type frameStratum struct {
	name                     string
	n                        int64
	violationRate, escalRate float64
}

// countFrame counts the frame's videos per stratum, with the rates a Neyman
// allocation may take its priors from.
func countFrame(ctx context.Context, q queryer, dialect datasets.Dialect, d SampleDefinition) ([]frameStratum, error) {
	fq := buildFrame(d.Frame, d.Strata, dialect)
	violCond := `o.violating`
	var violArgs []any
	if len(d.Frame.Policies) > 0 {
		violCond += ` AND o.policy IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(d.Frame.Policies)), ", ") + `)`
		for _, p := range d.Frame.Policies {
			violArgs = append(violArgs, p)
		}
	}
	sqlText := `WITH frame AS (` + fq.sql + `)
SELECT f.stratum, count(*),
	avg(CASE WHEN EXISTS (SELECT 1 FROM video_outcomes o WHERE o.video_id = f.video_id AND ` + violCond + `) THEN 1 ELSE 0 END),
	avg(CASE WHEN ` + escalated("f") + ` THEN 1 ELSE 0 END)
FROM frame f GROUP BY f.stratum ORDER BY f.stratum`
	if d.Allocation != AllocNeyman {
		// The rates are only needed for Neyman priors.
		sqlText = `WITH frame AS (` + fq.sql + `) SELECT stratum, count(*), 0, 0 FROM frame GROUP BY stratum ORDER BY stratum`
		violArgs = nil
	}
	rows, err := q.QueryContext(ctx, sqlText, append(fq.args, violArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("counting the sample frame: %w", err)
	}
	defer rows.Close()
	var out []frameStratum
	for rows.Next() {
		var s frameStratum
		if err := rows.Scan(&s.name, &s.n, &s.violationRate, &s.escalRate); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	// In byte order on both engines (a server's collation may differ).
	slices.SortFunc(out, func(a, b frameStratum) int { return strings.Compare(a.name, b.name) })
	return out, rows.Err()
}

// SetPeriod bounds the frame to the days of a period (both days inclusive,
// an open bound left open): Since becomes the first day's midnight and Until
// the midnight after the last day, the half-open range the frame's SQL
// uses, so a frame holds the same days as an investigation of that period.
func (f *SampleFrame) SetPeriod(p datasets.Period) {
	lo, hi := p.Bounds()
	f.Since, f.Until = nil, nil
	if !lo.IsZero() {
		f.Since = &lo
	}
	if !hi.IsZero() {
		f.Until = &hi
	}
}

// Period is the frame's bounds as days, and whether they are whole days
// (as SetPeriod leaves them; a frame saved with other times is not).
func (f SampleFrame) Period() (datasets.Period, bool) {
	var p datasets.Period
	whole := func(t time.Time) bool { return t.Equal(datasets.TruncDay(t)) }
	if f.Since != nil {
		if !whole(*f.Since) {
			return p, false
		}
		p.Since = f.Since.UTC()
	}
	if f.Until != nil {
		if !whole(*f.Until) {
			return p, false
		}
		p.Until = f.Until.UTC().AddDate(0, 0, -1)
	}
	return p, true
}
