package engine

// The PostgreSQL implementation, for a workspace on a server, plain or a
// Citus coordinator (datasets/schema_pg.go: the per-video tables
// distributed and co-located by video_id). Its SQL keeps to what Citus
// pushes down to the workers:
//
//   - The cohort is a CTE in each aggregation, not a temporary table that
//     every later query would have to read from the coordinator: the
//     workers join its videos with their shards on video_id.
//   - Every join between per-video tables is on video_id, and every
//     count(DISTINCT) is of video_id, the distribution column, so each
//     shard counts its own videos and the coordinator adds them up.
//   - No window functions, no GROUPING SETS, and no percentile_cont: the
//     removal-time quantiles come from a histogram (quantile.go), an
//     aggregate that adds up across shards.
//   - Sorting that decides an order people see is by byte (COLLATE "C"),
//     as DuckDB sorts, whatever the database's collation.
//
// Variant discovery needs the contrib extensions unaccent (DuckDB's
// strip_accents) and fuzzystrmatch (levenshtein).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

type postgres struct {
	base
	citus   bool
	members *Members
}

// params numbers a query's parameters $1, $2, ...
type params []any

func (p *params) add(v any) string {
	*p = append(*p, v)
	return fmt.Sprintf("$%d", len(*p))
}

// ErrExtensions: variant discovery on PostgreSQL needs two contrib
// extensions that the workspace's database lacks.
var ErrExtensions = errors.New("finding variants on PostgreSQL needs the unaccent and fuzzystrmatch extensions: run CREATE EXTENSION unaccent; CREATE EXTENSION fuzzystrmatch; in the workspace's database (on Citus, on the coordinator)")

func (p *postgres) VariantCandidates(ctx context.Context, f VariantFilter) ([]string, error) {
	var a params
	// MATERIALIZED: each tag's skeleton is computed once; inlined, the
	// skeleton was computed again in each condition (3.1 s against 0.2 s
	// for 4,000 distinct tags).
	q := `
WITH sk AS MATERIALIZED (
	SELECT tag, translate(unaccent(tag), ` + a.add(f.From) + `, ` + a.add(f.To) + `) AS s
	FROM (SELECT DISTINCT tag FROM tag_spellings) d
	WHERE length(tag) <= 100
)
SELECT tag FROM sk
WHERE tag = ` + a.add(f.Seed) + `
   OR strpos(s, ` + a.add(f.Prefix) + `) > 0
   OR (length(s) >= 3 AND strpos(` + a.add(f.Skeleton) + `, s) > 0)`
	sk, l, d := a.add(f.Skeleton), a.add(f.SkeletonLen), a.add(f.MaxEdits)
	q += `
   OR (abs(length(s) - ` + l + `) <= ` + d + ` AND levenshtein(s, ` + sk + `) <= ` + d + `)`
	tags, err := p.strings(ctx, q, a...)
	if err != nil && (strings.Contains(err.Error(), "unaccent") || strings.Contains(err.Error(), "levenshtein")) {
		return nil, fmt.Errorf("%w (%v)", ErrExtensions, err)
	}
	return tags, err
}

// TagForms reads the import's pre-aggregates, as DuckDB does: spellings
// from tag_spellings, videos from tag_days, in two statements (each a
// router query to the shards of those tags on Citus).
func (p *postgres) TagForms(ctx context.Context, tags []string) ([]TagForm, error) {
	out, err := p.tagForms(ctx, `
SELECT tag, tag_raw, sum(occurrences)::BIGINT AS n, 0::BIGINT FROM tag_spellings WHERE tag = ANY($1)
GROUP BY tag, tag_raw
ORDER BY tag COLLATE "C", n DESC, tag_raw COLLATE "C"`, tags)
	if err != nil {
		return nil, err
	}
	rows := map[string]int64{}
	for _, f := range out {
		rows[f.Tag] += f.Rows
	}
	totals, err := p.tagForms(ctx, `
SELECT tag, NULL::TEXT, 0::BIGINT, sum(videos)::BIGINT FROM tag_days WHERE tag = ANY($1) GROUP BY tag`, tags)
	for i := range totals {
		totals[i].Rows = rows[totals[i].Tag]
	}
	return append(out, totals...), err
}

func (p *postgres) TagSet(ctx context.Context, name string) (*TagSet, error) {
	return p.tagSet(ctx, `SELECT seed_tag, include_caption_mentions, created_at, updated_at FROM tag_sets WHERE name = $1`, `
SELECT tag, status, reason, score, videos FROM tag_set_variants WHERE tag_set = $1
ORDER BY status = 'accepted' DESC, score DESC, tag COLLATE "C"`, name)
}

// Members only records the cohort: each aggregation states it as a CTE
// (membersCTE).
func (p *postgres) Members(ctx context.Context, m Members) error {
	p.members = &m
	p.lo, p.hi = m.Lo, m.Hi
	return nil
}

// membersCTE is the cohort as the CTE m(video_id, day, grp, caption_only),
// the same rows as DuckDB's tl_members, from the workspace's one definition
// of a tag set's videos (the tag_set_members function). The CTEs are
// MATERIALIZED: computed once per query (the tag set's videos, a small
// share of all), not re-planned into each join (inlined, PostgreSQL ran the
// caption test once per outcome row: minutes for 20,000 videos); on Citus a
// materialized CTE is an intermediate result sent to the workers, where it
// joins each shard of the per-video tables.
func (p *postgres) membersCTE(a *params) string {
	m := p.members
	ctes := `f AS MATERIALIZED (SELECT video_id, caption_only FROM tag_set_members('', ` + a.add(m.Tags) + `::TEXT[], ` + a.add(m.Captions) + `))`
	join, inB := "", "false"
	if m.BaselineTags != nil {
		ctes += `,
b AS MATERIALIZED (SELECT DISTINCT video_id FROM tag_set_members('', ` + a.add(m.BaselineTags) + `::TEXT[], ` + a.add(m.BaselineCaptions) + `))`
		join, inB = " LEFT JOIN b ON v.video_id = b.video_id", "b.video_id IS NOT NULL"
	}
	return ctes + `,
m AS MATERIALIZED (
	SELECT v.video_id, CAST(v.created_at AS DATE) AS day,
		CASE WHEN f.video_id IS NOT NULL THEN 1 ELSE 2 END AS grp,
		coalesce(f.caption_only, false) AS caption_only
	FROM videos v LEFT JOIN f ON v.video_id = f.video_id` + join + `
	WHERE v.created_at >= ` + a.add(m.Lo) + ` AND v.created_at < ` + a.add(m.Hi) + `
	  AND (f.video_id IS NOT NULL OR ` + inB + `)
)`
}

func (p *postgres) Volumes(ctx context.Context) (total []DayCount, groups []GroupDayCount, err error) {
	if p.members == nil {
		return nil, nil, errNoMembers
	}
	var a params
	return p.volumes(ctx, `
SELECT CAST(created_at AS DATE) AS d, count(*) FROM videos
WHERE created_at >= $1 AND created_at < $2 GROUP BY 1`, `WITH `+p.membersCTE(&a)+`
SELECT day, grp, count(*), count(*) FILTER (WHERE caption_only) FROM m GROUP BY 1, 2`, a...)
}

// outcomesFrom is video_outcomes o of the period, with the cohort m, for
// the policies (all when empty).
func (p *postgres) outcomesFrom(a *params, policies []string, where string) string {
	q := `
FROM video_outcomes o LEFT JOIN m ON o.video_id = m.video_id
WHERE ` + where + `o.created_at >= ` + a.add(p.lo) + ` AND o.created_at < ` + a.add(p.hi)
	if len(policies) > 0 {
		q += ` AND o.policy = ANY(` + a.add(policies) + `)`
	}
	return q
}

func (p *postgres) Outcomes(ctx context.Context, policies []string) ([]OutcomeRow, error) {
	if p.members == nil {
		return nil, errNoMembers
	}
	var a params
	q := `WITH ` + p.membersCTE(&a) + `
SELECT coalesce(m.grp, 0) AS g, o.policy, CAST(o.created_at AS DATE) AS d, ` + countsSQL(pgCount, outcomeConditions) +
		p.outcomesFrom(&a, policies, "") + `
GROUP BY 1, 2, 3`
	return p.outcomes(ctx, q, a...)
}

func (p *postgres) AnyViolating(ctx context.Context, policies []string) ([]GroupCount, error) {
	if p.members == nil {
		return nil, errNoMembers
	}
	var a params
	q := `WITH ` + p.membersCTE(&a) + `
SELECT coalesce(m.grp, 0) AS g, count(DISTINCT o.video_id)` + p.outcomesFrom(&a, policies, "o.violating AND ") + `
GROUP BY 1`
	return p.groupCounts(ctx, q, a...)
}

func (p *postgres) Removals(ctx context.Context) ([]RemovalBucket, error) {
	if p.members == nil {
		return nil, errNoMembers
	}
	var a params
	cte := p.membersCTE(&a)
	lo, hi := a.add(p.lo), a.add(p.hi)
	// removalsSQL starts its own WITH: the cohort goes in front of it.
	q := strings.Replace(removalsSQL(pgCount, "m", lo, hi), "WITH ", "WITH "+cte+",\n", 1)
	return p.removals(ctx, q, a...)
}

func (p *postgres) Related(ctx context.Context, q RelatedQuery) ([]RelatedCount, error) {
	if p.members == nil {
		return nil, errNoMembers
	}
	var a params
	s := `WITH ` + p.membersCTE(&a) + `,
rel AS (
	SELECT t.tag, count(DISTINCT t.video_id) AS nab
	FROM video_tags t JOIN m ON t.video_id = m.video_id
	WHERE m.grp = 1 AND t.tag <> ALL(` + a.add(q.Exclude) + `::TEXT[])
	GROUP BY t.tag HAVING count(DISTINCT t.video_id) >= ` + a.add(q.MinTogether) + `
)
SELECT rel.tag, rel.nab, sum(d.videos)::BIGINT
FROM rel JOIN tag_days d ON d.tag = rel.tag`
	if !q.FullSpan {
		s += `
  AND d.day >= CAST(` + a.add(q.Lo) + `::TIMESTAMP AS DATE) AND d.day < CAST(` + a.add(q.Hi) + `::TIMESTAMP AS DATE)`
	}
	s += `
GROUP BY rel.tag, rel.nab`
	var out []RelatedCount
	err := p.query(ctx, func(rows *sql.Rows) error {
		var c RelatedCount
		err := rows.Scan(&c.Tag, &c.Together, &c.Videos)
		out = append(out, c)
		return err
	}, s, a...)
	return out, err
}
