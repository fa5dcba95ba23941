package review

// Export of a sample's members with their labels.

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// ExportSampleCSV writes the members of a sample in review order with
// every reviewer's current label, one row per member and reviewer (a member
// nobody labelled has one row with empty label columns). Columns:
// position, video_id, stratum, weight, reviewer, label, note, reason,
// labelled_at (RFC 3339, UTC), earlier_notes.
//
// note is the note given with the current label. A re-label does not erase
// the notes given before it: they stay in the audit trail (the labels
// table), and earlier_notes lists them, oldest first, as
// "LABEL TIME: NOTE" joined by " | ", so an export never hides a note that
// was written.
func ExportSampleCSV(ctx context.Context, ws *datasets.Workspace, sampleID int64, w io.Writer) error {
	at := `strftime(l.labelled_at, '%Y-%m-%dT%H:%M:%S.%fZ')`
	if ws.Dialect == datasets.Postgres {
		at = `to_char(l.labelled_at, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
	}
	rows, err := queryLabels(ctx, ws, `SELECT m.position, m.video_id, m.stratum, m.weight,
			coalesce(c.reviewer, ''), coalesce(c.label, ''), coalesce(c.note, ''), coalesce(c.reason, ''), c.labelled_at,
			coalesce((SELECT string_agg(l.label || ' ' || `+at+` || ': ' || l.note, ' | ' ORDER BY l.labelled_at)
				FROM labels l WHERE l.sample_id = c.sample_id AND l.video_id = c.video_id AND l.reviewer = c.reviewer
					AND l.labelled_at < c.labelled_at AND coalesce(l.note, '') <> ''), '')
		FROM sample_members m
		LEFT JOIN current_labels c ON c.sample_id = m.sample_id AND c.video_id = m.video_id
		WHERE m.sample_id = ? ORDER BY m.position, c.reviewer`, sampleID)
	if err != nil {
		return fmt.Errorf("exporting the sample: %w", err)
	}
	defer rows.Close()
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"position", "video_id", "stratum", "weight", "reviewer", "label", "note", "reason", "labelled_at", "earlier_notes"}); err != nil {
		return err
	}
	for rows.Next() {
		var pos int64
		var vid, stratum, reviewer, label, note, reason, earlier string
		var weight float64
		var at sql.NullTime
		if err := rows.Scan(&pos, &vid, &stratum, &weight, &reviewer, &label, &note, &reason, &at, &earlier); err != nil {
			return err
		}
		ts := ""
		if at.Valid {
			ts = at.Time.UTC().Format(time.RFC3339Nano)
		}
		if err := cw.Write([]string{strconv.FormatInt(pos, 10), vid, stratum,
			strconv.FormatFloat(weight, 'g', -1, 64), reviewer, label, note, reason, ts, earlier}); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
