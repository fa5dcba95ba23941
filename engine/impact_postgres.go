package engine

// The impact analyses' aggregations on PostgreSQL/Citus. Id lists are
// bound as TEXT[] arrays (DuckDB's split string is a DuckDB speed trick).
// On Citus: views_daily, videos, video_tags and video_outcomes are
// distributed and co-located by video_id, so the joins on video_id and the
// DISTINCT video_id subqueries run on each shard; an id array becomes a
// filter every shard applies; tag_days (by tag) and search_daily (by
// query) are grouped by their distribution column or aggregated with sum,
// min and count, which add up across shards. No window functions and no
// percentile_cont.

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// PlatformDays: the tag set's and the violating videos are DISTINCT
// subqueries LEFT JOINed on video_id (PostgreSQL runs IN in a select list
// as a subplan, hashed only while it fits work_mem; on Citus the joins are
// shard-local).
func (p *postgres) PlatformDays(ctx context.Context, q PlatformQuery) ([]PlatformDay, error) {
	return p.platformDays(ctx, `
WITH s AS (SELECT DISTINCT video_id FROM video_tags WHERE tag = ANY($1::TEXT[])),
o AS (SELECT DISTINCT video_id FROM video_outcomes WHERE policy = $2 AND violating)
SELECT CAST(v.created_at AS DATE) AS d, count(*), count(s.video_id),
	count(*) FILTER (WHERE o.video_id IS NOT NULL AND s.video_id IS NULL)
FROM videos v LEFT JOIN s ON s.video_id = v.video_id LEFT JOIN o ON o.video_id = v.video_id
WHERE v.created_at >= $3 AND v.created_at < $4
GROUP BY 1`, nonNil(q.Tags), q.Policy, q.Lo, q.Hi)
}

func (p *postgres) TagVideos(ctx context.Context, tags []string) ([]string, error) {
	return p.strings(ctx, `SELECT DISTINCT video_id FROM video_tags WHERE tag = ANY($1::TEXT[])`, nonNil(tags))
}

// TagsOnVideos counts DISTINCT video_id, the distribution column: each
// shard counts its own videos.
func (p *postgres) TagsOnVideos(ctx context.Context, ids []string) ([]TagCount, error) {
	return p.tagCounts(ctx, false, `SELECT tag, count(DISTINCT video_id) FROM video_tags WHERE video_id = ANY($1::TEXT[]) GROUP BY tag`, nonNil(ids))
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

func (p *postgres) TaggedVideos(ctx context.Context, tags []string) ([]TagCount, error) {
	return p.tagCounts(ctx, true, `SELECT DISTINCT tag, video_id FROM video_tags WHERE tag = ANY($1::TEXT[])`, nonNil(tags))
}

// UploadSeries reads only the groups' violating videos from
// video_outcomes (DuckDB's pass over every violating video, as a hash
// table, is what PostgreSQL would sort).
func (p *postgres) UploadSeries(ctx context.Context, groups [][]string) ([]GroupDayValues, error) {
	var a params
	cte := pgGroups(&a, groups)
	return p.groupDayValues(ctx, `WITH `+cte+`,
viol AS (SELECT DISTINCT video_id FROM video_outcomes WHERE violating AND video_id IN (SELECT video_id FROM g))
SELECT CAST(v.created_at AS DATE) AS d, g.g, count(*)::FLOAT8, count(viol.video_id)::FLOAT8
FROM videos v JOIN g ON g.video_id = v.video_id LEFT JOIN viol ON viol.video_id = v.video_id
GROUP BY 1, 2`, a...)
}

func (p *postgres) ViewSeries(ctx context.Context, groups [][]string) ([]GroupDayValues, error) {
	var a params
	cte := pgGroups(&a, groups)
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

// pgGroups is the CTE g(video_id, g) of the videos of each group (g = its
// index; a video may be in several), each bound as an array. MATERIALIZED:
// read once, though joined twice (on Citus an intermediate result sent to
// the workers).
func pgGroups(a *params, groups [][]string) string {
	var parts []string
	for g, ids := range groups {
		parts = append(parts, fmt.Sprintf("SELECT unnest(%s::TEXT[]) AS video_id, %d AS g", a.add(nonNil(ids)), g))
	}
	return `g AS MATERIALIZED (` + strings.Join(parts, " UNION ALL ") + `)`
}

// nonNil binds an empty array where xs is nil (nil binds NULL).
func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}
