package engine

// The impact analyses' aggregations in DuckDB. The tag set's video ids
// come into Go once (TagVideos) and go back bound as one string (idList):
// at 10M videos this beat a pass over every hashtag in each query.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// PlatformDays (platformDaysSQL) finds the set's videos of the period
// and their day in video_tag_lists, one scan of integer lists (at 100M
// videos, finding them in video_tags and marking every video against them
// took a pass over each of the two largest tables). At 100M videos a pass
// over the videos for each policy was 20 s of the omegle report's three
// policies. NOT IN leaves the outcomes outside the set in half the CPU of
// NOT EXISTS (0.16-0.20 s against 0.33-0.59 s at 10M videos).
func (d *duck) PlatformDays(ctx context.Context, q PlatformQuery) ([]PlatformDay, error) {
	inSet := "false"
	if q.SetVideos == "" {
		var err error
		if inSet, err = d.hasTagSQL(ctx, q.Tags); err != nil {
			return nil, err
		}
	}
	var args []any
	mark := func(v any) string { args = append(args, v); return "?" }
	stmt := platformDaysSQL(q, mark, func() (string, string) {
		return `s AS MATERIALIZED (SELECT video_id, day AS d FROM video_tag_lists
	WHERE day >= CAST(` + mark(q.Lo) + ` AS DATE) AND day < CAST(` + mark(q.Hi) + ` AS DATE) AND ` + inSet + `)`, ""
	}, `o.video_id NOT IN (SELECT video_id FROM s)`)
	return d.platformDays(ctx, len(q.Policies), stmt, args...)
}

// TagSetVideos reads the set's video ids into Go, once for every query
// of the analysis: each read is a pass over all the hashtags.
func (d *duck) TagSetVideos(ctx context.Context, tags []string) (*VideoSet, error) {
	set := &VideoSet{tags: tags, ids: []string{}, comparisons: map[string][]string{}}
	if len(tags) == 0 {
		return set, nil
	}
	ids, err := d.strings(ctx, `SELECT DISTINCT video_id FROM video_tags WHERE tag IN (`+marks(len(tags))+`)`, anys(tags)...)
	if ids != nil {
		set.ids = ids
	}
	return set, err
}

func (d *duck) TagsOn(ctx context.Context, set *VideoSet) ([]TagCount, error) {
	list, arg := idList(set.ids)
	return d.tagCounts(ctx, `SELECT tag, count(DISTINCT video_id) FROM video_tags WHERE video_id IN (SELECT unnest(`+list+`)) GROUP BY tag`, arg)
}

func (d *duck) ComparisonTags(ctx context.Context, q ComparisonQuery) ([]string, error) {
	in := marks(len(q.Tags))
	tags, counts := overlapLists(q.Overlap)
	// Arguments in placeholder order: overlap, pre, target, NOT IN, LIMIT.
	args := []any{tags, counts, q.Before}
	args = append(args, anys(q.Tags)...)
	args = append(args, q.Before)
	args = append(args, anys(q.Tags)...)
	args = append(args, q.K)
	return d.strings(ctx, `
WITH overlap AS (SELECT unnest(?::VARCHAR[]) AS tag, unnest(?::BIGINT[]) AS k),
pre AS (SELECT tag, sum(videos) AS n FROM tag_days WHERE day < ? GROUP BY tag),
target AS (SELECT sum(videos) AS n FROM tag_days WHERE tag IN (`+in+`) AND day < ?)
SELECT pre.tag FROM pre CROSS JOIN target LEFT JOIN overlap ON overlap.tag = pre.tag
WHERE pre.tag NOT IN (`+in+`)
  AND coalesce(overlap.k, 0) <= 0.01 * pre.n
  AND pre.tag NOT IN (SELECT lower(target) FROM interventions)
ORDER BY abs(ln(pre.n) - ln(greatest(target.n, 1))), pre.tag
LIMIT ?`, args...)
}

// overlapLists splits the overlap into its tags and counts, each bound as
// one list (never nil: an empty list, not NULL).
func overlapLists(ov []TagCount) ([]string, []int64) {
	tags, counts := []string{}, []int64{}
	for _, c := range ov {
		tags, counts = append(tags, c.Tag), append(counts, c.N)
	}
	return tags, counts
}

// groups lists the videos of each group: the set's, then each
// comparison's outside the set, read in one pass over video_tags for
// every comparison not read before.
func (d *duck) groups(ctx context.Context, set *VideoSet, comparisons [][]string) ([][]string, error) {
	var todo []string
	for _, tags := range comparisons {
		if _, ok := set.comparisons[strings.Join(tags, "\x00")]; ok {
			continue
		}
		for _, t := range tags {
			if !slices.Contains(todo, t) {
				todo = append(todo, t)
			}
		}
	}
	if len(todo) > 0 {
		inSet := make(map[string]bool, len(set.ids))
		for _, id := range set.ids {
			inSet[id] = true
		}
		byTag := map[string][]string{}
		err := d.query(ctx, func(rows *sql.Rows) error {
			var t, id string
			err := rows.Scan(&t, &id)
			if !inSet[id] {
				byTag[t] = append(byTag[t], id)
			}
			return err
		}, `SELECT DISTINCT tag, video_id FROM video_tags WHERE tag IN (`+marks(len(todo))+`)`, anys(todo)...)
		if err != nil {
			return nil, err
		}
		for _, tags := range comparisons {
			ids, seen := []string{}, map[string]bool{}
			for _, t := range tags {
				for _, id := range byTag[t] {
					if !seen[id] {
						seen[id] = true
						ids = append(ids, id)
					}
				}
			}
			if key := strings.Join(tags, "\x00"); set.comparisons[key] == nil {
				set.comparisons[key] = ids
			}
		}
	}
	groups := [][]string{set.ids}
	for _, tags := range comparisons {
		groups = append(groups, set.comparisons[strings.Join(tags, "\x00")])
	}
	return groups, nil
}

func (d *duck) UploadSeries(ctx context.Context, set *VideoSet, comparisons [][]string) ([]GroupDayValues, error) {
	groups, err := d.groups(ctx, set, comparisons)
	if err != nil {
		return nil, err
	}
	cte, args := groupsSQL(groups)
	return d.groupDayValues(ctx, `WITH `+cte+`,
viol AS (SELECT DISTINCT video_id FROM video_outcomes WHERE violating)
SELECT CAST(v.created_at AS DATE) AS d, g.g, count(*), count(viol.video_id)
FROM videos v JOIN g USING (video_id) LEFT JOIN viol USING (video_id)
GROUP BY ALL`, args...)
}

func (d *duck) ViewSeries(ctx context.Context, set *VideoSet, comparisons [][]string) ([]GroupDayValues, error) {
	groups, err := d.groups(ctx, set, comparisons)
	if err != nil {
		return nil, err
	}
	cte, args := groupsSQL(groups)
	return d.groupDayValues(ctx, `WITH `+cte+`
SELECT w.date, g.g, coalesce(sum(w.views) FILTER (WHERE w.surface = 'for_you'), 0), sum(w.views)
FROM views_daily w JOIN g USING (video_id)
GROUP BY ALL`, args...)
}

func (d *duck) SearchSeries(ctx context.Context, terms, exclude []string) ([]GroupDayValues, error) {
	notExcluded := "true"
	if len(exclude) > 0 {
		notExcluded = "query_norm NOT IN (" + marks(len(exclude)) + ")"
	}
	return d.groupDayValues(ctx, `
SELECT date, CASE WHEN split_part(query_norm, ' ', 1) IN (`+marks(len(terms))+`) THEN 1 ELSE 2 END AS g,
	sum(searches), sum(via_autocomplete)
FROM search_daily WHERE query_norm <> '' AND `+notExcluded+`
GROUP BY ALL`, append(anys(terms), anys(exclude)...)...)
}

func (d *duck) FirstSeen(ctx context.Context, e DailyExport, since time.Time) ([]FirstSeen, error) {
	if e == Searches {
		return d.firstSeen(ctx, `SELECT query_norm, min(date), sum(searches) FROM search_daily WHERE query_norm <> '' GROUP BY query_norm HAVING min(date) >= ?`, since)
	}
	return d.firstSeen(ctx, `SELECT tag, min(day), sum(videos) FROM tag_days GROUP BY tag HAVING min(day) >= ?`, since)
}

// groupsSQL is the CTE of the videos of each group (g = its index; a
// video may be in several), each bound as one list.
func groupsSQL(groups [][]string) (string, []any) {
	var parts []string
	var args []any
	for g, ids := range groups {
		list, arg := idList(ids)
		parts = append(parts, fmt.Sprintf("SELECT unnest(%s) AS video_id, %d AS g", list, g))
		args = append(args, arg)
	}
	return `g AS (` + strings.Join(parts, " UNION ALL ") + `)`, args
}

// idSep separates the video ids idList binds as one string.
const idSep = "\x1f"

// idList is the SQL list of ids and its argument: one string split in
// SQL when no id is empty or holds idSep (binding a list converts each
// element: half a second for 150K ids), else the list itself.
func idList(ids []string) (string, any) {
	if ids == nil {
		ids = []string{} // an empty list, not NULL
	}
	if len(ids) == 0 || slices.ContainsFunc(ids, func(id string) bool { return id == "" || strings.Contains(id, idSep) }) {
		return `?::VARCHAR[]`, ids
	}
	return `string_split(?, chr(31))`, strings.Join(ids, idSep)
}
