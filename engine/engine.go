// Package engine is the boundary between trendlab's analysis and the
// database a workspace lives in: the aggregations an investigation needs,
// written once per SQL dialect behind one interface, Session. DuckDB (the
// embedded default, duckdb.go) and PostgreSQL/Citus (postgres.go)
// implement it.
//
// What crosses the boundary is aggregates, never raw rows: counts per
// group, policy and day, the baseline's counts, the candidate spellings of
// a tag, tag co-occurrence counts, removal-time histograms. Everything
// else (variant scoring, statistics, report shaping) stays in Go, shared by
// both engines, so that the same workspace gives the same investigation on
// either. Every row an implementation reads into Go is counted (RowsRead):
// an investigation must stay bounded however large the workspace is.
package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// Session runs an investigation's aggregations on one connection. Members
// defines the cohort (the tag set's videos, and a baseline tag set's) that
// Volumes, Outcomes, AnyViolating, Removals and Related then group by; it
// must come first. A Session is not safe for concurrent use.
type Session interface {
	// Provenance reads the workspace's schema version, row counts and imports.
	Provenance(ctx context.Context) (*datasets.Provenance, error)
	// Span is the first and last videos.created_at; ok is false without videos.
	Span(ctx context.Context) (first, last time.Time, ok bool, err error)
	// VariantCandidates lists the distinct normalised tags that pass f: a
	// superset of the tags that look like f's seed.
	VariantCandidates(ctx context.Context, f VariantFilter) ([]string, error)
	// TagForms counts the videos carrying each tag and the occurrences of
	// each spelling as written, most frequent first per tag.
	TagForms(ctx context.Context, tags []string) ([]TagForm, error)
	// TagSet reads a saved tag set; nil without error when there is none.
	TagSet(ctx context.Context, name string) (*TagSet, error)

	// Members fixes the cohort of the later aggregations.
	Members(ctx context.Context, m Members) error
	// Volumes counts the videos created per day in the period (total) and
	// the cohort's videos per day and group.
	Volumes(ctx context.Context) (total []DayCount, groups []GroupDayCount, err error)
	// Outcomes counts video_outcomes of the period per group, policy and
	// day (policies: only these; empty for all).
	Outcomes(ctx context.Context, policies []string) ([]OutcomeRow, error)
	// AnyViolating counts per group the videos of the period violating at
	// least one of policies (all when empty).
	AnyViolating(ctx context.Context, policies []string) ([]GroupCount, error)
	// Removals is the histogram of the removals' time to action per policy,
	// inside and outside the tag set (see Quantiles).
	Removals(ctx context.Context) ([]RemovalBucket, error)
	// Related counts, for the tags other than exclude carried by at least
	// minTogether of the tag set's videos, those videos (Together) and the
	// videos of the period carrying the tag (Videos).
	Related(ctx context.Context, q RelatedQuery) ([]RelatedCount, error)

	// RowsRead is the number of rows read from the database into Go so far.
	RowsRead() int64
	// Close frees the session's temporary state and its connection.
	Close() error
}

// Connect opens a session on a connection of ws, in ws's dialect.
func Connect(ctx context.Context, ws *datasets.Workspace) (Session, error) {
	conn, err := ws.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	s := OnConn(ws, conn)
	s.(owner).own()
	return s, nil
}

// OnConn is a session on a connection the caller owns (Close leaves it
// open), for code that runs its own SQL on the same connection.
func OnConn(ws *datasets.Workspace, conn *sql.Conn) Session {
	if ws != nil && ws.Dialect == datasets.Postgres {
		return &postgres{base: base{conn: conn}, citus: ws.Citus}
	}
	return &duck{base: base{conn: conn}}
}

type owner interface{ own() }

// SetKeeper is a session that can leave the ids of its cohort's tag-set
// videos (group 1 of Members) in a temporary table of its connection,
// which outlives the session (DuckDB: a report's later statements read
// them instead of scanning the tag lists again).
type SetKeeper interface {
	KeepSet(ctx context.Context, table string) error
}

// Members is a cohort: the videos created in [Lo, Hi) carrying one of Tags
// (group 1), or else one of BaselineTags (group 2) when the baseline is a
// tag set (BaselineTags not nil), by the workspace's one definition of a
// tag set's videos (tag_set_members); Captions and BaselineCaptions count
// caption mentions. Every other video is group 0.
type Members struct {
	Tags             []string
	Captions         bool
	BaselineTags     []string
	BaselineCaptions bool
	Lo, Hi           time.Time
}

// The groups of a cohort.
const (
	GroupRest     = 0
	GroupSet      = 1
	GroupBaseline = 2
)

// VariantFilter narrows the distinct tags down to a seed's candidate
// variants: the tag itself; tags whose skeleton (accents stripped, From
// translated to To) contains Prefix, or is at least 3 long and inside
// Skeleton; or whose skeleton is at most MaxEdits edits (Levenshtein) from
// Skeleton, of at most that length difference.
type VariantFilter struct {
	Seed, Skeleton, Prefix string
	From, To               string
	SkeletonLen, MaxEdits  int
}

// TagForm is a tag's video count (Raw empty, IsTotal) or one spelling's
// occurrences.
type TagForm struct {
	Tag     string
	Raw     string
	IsTotal bool
	Rows    int64
	Videos  int64
}

// TagSet is a saved tag set's row and its decided variants, accepted first,
// then by score and tag.
type TagSet struct {
	Seed                 string
	IncludeCaptions      bool
	CreatedAt, UpdatedAt time.Time
	Variants             []TagSetVariant
}

// TagSetVariant is one decided variant of a saved tag set.
type TagSetVariant struct {
	Tag, Status, Reason string
	Score               float64
	Videos              int64
}

// DayCount is a count on a day (UTC midnight).
type DayCount struct {
	Day time.Time
	N   int64
}

// GroupDayCount is the videos of a cohort group on a day, and how many of
// them are in it only through a caption mention.
type GroupDayCount struct {
	Day         time.Time
	Group       int
	N           int64
	CaptionOnly int64
}

// GroupCount is a count of a cohort group.
type GroupCount struct {
	Group int
	N     int64
}

// OutcomeRow is the outcome counts of one group, policy and day.
type OutcomeRow struct {
	Group  int
	Policy string
	Day    time.Time
	Counts OutcomeCounts
}

// OutcomeCounts count video_outcomes rows by flag; the joint counts are the
// funnel's conditional steps.
type OutcomeCounts struct {
	Violating, Reported, Flagged, Surfaced, Reviewed, Removed, Proactive, Within24h,
	Escalated, Appealed, Reinstated int64
	ReviewedSurfaced, ViolatingReviewed, RemovedViolating, EscalatedViolating,
	AppealedRemoved, ReinstatedAppealed int64
	// FirstViolating counts the rows that are their video's first
	// violating policy: summed over every policy, the videos violating any
	// (AnyViolating's count without a policy filter).
	FirstViolating int64
}

// RelatedQuery asks for the tags co-occurring with the tag set.
type RelatedQuery struct {
	Exclude     []string
	MinTogether int64
	// Lo and Hi bound Videos by creation day unless FullSpan (the period
	// holds every video, so no bound is needed).
	Lo, Hi   time.Time
	FullSpan bool
}

// RelatedCount is a co-occurring tag's counts.
type RelatedCount struct {
	Tag              string
	Together, Videos int64
}

// base is what both implementations share: the connection and the count
// of rows read.
type base struct {
	conn  *sql.Conn
	owns  bool
	rows  int64
	close []string // statements that drop the session's temporary state
	// lo and hi are the cohort's period [lo, hi), set by Members.
	lo, hi time.Time
}

func (b *base) own()            { b.owns = true }
func (b *base) RowsRead() int64 { return b.rows }

func (b *base) Close() error {
	// Best effort: closing the connection drops temporary tables anyway;
	// this frees them before the connection returns to the pool.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, q := range b.close {
		b.conn.ExecContext(ctx, q)
	}
	if b.owns {
		return b.conn.Close()
	}
	return nil
}

// query runs q and calls scan on every row, counting the rows.
func (b *base) query(ctx context.Context, scan func(*sql.Rows) error, q string, args ...any) error {
	rows, err := b.conn.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		b.rows++
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// The scans both implementations share: each runs q and reads its rows
// into the boundary's types.

func (b *base) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	var out []string
	err := b.query(ctx, func(rows *sql.Rows) error {
		var s string
		err := rows.Scan(&s)
		out = append(out, s)
		return err
	}, q, args...)
	return out, err
}

// tagForms reads tag, tag_raw (NULL for a tag's total), rows, videos.
func (b *base) tagForms(ctx context.Context, q string, args ...any) ([]TagForm, error) {
	var out []TagForm
	err := b.query(ctx, func(rows *sql.Rows) error {
		var f TagForm
		var raw sql.NullString
		err := rows.Scan(&f.Tag, &raw, &f.Rows, &f.Videos)
		f.Raw, f.IsTotal = raw.String, !raw.Valid
		out = append(out, f)
		return err
	}, q, args...)
	return out, err
}

// tagSet reads a tag set's row by setQ and its variants by variantsQ, each
// with the name as their one parameter.
func (b *base) tagSet(ctx context.Context, setQ, variantsQ, name string) (*TagSet, error) {
	s := &TagSet{}
	err := b.queryRow(ctx, setQ, []any{name}, &s.Seed, &s.IncludeCaptions, &s.CreatedAt, &s.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	err = b.query(ctx, func(rows *sql.Rows) error {
		var v TagSetVariant
		err := rows.Scan(&v.Tag, &v.Status, &v.Reason, &v.Score, &v.Videos)
		s.Variants = append(s.Variants, v)
		return err
	}, variantsQ, name)
	return s, err
}

// volumes reads the videos per day (totalQ, the period's bounds its
// parameters) and per day and group (groupsQ with groupArgs).
func (b *base) volumes(ctx context.Context, totalQ, groupsQ string, groupArgs ...any) (total []DayCount, groups []GroupDayCount, err error) {
	err = b.query(ctx, func(rows *sql.Rows) error {
		var c DayCount
		err := rows.Scan(&c.Day, &c.N)
		total = append(total, c)
		return err
	}, totalQ, b.lo, b.hi)
	if err != nil {
		return nil, nil, err
	}
	err = b.query(ctx, func(rows *sql.Rows) error {
		var c GroupDayCount
		err := rows.Scan(&c.Day, &c.Group, &c.N, &c.CaptionOnly)
		groups = append(groups, c)
		return err
	}, groupsQ, groupArgs...)
	return total, groups, err
}

// outcomes reads group, policy, day and outcomeConditions' counts.
func (b *base) outcomes(ctx context.Context, q string, args ...any) ([]OutcomeRow, error) {
	var out []OutcomeRow
	err := b.query(ctx, func(rows *sql.Rows) error {
		var r OutcomeRow
		c := &r.Counts
		err := rows.Scan(&r.Group, &r.Policy, &r.Day, &c.Violating, &c.Reported, &c.Flagged, &c.Surfaced, &c.Reviewed,
			&c.Removed, &c.Proactive, &c.Within24h, &c.Escalated, &c.Appealed, &c.Reinstated,
			&c.ReviewedSurfaced, &c.ViolatingReviewed, &c.RemovedViolating, &c.EscalatedViolating,
			&c.AppealedRemoved, &c.ReinstatedAppealed, &c.FirstViolating)
		out = append(out, r)
		return err
	}, q, args...)
	return out, err
}

func (b *base) groupCounts(ctx context.Context, q string, args ...any) ([]GroupCount, error) {
	var out []GroupCount
	err := b.query(ctx, func(rows *sql.Rows) error {
		var c GroupCount
		err := rows.Scan(&c.Group, &c.N)
		out = append(out, c)
		return err
	}, q, args...)
	return out, err
}

// queryRow runs q, which returns one row, into dest.
func (b *base) queryRow(ctx context.Context, q string, args []any, dest ...any) error {
	err := b.conn.QueryRowContext(ctx, q, args...).Scan(dest...)
	if err == nil {
		b.rows++
	}
	return err
}

// Span is the same SQL in both dialects.
func (b *base) Span(ctx context.Context) (first, last time.Time, ok bool, err error) {
	var lo, hi sql.NullTime
	if err := b.queryRow(ctx, `SELECT min(created_at), max(created_at) FROM videos`, nil, &lo, &hi); err != nil {
		return first, last, false, err
	}
	return lo.Time.UTC(), hi.Time.UTC(), lo.Valid, nil
}

// Provenance is datasets' one reading of it, in the common SQL of both
// dialects.
func (b *base) Provenance(ctx context.Context) (*datasets.Provenance, error) {
	p, err := datasets.ReadProvenance(ctx, b.conn)
	if err == nil {
		b.rows += 2 + int64(len(p.Imports)) // the version, the counts, the imports
	}
	return p, err
}

// errNoMembers is a programming error: an aggregation before Members.
var errNoMembers = fmt.Errorf("engine: Members must be called before the cohort's aggregations")
