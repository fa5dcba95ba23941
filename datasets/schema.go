package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// SchemaVersion is the version of the workspace schema this build writes:
// one per migration, so adding a migration is the only step.
var SchemaVersion = len(migrations)

// migrations[i] takes a workspace from schema version i to i+1. Append only:
// a released migration never changes.
var migrations = []string{
	// 0 -> 1: the first schema.
	`
CREATE TABLE trendlab_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

CREATE SEQUENCE import_id_seq START 1;
CREATE TABLE imports (
	import_id     INTEGER PRIMARY KEY,
	kind          VARCHAR NOT NULL,      -- 'videos' or 'events'
	file          VARCHAR NOT NULL,      -- path as given, made absolute
	size_bytes    BIGINT NOT NULL,
	sha256        VARCHAR NOT NULL,
	format        VARCHAR NOT NULL,      -- csv, jsonl, parquet
	compression   VARCHAR NOT NULL,      -- none, gzip, zstd
	mapping       VARCHAR,               -- mapping file text, if any
	rows_read     BIGINT NOT NULL,
	rows_loaded   BIGINT NOT NULL,
	rows_rejected BIGINT NOT NULL,
	started_at    TIMESTAMP NOT NULL,
	duration_ms   BIGINT NOT NULL,
	trendlab_version VARCHAR NOT NULL
);

-- Content export. Times are UTC. extra holds source columns that the
-- contract (or the mapping) does not name, as a JSON object of text.
CREATE TABLE videos (
	video_id        VARCHAR NOT NULL,
	author_id       VARCHAR NOT NULL,
	created_at      TIMESTAMP NOT NULL,
	caption         VARCHAR,
	hashtags        VARCHAR[],
	region          VARCHAR,
	language        VARCHAR,
	author_age_band VARCHAR,
	view_count      BIGINT,
	like_count      BIGINT,
	share_count     BIGINT,
	comment_count   BIGINT,
	duration_s      DOUBLE,
	extra           JSON,
	import_id       INTEGER NOT NULL,
	source_line     BIGINT NOT NULL
);

-- One row per hashtag occurrence: raw as written, tag normalised
-- (NFKC, case-folded, leading '#' and trailing punctuation removed).
CREATE TABLE video_tags (
	video_id VARCHAR NOT NULL,
	position INTEGER NOT NULL,
	tag_raw  VARCHAR NOT NULL,
	tag      VARCHAR NOT NULL,
	from_caption BOOLEAN NOT NULL
);

CREATE TABLE moderation_events (
	event_id     VARCHAR NOT NULL,
	video_id     VARCHAR NOT NULL,
	event_time   TIMESTAMP NOT NULL,
	event_type   VARCHAR NOT NULL,
	source       VARCHAR NOT NULL,
	policy       VARCHAR NOT NULL,
	policy_title VARCHAR,
	decision     VARCHAR,
	action       VARCHAR,
	extra        JSON,
	import_id    INTEGER NOT NULL,
	source_line  BIGINT NOT NULL
);

-- A row the import could not load: kept with its reason, never dropped.
CREATE TABLE rejects (
	import_id INTEGER NOT NULL,
	file      VARCHAR NOT NULL,
	line      BIGINT,            -- 1-based; the header is line 1 in CSV
	column_name VARCHAR,
	reason    VARCHAR NOT NULL,
	raw       VARCHAR            -- the row as read (CSV line or JSON object)
);

-- Per video and policy, the outcome by the data contract's definitions.
-- Rebuilt at the end of every import (RefreshOutcomes), inside its transaction.
CREATE TABLE video_outcomes (
	video_id     VARCHAR NOT NULL,
	policy       VARCHAR NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	violating    BOOLEAN NOT NULL,
	removed_at   TIMESTAMP,
	proactive    BOOLEAN,          -- NULL unless removed
	within_24h   BOOLEAN,          -- NULL unless removed
	time_to_action_s DOUBLE,       -- NULL unless removed
	escalated    BOOLEAN NOT NULL,
	reinstated   BOOLEAN NOT NULL,
	reported     BOOLEAN NOT NULL, -- a user report for this policy
	flagged      BOOLEAN NOT NULL, -- an automated flag for this policy
	reviewed     BOOLEAN NOT NULL,
	appealed     BOOLEAN NOT NULL
);

-- Events whose video is not in the content export.
CREATE VIEW orphan_events AS
	SELECT e.* FROM moderation_events e
	WHERE NOT EXISTS (SELECT 1 FROM videos v WHERE v.video_id = e.video_id);

-- Tag sets: a seed tag and the variants an investigator accepted or rejected.
CREATE TABLE tag_sets (
	name        VARCHAR PRIMARY KEY,
	seed_tag    VARCHAR NOT NULL,
	include_caption_mentions BOOLEAN NOT NULL DEFAULT false,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE TABLE tag_set_variants (
	tag_set  VARCHAR NOT NULL,
	tag      VARCHAR NOT NULL,       -- normalised
	status   VARCHAR NOT NULL,       -- 'accepted' or 'rejected'
	reason   VARCHAR NOT NULL,       -- why it matched the seed
	score    DOUBLE NOT NULL,
	videos   BIGINT NOT NULL,        -- count when decided
	decided_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tag_set, tag)
);

-- Samples are reproducible: frame + seed + method give the same members.
CREATE SEQUENCE sample_id_seq START 1;
CREATE TABLE samples (
	sample_id   INTEGER PRIMARY KEY,
	name        VARCHAR NOT NULL UNIQUE,
	definition  JSON NOT NULL,       -- frame, method, strata, allocation
	seed        BIGINT NOT NULL,
	size        BIGINT NOT NULL,
	frame_size  BIGINT NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	created_by  VARCHAR NOT NULL
);
CREATE TABLE sample_members (
	sample_id INTEGER NOT NULL,
	position  INTEGER NOT NULL,      -- review order
	video_id  VARCHAR NOT NULL,
	stratum   VARCHAR NOT NULL,
	weight    DOUBLE NOT NULL,       -- stratum frame size / stratum sample size
	PRIMARY KEY (sample_id, video_id)
);
-- Append-only audit trail; a reviewer's current label is their latest row.
CREATE TABLE labels (
	sample_id  INTEGER NOT NULL,
	video_id   VARCHAR NOT NULL,
	reviewer   VARCHAR NOT NULL,
	label      VARCHAR NOT NULL,
	note       VARCHAR,
	reason     VARCHAR,
	labelled_at TIMESTAMP NOT NULL
);
CREATE VIEW current_labels AS
	SELECT * EXCLUDE (rn) FROM (
		SELECT *, row_number() OVER (PARTITION BY sample_id, video_id, reviewer
		                             ORDER BY labelled_at DESC) AS rn
		FROM labels) WHERE rn = 1;
`,
	// 1 -> 2: a row loaded by the streaming fast path of a CSV import has no
	// line number (its line is known only when the file is staged).
	`
ALTER TABLE videos ALTER COLUMN source_line DROP NOT NULL;
ALTER TABLE moderation_events ALTER COLUMN source_line DROP NOT NULL;
`,
	// 2 -> 3: how many distinct videos carry each normalised tag, per day of
	// creation and import. Video ids are unique in the workspace, so these
	// add up across days and imports to exact distinct counts, which an
	// investigation would otherwise count from every video_tags row.
	`
CREATE TABLE tag_days (
	import_id INTEGER NOT NULL,
	tag       VARCHAR NOT NULL,
	day       DATE NOT NULL,
	videos    BIGINT NOT NULL
);
INSERT INTO tag_days
	SELECT v.import_id, t.tag, CAST(v.created_at AS DATE), count(DISTINCT t.video_id)
	FROM video_tags t JOIN videos v USING (video_id) GROUP BY ALL;
`,
	// 3 -> 4: the same orphan_events, as an anti join, which DuckDB runs in
	// 0.33 s at 10M videos against 0.57 s for NOT EXISTS.
	`
CREATE OR REPLACE VIEW orphan_events AS
	SELECT e.* FROM moderation_events e ANTI JOIN videos v ON v.video_id = e.video_id;
`,
	// 4 -> 5: a tag set's tags and videos, as trendlab investigate counts
	// them, for saved queries and analysts' own SQL:
	//   FROM tag_set_videos('omegle', [])        a saved tag set
	//   FROM tag_set_videos('', ['omegle'])      explicit normalised tags
	// A saved tag set with include_caption_mentions also takes the videos
	// whose caption names one of its tags as a word (investigate's test:
	// (?i)(^|[^\pL\pN_])#?(TAG)($|[^\pL\pN_])). A tag of word characters
	// is compared with the caption's words, the same test without a regular
	// expression built per row; any other tag is tested with that
	// expression, only on captions that contain it.
	`
CREATE MACRO tag_set_tags(p_name, p_tags) AS TABLE
	SELECT unnest(p_tags) AS tag
	UNION SELECT seed_tag FROM tag_sets WHERE name = p_name
	UNION SELECT tag FROM tag_set_variants WHERE tag_set = p_name AND status = 'accepted'
	-- A tag set that does not exist is an error, not an empty result.
	UNION SELECT error('no tag set named "' || p_name || '": list them with ` + "`trendlab tagset list`" + `')::VARCHAR
	WHERE p_name <> '' AND NOT EXISTS (SELECT 1 FROM tag_sets WHERE name = p_name);

CREATE MACRO tag_set_videos(p_name, p_tags) AS TABLE
	WITH set_tags AS (SELECT tag FROM tag_set_tags(p_name, p_tags)),
	-- One row (word tags, other tags) only when the set includes caption
	-- mentions; otherwise empty, and the caption branch reads nothing.
	caption_tags AS (
		SELECT coalesce(list(tag) FILTER (WHERE regexp_full_match(tag, '[\pL\pN_]+')), []) AS words,
		       coalesce(list(tag) FILTER (WHERE NOT regexp_full_match(tag, '[\pL\pN_]+')), []) AS others
		FROM set_tags
		HAVING (SELECT coalesce(bool_or(include_caption_mentions), false) FROM tag_sets WHERE name = p_name)
	)
	SELECT video_id FROM video_tags WHERE tag IN (SELECT tag FROM set_tags)
	UNION
	SELECT v.video_id
	FROM caption_tags c, videos v
	WHERE list_has_any(regexp_extract_all(lower(v.caption), '[\pL\pN_]+'), c.words)
	   OR list_bool_or(list_transform(c.others, lambda t:
	          CASE WHEN contains(lower(v.caption), t)
	               THEN regexp_matches(v.caption, '(?i)(^|[^\pL\pN_])#?(' || regexp_escape(t) || ')($|[^\pL\pN_])')
	               ELSE false END));
`,
	// 5 -> 6: an import commits its files first and the tables derived from
	// them (video_tags, tag_days, video_outcomes) in a second transaction,
	// which reads the committed rows several times faster. Between the two,
	// its imports are listed here; a workspace opened with rows here was left
	// by an import that stopped half way, and Open removes what it loaded.
	`
CREATE TABLE unfinished_imports (import_id INTEGER PRIMARY KEY);
`,
	// 6 -> 7: what turns findings into actions (trendlab terms, sweep,
	// watch): who decided each tag-set variant; versioned term lists with
	// the decisions and imports they came from; watches and the alerts they
	// fired; and tag_set_tags / tag_set_videos with one argument, the
	// saved tag set's name. The two-argument forms are restated unchanged:
	// CREATE OR REPLACE replaces every overload of a macro.
	`
ALTER TABLE tag_set_variants ADD COLUMN decided_by VARCHAR;

CREATE TABLE term_lists (
	name       VARCHAR NOT NULL,
	version    INTEGER NOT NULL,       -- 1, 2, ... per name
	tag_set    VARCHAR NOT NULL,       -- the tag set it was built from
	spellings  VARCHAR NOT NULL,       -- 'normalised' or 'all'
	tag_set_updated_at TIMESTAMP NOT NULL, -- the decisions it reflects
	import_ids INTEGER[] NOT NULL,     -- the imports in the workspace then
	created_at TIMESTAMP NOT NULL,
	created_by VARCHAR NOT NULL,
	PRIMARY KEY (name, version)
);
CREATE TABLE term_list_terms (
	name        VARCHAR NOT NULL,
	version     INTEGER NOT NULL,
	term        VARCHAR NOT NULL,      -- as it goes into the list
	normalised  VARCHAR NOT NULL,      -- the tag-set variant it spells
	raw         BOOLEAN NOT NULL,      -- a spelling as written, not the normalised form
	occurrences BIGINT NOT NULL,       -- hashtag occurrences with this spelling
	videos      BIGINT NOT NULL,       -- videos carrying the normalised tag
	status      VARCHAR NOT NULL,
	score       DOUBLE NOT NULL,
	reason      VARCHAR NOT NULL,
	decided_by  VARCHAR NOT NULL,
	decided_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (name, version, normalised, raw, term)
);

CREATE TABLE watches (
	name        VARCHAR PRIMARY KEY,
	tag_set     VARCHAR NOT NULL,
	definition  JSON NOT NULL,         -- policies, rules and their thresholds
	state       JSON NOT NULL,         -- what the next run compares with
	last_import_id INTEGER NOT NULL,   -- the newest import evaluated
	created_at  TIMESTAMP NOT NULL,
	created_by  VARCHAR NOT NULL
);
CREATE SEQUENCE alert_id_seq START 1;
CREATE TABLE alerts (
	alert_id   INTEGER PRIMARY KEY,
	watch      VARCHAR NOT NULL,
	import_id  INTEGER NOT NULL,       -- the newest import of the evaluation
	rule       VARCHAR NOT NULL,
	subject    VARCHAR NOT NULL,       -- the policy, spelling or tag
	message    VARCHAR NOT NULL,
	numbers    JSON NOT NULL,
	fired_at   TIMESTAMP NOT NULL
);

CREATE OR REPLACE MACRO tag_set_tags(p_name) AS TABLE (
	SELECT tag FROM tag_set_tags(p_name, []::VARCHAR[])
), (p_name, p_tags) AS TABLE (
	SELECT unnest(p_tags) AS tag
	UNION SELECT seed_tag FROM tag_sets WHERE name = p_name
	UNION SELECT tag FROM tag_set_variants WHERE tag_set = p_name AND status = 'accepted'
	UNION SELECT error('no tag set named "' || p_name || '": list them with ` + "`trendlab tagset list`" + `')::VARCHAR
	WHERE p_name <> '' AND NOT EXISTS (SELECT 1 FROM tag_sets WHERE name = p_name)
);
`,
	// 7 -> 8: the optional exports views_daily, search_daily and
	// interventions (with hand-recorded interventions); see optional.go.
	optionalMigration,
	// 8 -> 9: every row an import writes carries its import_id, so that an
	// import that stopped half way can be removed from each table by id
	// (discardUnfinished), whatever part of it reached the disk.
	`
ALTER TABLE video_tags ADD COLUMN import_id INTEGER;
UPDATE video_tags SET import_id = v.import_id FROM videos v WHERE v.video_id = video_tags.video_id;
`,
	// 9 -> 10: one definition of a tag set's videos, which investigate, the
	// notebooks, the TUI and saved queries all use: tag_set_members(name,
	// tags, captions) gives video_id and caption_only (in the set only
	// through a caption mention); captions turns caption mentions on also
	// for explicit tags (an unsaved investigation with --captions), and a
	// saved tag set that includes them takes them anyway. tag_set_videos
	// keeps its forms and its one column, from tag_set_members.
	`
CREATE MACRO tag_set_members(p_name, p_tags, p_captions) AS TABLE
	WITH set_tags AS (SELECT tag FROM tag_set_tags(p_name, p_tags)),
	tagged AS (SELECT DISTINCT video_id FROM video_tags WHERE tag IN (SELECT tag FROM set_tags)),
	-- One row (word tags, other tags) only when caption mentions count;
	-- otherwise empty, and the caption branch reads nothing.
	caption_tags AS (
		SELECT coalesce(list(tag) FILTER (WHERE regexp_full_match(tag, '[\pL\pN_]+')), []) AS words,
		       coalesce(list(tag) FILTER (WHERE NOT regexp_full_match(tag, '[\pL\pN_]+')), []) AS others
		FROM set_tags
		HAVING p_captions OR (SELECT coalesce(bool_or(include_caption_mentions), false) FROM tag_sets WHERE name = p_name)
	)
	SELECT video_id, false AS caption_only FROM tagged
	UNION ALL
	SELECT v.video_id, true AS caption_only
	FROM caption_tags c, videos v
	WHERE (list_has_any(regexp_extract_all(lower(v.caption), '[\pL\pN_]+'), c.words)
	   OR list_bool_or(list_transform(c.others, lambda t:
	          CASE WHEN contains(lower(v.caption), t)
	               THEN regexp_matches(v.caption, '(?i)(^|[^\pL\pN_])#?(' || regexp_escape(t) || ')($|[^\pL\pN_])')
	               ELSE false END)))
	  AND v.video_id NOT IN (SELECT video_id FROM tagged);

CREATE OR REPLACE MACRO tag_set_videos(p_name) AS TABLE (
	SELECT video_id FROM tag_set_members(p_name, []::VARCHAR[], false)
), (p_name, p_tags) AS TABLE (
	SELECT video_id FROM tag_set_members(p_name, p_tags, false)
);
`,
	// 10 -> 11: what an investigation read from every event or every
	// hashtag occurrence, kept by the import instead (at 100M videos each
	// was a pass over 37M events or 240M video_tags rows):
	// video_outcomes.first_report_at, the first user report for the policy
	// (the removal metrics' same-policy test); and tag_spellings, per import
	// the occurrences of each spelling of each normalised tag (variant
	// discovery and the spellings of a tag set).
	tagSpellingsMigration,
	// 11 -> 12: per-video lists of tag ids (tag_lists.go), DuckDB's access
	// path to a tag set's videos and their tags; filled by fillTagLists.
	tagListsMigration,
	// 12 -> 13: video_outcomes.first_violating, which counts the videos
	// violating any policy without a distinct count (outcomes.go), and
	// video_days, the videos per import and day (video_days.go).
	firstViolatingMigration + videoDaysMigration,
}

// migrationFills[i] fills what migrations[i] made, from the rows a
// workspace holds, where SQL alone would be a pass too large to run.
var migrationFills = map[int]func(context.Context, *sql.Tx) error{
	11: fillTagLists,
}

// migrate brings the workspace schema up to SchemaVersion. It refuses a
// workspace written by a newer trendlab rather than guess at its layout.
func migrate(ctx context.Context, db *sql.DB) error {
	version, err := schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if version > SchemaVersion {
		return fmt.Errorf("workspace schema version %d is newer than this trendlab understands (%d): upgrade trendlab", version, SchemaVersion)
	}
	for v := version; v < SchemaVersion; v++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrating workspace schema %d -> %d: %w", v, v+1, err)
		}
		if fill := migrationFills[v]; fill != nil {
			if err := fill(ctx, tx); err != nil {
				tx.Rollback()
				return fmt.Errorf("migrating workspace schema %d -> %d: %w", v, v+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT OR REPLACE INTO trendlab_meta VALUES ('schema_version', ?)`, strconv.Itoa(v+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// schemaVersion reads the version, 0 for a new, empty database.
func schemaVersion(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx,
		`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'trendlab_meta' AND schema_name = 'main'`).Scan(&n)
	if err != nil || n == 0 {
		return 0, err
	}
	var s string
	if err := db.QueryRowContext(ctx, `SELECT value FROM trendlab_meta WHERE key = 'schema_version'`).Scan(&s); err != nil {
		return 0, fmt.Errorf("reading workspace schema version: %w", err)
	}
	return strconv.Atoi(s)
}
