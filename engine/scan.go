package engine

// The aggregations of the platform-wide spike scan (analysis/scan.go):
// the videos per tag and day and the violating videos per tag, policy and
// day, for the tags with enough rows. Written once per dialect
// (scan_duckdb.go, scan_postgres.go); the scan itself runs in Go.

import (
	"context"
	"database/sql"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// Spikes is a Session that also counts the spike scan's series.
type Spikes interface {
	Session
	// SpikeCounts counts, for the tags with at least q.MinRows rows in
	// video_tags, their videos per creation day in [q.Lo, q.Hi) (from
	// tag_days) and their violating videos per policy (q.Policies; all
	// when empty) and outcome day.
	SpikeCounts(ctx context.Context, q SpikeQuery) ([]TagDayCount, []TagPolicyDayCount, error)
}

// ConnectSpikes opens a Spikes session on a connection of ws.
func ConnectSpikes(ctx context.Context, ws *datasets.Workspace) (Spikes, error) {
	s, err := Connect(ctx, ws)
	if err != nil {
		return nil, err
	}
	return s.(Spikes), nil
}

var (
	_ Spikes = (*duck)(nil)
	_ Spikes = (*postgres)(nil)
)

// SpikeQuery asks for the spike scan's counts.
type SpikeQuery struct {
	MinRows  int64
	Lo, Hi   time.Time
	Policies []string
}

// TagDayCount is a tag's videos on a day.
type TagDayCount struct {
	Tag string
	Day time.Time
	N   int64
}

// TagPolicyDayCount is a tag's videos violating a policy on a day.
type TagPolicyDayCount struct {
	Tag, Policy string
	Day         time.Time
	N           int64
}

func (b *base) tagDayCounts(ctx context.Context, q string, args ...any) ([]TagDayCount, error) {
	return collect(ctx, b, func(rows *sql.Rows, c *TagDayCount) error {
		err := rows.Scan(&c.Tag, &c.Day, &c.N)
		c.Day = c.Day.UTC()
		return err
	}, q, args...)
}

func (b *base) tagPolicyDayCounts(ctx context.Context, q string, args ...any) ([]TagPolicyDayCount, error) {
	return collect(ctx, b, func(rows *sql.Rows, c *TagPolicyDayCount) error {
		err := rows.Scan(&c.Tag, &c.Policy, &c.Day, &c.N)
		c.Day = c.Day.UTC()
		return err
	}, q, args...)
}
