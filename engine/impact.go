package engine

// The aggregations of the impact analyses (analysis/impact*.go): daily
// series over videos, video_outcomes, views_daily and search_daily, and
// the tag counts that pick comparison tags. Written once per dialect
// (impact_duckdb.go, impact_postgres.go) like Session's; only daily
// aggregates and tag counts cross into Go on a server (DuckDB also reads
// the tag set's video ids, see VideoSet), each row counted in RowsRead.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// Impact runs the impact analyses' aggregations on one connection. It is
// not safe for concurrent use.
type Impact interface {
	// Span is the first and last videos.created_at; ok is false without videos.
	Span(ctx context.Context) (first, last time.Time, ok bool, err error)
	// ExportDays is the first and last date of an optional daily export
	// (Views or Searches); ok is false when it has no rows.
	ExportDays(ctx context.Context, e DailyExport) (first, last time.Time, ok bool, err error)
	// PlatformDays counts per creation day in [Lo, Hi) the videos, those
	// carrying one of Tags, and for each of Policies those violating it
	// that carry none: every policy in one statement.
	PlatformDays(ctx context.Context, q PlatformQuery) ([]PlatformDay, error)
	// TagSetVideos fixes the videos carrying any of tags (the tag set's),
	// for TagsOn and the series.
	TagSetVideos(ctx context.Context, tags []string) (*VideoSet, error)
	// TagsOn counts the set's videos carrying each tag.
	TagsOn(ctx context.Context, set *VideoSet) ([]TagCount, error)
	// ComparisonTags picks q.K tags of volume close to the tag set's.
	ComparisonTags(ctx context.Context, q ComparisonQuery) ([]string, error)
	// UploadSeries counts per group and creation day the videos (A) and
	// those violating any policy (B). Group 0 is the set's videos; group
	// g > 0 the videos carrying any of comparisons[g-1] and outside the
	// set.
	UploadSeries(ctx context.Context, set *VideoSet, comparisons [][]string) ([]GroupDayValues, error)
	// ViewSeries sums per group (as UploadSeries') and day the views on
	// the for_you surface (A) and on all (B).
	ViewSeries(ctx context.Context, set *VideoSet, comparisons [][]string) ([]GroupDayValues, error)
	// SearchSeries sums per day the searches (A) and those via
	// autocomplete (B) of the queries whose first word is one of terms
	// (group 1) and of every other query but exclude (group 2).
	SearchSeries(ctx context.Context, terms, exclude []string) ([]GroupDayValues, error)
	// FirstSeen lists the hashtags (Hashtags) or search queries (Searches)
	// first seen on or after since, with that day and their volume
	// (videos, or searches).
	FirstSeen(ctx context.Context, e DailyExport, since time.Time) ([]FirstSeen, error)

	// RowsRead is the number of rows read from the database into Go so far.
	RowsRead() int64
	// Close frees the session's connection.
	Close() error
}

// ConnectImpact opens an Impact session on a connection of ws.
func ConnectImpact(ctx context.Context, ws *datasets.Workspace) (Impact, error) {
	s, err := Connect(ctx, ws)
	if err != nil {
		return nil, err
	}
	return s.(Impact), nil
}

var (
	_ Impact = (*duck)(nil)
	_ Impact = (*postgres)(nil)
)

// DailyExport names a daily table of the impact analyses.
type DailyExport int

const (
	Views    DailyExport = iota // views_daily
	Searches                    // search_daily
	Hashtags                    // tag_days
)

// table is the export's table and its day column (fixed names, never
// user text).
func (e DailyExport) table() (table, day string) {
	switch e {
	case Views:
		return "views_daily", "date"
	case Searches:
		return "search_daily", "date"
	}
	return "tag_days", "day"
}

// PlatformQuery asks for the platform's daily counts (PlatformDays).
type PlatformQuery struct {
	Tags     []string
	Policies []string
	Lo, Hi   time.Time
	// SetVideos, when not empty, names a table on the session's
	// connection that holds exactly the videos carrying one of Tags
	// created in [Lo, Hi), with their video_id and created_at (a report's
	// tagset_videos): read instead of finding them again, which takes a
	// pass over every hashtag and every video. A name from the program,
	// never user text.
	SetVideos string
}

// PlatformDay is one day of PlatformDays.
type PlatformDay struct {
	Day            time.Time
	Uploads, InSet int64
	Outside        []int64 // per policy of the query: its violating videos outside the set
}

// platformDaysSQL is PlatformDays' statement, both dialects': mark binds
// an argument and gives its placeholder. fromTags gives the dialect's CTE
// s of the set's videos found from q.Tags, with their creation day d when
// days is empty, else s of their video ids and the CTE days (d, uploads,
// in_set) that counts them; notInSet is the condition that video_outcomes
// o's video is not in s. Rows: day, uploads, in set, then one count per
// policy. Each policy's violating videos outside the set come from
// video_outcomes alone (one row per video and policy, with the video's
// created_at), so the videos are read once whatever the number of
// policies.
func platformDaysSQL(q PlatformQuery, mark func(any) string, fromTags func() (set, days string), notInSet string) string {
	var set, days string
	if q.SetVideos != "" {
		set = `s AS (SELECT video_id, CAST(created_at AS DATE) AS d FROM ` + q.SetVideos + `)`
	} else {
		set, days = fromTags()
	}
	if days == "" {
		days = `days AS (
	SELECT u.d, u.uploads, coalesce(t.in_set, 0) AS in_set
	FROM (SELECT CAST(created_at AS DATE) AS d, count(*) AS uploads
		FROM videos WHERE created_at >= ` + mark(q.Lo) + ` AND created_at < ` + mark(q.Hi) + ` GROUP BY 1) u
	LEFT JOIN (SELECT d, count(*) AS in_set FROM s GROUP BY 1) t ON t.d = u.d)`
	}
	cols, in, totals := make([]string, len(q.Policies)), make([]string, len(q.Policies)), make([]string, len(q.Policies))
	for i, p := range q.Policies {
		cols[i] = fmt.Sprintf("count(*) FILTER (WHERE o.policy = %s) AS n%d", mark(p), i)
		totals[i] = fmt.Sprintf("coalesce(viol.n%d, 0)", i)
	}
	for i, p := range q.Policies {
		in[i] = mark(p)
	}
	return `WITH ` + set + `,
` + days + `,
viol AS (
	SELECT CAST(o.created_at AS DATE) AS d, ` + strings.Join(cols, ", ") + `
	FROM video_outcomes o
	WHERE o.violating AND o.policy IN (` + strings.Join(in, ", ") + `)
	  AND o.created_at >= ` + mark(q.Lo) + ` AND o.created_at < ` + mark(q.Hi) + `
	  AND ` + notInSet + `
	GROUP BY 1)
SELECT days.d, days.uploads, days.in_set, ` + strings.Join(totals, ", ") + `
FROM days LEFT JOIN viol ON viol.d = days.d`
}

// TagCount is a tag's count of videos.
type TagCount struct {
	Tag string
	N   int64
}

// VideoSet is the videos carrying any of a tag set's tags. On PostgreSQL
// it is the tags alone: each query finds the videos where they are (on
// Citus, on every shard), so no video id comes into Go. DuckDB reads the
// ids once and binds them to each query (see impact_duckdb.go).
type VideoSet struct {
	tags []string
	// DuckDB: the set's ids, and each comparison's videos outside it, by
	// its tags joined with "\x00".
	ids         []string
	comparisons map[string][]string
}

// ComparisonQuery asks for the K tags whose videos created before Before
// are closest in number (on a log scale) to those of Tags, that are not
// among Tags, not carried by more than 1% of their videos together with
// the tag set (Overlap: the tag set's videos per tag), and not the target
// of an intervention; ties by tag.
type ComparisonQuery struct {
	Tags    []string
	Overlap []TagCount
	Before  time.Time
	K       int
}

// GroupDayValues is two daily values of a group.
type GroupDayValues struct {
	Day   time.Time
	Group int
	A, B  float64
}

// FirstSeen is a spelling's first day and volume.
type FirstSeen struct {
	Spelling string
	First    time.Time
	Volume   int64
}

// collect runs q and reads each row into a T with scan.
func collect[T any](ctx context.Context, b *base, scan func(*sql.Rows, *T) error, q string, args ...any) ([]T, error) {
	var out []T
	err := b.query(ctx, func(rows *sql.Rows) error {
		var v T
		err := scan(rows, &v)
		out = append(out, v)
		return err
	}, q, args...)
	return out, err
}

// groupDayValues reads rows of (day, group, a, b), NULLs as 0.
func (b *base) groupDayValues(ctx context.Context, q string, args ...any) ([]GroupDayValues, error) {
	return collect(ctx, b, func(rows *sql.Rows, r *GroupDayValues) error {
		var x, y sql.NullFloat64
		err := rows.Scan(&r.Day, &r.Group, &x, &y)
		r.Day, r.A, r.B = r.Day.UTC(), x.Float64, y.Float64
		return err
	}, q, args...)
}

// tagCounts reads rows of (tag, n).
func (b *base) tagCounts(ctx context.Context, q string, args ...any) ([]TagCount, error) {
	return collect(ctx, b, func(rows *sql.Rows, c *TagCount) error {
		return rows.Scan(&c.Tag, &c.N)
	}, q, args...)
}

// platformDays reads rows of (day, uploads, in set, then one count per
// policy of policies).
func (b *base) platformDays(ctx context.Context, policies int, q string, args ...any) ([]PlatformDay, error) {
	return collect(ctx, b, func(rows *sql.Rows, d *PlatformDay) error {
		d.Outside = make([]int64, policies)
		dest := []any{&d.Day, &d.Uploads, &d.InSet}
		for i := range d.Outside {
			dest = append(dest, &d.Outside[i])
		}
		err := rows.Scan(dest...)
		d.Day = d.Day.UTC()
		return err
	}, q, args...)
}

func (b *base) firstSeen(ctx context.Context, q string, args ...any) ([]FirstSeen, error) {
	return collect(ctx, b, func(rows *sql.Rows, f *FirstSeen) error {
		err := rows.Scan(&f.Spelling, &f.First, &f.Volume)
		f.First = f.First.UTC()
		return err
	}, q, args...)
}

// ExportDays is the same SQL in both dialects.
func (b *base) ExportDays(ctx context.Context, e DailyExport) (first, last time.Time, ok bool, err error) {
	table, day := e.table()
	var lo, hi sql.NullTime
	if err := b.queryRow(ctx, `SELECT min(`+day+`), max(`+day+`) FROM `+table, nil, &lo, &hi); err != nil {
		return first, last, false, err
	}
	return lo.Time.UTC(), hi.Time.UTC(), lo.Valid, nil
}
