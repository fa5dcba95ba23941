package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// execer is what RefreshOutcomes needs: a *sql.DB, *sql.Tx or *sql.Conn.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// outcomesSQL computes video_outcomes by the data contract, per video and
// policy with at least one event:
//
//   - violating: a review for P with decision violation, and no reinstatement
//     for P later than the latest such review;
//   - removed_at: the first enforcement for P with action removed;
//   - proactive: removed, and no user report (of any policy) at or before
//     removed_at (same instant counts as before);
//   - within_24h: removed_at - created_at <= 24 h;
//   - escalated: an escalation for P with action escalated_lert;
//   - first_report_at: the first user report for P, kept so that the
//     removal metrics need no pass over every event;
//   - first_violating: violating, and P is the first policy (by name) the
//     video violates, so that count(*) FILTER (WHERE first_violating)
//     over all policies counts the videos violating any policy with no
//     count(DISTINCT video_id) (1.9 s of an investigation at 100M).
//
// Orphan events (no such video) have no created_at and stay out; they are
// counted in the orphan_events view.
//
// It is one statement for both dialects; outcomesDialect holds what
// differs.
const outcomesSQL = `
INSERT INTO video_outcomes
WITH {touched}per AS (
	SELECT e.video_id, e.policy,
		max(e.event_time) FILTER (WHERE e.event_type = 'review' AND e.decision = 'violation') AS last_violation,
		max(e.event_time) FILTER (WHERE e.event_type = 'reinstatement') AS last_reinstatement,
		min(e.event_time) FILTER (WHERE e.event_type = 'enforcement' AND e.action = 'removed') AS removed_at,
		min(e.event_time) FILTER (WHERE e.event_type = 'report') AS first_report_at,
		bool_or(e.event_type = 'escalation' AND e.action = 'escalated_lert') AS escalated,
		bool_or(e.event_type = 'reinstatement') AS reinstated,
		bool_or(e.event_type = 'report') AS reported,
		bool_or(e.event_type = 'flag') AS flagged,
		bool_or(e.event_type = 'review') AS reviewed,
		bool_or(e.event_type = 'appeal') AS appealed
	FROM {events} e{only}
	GROUP BY e.video_id, e.policy
),
judged AS (
	SELECT *, last_violation IS NOT NULL AND (last_reinstatement IS NULL OR last_reinstatement <= last_violation) AS violating
	FROM per
),
first_report AS (
	SELECT video_id, min(first_report_at) AS at, min(policy) FILTER (WHERE violating) AS first_violating_policy
	FROM judged GROUP BY video_id
)
SELECT p.video_id, p.policy, v.created_at,
	p.violating,
	p.removed_at,
	CASE WHEN p.removed_at IS NOT NULL THEN r.at IS NULL OR r.at > p.removed_at END,
	CASE WHEN p.removed_at IS NOT NULL THEN p.removed_at - v.created_at <= INTERVAL '24 hours' END,
	CASE WHEN p.removed_at IS NOT NULL THEN {seconds} END,
	p.escalated, p.reinstated, p.reported, p.flagged, p.reviewed, p.appealed, p.first_report_at,
	p.violating AND p.policy = r.first_violating_policy
FROM judged p
JOIN {videos} v USING (video_id)
LEFT JOIN first_report r USING (video_id){order}`

// firstViolatingMigration is migration 12 -> 13 on both dialects
// (outcomesSQL computes the column since).
const firstViolatingMigration = `
ALTER TABLE video_outcomes ADD COLUMN first_violating BOOLEAN;
` + firstViolatingFill

// firstViolatingFill sets video_outcomes.first_violating from the rows'
// violating and policy.
const firstViolatingFill = `UPDATE video_outcomes SET first_violating = video_outcomes.violating AND video_outcomes.policy = f.policy
FROM (SELECT video_id, min(policy) FILTER (WHERE violating) AS policy FROM video_outcomes GROUP BY video_id) f
WHERE f.video_id = video_outcomes.video_id;
`

// outcomesDialect is what outcomesSQL's dialects differ in: the events it
// reads (a table, or only the videos an import touched) and how an
// interval becomes seconds.
type outcomesDialect struct {
	touched string // CTEs before per, each ending in a comma
	events  string // the events table
	videos  string // the videos' video_id and created_at: "" is the videos table
	only    string // a condition on e that keeps the touched videos' events
	seconds string // removed_at - created_at in seconds, a DOUBLE
	order   string // the order rows are written in
}

func (d outcomesDialect) statement() string {
	only := ""
	if d.only != "" {
		only = "\n\tWHERE " + d.only
	}
	videos := d.videos
	if videos == "" {
		videos = "videos"
	}
	return strings.NewReplacer("{touched}", d.touched, "{events}", d.events, "{videos}", videos, "{only}", only,
		"{seconds}", d.seconds, "{order}", d.order).Replace(outcomesSQL)
}

// duckOutcomes is the DuckDB statement over events and videos: the
// tables, or temporary tables of the videos an import touched and their
// events.
func duckOutcomes(events, videos string) string {
	return outcomesDialect{events: events, videos: videos, seconds: "epoch(p.removed_at - v.created_at)",
		order: "\nORDER BY p.video_id, p.policy"}.statement()
}

// RefreshOutcomes rebuilds the tables derived from videos, video_tags and
// moderation_events: video_outcomes, tag_days, tag_spellings, tags,
// video_tag_lists and video_days. Import keeps them up to
// date; call it after changing those tables by hand (test fixtures do).
func RefreshOutcomes(ctx context.Context, db execer) error {
	if err := refreshVideoOutcomes(ctx, db); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM tag_days`); err != nil {
		return fmt.Errorf("clearing tag_days: %w", err)
	}
	// Fixtures may insert video_tags without their import.
	if _, err := db.ExecContext(ctx, `UPDATE video_tags SET import_id = v.import_id
		FROM videos v WHERE video_tags.import_id IS NULL AND v.video_id = video_tags.video_id`); err != nil {
		return fmt.Errorf("giving video_tags their import: %w", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO tag_days
		SELECT v.import_id, t.tag, CAST(v.created_at AS DATE), count(DISTINCT t.video_id)
		FROM video_tags t JOIN videos v USING (video_id) GROUP BY ALL`); err != nil {
		return fmt.Errorf("computing tag_days: %w", err)
	}
	for _, q := range tagListsFromVideoTags {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("listing each video's tags: %w", err)
		}
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM video_days;`+videoDaysFill); err != nil {
		return fmt.Errorf("counting videos per day: %w", err)
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM tag_spellings`); err != nil {
		return fmt.Errorf("clearing tag_spellings: %w", err)
	}
	if _, err := db.ExecContext(ctx, tagSpellingsFill); err != nil {
		return fmt.Errorf("counting tag_spellings: %w", err)
	}
	return nil
}

// OutcomesSQL is the statement that fills an empty video_outcomes from
// videos and moderation_events: the data contract's definitions, for
// anyone who builds the table without an import (trendlab bench's floor).
func OutcomesSQL() string { return duckOutcomes("moderation_events", "videos") }

// refreshVideoOutcomes rebuilds video_outcomes only; the import calls it
// inside its transaction (it adds to tag_days as it loads tags).
func refreshVideoOutcomes(ctx context.Context, db execer) error {
	if _, err := db.ExecContext(ctx, `DELETE FROM video_outcomes`); err != nil {
		return fmt.Errorf("clearing video_outcomes: %w", err)
	}
	if _, err := db.ExecContext(ctx, OutcomesSQL()); err != nil {
		return fmt.Errorf("computing video_outcomes: %w", err)
	}
	return nil
}

// refreshOutcomesFor brings video_outcomes up to date after the given
// imports: only the videos they touch (their videos, and the videos of
// their events, which may have been imported days before) are computed
// again, from their events, so an import costs in proportion to what it
// brings.
//
// It also moves the orphan count (workspaceTotals): adopted is how many
// events of earlier imports it found for the imports' own videos, events
// that were orphans until now (video ids are unique in the workspace), and
// added how many of the imports' events have no video; added is -1 when
// it was not counted (the first events of a workspace).
//
// The touched videos are kept apart as the imports' new videos (tl_new)
// and the earlier videos their events are about (tl_old), and every read
// of a large table looks for one of the two, within its id range
// (import_range.go). New ids are a narrow range the zone maps prune to,
// and new videos have no outcomes yet; the earlier videos are few, but
// events that arrive days late make their ids span the workspace, so
// those reads scan every row group, and a small set is cheap to probe.
// Probing for both at once, the imports' events touching 20k random
// earlier videos of the 100M workspace beside 1M new ones took 10.8 s
// against 0.85 s for the same daily without them.
func refreshOutcomesFor(ctx context.Context, tx *sql.Tx, importIDs []int64) (adopted, added int64, err error) {
	if len(importIDs) == 0 {
		return 0, 0, nil
	}
	in := idList(importIDs)
	// Into a workspace without earlier events (the first import), every
	// event is the import's: computing the table whole is the same and
	// cheaper.
	var earlier bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM moderation_events WHERE import_id NOT IN `+in+`)`).Scan(&earlier); err != nil {
		return 0, 0, err
	}
	if !earlier {
		return 0, -1, refreshVideoOutcomes(ctx, tx)
	}
	const events = `video_id, policy, event_time, event_type, decision, action, import_id`
	for _, stmt := range []string{
		`DROP TABLE IF EXISTS tl_new`, `DROP TABLE IF EXISTS tl_old`,
		`DROP TABLE IF EXISTS tl_touched`, `DROP TABLE IF EXISTS tl_touched_events`,
		`CREATE TEMP TABLE tl_new AS SELECT video_id, created_at FROM videos WHERE import_id IN ` + in,
		setRange("tl_new_range", "tl_new"),
		// The earlier videos of the imports' events; an event whose
		// video is in neither is an orphan's.
		`CREATE TEMP TABLE tl_old_ids AS
			SELECT video_id FROM moderation_events WHERE import_id IN ` + in + `
			EXCEPT SELECT video_id FROM tl_new`,
		setRange("tl_old_range", "tl_old_ids"),
		`CREATE TEMP TABLE tl_old AS
			SELECT video_id, created_at FROM videos WHERE import_id NOT IN ` + in + ` AND ` + inVarRange("tl_old_range") + `
				AND video_id IN (SELECT video_id FROM tl_old_ids)`,
		`DROP TABLE tl_old_ids`,
		setRange("tl_old_range", "tl_old"), // without the orphans' ids
		`CREATE TEMP TABLE tl_touched AS SELECT * FROM tl_new UNION ALL SELECT * FROM tl_old`,
		// Their events: the imports' own, the earlier ones of the new
		// videos (orphans until now), and the earlier ones of the
		// earlier videos.
		`CREATE TEMP TABLE tl_touched_events AS
			SELECT ` + events + ` FROM moderation_events WHERE import_id IN ` + in + ` AND video_id IN (SELECT video_id FROM tl_touched)
			UNION ALL SELECT ` + events + ` FROM moderation_events WHERE import_id NOT IN ` + in + ` AND ` + inVarRange("tl_new_range") + `
				AND video_id IN (SELECT video_id FROM tl_new)
			UNION ALL SELECT ` + events + ` FROM moderation_events WHERE import_id NOT IN ` + in + ` AND ` + inVarRange("tl_old_range") + `
				AND video_id IN (SELECT video_id FROM tl_old)`,
		// New videos have no outcomes to replace.
		`DELETE FROM video_outcomes WHERE ` + inVarRange("tl_old_range") + ` AND video_id IN (SELECT video_id FROM tl_old)`,
		duckOutcomes("tl_touched_events", "tl_touched"),
	} {
		if _, err := execT(ctx, tx, stmt); err != nil {
			return 0, 0, fmt.Errorf("computing video_outcomes: %w", err)
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM tl_touched_events
			WHERE import_id NOT IN `+in+` AND video_id IN (SELECT video_id FROM tl_new)),
		(SELECT count(*) FROM moderation_events e LEFT JOIN tl_touched t USING (video_id)
			WHERE e.import_id IN `+in+` AND t.video_id IS NULL)`).Scan(&adopted, &added); err != nil {
		return 0, 0, fmt.Errorf("counting orphan events: %w", err)
	}
	for _, stmt := range []string{`DROP TABLE tl_new`, `DROP TABLE tl_old`, `DROP TABLE tl_touched`, `DROP TABLE tl_touched_events`,
		`RESET VARIABLE tl_new_range`, `RESET VARIABLE tl_old_range`} {
		if _, err := execT(ctx, tx, stmt); err != nil {
			return 0, 0, err
		}
	}
	return adopted, added, nil
}

// idList writes import ids as an SQL list, "(1, 2)".
func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return "(" + strings.Join(s, ", ") + ")"
}
