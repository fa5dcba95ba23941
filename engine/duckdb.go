package engine

// The DuckDB implementation: the embedded workspace file. The cohort is a
// temporary table, tl_members(video_id, day, grp, caption_only, tag_ids,
// import_id), built
// once and joined by every later aggregation on the session's connection.

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/trendlab/trendlab/datasets"
)

type duck struct {
	base
	members bool
	// cohort is the Members request tl_members answers (watch counts
	// reuse it when it is a saved set's whole history).
	cohort Members
}

// VariantCandidates narrows the distinct tags in DuckDB, read from
// tag_spellings (every tag of video_tags has its spellings there: tens of
// thousands of rows however many videos, against tag_days' tags x days x
// imports). The distinct tags pass through a list so that DuckDB cannot
// push the filter below the aggregation (evaluating it per row, not per
// tag). Levenshtein distance is ten times faster in DuckDB than
// damerau_levenshtein; the caller loosens MaxEdits by one for the
// transpositions it counts twice.
func (d *duck) VariantCandidates(ctx context.Context, f VariantFilter) ([]string, error) {
	var tags []string
	err := d.query(ctx, func(rows *sql.Rows) error {
		var t string
		err := rows.Scan(&t)
		tags = append(tags, t)
		return err
	}, `
WITH distinct_tags AS (
	SELECT unnest(list(DISTINCT tag)) AS tag FROM tag_spellings
), sk AS (
	SELECT tag, translate(strip_accents(tag), ?, ?) AS s FROM distinct_tags
	WHERE length(tag) <= 100
)
SELECT tag FROM sk
WHERE tag = ?
   OR contains(s, ?)
   OR (length(s) >= 3 AND contains(?, s))
   OR (abs(length(s) - ?) <= ? AND levenshtein(s, ?) <= ?)`,
		f.From, f.To, f.Seed, f.Prefix, f.Skeleton, f.SkeletonLen, f.MaxEdits, f.Skeleton, f.MaxEdits)
	return tags, err
}

// TagForms sums the spellings from tag_spellings (a tag's occurrences are
// the sum of its spellings'; counting them from video_tags was a pass over
// 240M rows at 100M videos) and the videos per tag from tag_days (exact:
// video ids are unique, and a video counts once per tag there).
func (d *duck) TagForms(ctx context.Context, tags []string) ([]TagForm, error) {
	var out []TagForm
	rows := map[string]int64{}
	err := d.query(ctx, func(r *sql.Rows) error {
		var f TagForm
		err := r.Scan(&f.Tag, &f.Raw, &f.Rows)
		rows[f.Tag] += f.Rows
		out = append(out, f)
		return err
	}, `
SELECT tag, tag_raw, sum(occurrences)::BIGINT AS n
FROM tag_spellings WHERE tag IN (`+marks(len(tags))+`)
GROUP BY ALL
ORDER BY tag, n DESC, tag_raw`, anys(tags)...)
	if err != nil {
		return nil, err
	}
	err = d.query(ctx, func(r *sql.Rows) error {
		f := TagForm{IsTotal: true}
		err := r.Scan(&f.Tag, &f.Videos)
		f.Rows = rows[f.Tag]
		out = append(out, f)
		return err
	}, `
SELECT tag, sum(videos)::BIGINT FROM tag_days WHERE tag IN (`+marks(len(tags))+`) GROUP BY tag`, anys(tags)...)
	return out, err
}

func (d *duck) TagSet(ctx context.Context, name string) (*TagSet, error) {
	return d.tagSet(ctx, `SELECT seed_tag, include_caption_mentions, created_at, updated_at FROM tag_sets WHERE name = ?`, `
SELECT tag, status, reason, score, videos FROM tag_set_variants WHERE tag_set = ?
ORDER BY status = 'accepted' DESC, score DESC, tag`, name)
}

// Members builds tl_members (with each member's tag ids, for Related).
// Without caption mentions a tag set's videos, their day and their tags
// are one scan of video_tag_lists (datasets/tag_lists.go): at 100M videos
// finding them in video_tags and their days in videos took 15 s. With
// caption mentions the videos come from the workspace's one definition of
// a tag set's videos, the tag_set_members macro (datasets/schema.go),
// whose ids go into temporary tables first: joined with videos in one
// statement, DuckDB cannot tell the macro's rows are few and builds its
// hash table on every video's id.
func (d *duck) Members(ctx context.Context, m Members) error {
	d.close = append(d.close, `DROP TABLE IF EXISTS temp.tl_members`, `DROP TABLE IF EXISTS temp.tl_related`,
		`DROP TABLE IF EXISTS temp.tl_set`, `DROP TABLE IF EXISTS temp.tl_baseline`)
	var err error
	if m.Captions || (m.BaselineTags != nil && m.BaselineCaptions) {
		err = d.membersWithCaptions(ctx, m)
	} else {
		err = d.membersFromLists(ctx, m)
	}
	if err != nil {
		return err
	}
	d.members, d.cohort = true, m
	d.lo, d.hi = m.Lo, m.Hi
	return nil
}

// membersFromLists builds tl_members from video_tag_lists alone.
func (d *duck) membersFromLists(ctx context.Context, m Members) error {
	inSet, err := d.hasTagSQL(ctx, m.Tags)
	if err != nil {
		return err
	}
	// Without a baseline tag set every row found is the set's.
	grp, where := "1", inSet
	if m.BaselineTags != nil {
		inBaseline, err := d.hasTagSQL(ctx, m.BaselineTags)
		if err != nil {
			return err
		}
		grp, where = "CASE WHEN "+inSet+" THEN 1 ELSE 2 END", inSet+" OR "+inBaseline
	}
	_, err = d.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE tl_members AS
SELECT video_id, day, CAST(`+grp+` AS TINYINT) AS grp, false AS caption_only, tag_ids, import_id
FROM video_tag_lists
WHERE day >= CAST(? AS DATE) AND day < CAST(? AS DATE) AND (`+where+`)`, m.Lo, m.Hi)
	return err
}

// KeepSet copies the tag set's video ids out of tl_members into table, a
// name the program chose (it is written into the statement).
func (d *duck) KeepSet(ctx context.Context, table string) error {
	if !d.members {
		return errNoMembers
	}
	_, err := d.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE `+table+` AS
SELECT video_id FROM tl_members WHERE grp = `+strconv.Itoa(GroupSet))
	return err
}

// hasTagSQL is datasets.HasTagIDSQL for the ids of tags.
func (d *duck) hasTagSQL(ctx context.Context, tags []string) (string, error) {
	if len(tags) == 0 {
		return "false", nil
	}
	var ids []int64
	err := d.query(ctx, func(rows *sql.Rows) error {
		var id int64
		err := rows.Scan(&id)
		ids = append(ids, id)
		return err
	}, `SELECT tag_id FROM tags WHERE tag IN (`+marks(len(tags))+`) ORDER BY tag_id`, anys(tags)...)
	return datasets.HasTagIDSQL(ids), err
}

// membersWithCaptions builds tl_members from tag_set_members, with caption
// mentions.
func (d *duck) membersWithCaptions(ctx context.Context, m Members) error {
	if _, err := d.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE tl_set AS
SELECT video_id, caption_only FROM tag_set_members('', ?::VARCHAR[], ?)`, m.Tags, m.Captions); err != nil {
		return err
	}
	join, inB := "", "false"
	if m.BaselineTags != nil {
		if _, err := d.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE tl_baseline AS
SELECT DISTINCT video_id FROM tag_set_members('', ?::VARCHAR[], ?)`, m.BaselineTags, m.BaselineCaptions); err != nil {
			return err
		}
		join, inB = " LEFT JOIN tl_baseline b ON v.video_id = b.video_id", "b.video_id IS NOT NULL"
	}
	q := `CREATE OR REPLACE TEMP TABLE tl_members AS
WITH m AS (
	SELECT v.video_id, CAST(v.created_at AS DATE) AS day,
		CAST(CASE WHEN f.video_id IS NOT NULL THEN 1 ELSE 2 END AS TINYINT) AS grp,
		coalesce(f.caption_only, false) AS caption_only, v.import_id
	FROM videos v LEFT JOIN tl_set f ON v.video_id = f.video_id` + join + `
	WHERE v.created_at >= ? AND v.created_at < ?
	  AND (f.video_id IS NOT NULL OR ` + inB + `)
)
SELECT m.video_id, m.day, m.grp, m.caption_only, coalesce(l.tag_ids, []::INTEGER[]) AS tag_ids, m.import_id
FROM m LEFT JOIN video_tag_lists l ON m.video_id = l.video_id`
	_, err := d.conn.ExecContext(ctx, q, m.Lo, m.Hi)
	return err
}

func (d *duck) Volumes(ctx context.Context) (total []DayCount, groups []GroupDayCount, err error) {
	if !d.members {
		return nil, nil, errNoMembers
	}
	// video_days holds the import's count per day: no pass over every
	// video's created_at. The period's bounds are whole days.
	return d.volumes(ctx, `
SELECT day, CAST(sum(videos) AS BIGINT) FROM video_days
WHERE day >= CAST(? AS DATE) AND day < CAST(? AS DATE) GROUP BY day`, `
SELECT day, grp, count(*), count(*) FILTER (WHERE caption_only) FROM tl_members GROUP BY ALL`)
}

// policyFilter is the condition on video_outcomes o to the policies
// ("" for all) and its arguments.
func policyFilter(policies []string) (string, []any) {
	if len(policies) == 0 {
		return "", nil
	}
	return " AND o.policy IN (" + marks(len(policies)) + ")", anys(policies)
}

func (d *duck) Outcomes(ctx context.Context, policies []string) ([]OutcomeRow, error) {
	if !d.members {
		return nil, errNoMembers
	}
	filter, fargs := policyFilter(policies)
	return d.outcomes(ctx, `
SELECT coalesce(m.grp, 0) AS g, o.policy, CAST(o.created_at AS DATE) AS d, `+countsSQL(duckCount, outcomeConditions)+`
FROM video_outcomes o LEFT JOIN tl_members m ON o.video_id = m.video_id
WHERE o.created_at >= ? AND o.created_at < ?`+filter+`
GROUP BY ALL`, append([]any{d.lo, d.hi}, fargs...)...)
}

// outcomeConditions are the conditions on video_outcomes o that
// OutcomeCounts counts, in its order.
var outcomeConditions = []string{
	"o.violating",
	"o.reported",
	"o.flagged",
	"o.reported OR o.flagged",
	"o.reviewed",
	"o.removed_at IS NOT NULL",
	"o.removed_at IS NOT NULL AND o.proactive",
	"o.removed_at IS NOT NULL AND o.within_24h",
	"o.escalated",
	"o.appealed",
	"o.reinstated",
	"o.reviewed AND (o.reported OR o.flagged)",
	"o.violating AND o.reviewed",
	"o.removed_at IS NOT NULL AND o.violating",
	"o.escalated AND o.violating",
	"o.appealed AND o.removed_at IS NOT NULL",
	"o.reinstated AND o.appealed",
	"o.first_violating",
}

// countsSQL counts each condition with the dialect's count.
func countsSQL(count func(cond string) string, conds []string) string {
	s := make([]string, len(conds))
	for i, c := range conds {
		s[i] = count(c)
	}
	return "\n\t" + strings.Join(s, ",\n\t")
}

// duckCount is the count of rows where cond holds, in the form DuckDB 1.5
// computes fastest: summing the condition as an integer took half the
// time of count(*) FILTER (WHERE cond) at 100M videos (the outcomes pass
// 2.5 -> 1.1 s, the removals 2.0 -> 1.0 s).
func duckCount(cond string) string {
	return "CAST(coalesce(sum(CAST((" + cond + ") AS BIGINT)), 0) AS BIGINT)"
}

// pgCount is the count of rows where cond holds, in PostgreSQL.
func pgCount(cond string) string { return "count(*) FILTER (WHERE " + cond + ")" }

func (d *duck) AnyViolating(ctx context.Context, policies []string) ([]GroupCount, error) {
	if !d.members {
		return nil, errNoMembers
	}
	filter, fargs := policyFilter(policies)
	return d.groupCounts(ctx, `
SELECT coalesce(m.grp, 0) AS g, count(DISTINCT o.video_id)
FROM video_outcomes o LEFT JOIN tl_members m ON o.video_id = m.video_id
WHERE o.violating AND o.created_at >= ? AND o.created_at < ?`+filter+`
GROUP BY g`, append([]any{d.lo, d.hi}, fargs...)...)
}

// removalsSQL is the histogram of the removals' time to action (see
// quantile.go) in the SQL both dialects share; FROM is the cohort's table
// or CTE, its placeholders the period's bounds. A removal is proactive for
// its policy when no report for that policy came at or before it: the
// import keeps the first such report in video_outcomes (it was a pass over
// every report event, 4.5 s of an investigation at 100M videos).
func removalsSQL(count func(string) string, members, lo, hi string) string {
	return `
WITH r AS (
	SELECT o.policy, coalesce(m.grp = 1, false) AS in_set, o.time_to_action_s AS tta,
		CAST(floor(o.time_to_action_s) AS BIGINT) AS s,
		o.first_report_at IS NULL OR o.first_report_at > o.removed_at AS same_policy_proactive
	FROM video_outcomes o LEFT JOIN ` + members + ` m ON o.video_id = m.video_id
	WHERE o.removed_at IS NOT NULL AND o.created_at >= ` + lo + ` AND o.created_at < ` + hi + `
)
SELECT policy, in_set, ` + bucketSQL("s") + ` AS k, count(tta), ` + count("same_policy_proactive") + `,
	min(tta), max(tta)
FROM r GROUP BY 1, 2, 3`
}

func (d *duck) Removals(ctx context.Context) ([]RemovalBucket, error) {
	if !d.members {
		return nil, errNoMembers
	}
	return d.removals(ctx, removalsSQL(duckCount, "tl_members", "?", "?"), d.lo, d.hi)
}

func (b *base) removals(ctx context.Context, q string, args ...any) ([]RemovalBucket, error) {
	var out []RemovalBucket
	err := b.query(ctx, func(rows *sql.Rows) error {
		var r RemovalBucket
		var k sql.NullInt64
		var lo, hi sql.NullFloat64
		err := rows.Scan(&r.Policy, &r.InSet, &k, &r.N, &r.SamePolicyProactive, &lo, &hi)
		r.Key, r.Min, r.Max = k.Int64, lo.Float64, hi.Float64
		out = append(out, r)
		return err
	}, q, args...)
	return out, err
}

// Related counts co-occurrence from the tag set's videos' tag lists,
// which Members kept (a video's list holds each tag once); each tag's
// videos in the period are summed from tag_days, which the import keeps
// per tag, creation day and import as exact distinct counts (counting them
// from video_tags took 4 s at 10M videos).
func (d *duck) Related(ctx context.Context, q RelatedQuery) ([]RelatedCount, error) {
	if !d.members {
		return nil, errNoMembers
	}
	args := append(anys(q.Exclude), q.MinTogether)
	if _, err := d.conn.ExecContext(ctx, `
CREATE OR REPLACE TEMP TABLE tl_related AS
SELECT t.tag, count(*) AS nab
FROM (SELECT unnest(tag_ids) AS tag_id FROM tl_members WHERE grp = 1) m JOIN tags t USING (tag_id)
WHERE t.tag NOT IN (`+marks(len(q.Exclude))+`)
GROUP BY t.tag HAVING count(*) >= ?`, args...); err != nil {
		return nil, err
	}
	nab := map[string]int64{}
	err := d.query(ctx, func(rows *sql.Rows) error {
		var t string
		var n int64
		err := rows.Scan(&t, &n)
		nab[t] = n
		return err
	}, `SELECT tag, nab FROM tl_related`)
	if err != nil {
		return nil, err
	}
	sqlText := `
SELECT tag, sum(videos)::BIGINT AS nb FROM tag_days
WHERE tag IN (SELECT tag FROM tl_related)`
	var qargs []any
	if !q.FullSpan {
		sqlText += `
  AND day >= CAST(? AS DATE) AND day < CAST(? AS DATE)`
		qargs = append(qargs, q.Lo, q.Hi)
	}
	sqlText += `
GROUP BY tag`
	var out []RelatedCount
	err = d.query(ctx, func(rows *sql.Rows) error {
		var c RelatedCount
		err := rows.Scan(&c.Tag, &c.Videos)
		c.Together = nab[c.Tag]
		out = append(out, c)
		return err
	}, sqlText, qargs...)
	return out, err
}

// marks returns "?, ?, ?" for n parameters.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func anys(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
