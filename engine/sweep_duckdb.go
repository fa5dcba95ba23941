package engine

import (
	"context"
	"slices"
)

// The sweep's aggregations in DuckDB's SQL (moved from analysis/sweep.go).

// SweepCandidates joins every seed with the distinct tags in one query;
// the distinct tags come from tag_spellings, as VariantCandidates' do.
func (d *duck) SweepCandidates(ctx context.Context, filters []VariantFilter) ([][]string, error) {
	if len(filters) == 0 {
		return nil, nil
	}
	s := newSweepSeeds(filters)
	return d.sweepCandidates(ctx, len(filters), `
WITH seeds AS (
	SELECT unnest(?::BIGINT[]) AS k, unnest(?::VARCHAR[]) AS seed, unnest(?::VARCHAR[]) AS ss,
	       unnest(?::VARCHAR[]) AS prefix, unnest(?::BIGINT[]) AS len, unnest(?::BIGINT[]) AS maxd
), sk AS (
	SELECT tag, translate(strip_accents(tag), ?, ?) AS s
	FROM (SELECT DISTINCT tag FROM tag_spellings) WHERE length(tag) <= 100
)
SELECT seeds.k, sk.tag FROM sk, seeds
WHERE sk.tag <> seeds.seed AND (contains(sk.s, seeds.prefix)
   OR (length(sk.s) >= 3 AND contains(seeds.ss, sk.s))
   OR (abs(length(sk.s) - seeds.len) <= seeds.maxd AND levenshtein(sk.s, seeds.ss) <= seeds.maxd))
ORDER BY seeds.k, sk.tag`, s.k, s.seed, s.skeleton, s.pref, s.skLen, s.maxEdits, filters[0].From, filters[0].To)
}

// A sweep's swept tags may hold most of the workspace's videos (a related
// tag can be a popular one: at 10M videos 33 tags held 10M memberships),
// so the DuckDB sweep does not list them video by video, which cost 12 s
// of CPU there in de-duplicating the (video, tag) pairs and joining them
// with videos for their days. It counts from what is smaller:
//
//   - Volumes from tag_days (exact distinct videos per tag and day),
//     less what a sum over tags counts twice: a seed's video carrying the
//     tag (left out of every swept tag), and a video carrying two accepted
//     tags of one swept tag (sw_multi: only swept tags with variants).
//   - Outcomes from the memberships of the videos violating or removed in
//     the period and of the seed's videos (sw_tagged): a tenth of them.
//
// The tags are filtered with list_contains on a bound list, which DuckDB
// evaluates in the scan: a join with the list built its hash table's
// probe over every row of video_tags (7 s against 1 s of CPU at 10M).

// sweepSeedSQL is the seed's videos and their days: the cohort's tag set,
// or none.
func (d *duck) sweepSeedSQL(seed bool) (string, error) {
	if !seed {
		return `SELECT NULL::VARCHAR AS video_id, NULL::DATE AS day WHERE false`, nil
	}
	if !d.members {
		return "", errNoMembers
	}
	return `SELECT video_id, day FROM tl_members WHERE grp = 1`, nil
}

// SweepMembers builds sw_tagged(video_id, tag), the swept tags' (video,
// tag) pairs of the videos in the seed or violating or removed in the
// period (the other outcomes count nothing SweepOutcome counts), and,
// when a swept tag has several accepted tags, sw_multi(k, video_id,
// extra): the videos outside the seed that carry 1 + extra of them.
func (d *duck) SweepMembers(ctx context.Context, m SweepMembers) (*SweptVideos, error) {
	seed, err := d.sweepSeedSQL(m.Seed)
	if err != nil {
		return nil, err
	}
	d.close = append(d.close, `DROP TABLE IF EXISTS temp.sw_tagged`, `DROP TABLE IF EXISTS temp.sw_multi`)
	var all []string
	var multiK []int64
	var multiT []string
	for i, accepted := range m.Tags {
		distinct := map[string]bool{}
		for _, t := range accepted {
			if !slices.Contains(all, t) {
				all = append(all, t)
			}
			distinct[t] = true
		}
		if len(distinct) > 1 {
			for t := range distinct {
				multiK, multiT = append(multiK, int64(i+1)), append(multiT, t)
			}
		}
	}
	if all == nil {
		all = []string{}
	}
	if _, err := d.conn.ExecContext(ctx, `
CREATE OR REPLACE TEMP TABLE sw_tagged AS
WITH seed AS (`+seed+`)
SELECT DISTINCT t.video_id, t.tag FROM video_tags t
WHERE list_contains(?::VARCHAR[], t.tag)
  AND t.video_id IN (
	SELECT video_id FROM video_outcomes
	WHERE (violating OR removed_at IS NOT NULL) AND created_at >= ? AND created_at < ?
	UNION ALL SELECT video_id FROM seed)`, all, m.Lo, m.Hi); err != nil {
		return nil, err
	}
	v := &SweptVideos{m: m, multi: len(multiK) > 0}
	if !v.multi {
		return v, nil
	}
	_, err = d.conn.ExecContext(ctx, `
CREATE OR REPLACE TEMP TABLE sw_multi AS
WITH want AS (SELECT unnest(?::BIGINT[]) AS k, unnest(?::VARCHAR[]) AS tag),
seed AS (`+seed+`),
c AS (
	SELECT w.k, t.video_id, count(DISTINCT t.tag) AS n
	FROM video_tags t JOIN want w ON t.tag = w.tag
	WHERE list_contains(?::VARCHAR[], t.tag)
	GROUP BY ALL HAVING count(DISTINCT t.tag) >= 2
)
SELECT k, video_id, n - 1 AS extra FROM c WHERE video_id NOT IN (SELECT video_id FROM seed)`, multiK, multiT, multiT)
	return v, err
}

// SweepVolumes adds up tag_days per swept tag and day, less the videos
// counted twice (see above), and the seed's videos per day.
func (d *duck) SweepVolumes(ctx context.Context, v *SweptVideos) (total []DayCount, tags []SweepDayCount, err error) {
	seed, err := d.sweepSeedSQL(v.m.Seed)
	if err != nil {
		return nil, nil, err
	}
	ks, ts := sweepWant(v.m.Tags)
	multi := `SELECT NULL::BIGINT AS k, NULL::DATE AS day, NULL::BIGINT AS n WHERE false`
	args := []any{ks, ts, v.m.Lo, v.m.Hi}
	if v.multi {
		multi = `SELECT x.k, CAST(vd.created_at AS DATE), -sum(x.extra)::BIGINT FROM sw_multi x JOIN videos vd ON vd.video_id = x.video_id
	WHERE vd.created_at >= ? AND vd.created_at < ? GROUP BY ALL`
		args = append(args, v.m.Lo, v.m.Hi)
	}
	return d.sweepVolumes(ctx, `
WITH want AS (SELECT unnest(?::BIGINT[]) AS k, unnest(?::VARCHAR[]) AS tag),
seed AS (`+seed+`),
x AS (
	SELECT w.k, d.day, sum(d.videos)::BIGINT AS n FROM tag_days d JOIN want w ON d.tag = w.tag
	WHERE d.day >= CAST(? AS DATE) AND d.day < CAST(? AS DATE) GROUP BY ALL
	UNION ALL
	SELECT w.k, s.day, -count(*) FROM sw_tagged g JOIN seed s ON s.video_id = g.video_id JOIN want w ON w.tag = g.tag
	GROUP BY ALL
	UNION ALL
	`+multi+`
)
SELECT -1 AS k, CAST(created_at AS DATE) AS d, count(*) FROM videos WHERE created_at >= ? AND created_at < ? GROUP BY d
UNION ALL
SELECT 0, day, count(*) FROM seed GROUP BY day
UNION ALL
SELECT k, day, sum(n)::BIGINT FROM x GROUP BY ALL`, append(args, v.m.Lo, v.m.Hi)...)
}

// SweepOutcomes joins the outcomes of the period with each swept tag's
// videos outside the seed (from sw_tagged) and with the seed's.
func (d *duck) SweepOutcomes(ctx context.Context, v *SweptVideos, policies []string) ([]SweepOutcome, error) {
	seed, err := d.sweepSeedSQL(v.m.Seed)
	if err != nil {
		return nil, err
	}
	ks, ts := sweepWant(v.m.Tags)
	filter, fargs := policyFilter(policies)
	return d.sweepOutcomes(ctx, `
WITH want AS (SELECT unnest(?::BIGINT[]) AS k, unnest(?::VARCHAR[]) AS tag),
seed AS (`+seed+`),
tagged AS (
	SELECT DISTINCT g.video_id, w.k FROM sw_tagged g JOIN want w ON w.tag = g.tag
	WHERE g.video_id NOT IN (SELECT video_id FROM seed)
),
o AS (SELECT * FROM video_outcomes o WHERE o.created_at >= ? AND o.created_at < ?`+filter+`)
SELECT -1 AS k, o.policy, `+countsSQL(duckCount, sweepConditions)+`
FROM o GROUP BY o.policy
UNION ALL
SELECT g.k, o.policy, `+countsSQL(duckCount, sweepConditions)+`
FROM o JOIN tagged g ON g.video_id = o.video_id WHERE o.violating OR o.removed_at IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 0, o.policy, `+countsSQL(duckCount, sweepConditions)+`
FROM o JOIN seed s ON s.video_id = o.video_id GROUP BY ALL`, append([]any{ks, ts, v.m.Lo, v.m.Hi}, fargs...)...)
}
