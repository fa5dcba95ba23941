package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
)

// The workspace schema in PostgreSQL's dialect: the tables, views and
// functions of schema.go's migrations, created at once at pgSchemaVersion
// (no PostgreSQL workspace predates it), then pgMigrations. A DuckDB
// migration appended to schema.go needs its PostgreSQL twin appended to
// pgMigrations; TestSchemasAgree fails until it is.
//
// Translations: VARCHAR is TEXT, DOUBLE is DOUBLE PRECISION, lists are
// arrays, JSON stays JSON (text kept as written, as in DuckDB). DuckDB's
// table macros are SQL functions returning tables; error() is RAISE.

// pgSchemaVersion0 is the DuckDB schema version pgSchema equals.
const pgSchemaVersion0 = 10

// pgMigrations[i] takes a PostgreSQL workspace from pgSchemaVersion0+i to
// pgSchemaVersion0+i+1. Append only.
var pgMigrations = []string{
	// 10 -> 11: tag_spellings and video_outcomes.first_report_at
	// (spellings.go); on Citus tag_spellings is distributed by tag, as
	// tag_days is.
	`
CREATE TABLE tag_spellings (
	import_id   INTEGER NOT NULL,
	tag         TEXT NOT NULL,
	tag_raw     TEXT NOT NULL,
	occurrences BIGINT NOT NULL
);
` + tagSpellingsFill + `
ALTER TABLE video_outcomes ADD COLUMN first_report_at TIMESTAMP;
` + firstReportFill + tagSetMembersPG,
	// 11 -> 12: nothing. DuckDB's per-video tag lists (tag_lists.go) are
	// its access path to a tag set's videos; PostgreSQL has its index on
	// video_tags(tag) for that, and no table to keep.
	`SELECT 1`,
	// 12 -> 13: video_outcomes.first_violating (outcomes.go).
	firstViolatingMigration,
}

// tagSetMembersPG is schema.go's tag_set_members macro. It is PL/pgSQL,
// not SQL: Citus cannot plan a SQL function whose body reads a distributed
// table ("parameterized queries for SQL functions referencing distributed
// tables are not supported"), while PL/pgSQL's RETURN QUERY runs as one
// distributed query (found on a one-node Citus 13.2 cluster, pgtest).
const tagSetMembersPG = `
CREATE OR REPLACE FUNCTION tag_set_members(p_name TEXT, p_tags TEXT[], p_captions BOOLEAN)
RETURNS TABLE (video_id TEXT, caption_only BOOLEAN)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN QUERY
	WITH set_tags AS (SELECT tag FROM tag_set_tags(p_name, p_tags)),
	tagged AS (SELECT DISTINCT t.video_id FROM video_tags t WHERE t.tag IN (SELECT tag FROM set_tags)),
	caption_tags AS (
		SELECT coalesce(array_agg(tag) FILTER (WHERE tag ~ '^[[:alnum:]_]+$'), '{}') AS words,
		       coalesce(array_agg(tag) FILTER (WHERE tag !~ '^[[:alnum:]_]+$'), '{}') AS others
		FROM set_tags
		HAVING p_captions OR (SELECT coalesce(bool_or(include_caption_mentions), false) FROM tag_sets WHERE name = p_name)
	)
	SELECT tagged.video_id, false FROM tagged
	UNION ALL
	SELECT v.video_id, true
	FROM caption_tags c, videos v
	WHERE (regexp_split_to_array(lower(v.caption), '[^[:alnum:]_]+') && c.words
	   OR EXISTS (SELECT 1 FROM unnest(c.others) AS o(t)
	              WHERE strpos(lower(v.caption), o.t) > 0
	                AND v.caption ~* ('(^|[^[:alnum:]_])#?(' || regexp_replace(o.t, '([.^$*+?()[\]{}|\\-])', '\\\1', 'g') || ')($|[^[:alnum:]_])')))
	  AND v.video_id NOT IN (SELECT tagged.video_id FROM tagged);
END $$;`

const pgSchema = `
CREATE TABLE trendlab_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE SEQUENCE import_id_seq START 1;
CREATE TABLE imports (
	import_id     INTEGER PRIMARY KEY,
	kind          TEXT NOT NULL,
	file          TEXT NOT NULL,
	size_bytes    BIGINT NOT NULL,
	sha256        TEXT NOT NULL,
	format        TEXT NOT NULL,
	compression   TEXT NOT NULL,
	mapping       TEXT,
	rows_read     BIGINT NOT NULL,
	rows_loaded   BIGINT NOT NULL,
	rows_rejected BIGINT NOT NULL,
	started_at    TIMESTAMP NOT NULL,
	duration_ms   BIGINT NOT NULL,
	trendlab_version TEXT NOT NULL
);

CREATE TABLE videos (
	video_id        TEXT NOT NULL,
	author_id       TEXT NOT NULL,
	created_at      TIMESTAMP NOT NULL,
	caption         TEXT,
	hashtags        TEXT[],
	region          TEXT,
	language        TEXT,
	author_age_band TEXT,
	view_count      BIGINT,
	like_count      BIGINT,
	share_count     BIGINT,
	comment_count   BIGINT,
	duration_s      DOUBLE PRECISION,
	extra           JSON,
	import_id       INTEGER NOT NULL,
	source_line     BIGINT
);

CREATE TABLE video_tags (
	video_id TEXT NOT NULL,
	position INTEGER NOT NULL,
	tag_raw  TEXT NOT NULL,
	tag      TEXT NOT NULL,
	from_caption BOOLEAN NOT NULL,
	import_id INTEGER
);

CREATE TABLE moderation_events (
	event_id     TEXT NOT NULL,
	video_id     TEXT NOT NULL,
	event_time   TIMESTAMP NOT NULL,
	event_type   TEXT NOT NULL,
	source       TEXT NOT NULL,
	policy       TEXT NOT NULL,
	policy_title TEXT,
	decision     TEXT,
	action       TEXT,
	extra        JSON,
	import_id    INTEGER NOT NULL,
	source_line  BIGINT
);

CREATE TABLE rejects (
	import_id INTEGER NOT NULL,
	file      TEXT NOT NULL,
	line      BIGINT,
	column_name TEXT,
	reason    TEXT NOT NULL,
	raw       TEXT
);

CREATE TABLE video_outcomes (
	video_id     TEXT NOT NULL,
	policy       TEXT NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	violating    BOOLEAN NOT NULL,
	removed_at   TIMESTAMP,
	proactive    BOOLEAN,
	within_24h   BOOLEAN,
	time_to_action_s DOUBLE PRECISION,
	escalated    BOOLEAN NOT NULL,
	reinstated   BOOLEAN NOT NULL,
	reported     BOOLEAN NOT NULL,
	flagged      BOOLEAN NOT NULL,
	reviewed     BOOLEAN NOT NULL,
	appealed     BOOLEAN NOT NULL
);

CREATE TABLE tag_days (
	import_id INTEGER NOT NULL,
	tag       TEXT NOT NULL,
	day       DATE NOT NULL,
	videos    BIGINT NOT NULL
);

CREATE VIEW orphan_events AS
	SELECT e.* FROM moderation_events e
	WHERE NOT EXISTS (SELECT 1 FROM videos v WHERE v.video_id = e.video_id);

CREATE TABLE tag_sets (
	name        TEXT PRIMARY KEY,
	seed_tag    TEXT NOT NULL,
	include_caption_mentions BOOLEAN NOT NULL DEFAULT false,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE TABLE tag_set_variants (
	tag_set  TEXT NOT NULL,
	tag      TEXT NOT NULL,
	status   TEXT NOT NULL,
	reason   TEXT NOT NULL,
	score    DOUBLE PRECISION NOT NULL,
	videos   BIGINT NOT NULL,
	decided_at TIMESTAMP NOT NULL,
	decided_by TEXT,
	PRIMARY KEY (tag_set, tag)
);

CREATE SEQUENCE sample_id_seq START 1;
CREATE TABLE samples (
	sample_id   INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	definition  JSON NOT NULL,
	seed        BIGINT NOT NULL,
	size        BIGINT NOT NULL,
	frame_size  BIGINT NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	created_by  TEXT NOT NULL
);
CREATE TABLE sample_members (
	sample_id INTEGER NOT NULL,
	position  INTEGER NOT NULL,
	video_id  TEXT NOT NULL,
	stratum   TEXT NOT NULL,
	weight    DOUBLE PRECISION NOT NULL,
	PRIMARY KEY (sample_id, video_id)
);
CREATE TABLE labels (
	sample_id  INTEGER NOT NULL,
	video_id   TEXT NOT NULL,
	reviewer   TEXT NOT NULL,
	label      TEXT NOT NULL,
	note       TEXT,
	reason     TEXT,
	labelled_at TIMESTAMP NOT NULL
);
CREATE VIEW current_labels AS
	SELECT DISTINCT ON (sample_id, video_id, reviewer)
		sample_id, video_id, reviewer, label, note, reason, labelled_at
	FROM labels ORDER BY sample_id, video_id, reviewer, labelled_at DESC;

CREATE TABLE unfinished_imports (import_id INTEGER PRIMARY KEY);

CREATE TABLE term_lists (
	name       TEXT NOT NULL,
	version    INTEGER NOT NULL,
	tag_set    TEXT NOT NULL,
	spellings  TEXT NOT NULL,
	tag_set_updated_at TIMESTAMP NOT NULL,
	import_ids INTEGER[] NOT NULL,
	created_at TIMESTAMP NOT NULL,
	created_by TEXT NOT NULL,
	PRIMARY KEY (name, version)
);
CREATE TABLE term_list_terms (
	name        TEXT NOT NULL,
	version     INTEGER NOT NULL,
	term        TEXT NOT NULL,
	normalised  TEXT NOT NULL,
	raw         BOOLEAN NOT NULL,
	occurrences BIGINT NOT NULL,
	videos      BIGINT NOT NULL,
	status      TEXT NOT NULL,
	score       DOUBLE PRECISION NOT NULL,
	reason      TEXT NOT NULL,
	decided_by  TEXT NOT NULL,
	decided_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (name, version, normalised, raw, term)
);

CREATE TABLE watches (
	name        TEXT PRIMARY KEY,
	tag_set     TEXT NOT NULL,
	definition  JSON NOT NULL,
	state       JSON NOT NULL,
	last_import_id INTEGER NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	created_by  TEXT NOT NULL
);
CREATE SEQUENCE alert_id_seq START 1;
CREATE TABLE alerts (
	alert_id   INTEGER PRIMARY KEY,
	watch      TEXT NOT NULL,
	import_id  INTEGER NOT NULL,
	rule       TEXT NOT NULL,
	subject    TEXT NOT NULL,
	message    TEXT NOT NULL,
	numbers    JSON NOT NULL,
	fired_at   TIMESTAMP NOT NULL
);

CREATE TABLE views_daily (
	video_id    TEXT NOT NULL,
	date        DATE NOT NULL,
	surface     TEXT NOT NULL,
	views       BIGINT NOT NULL,
	extra       JSON,
	import_id   INTEGER NOT NULL,
	source_line BIGINT
);
CREATE TABLE search_daily (
	date             DATE NOT NULL,
	query            TEXT NOT NULL,
	query_norm       TEXT,
	searches         BIGINT NOT NULL,
	via_autocomplete BIGINT NOT NULL,
	extra            JSON,
	import_id        INTEGER NOT NULL,
	source_line      BIGINT
);
CREATE TABLE interventions (
	intervention_id TEXT NOT NULL,
	kind        TEXT NOT NULL,
	target      TEXT NOT NULL,
	started_at  TIMESTAMP NOT NULL,
	ended_at    TIMESTAMP,
	note        TEXT,
	source      TEXT NOT NULL,
	recorded_by TEXT,
	recorded_at TIMESTAMP,
	extra       JSON,
	import_id   INTEGER,
	source_line BIGINT
);

-- Indexes DuckDB does without (it scans): an import's check for ids the
-- workspace holds, and the per-video and per-tag lookups of a workspace
-- that grows by daily imports, read an index instead of every row.
CREATE INDEX videos_video_id ON videos (video_id);
CREATE INDEX moderation_events_event_id ON moderation_events (event_id);
CREATE INDEX moderation_events_video_id ON moderation_events (video_id);
CREATE INDEX video_tags_tag ON video_tags (tag);
CREATE INDEX video_outcomes_video_id ON video_outcomes (video_id);

-- tag_set_tags / tag_set_videos / tag_set_members: schema.go's macros
-- (migrations 4, 6 and 9), the same definitions. A word character is
-- [[:alnum:]_], which PostgreSQL classifies by the database's locale (a
-- UTF-8 locale: letters and digits of every script, like \pL\pN).
CREATE FUNCTION tag_set_tags(p_name TEXT, p_tags TEXT[]) RETURNS TABLE (tag TEXT)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	-- A tag set that does not exist is an error, not an empty result.
	IF p_name <> '' AND NOT EXISTS (SELECT 1 FROM tag_sets s WHERE s.name = p_name) THEN
		RAISE EXCEPTION 'no tag set named "%": list them with ` + "`trendlab tagset list`" + `', p_name;
	END IF;
	RETURN QUERY
		SELECT unnest(p_tags)
		UNION SELECT s.seed_tag FROM tag_sets s WHERE s.name = p_name
		UNION SELECT v.tag FROM tag_set_variants v WHERE v.tag_set = p_name AND v.status = 'accepted';
END $$;
CREATE FUNCTION tag_set_tags(p_name TEXT) RETURNS TABLE (tag TEXT)
LANGUAGE sql STABLE AS $$ SELECT tag FROM tag_set_tags(p_name, '{}'::TEXT[]) $$;

` + tagSetMembersPG + `
CREATE FUNCTION tag_set_videos(p_name TEXT, p_tags TEXT[]) RETURNS TABLE (video_id TEXT)
LANGUAGE sql STABLE AS $$ SELECT video_id FROM tag_set_members(p_name, p_tags, false) $$;
CREATE FUNCTION tag_set_videos(p_name TEXT) RETURNS TABLE (video_id TEXT)
LANGUAGE sql STABLE AS $$ SELECT video_id FROM tag_set_members(p_name, '{}'::TEXT[], false) $$;
`

// Citus: the tables that grow with the platform's content are distributed
// and co-located by video_id, so that every per-video join (videos with
// their tags, events and outcomes) runs on the workers, shard by shard.
// tag_days has no video_id: it is keyed by tag, and an investigation reads
// the rows of a few tags, so it is distributed by tag (a router query to
// the shards of those tags) rather than a reference table, which every
// import would write in full to every worker though it grows with tags x
// days. rejects follow their import. The small tables the investigators
// write (tag sets, samples, labels, term lists, watches, alerts) and the
// import bookkeeping are reference tables: one copy on every worker, so
// that joining them to a distributed table stays on the workers.
var (
	citusByVideo   = []string{"videos", "moderation_events", "video_tags", "video_outcomes", "views_daily"}
	citusOther     = [][2]string{{"tag_days", "tag"}, {"tag_spellings", "tag"}, {"rejects", "import_id"}, {"search_daily", "query"}}
	citusReference = []string{"trendlab_meta", "imports", "unfinished_imports", "tag_sets", "tag_set_variants", "samples", "sample_members", "labels", "term_lists", "term_list_terms", "watches", "alerts", "interventions"}
)

// citusAfter[v] distributes the tables that migration v -> v+1 adds, on a
// Citus workspace made before it (a new one is distributed whole).
var citusAfter = map[int][]string{
	10: {`SELECT create_distributed_table('tag_spellings', 'tag', colocate_with => 'none')`},
}

// citusStatements distributes the schema's tables: run once, on the
// coordinator, right after pgSchema created them empty.
func citusStatements() []string {
	// One connection per worker for the whole transaction: creating
	// distributed and reference tables together in one transaction block
	// can otherwise fail for want of the connection that made a shard
	// (Citus's advice; the tables are empty, which sequential mode needs).
	out := []string{`SET LOCAL citus.multi_shard_modify_mode TO 'sequential'`}
	for i, t := range citusByVideo {
		colocate := "'videos'"
		if i == 0 {
			colocate = "'default'"
		}
		out = append(out, fmt.Sprintf(`SELECT create_distributed_table('%s', 'video_id', colocate_with => %s)`, t, colocate))
	}
	for _, tc := range citusOther {
		out = append(out, fmt.Sprintf(`SELECT create_distributed_table('%s', '%s', colocate_with => 'none')`, tc[0], tc[1]))
	}
	for _, t := range citusReference {
		out = append(out, fmt.Sprintf(`SELECT create_reference_table('%s')`, t))
	}
	return out
}

// pgMigrate creates the schema in an empty database, or brings an older
// one up to SchemaVersion, each step in a transaction under an advisory
// lock (several trendlab processes may open the database at once).
func pgMigrate(ctx context.Context, db *sql.DB, citus bool) error {
	if pgSchemaVersion0+len(pgMigrations) != SchemaVersion {
		return fmt.Errorf("this trendlab's PostgreSQL schema is at version %d, its DuckDB schema at %d: a build error", pgSchemaVersion0+len(pgMigrations), SchemaVersion)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('trendlab schema'))`); err != nil {
		return err
	}
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT to_regclass('trendlab_meta') IS NOT NULL`).Scan(&exists); err != nil {
		return err
	}
	version := 0
	if exists {
		if err := tx.QueryRowContext(ctx, `SELECT value::int FROM trendlab_meta WHERE key = 'schema_version'`).Scan(&version); err != nil {
			return fmt.Errorf("reading workspace schema version: %w", err)
		}
	}
	if version > SchemaVersion {
		return fmt.Errorf("workspace schema version %d is newer than this trendlab understands (%d): upgrade trendlab", version, SchemaVersion)
	}
	if version == SchemaVersion {
		return nil
	}
	steps := []string{}
	fresh := version == 0
	if fresh {
		steps = append(steps, pgSchema)
		version = pgSchemaVersion0
	} else if version < pgSchemaVersion0 {
		return fmt.Errorf("workspace schema version %d predates PostgreSQL workspaces (%d)", version, pgSchemaVersion0)
	}
	// A new database is distributed once every migration has made its
	// tables; an older Citus workspace gets the tables a migration adds
	// distributed as that migration says (citusAfter), on one connection
	// per worker as citusStatements does.
	if citus && !fresh {
		steps = append(steps, citusStatements()[0])
	}
	steps = append(steps, pgMigrations[version-pgSchemaVersion0:]...)
	if fresh && citus {
		steps = append(steps, citusStatements()...)
	} else if citus {
		for v := version; v < SchemaVersion; v++ {
			steps = append(steps, citusAfter[v]...)
		}
	}
	for _, q := range steps {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("migrating workspace schema to %d: %w", SchemaVersion, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO trendlab_meta VALUES ('schema_version', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.Itoa(SchemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}
