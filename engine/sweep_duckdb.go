package engine

import "context"

// The sweep's aggregations in DuckDB's SQL (moved from analysis/sweep.go).

// SweepCandidates joins every seed with the distinct tags in one query;
// the distinct tags come from tag_days, a fraction of video_tags' rows.
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
	FROM (SELECT DISTINCT tag FROM tag_days) WHERE length(tag) <= 100
)
SELECT seeds.k, sk.tag FROM sk, seeds
WHERE sk.tag <> seeds.seed AND (contains(sk.s, seeds.prefix)
   OR (length(sk.s) >= 3 AND contains(seeds.ss, sk.s))
   OR (abs(length(sk.s) - seeds.len) <= seeds.maxd AND levenshtein(sk.s, seeds.ss) <= seeds.maxd))
ORDER BY seeds.k, sk.tag`, s.k, s.seed, s.skeleton, s.pref, s.skLen, s.maxEdits, filters[0].From, filters[0].To)
}

// SweepMembers builds sw_members(video_id, day, k): k 1.. for the swept
// tags, 0 for the seed (tl_members' tag set), whose videos are left out
// of the others. The swept tags may hold most of the workspace's videos (a
// related tag can be a popular one), so the statement makes one pass: the
// seed's videos are kept out by an anti-join and added without a second
// de-duplication (10M rows: 12.6 s of CPU where a UNION and a DELETE took
// 16.0 s).
func (d *duck) SweepMembers(ctx context.Context, m SweepMembers) (*SweptVideos, error) {
	seed := `SELECT NULL::VARCHAR AS video_id WHERE false`
	if m.Seed {
		if !d.members {
			return nil, errNoMembers
		}
		seed = `SELECT video_id FROM tl_members WHERE grp = 1`
	}
	d.close = append(d.close, `DROP TABLE IF EXISTS temp.sw_members`)
	ks, ts := sweepWant(m.Tags)
	if _, err := d.conn.ExecContext(ctx, `
CREATE OR REPLACE TEMP TABLE sw_members AS
WITH want AS (SELECT unnest(?::BIGINT[]) AS k, unnest(?::VARCHAR[]) AS tag),
seed AS (`+seed+`),
tagged AS (
	SELECT DISTINCT t.video_id, w.k FROM video_tags t JOIN want w ON t.tag = w.tag
	WHERE t.video_id NOT IN (SELECT video_id FROM seed)
	UNION ALL SELECT video_id, 0 FROM seed
)
SELECT g.video_id, CAST(v.created_at AS DATE) AS day, g.k
FROM tagged g JOIN videos v ON v.video_id = g.video_id
WHERE v.created_at >= ? AND v.created_at < ?`, ks, ts, m.Lo, m.Hi); err != nil {
		return nil, err
	}
	return &SweptVideos{m: m}, nil
}

func (d *duck) SweepVolumes(ctx context.Context, v *SweptVideos) (total []DayCount, tags []SweepDayCount, err error) {
	return d.sweepVolumes(ctx, `
SELECT -1 AS k, CAST(created_at AS DATE) AS d, count(*) FROM videos WHERE created_at >= ? AND created_at < ? GROUP BY d
UNION ALL
SELECT k, day, count(*) FROM sw_members GROUP BY ALL`, v.m.Lo, v.m.Hi)
}

func (d *duck) SweepOutcomes(ctx context.Context, v *SweptVideos, policies []string) ([]SweepOutcome, error) {
	filter, fargs := policyFilter(policies)
	return d.sweepOutcomes(ctx, `
WITH o AS (SELECT * FROM video_outcomes o WHERE o.created_at >= ? AND o.created_at < ?`+filter+`)
SELECT -1 AS k, o.policy, `+sweepOutcomeSQL+`
FROM o GROUP BY o.policy
UNION ALL
SELECT m.k, o.policy, `+sweepOutcomeSQL+`
FROM o JOIN sw_members m ON m.video_id = o.video_id GROUP BY ALL`, append([]any{v.m.Lo, v.m.Hi}, fargs...)...)
}
