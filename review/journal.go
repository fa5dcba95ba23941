package review

// The label journal: how a reviewer labels while other processes read.
//
// DuckDB lets one process open a workspace file for writing, or any number
// of processes open it read-only, never both. A reviewer labelling in the
// terminal UI for hours must not lock everyone else out, and must not wait
// for them either. So the TUI opens the workspace read-only, like every
// reader, and a label given on a read-only workspace is appended to a
// journal beside it, <workspace>.labels.jsonl:
//
//   - one JSON line per label (sample, video, reviewer, label, note, reason,
//     labelled_at), written under an exclusive flock and fsync'd before
//     Label returns, so a label survives a crash and two labellers (two
//     TUIs, a TUI and `sample label`) never interleave their lines;
//   - every reader of labels in this package (estimates, progress, history,
//     agreement, export, summary) reads the journal under a shared flock,
//     held only while the file is read, and merges its lines with the labels
//     table in the query (CTEs named labels and current_labels shadow the
//     table and the view), so reading waits at most for one append, never
//     for the labeller;
//   - a writable open applies the journal (ApplyJournal): under the
//     exclusive flock it inserts the lines not yet in the table in one
//     transaction, commits, then truncates the file. A crash between the
//     commit and the truncation leaves lines that are already in the table;
//     the next apply skips them (same sample, video, reviewer and time), so
//     nothing is lost or counted twice. A writable open excludes every
//     other process, so no label is appended while it applies.
//
// SQL run directly against the labels table (trendlab sql, saved queries)
// sees journalled labels once a writable open has applied them.

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// journalEntry is one line of the journal.
type journalEntry struct {
	SampleID   int64  `json:"sample_id"`
	VideoID    string `json:"video_id"`
	Reviewer   string `json:"reviewer"`
	Label      string `json:"label"`
	Note       string `json:"note"`
	Reason     string `json:"reason"`
	LabelledAt string `json:"labelled_at"` // UTC, journalTime's layout
}

// journalTime is how labelled_at is written: a TIMESTAMP literal DuckDB
// reads exactly (microseconds, UTC, no zone).
const journalTime = "2006-01-02 15:04:05.000000"

// JournalPath is the label journal of the workspace at path; "" for a
// workspace that is not a file.
func JournalPath(ws *datasets.Workspace) string {
	if ws.Path == "" || strings.Contains(ws.Path, ":memory:") || ws.Dialect == datasets.Postgres {
		return ""
	}
	return ws.Path + ".labels.jsonl"
}

// lockedJournal opens the journal (creating it if create) and takes an
// flock of the given kind (syscall.LOCK_SH or LOCK_EX). A missing journal
// without create is (nil, nil).
func lockedJournal(path string, create bool, how int) (*os.File, error) {
	flags := os.O_RDWR
	if create {
		flags |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, os.ErrNotExist) && !create {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening the label journal: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking the label journal %s: %w", path, err)
	}
	return f, nil
}

func unlockJournal(f *os.File) {
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()
}

// readEntries reads the journal's complete lines from the start. A last
// line without its newline (a writer that died mid-write) is ignored.
func readEntries(f *os.File) ([]journalEntry, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	var out []journalEntry
	r := bufio.NewReader(f)
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return out, nil // b is empty or a torn last line
		}
		if err != nil {
			return nil, fmt.Errorf("reading the label journal %s: %w", f.Name(), err)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		var e journalEntry
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, fmt.Errorf("label journal %s, line %d: %w (move the file aside and tell us; the labels table is intact)", f.Name(), line, err)
		}
		out = append(out, e)
	}
}

// journalEntries reads the journal under a shared lock (nil when there is
// none).
func journalEntries(ws *datasets.Workspace) ([]journalEntry, error) {
	path := JournalPath(ws)
	if path == "" {
		return nil, nil
	}
	f, err := lockedJournal(path, false, syscall.LOCK_SH)
	if f == nil || err != nil {
		return nil, err
	}
	defer unlockJournal(f)
	return readEntries(f)
}

// journalRows is the SQL that turns the journal, bound as one JSON
// parameter, into rows shaped like the labels table.
const journalRows = `SELECT j.sample_id::INTEGER AS sample_id, j.video_id, j.reviewer, j.label,
		nullif(j.note, '') AS note, nullif(j.reason, '') AS reason, j.labelled_at::TIMESTAMP AS labelled_at
	FROM (SELECT unnest(from_json(?, '[{"sample_id":"BIGINT","video_id":"VARCHAR","reviewer":"VARCHAR","label":"VARCHAR","note":"VARCHAR","reason":"VARCHAR","labelled_at":"VARCHAR"}]'), recursive := true)) j`

// withJournal rewrites a query over labels and current_labels so that both
// include the journal's labels, and prepends the journal's parameter to
// args. Without a journal the query is unchanged.
func withJournal(ws *datasets.Workspace, query string, args []any) (string, []any, error) {
	entries, err := journalEntries(ws)
	if err != nil || len(entries) == 0 {
		return query, args, err
	}
	b, err := json.Marshal(entries)
	if err != nil {
		return "", nil, err
	}
	ctes := `labels AS (SELECT sample_id, video_id, reviewer, label, note, reason, labelled_at FROM main.labels
	UNION ALL ` + journalRows + `),
current_labels AS (SELECT * EXCLUDE (rn) FROM (
	SELECT *, row_number() OVER (PARTITION BY sample_id, video_id, reviewer ORDER BY labelled_at DESC) AS rn
	FROM labels) WHERE rn = 1)`
	trimmed := strings.TrimSpace(query)
	if len(trimmed) > 5 && strings.EqualFold(trimmed[:5], "WITH ") {
		query = "WITH " + ctes + ",\n" + trimmed[5:]
	} else {
		query = "WITH " + ctes + "\n" + trimmed
	}
	return query, append([]any{string(b)}, args...), nil
}

// queryLabels runs a query that reads labels, with the journal merged.
func queryLabels(ctx context.Context, ws *datasets.Workspace, query string, args ...any) (*sql.Rows, error) {
	q, a, err := withJournal(ws, query, args)
	if err != nil {
		return nil, err
	}
	return ws.Params(ws.DB).QueryContext(ctx, q, a...)
}

// scanLabelsRow runs a one-row query that reads labels, with the journal
// merged, and scans it.
func scanLabelsRow(ctx context.Context, ws *datasets.Workspace, query string, args []any, dst ...any) error {
	q, a, err := withJournal(ws, query, args)
	if err != nil {
		return err
	}
	return ws.Params(ws.DB).QueryRowContext(ctx, q, a...).Scan(dst...)
}

// journalLabel appends a label to the journal of a read-only workspace.
// The caller has checked the sample, the label and the membership.
func journalLabel(ctx context.Context, ws *datasets.Workspace, r LabelRecord) (LabelRecord, error) {
	path := JournalPath(ws)
	if ws.Dialect == datasets.Postgres {
		// A server takes every reviewer's labels at once: no journal.
		return r, fmt.Errorf("%w: labels on a server workspace are written to it directly; open it writable", datasets.ErrReadOnly)
	}
	if path == "" {
		return r, errors.New("an in-memory workspace opened read-only cannot take labels")
	}
	f, err := lockedJournal(path, true, syscall.LOCK_EX)
	if err != nil {
		return r, err
	}
	defer unlockJournal(f)
	// The latest row must stay the current label: never earlier than one
	// microsecond after the reviewer's previous label of the member, in the
	// table or in the journal.
	entries, err := readEntries(f)
	if err != nil {
		return r, err
	}
	var prev time.Time
	var at *time.Time
	if err := ws.Params(ws.DB).QueryRowContext(ctx, `SELECT max(labelled_at) FROM main.labels WHERE sample_id = ? AND video_id = ? AND reviewer = ?`,
		r.SampleID, r.VideoID, r.Reviewer).Scan(&at); err != nil {
		return r, fmt.Errorf("saving the label: %w", err)
	}
	if at != nil {
		prev = at.UTC()
	}
	for _, e := range entries {
		if e.SampleID == r.SampleID && e.VideoID == r.VideoID && e.Reviewer == r.Reviewer {
			if t, err := time.Parse(journalTime, e.LabelledAt); err == nil && t.After(prev) {
				prev = t
			}
		}
	}
	r.LabelledAt = time.Now().UTC().Truncate(time.Microsecond)
	if !prev.IsZero() && !r.LabelledAt.After(prev) {
		r.LabelledAt = prev.Add(time.Microsecond)
	}
	line, err := json.Marshal(journalEntry{SampleID: r.SampleID, VideoID: r.VideoID, Reviewer: r.Reviewer, Label: r.Label,
		Note: r.Note, Reason: r.Reason, LabelledAt: r.LabelledAt.Format(journalTime)})
	if err != nil {
		return r, err
	}
	if _, err := f.Seek(0, io.SeekEnd); err != nil {
		return r, err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		return r, fmt.Errorf("saving the label to the journal %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return r, fmt.Errorf("saving the label to the journal %s: %w", path, err)
	}
	return r, nil
}

// ApplyJournal moves the journal's labels into the labels table of a
// writable workspace and empties the journal; it returns how many labels it
// added. On a read-only workspace it does nothing.
func ApplyJournal(ctx context.Context, ws *datasets.Workspace) (int, error) {
	path := JournalPath(ws)
	if ws.ReadOnly || path == "" {
		return 0, nil
	}
	f, err := lockedJournal(path, false, syscall.LOCK_EX)
	if f == nil || err != nil {
		return 0, err
	}
	defer unlockJournal(f)
	entries, err := readEntries(f)
	if err != nil || len(entries) == 0 {
		return 0, err
	}
	b, err := json.Marshal(entries)
	if err != nil {
		return 0, err
	}
	res, err := ws.Params(ws.DB).ExecContext(ctx, `INSERT INTO labels (sample_id, video_id, reviewer, label, note, reason, labelled_at)
		SELECT * FROM (`+journalRows+`) j
		WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.sample_id = j.sample_id AND l.video_id = j.video_id
			AND l.reviewer = j.reviewer AND l.labelled_at = j.labelled_at)`, string(b))
	if err != nil {
		return 0, fmt.Errorf("applying the label journal %s: %w", path, err)
	}
	n, _ := res.RowsAffected()
	// Committed (one statement); now the journal's lines are in the table.
	if err := f.Truncate(0); err != nil {
		return int(n), fmt.Errorf("emptying the label journal %s after applying it: %w", path, err)
	}
	return int(n), f.Sync()
}
