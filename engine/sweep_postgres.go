package engine

import (
	"context"
	"fmt"
	"strings"
)

// The sweep's aggregations in PostgreSQL's SQL, keeping to what Citus
// pushes down (postgres.go):
//
//   - A swept tag's videos are a subquery grouped by video_id, the
//     distribution column, joined with videos and video_outcomes on
//     video_id: each shard de-duplicates and counts its own videos, and
//     only the counts reach the coordinator.
//   - The seed's videos (a tag set's: a small share of all) are a
//     MATERIALIZED CTE, the intermediate result Citus sends to the
//     workers; they are left out by a LEFT JOIN on video_id, with the
//     distributed table on the outer side.
//   - Each count is a leg of a top-level UNION ALL of aggregates, so that
//     no per-video CTE is referenced twice (a CTE used twice is
//     materialized on the coordinator: every swept video would travel).
//   - No window functions, no percentile_cont.

func (p *postgres) SweepCandidates(ctx context.Context, filters []VariantFilter) ([][]string, error) {
	if len(filters) == 0 {
		return nil, nil
	}
	s := newSweepSeeds(filters)
	var a params
	// As VariantCandidates, over tag_spellings' distinct tags (on Citus
	// distributed by tag: each worker lists its own); the skeletons are
	// MATERIALIZED, computed once per tag rather than once per seed. The
	// CASE spares levenshtein (which refuses strings over 255 characters)
	// the pairs whose lengths already differ too much.
	q := `
WITH seeds AS (
	SELECT * FROM unnest(` + a.add(s.k) + `::BIGINT[], ` + a.add(s.seed) + `::TEXT[], ` + a.add(s.skeleton) + `::TEXT[],
		` + a.add(s.pref) + `::TEXT[], ` + a.add(s.skLen) + `::BIGINT[], ` + a.add(s.maxEdits) + `::BIGINT[])
		AS s(k, seed, ss, prefix, len, maxd)
), sk AS MATERIALIZED (
	SELECT tag, translate(unaccent(tag), ` + a.add(filters[0].From) + `, ` + a.add(filters[0].To) + `) AS s
	FROM (SELECT DISTINCT tag FROM tag_spellings) d WHERE length(tag) <= 100
)
SELECT seeds.k, sk.tag FROM sk, seeds
WHERE sk.tag <> seeds.seed AND (strpos(sk.s, seeds.prefix) > 0
   OR (length(sk.s) >= 3 AND strpos(seeds.ss, sk.s) > 0)
   OR CASE WHEN abs(length(sk.s) - seeds.len) <= seeds.maxd THEN levenshtein(sk.s, seeds.ss) <= seeds.maxd ELSE false END)
ORDER BY seeds.k, sk.tag COLLATE "C"`
	out, err := p.sweepCandidates(ctx, len(filters), q, a...)
	if err != nil && (strings.Contains(err.Error(), "unaccent") || strings.Contains(err.Error(), "levenshtein")) {
		return nil, fmt.Errorf("%w (%v)", ErrExtensions, err)
	}
	return out, err
}

// SweepMembers only checks the request: each count states the swept
// tags' videos as CTEs (sweepCTE), which the workers join shard by shard.
func (p *postgres) SweepMembers(ctx context.Context, m SweepMembers) (*SweptVideos, error) {
	if m.Seed && p.members == nil {
		return nil, errNoMembers
	}
	return &SweptVideos{m: m}, nil
}

// sweepCTE is the swept tags as CTEs: want(k, tag), seed(video_id) (the
// cohort's tag set, or none) and tagged(video_id, k), each swept tag's
// videos outside the seed, once per tag.
func (p *postgres) sweepCTE(a *params, m SweepMembers) string {
	ks, ts := sweepWant(m.Tags)
	ctes, seed := "", `SELECT NULL::TEXT AS video_id WHERE false`
	if m.Seed {
		ctes, seed = p.membersCTE(a)+",\n", `SELECT video_id FROM m WHERE grp = 1`
	}
	return `WITH ` + ctes + `want AS (SELECT * FROM unnest(` + a.add(ks) + `::BIGINT[], ` + a.add(ts) + `::TEXT[]) AS w(k, tag)),
seed AS MATERIALIZED (` + seed + `),
tagged AS (
	SELECT DISTINCT t.video_id, w.k FROM video_tags t JOIN want w ON t.tag = w.tag
	LEFT JOIN seed s ON s.video_id = t.video_id WHERE s.video_id IS NULL
)`
}

func (p *postgres) SweepVolumes(ctx context.Context, v *SweptVideos) (total []DayCount, tags []SweepDayCount, err error) {
	var a params
	q := p.sweepCTE(&a, v.m)
	lo, hi := a.add(v.m.Lo), a.add(v.m.Hi)
	period := `v.created_at >= ` + lo + ` AND v.created_at < ` + hi
	q += `
SELECT -1 AS k, CAST(v.created_at AS DATE) AS d, count(*) FROM videos v WHERE ` + period + ` GROUP BY 2
UNION ALL
SELECT g.k, CAST(v.created_at AS DATE), count(*) FROM tagged g JOIN videos v ON v.video_id = g.video_id
WHERE ` + period + ` GROUP BY 1, 2
UNION ALL
SELECT 0, CAST(v.created_at AS DATE), count(*) FROM seed s JOIN videos v ON v.video_id = s.video_id
WHERE ` + period + ` GROUP BY 2`
	return p.sweepVolumes(ctx, q, a...)
}

func (p *postgres) SweepOutcomes(ctx context.Context, v *SweptVideos, policies []string) ([]SweepOutcome, error) {
	var a params
	q := p.sweepCTE(&a, v.m)
	where := `o.created_at >= ` + a.add(v.m.Lo) + ` AND o.created_at < ` + a.add(v.m.Hi)
	if len(policies) > 0 {
		where += ` AND o.policy = ANY(` + a.add(policies) + `)`
	}
	q += `
SELECT -1 AS k, o.policy, ` + countsSQL(pgCount, sweepConditions) + ` FROM video_outcomes o WHERE ` + where + ` GROUP BY 2
UNION ALL
SELECT g.k, o.policy, ` + countsSQL(pgCount, sweepConditions) + ` FROM tagged g JOIN video_outcomes o ON o.video_id = g.video_id
WHERE ` + where + ` GROUP BY 1, 2
UNION ALL
SELECT 0, o.policy, ` + countsSQL(pgCount, sweepConditions) + ` FROM seed s JOIN video_outcomes o ON o.video_id = s.video_id
WHERE ` + where + ` GROUP BY 2`
	return p.sweepOutcomes(ctx, q, a...)
}
