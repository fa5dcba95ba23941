package datasets

import (
	"context"
	"fmt"
)

// tag_spellings is a pre-aggregate the import keeps beside tag_days: per
// import, normalised tag and spelling as written, the hashtag occurrences.
// Variant discovery lists the distinct tags and counts each candidate's
// spellings from it (thousands of rows) instead of from video_tags (240M
// rows at 100M videos). Occurrences add up across imports, as tag_days'
// videos do.

// tagSpellingsMigration is migration 10 -> 11 (schema.go): the table, and
// video_outcomes.first_report_at (outcomesSQL), filled from the rows a
// workspace holds.
const tagSpellingsMigration = `
CREATE TABLE tag_spellings (
	import_id   INTEGER NOT NULL,
	tag         VARCHAR NOT NULL,
	tag_raw     VARCHAR NOT NULL,
	occurrences BIGINT NOT NULL
);
` + tagSpellingsFill + `
ALTER TABLE video_outcomes ADD COLUMN first_report_at TIMESTAMP;
` + firstReportFill

// tagSpellingsFill counts tag_spellings whole from video_tags.
const tagSpellingsFill = `INSERT INTO tag_spellings
	SELECT import_id, tag, tag_raw, count(*) FROM video_tags WHERE import_id IS NOT NULL
	GROUP BY import_id, tag, tag_raw;
`

// firstReportFill sets video_outcomes.first_report_at on the rows of a
// workspace made before the column (outcomesSQL computes it since).
const firstReportFill = `UPDATE video_outcomes SET first_report_at = r.at FROM (
	SELECT video_id, policy, min(event_time) AS at FROM moderation_events
	WHERE event_type = 'report' GROUP BY video_id, policy) r
WHERE r.video_id = video_outcomes.video_id AND r.policy = video_outcomes.policy;
`

// addTagSpellings counts the spellings of one import's video_tags rows,
// which the import has just written (a pass over the import's own rows).
func addTagSpellings(ctx context.Context, tx execer, importID int64) error {
	if _, err := execT(ctx, tx, `INSERT INTO tag_spellings
		SELECT import_id, tag, tag_raw, count(*) FROM video_tags WHERE import_id = ?
		GROUP BY import_id, tag, tag_raw`, importID); err != nil {
		return fmt.Errorf("counting the spellings of each tag: %w", err)
	}
	return nil
}
