package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// deriveTables is the import's third commit: hashtags, tag_days and
// video_outcomes from the committed files, and the workspace totals.
func deriveTables(ctx context.Context, ws *Workspace, sum *ImportSummary, progress func(Progress)) error {
	tx, err := ws.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	progress(Progress{Phase: "tags"})
	var ids []int64
	for _, f := range sum.Files {
		if f.Skipped != "" {
			continue
		}
		ids = append(ids, f.ImportID)
		if f.Kind != "videos" {
			continue
		}
		empty, err := loadTags(ctx, tx, f.ImportID, f.TagsFrom == "caption")
		if err != nil {
			return fmt.Errorf("normalising hashtags: %w", err)
		}
		if err := addTagSpellings(ctx, tx, f.ImportID); err != nil {
			return err
		}
		if err := addVideoDays(ctx, tx, f.ImportID); err != nil {
			return err
		}
		sum.EmptyTags += empty
	}
	progress(Progress{Phase: "outcomes"})
	outStart := time.Now()
	adopted, added, err := refreshOutcomesFor(ctx, tx, ids)
	if err != nil {
		return err
	}
	traced(outStart, "refresh video_outcomes")
	totalsStart := time.Now()
	if err := workspaceTotals(ctx, tx, sum, ids, adopted, added); err != nil {
		return err
	}
	traced(totalsStart, "workspace totals")
	progress(Progress{Phase: "committing"})
	if err := commitT(tx, "of the derived tables"); err != nil {
		return fmt.Errorf("committing the import: %w", err)
	}
	return nil
}

// workspaceTotals fills sum.Workspace. Counting orphan_events is an anti
// join of every event against every video, seconds at 100M videos, so the
// count is kept in trendlab_meta with the table sizes it was taken at, and
// each import moves it by what it changed: plus its events that have no
// video, minus the earlier orphans whose video it brings (adopted, found
// by refreshOutcomesFor, which counts the first too, unless added is -1).
// When the stored sizes are not the tables' sizes
// before this import (an unfinished import was removed, a fixture wrote
// rows, a workspace from before the count was kept), it is counted whole.
func workspaceTotals(ctx context.Context, tx *sql.Tx, sum *ImportSummary, ids []int64, adopted, added int64) error {
	w := &sum.Workspace
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM videos), (SELECT count(*) FROM moderation_events),
		(SELECT count(*) FROM rejects)`).Scan(&w.Videos, &w.Events, &w.Rejects); err != nil {
		return err
	}
	var stored string
	var atVideos, atEvents int64
	err := tx.QueryRowContext(ctx, `SELECT value FROM trendlab_meta WHERE key = 'orphan_events'`).Scan(&stored)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	n, _ := fmt.Sscanf(stored, "%d %d %d", &w.OrphanEvents, &atVideos, &atEvents)
	if n == 3 && atVideos == w.Videos-sum.VideosLoaded && atEvents == w.Events-sum.EventsLoaded {
		if added < 0 {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM moderation_events e LEFT JOIN videos v USING (video_id)
				WHERE e.import_id IN `+idList(ids)+` AND v.video_id IS NULL`).Scan(&added); err != nil {
				return fmt.Errorf("counting orphan events: %w", err)
			}
		}
		w.OrphanEvents += added - adopted
	} else if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM orphan_events`).Scan(&w.OrphanEvents); err != nil {
		return fmt.Errorf("counting orphan events: %w", err)
	}
	_, err = execT(ctx, tx, `INSERT OR REPLACE INTO trendlab_meta VALUES ('orphan_events', ?)`,
		fmt.Sprintf("%d %d %d", w.OrphanEvents, w.Videos, w.Events))
	return err
}

// loadTags fills video_tags for the videos of one import: each hashtag token
// as written and normalised. It returns how many tokens normalised to
// nothing (such as a lone "#"); they stay, as written, in videos.hashtags.
func loadTags(ctx context.Context, tx *sql.Tx, importID int64, fromCaption bool) (int64, error) {
	list := rawTagsSQL(fromCaption)
	occurrences := fmt.Sprintf(`SELECT video_id, created_at, unnest(%[1]s) AS tag_raw, generate_subscripts(%[1]s, 1) AS position
		FROM videos WHERE import_id = %[2]d`, list, importID)
	if _, err := execT(ctx, tx, "DROP TABLE IF EXISTS tl_tagnorm"); err != nil {
		return 0, err
	}
	if _, err := execT(ctx, tx, `CREATE TEMP TABLE tl_tagnorm (tag_raw VARCHAR, tag VARCHAR)`); err != nil {
		return 0, err
	}
	// Only the distinct raw tags come into Go, to be normalised.
	defer traced(time.Now(), "hashtags of import (all steps)")
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT tag_raw FROM (`+occurrences+`) WHERE tag_raw IS NOT NULL`)
	if err != nil {
		return 0, err
	}
	var raws []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return 0, err
		}
		raws = append(raws, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(raws) == 0 {
		return 0, nil
	}
	anyEmpty := false // does some raw tag normalise to nothing?
	norms := make([]string, len(raws))
	for i, r := range raws {
		norms[i] = NormalizeTag(r)
		anyEmpty = anyEmpty || norms[i] == ""
	}
	// Two lists in one statement: binding a pair of parameters per tag
	// cost more than normalising them.
	if _, err := execT(ctx, tx, `INSERT INTO tl_tagnorm SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[])`, raws, norms); err != nil {
		return 0, err
	}
	if err := addTagLists(ctx, tx, importID, list, anyEmpty); err != nil {
		return 0, err
	}
	if err := addTagDays(ctx, tx, importID); err != nil {
		return 0, err
	}
	// Compressing the video ids of video_tags with FSST takes 1.4 of the
	// 7.5 s it takes to write 24M rows; without it they are stored as a
	// dictionary, in 60% more space (70 MB at 10M videos).
	if _, err := execT(ctx, tx, `SET disabled_compression_methods = 'fsst'`); err != nil {
		return 0, err
	}
	_, err = execT(ctx, tx, `INSERT INTO video_tags (video_id, position, tag_raw, tag, from_caption, import_id)
		SELECT t.video_id, t.position, t.tag_raw, n.tag, ?, ?
		FROM (`+occurrences+`) t JOIN tl_tagnorm n USING (tag_raw) WHERE n.tag <> ''`, fromCaption, importID)
	if _, rerr := execT(ctx, tx, `RESET disabled_compression_methods`); err == nil {
		err = rerr
	}
	if err != nil {
		return 0, err
	}
	var empty int64
	if !anyEmpty {
		return 0, nil // no need to count them over every occurrence
	}
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+occurrences+`) JOIN tl_tagnorm n USING (tag_raw) WHERE n.tag = ''`).Scan(&empty)
	return empty, err
}
