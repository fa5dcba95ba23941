package datasets

import (
	"context"
	"fmt"
)

// videoDaysMigration is part of migration 12 -> 13 on DuckDB (schema.go):
// per import and day of creation, how many videos. An investigation's
// daily totals read it instead of every video's created_at (0.7 s at 100M
// videos). PostgreSQL counts from videos, with its index on created_at.
const videoDaysMigration = `
CREATE TABLE video_days (
	import_id INTEGER NOT NULL,
	day       DATE NOT NULL,    -- CAST(videos.created_at AS DATE)
	videos    BIGINT NOT NULL
);
` + videoDaysFill

// videoDaysCount counts videos per import and day into video_days; the
// caller adds which videos and the GROUP BY.
const videoDaysCount = `INSERT INTO video_days
	SELECT import_id, CAST(created_at AS DATE), count(*) FROM videos`

// videoDaysFill counts video_days whole from videos.
const videoDaysFill = videoDaysCount + ` GROUP BY ALL;
`

// addVideoDays counts the videos of one import per day, from the import's
// own rows (their import_id's zone maps skip the rest of the table).
func addVideoDays(ctx context.Context, tx execer, importID int64) error {
	if _, err := execT(ctx, tx, videoDaysCount+` WHERE import_id = ? GROUP BY ALL`, importID); err != nil {
		return fmt.Errorf("counting videos per day: %w", err)
	}
	return nil
}
