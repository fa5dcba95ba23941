package datasets

import (
	"context"
	"database/sql"
	"fmt"
)

// importScoped lists the tables whose every row carries the import_id of
// the import that loaded it (or derived it from that import's rows):
// discardUnfinished deletes from each. A new kind of imported file adds
// its table here.
var importScoped = append([]string{"videos", "moderation_events", "rejects", "video_tags", "video_tag_lists", "tag_days", "video_days", "tag_spellings", "imports"}, optionalDataTables...)

// discardUnfinished removes every row of the imports listed in
// unfinished_imports (imports that stopped before their last commit) and
// returns their files. It commits twice, the rows and then the list, so
// that a kill in between leaves the list for the next open to finish.
func discardUnfinished(ctx context.Context, db *sql.DB) ([]string, error) {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM unfinished_imports`).Scan(&n); err != nil || n == 0 {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT file FROM imports WHERE import_id IN (SELECT import_id FROM unfinished_imports) ORDER BY import_id`)
	if err != nil {
		return nil, err
	}
	var files []string
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			rows.Close()
			return nil, err
		}
		files = append(files, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, table := range importScoped {
		if _, err := execT(ctx, tx, `DELETE FROM `+table+` WHERE import_id IN (SELECT import_id FROM unfinished_imports)`); err != nil {
			return nil, fmt.Errorf("removing an unfinished import from %s: %w", table, err)
		}
	}
	// video_outcomes mixes imports: rebuilt whole, which an interrupted
	// import is rare enough to afford.
	if err := refreshVideoOutcomes(ctx, tx); err != nil {
		return nil, err
	}
	if err := commitT(tx, "of the removal of unfinished imports"); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM unfinished_imports`); err != nil {
		return nil, err
	}
	return files, nil
}
