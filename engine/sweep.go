package engine

import (
	"context"
	"database/sql"
	"time"
)

// The aggregations of a sweep (analysis/sweep.go): many tags compared with
// the baseline at once, not one investigation per tag. Only counts cross
// the boundary: per swept tag and day the videos, per swept tag and
// policy the violating and removed videos.

// Sweeper is a Session's sweep aggregations (Sweeps gives it).
type Sweeper interface {
	// SweepCandidates narrows the distinct tags down to each filter's
	// candidate variants at once (VariantCandidates for many seeds), each
	// filter's Seed left out; per filter, in byte order.
	SweepCandidates(ctx context.Context, filters []VariantFilter) ([][]string, error)
	// SweepMembers collects the swept tags' videos for SweepVolumes and
	// SweepOutcomes to count.
	SweepMembers(ctx context.Context, m SweepMembers) (*SweptVideos, error)
	// SweepVolumes counts the videos created per day in the period (total)
	// and those of each swept tag and of the seed (SweepDayCount.K).
	SweepVolumes(ctx context.Context, v *SweptVideos) (total []DayCount, tags []SweepDayCount, err error)
	// SweepOutcomes counts, per policy (only these; all when empty), the
	// violating and removed videos of the period: of every video (K
	// SweepAll), of each swept tag and of the seed.
	SweepOutcomes(ctx context.Context, v *SweptVideos, policies []string) ([]SweepOutcome, error)
}

// Sweeps is s's sweep aggregations.
func Sweeps(s Session) Sweeper { return s.(Sweeper) }

// SweepMembers are the videos a sweep counts: those created in [Lo, Hi)
// carrying one of the accepted tags of each swept tag (swept tag k, from
// 1, is Tags[k-1]), a video counted once per swept tag it carries.
type SweepMembers struct {
	Tags [][]string
	// Seed: the session's cohort (the tag set of an earlier Members) is
	// the seed, whose videos are left out of every swept tag and counted
	// on their own as K SweepSeed.
	Seed   bool
	Lo, Hi time.Time
}

// SweptVideos are a sweep's videos as SweepMembers collected them.
type SweptVideos struct {
	m SweepMembers
	// multi: some swept tag has more than one accepted tag (DuckDB).
	multi bool
}

// The K of a sweep's counts that is not a swept tag.
const (
	SweepAll  = -1 // every video of the period
	SweepSeed = 0  // the seed's videos
)

// SweepDayCount is the videos of swept tag K (or the seed) created on Day.
type SweepDayCount struct {
	K   int
	Day time.Time
	N   int64
}

// SweepOutcome counts the video_outcomes rows of K (a swept tag, the seed
// or every video) for one policy.
type SweepOutcome struct {
	K                                        int
	Policy                                   string
	Violating, Removed, Proactive, Within24h int64
}

// sweepConditions are the conditions on video_outcomes o that
// SweepOutcome counts, in its order.
var sweepConditions = []string{
	"o.violating",
	"o.removed_at IS NOT NULL",
	"o.removed_at IS NOT NULL AND o.proactive",
	"o.removed_at IS NOT NULL AND o.within_24h",
}

// sweepCandidates reads k (the filter's index), tag.
func (b *base) sweepCandidates(ctx context.Context, n int, q string, args ...any) ([][]string, error) {
	out := make([][]string, n)
	err := b.query(ctx, func(rows *sql.Rows) error {
		var k int
		var tag string
		err := rows.Scan(&k, &tag)
		if err == nil && k >= 0 && k < n {
			out[k] = append(out[k], tag)
		}
		return err
	}, q, args...)
	return out, err
}

// sweepVolumes reads k (SweepAll for every video), day, count.
func (b *base) sweepVolumes(ctx context.Context, q string, args ...any) (total []DayCount, tags []SweepDayCount, err error) {
	err = b.query(ctx, func(rows *sql.Rows) error {
		var c SweepDayCount
		err := rows.Scan(&c.K, &c.Day, &c.N)
		if c.K == SweepAll {
			total = append(total, DayCount{Day: c.Day, N: c.N})
		} else {
			tags = append(tags, c)
		}
		return err
	}, q, args...)
	return total, tags, err
}

// sweepOutcomes reads k, policy and sweepConditions' counts.
func (b *base) sweepOutcomes(ctx context.Context, q string, args ...any) ([]SweepOutcome, error) {
	var out []SweepOutcome
	err := b.query(ctx, func(rows *sql.Rows) error {
		var c SweepOutcome
		err := rows.Scan(&c.K, &c.Policy, &c.Violating, &c.Removed, &c.Proactive, &c.Within24h)
		out = append(out, c)
		return err
	}, q, args...)
	return out, err
}

// sweepWant flattens the swept tags into parallel lists (k, tag), k from 1.
func sweepWant(tags [][]string) (ks []int64, ts []string) {
	ks, ts = []int64{}, []string{}
	for i, accepted := range tags {
		for _, t := range accepted {
			ks, ts = append(ks, int64(i+1)), append(ts, t)
		}
	}
	return ks, ts
}

// sweepSeeds flattens the filters into parallel lists, k the index.
type sweepSeeds struct {
	k, skLen, maxEdits   []int64
	seed, skeleton, pref []string
}

func newSweepSeeds(filters []VariantFilter) sweepSeeds {
	var s sweepSeeds
	for i, f := range filters {
		s.k = append(s.k, int64(i))
		s.seed, s.skeleton, s.pref = append(s.seed, f.Seed), append(s.skeleton, f.Skeleton), append(s.pref, f.Prefix)
		s.skLen, s.maxEdits = append(s.skLen, int64(f.SkeletonLen)), append(s.maxEdits, int64(f.MaxEdits))
	}
	return s
}
