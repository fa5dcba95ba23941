package engine

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
)

// The watch aggregations in DuckDB's SQL. A saved tag set without caption
// mentions is read from video_tag_lists (hasTagSQL), and the counts the
// watch compares are put together from a few small ones: the earlier
// form joined every video (100M at scale) with the set's videos and with
// video_outcomes. A set with caption mentions keeps that form, over the
// tag_set_videos macro.

// savedSetCondition is hasTagSQL for the saved tag set's tags, with the
// tags, and not ok when the set counts caption mentions (the lists hold
// hashtags only).
func (d *duck) savedSetCondition(ctx context.Context, tagSet string) (cond string, tags []string, ok bool, err error) {
	var captions bool
	if err := d.queryRow(ctx, `SELECT include_caption_mentions FROM tag_sets WHERE name = ?`, []any{tagSet}, &captions); err != nil || captions {
		if err == sql.ErrNoRows {
			err = nil // the macro words the missing set's error
		}
		return "", nil, false, err
	}
	if tags, err = d.strings(ctx, `SELECT tag FROM tag_set_tags(?)`, tagSet); err != nil {
		return "", nil, false, err
	}
	cond, err = d.hasTagSQL(ctx, tags)
	return cond, tags, err == nil, err
}

func (d *duck) WatchCounts(ctx context.Context, tagSet string, afterImport int64, policies []string) ([]WatchCount, error) {
	if policies == nil {
		policies = []string{} // a nil list binds as NULL
	}
	inSet, tags, ok, err := d.savedSetCondition(ctx, tagSet)
	if err != nil {
		return nil, err
	}
	if !ok {
		return d.watchCountsByMacro(ctx, tagSet, afterImport, policies)
	}
	// Videos new and earlier, and the set's; violating videos per policy
	// in all, among the new videos, and in the set new and earlier. The
	// other groups are the differences.
	var videos [2]int64 // [new]
	err = d.query(ctx, func(rows *sql.Rows) error {
		var isNew bool
		var n int64
		err := rows.Scan(&isNew, &n)
		videos[b2i(isNew)] = n
		return err
	}, `SELECT import_id > ?, CAST(sum(videos) AS BIGINT) FROM video_days GROUP BY ALL`, afterImport)
	if err != nil {
		return nil, err
	}
	violating := `SELECT video_id, policy FROM video_outcomes
	WHERE violating AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], policy))`
	d.close = append(d.close, `DROP TABLE IF EXISTS temp.tl_watch_set`)
	from := "video_tag_lists WHERE " + inSet
	if whole, err := d.cohortIsWholeSet(ctx, tags); err != nil {
		return nil, err
	} else if whole {
		from = "tl_members WHERE grp = " + strconv.Itoa(GroupSet)
	}
	if _, err := d.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE tl_watch_set AS
SELECT video_id, import_id > ? AS is_new FROM `+from, afterImport); err != nil {
		return nil, err
	}
	var set [2]int64
	inSetByPolicy := [2]map[string]int64{{}, {}}
	err = d.query(ctx, func(rows *sql.Rows) error {
		var isNew bool
		var policy sql.NullString
		var n int64
		err := rows.Scan(&isNew, &policy, &n)
		if policy.Valid {
			inSetByPolicy[b2i(isNew)][policy.String] = n
		} else {
			set[b2i(isNew)] = n
		}
		return err
	}, `
SELECT is_new, NULL, count(*) FROM tl_watch_set GROUP BY ALL
UNION ALL
SELECT s.is_new, o.policy, count(*) FROM (`+violating+`) o JOIN tl_watch_set s USING (video_id) GROUP BY ALL`,
		policies, policies)
	if err != nil {
		return nil, err
	}
	// Violating videos per policy, new or not; when every video is new,
	// or none is, without looking for the new videos' ids.
	isNew, args := `o.video_id IN (SELECT video_id FROM videos WHERE import_id > ?)`, []any{afterImport, policies, policies}
	if videos[0] == 0 || videos[1] == 0 {
		isNew, args = strconv.FormatBool(videos[0] == 0), []any{policies, policies}
	}
	all, newByPolicy := map[string]int64{}, map[string]int64{}
	err = d.query(ctx, func(rows *sql.Rows) error {
		var isNew bool
		var policy string
		var n int64
		err := rows.Scan(&isNew, &policy, &n)
		all[policy] += n
		if isNew {
			newByPolicy[policy] = n
		}
		return err
	}, `SELECT `+isNew+`, o.policy, count(*) FROM (`+violating+`) o GROUP BY ALL`, args...)
	if err != nil {
		return nil, err
	}
	out := []WatchCount{}
	for _, isNew := range []bool{false, true} {
		i := b2i(isNew)
		out = append(out, WatchCount{New: isNew, InSet: true, N: set[i]}, WatchCount{New: isNew, N: videos[i] - set[i]})
		for p, n := range all {
			byNew := newByPolicy[p]
			if !isNew {
				byNew = n - byNew
			}
			out = append(out, WatchCount{New: isNew, InSet: true, Policy: p, N: inSetByPolicy[i][p]},
				WatchCount{New: isNew, Policy: p, N: byNew - inSetByPolicy[i][p]})
		}
	}
	return out, nil
}

// cohortIsWholeSet reports whether the session's cohort (tl_members, as a
// watch's related-tags step leaves it) is the videos carrying one of the
// saved tag set's tags over every day the workspace holds, its hashtags
// only: then the watch's counts read it instead of scanning the tag lists
// a second time (3 s of a watch run at 100M videos).
func (d *duck) cohortIsWholeSet(ctx context.Context, tags []string) (bool, error) {
	c := d.cohort
	if !d.members || c.Captions || c.BaselineTags != nil {
		return false, nil
	}
	if !slices.Equal(slices.Sorted(slices.Values(tags)), slices.Sorted(slices.Values(c.Tags))) {
		return false, nil
	}
	var first, last sql.NullTime
	if err := d.queryRow(ctx, `SELECT min(day), max(day) FROM video_days`, nil, &first, &last); err != nil {
		return false, err
	}
	return !first.Valid || (!first.Time.Before(c.Lo) && last.Time.Before(c.Hi)), nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (d *duck) NewTagCounts(ctx context.Context, tagSet string, afterImport int64, tags []string) ([]NewTagCount, error) {
	if tags == nil {
		tags = []string{}
	}
	inSet, _, ok, err := d.savedSetCondition(ctx, tagSet)
	if err != nil {
		return nil, err
	}
	if !ok {
		return d.newTagCountsByMacro(ctx, tagSet, afterImport, tags)
	}
	var newVideos, newInSet int64
	if err := d.queryRow(ctx, `SELECT (SELECT count(*) FROM videos WHERE import_id > ?),
	(SELECT count(*) FROM video_tag_lists WHERE import_id > ? AND `+inSet+`)`, []any{afterImport, afterImport}, &newVideos, &newInSet); err != nil {
		return nil, err
	}
	out := []NewTagCount{{InSet: true, N: newInSet}, {N: newVideos - newInSet}}
	counts, err := d.newTagCounts(ctx, `
SELECT t.tag, l.in_set, count(*) FROM (
	SELECT `+inSet+` AS in_set, unnest(tag_ids) AS tag_id FROM video_tag_lists WHERE import_id > ?
) l JOIN tags t USING (tag_id)
WHERE list_contains(?::VARCHAR[], t.tag) GROUP BY ALL`, afterImport, tags)
	return append(out, counts...), err
}

// watchCountsByMacro is WatchCounts over every video and the
// tag_set_videos macro.
func (d *duck) watchCountsByMacro(ctx context.Context, tagSet string, afterImport int64, policies []string) ([]WatchCount, error) {
	if policies == nil {
		policies = []string{} // a nil list binds as NULL
	}
	return d.watchCounts(ctx, `
WITH s AS (SELECT DISTINCT video_id FROM tag_set_videos(?, [])),
v AS (
	SELECT v.video_id, v.import_id > ? AS is_new, s.video_id IS NOT NULL AS in_set
	FROM videos v LEFT JOIN s ON s.video_id = v.video_id
)
SELECT is_new, in_set, NULL AS policy, count(*) FROM v GROUP BY ALL
UNION ALL
SELECT v.is_new, v.in_set, o.policy, count(*) FROM video_outcomes o JOIN v ON v.video_id = o.video_id
WHERE o.violating AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], o.policy))
GROUP BY ALL`, tagSet, afterImport, policies, policies)
}

// newTagCountsByMacro is NewTagCounts over the new videos and the
// tag_set_videos macro.
func (d *duck) newTagCountsByMacro(ctx context.Context, tagSet string, afterImport int64, tags []string) ([]NewTagCount, error) {
	if tags == nil {
		tags = []string{}
	}
	return d.newTagCounts(ctx, `
WITH s AS (SELECT DISTINCT video_id FROM tag_set_videos(?, [])),
nv AS (
	SELECT v.video_id, s.video_id IS NOT NULL AS in_set
	FROM videos v LEFT JOIN s ON s.video_id = v.video_id WHERE v.import_id > ?
)
SELECT NULL AS tag, in_set, count(*) FROM nv GROUP BY ALL
UNION ALL
SELECT t.tag, nv.in_set, count(DISTINCT t.video_id) FROM video_tags t JOIN nv ON nv.video_id = t.video_id
WHERE list_contains(?::VARCHAR[], t.tag) GROUP BY ALL`, tagSet, afterImport, tags)
}
