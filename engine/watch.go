package engine

import (
	"context"
	"database/sql"
)

// The aggregations of a watch run (analysis/watch.go) over the per-video
// tables: the videos and violating videos of a tag set, new (created by an
// import after the watch last ran) and earlier, and how many new videos
// carry some tags. Only counts cross the boundary.

// Watcher is a Session's watch aggregations (Watches gives it).
type Watcher interface {
	// WatchCounts counts the videos (Policy "") and, per policy of
	// policies (all when empty), the violating videos, new (imported after
	// import afterImport) or earlier, in the saved tag set or not.
	WatchCounts(ctx context.Context, tagSet string, afterImport int64, policies []string) ([]WatchCount, error)
	// NewTagCounts counts the videos imported after afterImport (Tag "")
	// and those of them carrying each of tags, in the saved tag set or not.
	NewTagCounts(ctx context.Context, tagSet string, afterImport int64, tags []string) ([]NewTagCount, error)
}

// Watches is s's watch aggregations.
func Watches(s Session) Watcher { return s.(Watcher) }

// WatchCount is a count of videos (Policy "") or of a policy's violating
// videos.
type WatchCount struct {
	New, InSet bool
	Policy     string
	N          int64
}

// NewTagCount is a count of new videos (Tag "") or of those carrying Tag.
type NewTagCount struct {
	Tag   string
	InSet bool
	N     int64
}

// watchCounts reads is_new, in_set, policy (NULL for all videos), count.
func (b *base) watchCounts(ctx context.Context, q string, args ...any) ([]WatchCount, error) {
	var out []WatchCount
	err := b.query(ctx, func(rows *sql.Rows) error {
		var c WatchCount
		var policy sql.NullString
		err := rows.Scan(&c.New, &c.InSet, &policy, &c.N)
		c.Policy = policy.String
		out = append(out, c)
		return err
	}, q, args...)
	return out, err
}

// newTagCounts reads tag (NULL for all new videos), in_set, count.
func (b *base) newTagCounts(ctx context.Context, q string, args ...any) ([]NewTagCount, error) {
	var out []NewTagCount
	err := b.query(ctx, func(rows *sql.Rows) error {
		var c NewTagCount
		var tag sql.NullString
		err := rows.Scan(&tag, &c.InSet, &c.N)
		c.Tag = tag.String
		out = append(out, c)
		return err
	}, q, args...)
	return out, err
}
