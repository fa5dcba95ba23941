package engine

// The impact analyses' aggregations on PostgreSQL/Citus. The tag set's and
// the comparisons' videos are found from their tags in each query (a
// VideoSet holds the tags alone), so no video id crosses into Go; lists
// are bound as arrays.
// On Citus: views_daily, videos, video_tags and video_outcomes are
// distributed and co-located by video_id, so the joins on video_id and the
// DISTINCT video_id subqueries run on each shard; an id array becomes a
// filter every shard applies; tag_days (by tag) and search_daily (by
// query) are grouped by their distribution column or aggregated with sum,
// min and count, which add up across shards. No window functions and no
// percentile_cont.

import (
	"context"
	"time"
)

// PlatformDays (platformDaysSQL) finds the set from its tags with a LEFT
// JOIN on video_id, and leaves it out of the outcomes with NOT EXISTS
// (PostgreSQL runs IN as a subplan, hashed only while it fits work_mem).
// s, used twice, is computed once (on Citus an intermediate result sent
// to the workers, as pgGroups' s); not run on Citus here.
func (p *postgres) PlatformDays(ctx context.Context, q PlatformQuery) ([]PlatformDay, error) {
	var a params
	stmt := platformDaysSQL(q, a.add, func() (string, string) {
		return `s AS (SELECT DISTINCT video_id FROM video_tags WHERE tag = ANY(` + a.add(nonNil(q.Tags)) + `::TEXT[]))`,
			`days AS (
	SELECT CAST(v.created_at AS DATE) AS d, count(*) AS uploads, count(s.video_id) AS in_set
	FROM videos v LEFT JOIN s ON s.video_id = v.video_id
	WHERE v.created_at >= ` + a.add(q.Lo) + ` AND v.created_at < ` + a.add(q.Hi) + `
	GROUP BY 1)`
	}, `NOT EXISTS (SELECT 1 FROM s WHERE s.video_id = o.video_id)`)
	return p.platformDays(ctx, len(q.Policies), stmt, a...)
}

// TagSetVideos keeps the tags: each query finds their videos itself.
func (p *postgres) TagSetVideos(ctx context.Context, tags []string) (*VideoSet, error) {
	return &VideoSet{tags: nonNil(tags)}, nil
}

// TagsOn counts DISTINCT video_id, the distribution column, over a
// semi-join on it: each shard counts its own videos.
func (p *postgres) TagsOn(ctx context.Context, set *VideoSet) ([]TagCount, error) {
	return p.tagCounts(ctx, `
SELECT t.tag, count(DISTINCT t.video_id) FROM video_tags t
WHERE t.video_id IN (SELECT video_id FROM video_tags WHERE tag = ANY($1::TEXT[]))
GROUP BY t.tag`, set.tags)
}

// ComparisonTags orders as DuckDB does: the logarithms as double
// precision, ties by the tag's bytes.
func (p *postgres) ComparisonTags(ctx context.Context, q ComparisonQuery) ([]string, error) {
	tags, counts := overlapLists(q.Overlap)
	return p.strings(ctx, `
WITH overlap AS (SELECT unnest($1::TEXT[]) AS tag, unnest($2::BIGINT[]) AS k),
pre AS (SELECT tag, sum(videos) AS n FROM tag_days WHERE day < $3 GROUP BY tag),
target AS (SELECT sum(videos) AS n FROM tag_days WHERE tag = ANY($4::TEXT[]) AND day < $3)
SELECT pre.tag FROM pre CROSS JOIN target LEFT JOIN overlap ON overlap.tag = pre.tag
WHERE pre.tag <> ALL($4::TEXT[])
  AND coalesce(overlap.k, 0) <= 0.01 * pre.n
  AND pre.tag NOT IN (SELECT lower(target) FROM interventions)
ORDER BY abs(ln(pre.n::FLOAT8) - ln(greatest(target.n, 1)::FLOAT8)), pre.tag COLLATE "C"
LIMIT $5`, tags, counts, q.Before, nonNil(q.Tags), q.K)
}

// UploadSeries reads only the groups' violating videos from
// video_outcomes.
func (p *postgres) UploadSeries(ctx context.Context, set *VideoSet, comparisons [][]string) ([]GroupDayValues, error) {
	var a params
	cte := pgGroups(&a, set, comparisons)
	return p.groupDayValues(ctx, `WITH `+cte+`,
viol AS (SELECT DISTINCT video_id FROM video_outcomes WHERE violating AND video_id IN (SELECT video_id FROM g))
SELECT CAST(v.created_at AS DATE) AS d, g.g, count(*)::FLOAT8, count(viol.video_id)::FLOAT8
FROM videos v JOIN g ON g.video_id = v.video_id LEFT JOIN viol ON viol.video_id = v.video_id
GROUP BY 1, 2`, a...)
}

func (p *postgres) ViewSeries(ctx context.Context, set *VideoSet, comparisons [][]string) ([]GroupDayValues, error) {
	var a params
	cte := pgGroups(&a, set, comparisons)
	return p.groupDayValues(ctx, `WITH `+cte+`
SELECT w.date, g.g, coalesce(sum(w.views) FILTER (WHERE w.surface = 'for_you'), 0)::FLOAT8, sum(w.views)::FLOAT8
FROM views_daily w JOIN g ON g.video_id = w.video_id
GROUP BY 1, 2`, a...)
}

func (p *postgres) SearchSeries(ctx context.Context, terms, exclude []string) ([]GroupDayValues, error) {
	return p.groupDayValues(ctx, `
SELECT date, CASE WHEN split_part(query_norm, ' ', 1) = ANY($1::TEXT[]) THEN 1 ELSE 2 END AS g,
	sum(searches)::FLOAT8, sum(via_autocomplete)::FLOAT8
FROM search_daily WHERE query_norm <> '' AND query_norm <> ALL($2::TEXT[])
GROUP BY 1, 2`, nonNil(terms), nonNil(exclude))
}

func (p *postgres) FirstSeen(ctx context.Context, e DailyExport, since time.Time) ([]FirstSeen, error) {
	if e == Searches {
		return p.firstSeen(ctx, `SELECT query_norm, min(date), sum(searches)::BIGINT FROM search_daily WHERE query_norm <> '' GROUP BY query_norm HAVING min(date) >= $1`, since)
	}
	return p.firstSeen(ctx, `SELECT tag, min(day), sum(videos)::BIGINT FROM tag_days GROUP BY tag HAVING min(day) >= $1`, since)
}

// pgGroups is the CTE g(video_id, g) of the videos of each group: the
// set's (g = 0) and each comparison's outside the set (g = its index + 1;
// a video may be in several), found from the tags in SQL. The set's
// videos s are MATERIALIZED, read once though joined twice (on Citus an
// intermediate result sent to the workers, as membersCTE's); a
// comparison's videos leave out the set's by a NOT EXISTS correlated on
// video_id with video_tags itself, co-located and so shard-local on Citus.
func pgGroups(a *params, set *VideoSet, comparisons [][]string) string {
	tags, groups := []string{}, []int32{}
	for g, cmp := range comparisons {
		for _, t := range cmp {
			tags, groups = append(tags, t), append(groups, int32(g+1))
		}
	}
	setTags := a.add(set.tags)
	return `s AS MATERIALIZED (SELECT DISTINCT video_id FROM video_tags WHERE tag = ANY(` + setTags + `::TEXT[])),
c AS (
	SELECT DISTINCT t.video_id, x.g
	FROM video_tags t JOIN (SELECT unnest(` + a.add(tags) + `::TEXT[]) AS tag, unnest(` + a.add(groups) + `::INT[]) AS g) x ON x.tag = t.tag
	WHERE NOT EXISTS (SELECT 1 FROM video_tags o WHERE o.video_id = t.video_id AND o.tag = ANY(` + setTags + `::TEXT[]))
),
g AS (SELECT video_id, 0 AS g FROM s UNION ALL SELECT video_id, g FROM c)`
}

// nonNil binds an empty array where xs is nil (nil binds NULL).
func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}
