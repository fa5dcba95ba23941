package datasets

// Per-video tag lists: DuckDB's access path to a tag set's videos and the
// tags they carry.
//
// Finding a tag set's videos in video_tags and then their other tags took
// two passes over every (video, tag) row, each joining string video ids:
// at 100M videos 15 s to collect the set's videos (and their creation day
// from videos) and 10 s for the related tags. video_tag_lists keeps, per
// video with at least one tag, its creation day and the distinct ids of
// its normalised tags (tags gives each normalised tag an integer id), so
// one scan of integer lists finds the set's videos, their day and all
// their tags, with no join. The import writes both tables; tag_days is
// counted from the lists.
//
// PostgreSQL answers the same questions from its index on video_tags(tag)
// and does not keep these two tables (schema_pg.go).

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// tagListsMigration is migration 11 -> 12 (schema.go); fillTagLists
// fills the tables from the workspace's imports.
const tagListsMigration = `
CREATE TABLE tags (
	tag_id INTEGER NOT NULL,
	tag    VARCHAR NOT NULL
);
CREATE TABLE video_tag_lists (
	video_id  VARCHAR NOT NULL,
	day       DATE NOT NULL,      -- CAST(videos.created_at AS DATE)
	import_id INTEGER NOT NULL,
	tag_ids   INTEGER[] NOT NULL  -- distinct, each a tags.tag_id
);
`

// HasTagIDSQL is the condition that a video_tag_lists row holds one of
// the tag ids, written in as integers (they are the workspace's own; a
// bound list is evaluated per row, twice as slow); false for no ids.
func HasTagIDSQL(ids []int64) string {
	if len(ids) == 0 {
		return "false"
	}
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return "len(list_filter(tag_ids, x -> x IN (" + strings.Join(s, ", ") + "))) > 0"
}

// DuckDBOnlyTables are the tables of a DuckDB workspace that a PostgreSQL
// one answers for otherwise (by an index), and so does not have.
var DuckDBOnlyTables = []string{"tags", "video_tag_lists", "video_days"}

// rawTagsSQL is the SQL of a video's raw tags: its hashtags, or the
// #words of its caption for an export whose tags are in the caption.
func rawTagsSQL(fromCaption bool) string {
	if fromCaption {
		return `regexp_extract_all(caption, '#[^\s#]+')`
	}
	return "hashtags"
}

// addTagLists gives the normalised tags of one import that are new to the
// workspace their ids and writes the import's video_tag_lists rows.
// tl_tagnorm holds every distinct raw tag of the import with its
// normalised form; list is rawTagsSQL. A raw tag is cast to an ENUM type
// of the import's raw tags, whose code indexes the list of their tag ids,
// so that no string is joined per occurrence. anyEmpty says whether some
// raw tag normalises to nothing (id 0, then filtered out of the lists: a
// pass over every list that an import without such tags is spared).
func addTagLists(ctx context.Context, tx execer, importID int64, list string, anyEmpty bool) error {
	ids := "list_distinct(list_transform(CAST(" + list + " AS tl_raw_tag[]), x -> getvariable('tl_tag_ids')[enum_code(x) + 1]))"
	if anyEmpty {
		ids = "list_filter(" + ids + ", x -> x > 0)"
	}
	for _, q := range []string{
		`INSERT INTO tags
			SELECT (SELECT coalesce(max(tag_id), 0) FROM tags) + row_number() OVER (ORDER BY tag), tag
			FROM (SELECT DISTINCT tag FROM tl_tagnorm WHERE tag <> '' EXCEPT SELECT tag FROM tags)`,
		`DROP TABLE IF EXISTS tl_tagids`,
		// Id 0 stands for a tag that normalises to nothing; it is dropped.
		`CREATE TEMP TABLE tl_tagids AS
			SELECT n.tag_raw, coalesce(t.tag_id, 0) AS tag_id FROM tl_tagnorm n LEFT JOIN tags t USING (tag)`,
		`DROP TYPE IF EXISTS tl_raw_tag`,
		`CREATE TYPE tl_raw_tag AS ENUM (SELECT tag_raw FROM tl_tagids)`,
		`SET VARIABLE tl_tag_ids = (SELECT list(tag_id ORDER BY enum_code(CAST(tag_raw AS tl_raw_tag))) FROM tl_tagids)`,
		fmt.Sprintf(`INSERT INTO video_tag_lists
			SELECT video_id, day, %[1]d, tag_ids FROM (
				SELECT video_id, CAST(created_at AS DATE) AS day, %[2]s AS tag_ids
				FROM videos WHERE import_id = %[1]d)
			WHERE len(tag_ids) > 0`, importID, ids),
		`DROP TYPE tl_raw_tag`,
		`RESET VARIABLE tl_tag_ids`,
		`DROP TABLE tl_tagids`,
	} {
		if _, err := execT(ctx, tx, q); err != nil {
			return fmt.Errorf("listing each video's tags: %w", err)
		}
	}
	return nil
}

// addTagDays counts, per normalised tag and day of creation, the videos of
// one import that carry the tag, from its video_tag_lists rows (a video's
// list holds each tag once however many spellings it has).
func addTagDays(ctx context.Context, tx execer, importID int64) error {
	_, err := execT(ctx, tx, fmt.Sprintf(`INSERT INTO tag_days
		SELECT %[1]d, t.tag, g.day, g.videos FROM (
			SELECT day, tag_id, count(*) AS videos
			FROM (SELECT day, unnest(tag_ids) AS tag_id FROM video_tag_lists WHERE import_id = %[1]d)
			GROUP BY ALL) g
		JOIN tags t USING (tag_id)`, importID))
	if err != nil {
		return fmt.Errorf("counting videos per tag and day: %w", err)
	}
	return nil
}

// tagListsFromVideoTags rebuilds tags and video_tag_lists whole from
// video_tags, for RefreshOutcomes (test fixtures write video_tags by
// hand, without hashtags in videos).
var tagListsFromVideoTags = []string{
	`DELETE FROM video_tag_lists`,
	`DELETE FROM tags`,
	`INSERT INTO tags SELECT row_number() OVER (ORDER BY tag), tag FROM (SELECT DISTINCT tag FROM video_tags)`,
	`INSERT INTO video_tag_lists
		SELECT t.video_id, CAST(v.created_at AS DATE), v.import_id, list(DISTINCT g.tag_id ORDER BY g.tag_id)
		FROM video_tags t JOIN tags g USING (tag) JOIN videos v USING (video_id)
		GROUP BY t.video_id, v.created_at, v.import_id`,
}

// fillTagLists fills tags and video_tag_lists for a workspace made before
// them (migration 12), import by import as the import does: from each
// videos import's normalised spellings (tag_spellings) and its videos'
// hashtags, or their captions for an import whose tags came from them.
func fillTagLists(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT i.import_id,
		coalesce((SELECT bool_or(from_caption) FROM video_tags t WHERE t.import_id = i.import_id), false)
		FROM imports i WHERE i.kind = 'videos' ORDER BY i.import_id`)
	if err != nil {
		return err
	}
	type videosImport struct {
		id          int64
		fromCaption bool
	}
	var imports []videosImport
	for rows.Next() {
		var i videosImport
		if err := rows.Scan(&i.id, &i.fromCaption); err != nil {
			rows.Close()
			return err
		}
		imports = append(imports, i)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, i := range imports {
		list := rawTagsSQL(i.fromCaption)
		// tag_spellings has every raw tag that normalises to a tag; the
		// others normalise to nothing.
		for _, q := range []string{
			`DROP TABLE IF EXISTS tl_tagnorm`,
			fmt.Sprintf(`CREATE TEMP TABLE tl_tagnorm AS
				SELECT r.tag_raw, coalesce(s.tag, '') AS tag
				FROM (SELECT DISTINCT unnest(%[2]s) AS tag_raw FROM videos WHERE import_id = %[1]d) r
				LEFT JOIN (SELECT DISTINCT tag_raw, tag FROM tag_spellings WHERE import_id = %[1]d) s USING (tag_raw)
				WHERE r.tag_raw IS NOT NULL`, i.id, list),
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if err := addTagLists(ctx, tx, i.id, list, true); err != nil {
			return fmt.Errorf("import %d: %w", i.id, err)
		}
	}
	_, err = tx.ExecContext(ctx, `DROP TABLE IF EXISTS tl_tagnorm`)
	return err
}
