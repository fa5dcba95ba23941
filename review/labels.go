package review

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trendlab/trendlab/datasets"
)

// The default label names.
const (
	LabelEscalate     = "escalate"
	LabelViolating    = "violating"
	LabelNotViolating = "not_violating"
	LabelUnsure       = "unsure"
)

// LabelDef is one label a reviewer can give.
type LabelDef struct {
	// Name is what is stored in labels.label: lower-case letters, digits
	// and '_' (e.g. "not_violating").
	Name string `json:"name"`
	// Key is the single key that gives this label in the review screen.
	Key string `json:"key"`
	// Title is the label as shown to people.
	Title string `json:"title"`
	// Violating says the label also counts as "violating" in estimates.
	Violating bool `json:"violating,omitempty"`
}

// DefaultLabelSet is the label set of a sample that does not name one:
//
//	e escalate       violating, and needs escalation to law enforcement
//	v violating      violating
//	n not_violating  not violating
//	u unsure         the reviewer cannot decide
//
// escalate counts as violating: a reviewer escalates only content that
// violates and, beyond that, needs reporting, so the share of violating
// members is (escalate + violating) / labelled. unsure is a label like any
// other: it stays in the denominator, and its share says how much of the
// sample could not be decided.
func DefaultLabelSet() []LabelDef {
	return []LabelDef{
		{Name: LabelEscalate, Key: "e", Title: "escalate", Violating: true},
		{Name: LabelViolating, Key: "v", Title: "violating", Violating: true},
		{Name: LabelNotViolating, Key: "n", Title: "not violating"},
		{Name: LabelUnsure, Key: "u", Title: "unsure"},
	}
}

// ParseLabelSet reads a label set written as comma-separated name:key
// pairs, with a '!' after the key for labels that count as violating, e.g.
// "escalate:e!,violating:v!,not_violating:n,unsure:u".
func ParseLabelSet(s string) ([]LabelDef, error) {
	var out []LabelDef
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		name, key, ok := strings.Cut(item, ":")
		if !ok {
			return nil, fmt.Errorf("label set item %d %q: expected name:key, e.g. violating:v (add ! after the key if it counts as violating)", i+1, item)
		}
		d := LabelDef{Name: strings.TrimSpace(name), Key: strings.TrimSpace(key)}
		if strings.HasSuffix(d.Key, "!") {
			d.Key, d.Violating = strings.TrimSuffix(d.Key, "!"), true
		}
		d.Title = strings.ReplaceAll(d.Name, "_", " ")
		out = append(out, d)
	}
	if err := ValidateLabelSet(out); err != nil {
		return nil, err
	}
	return out, nil
}

// ValidateLabelSet checks names and keys: names non-empty, of lower-case
// letters, digits and '_', unique; keys one character, unique, not '?' or
// a space (kept for help and paging).
func ValidateLabelSet(set []LabelDef) error {
	if len(set) < 2 {
		return fmt.Errorf("a label set needs at least two labels (got %d)", len(set))
	}
	names := map[string]bool{}
	keys := map[string]bool{}
	for _, d := range set {
		if d.Name == "" {
			return errors.New("a label has an empty name")
		}
		for _, r := range d.Name {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				return fmt.Errorf("label name %q: use lower-case letters, digits and _ only", d.Name)
			}
		}
		if names[d.Name] {
			return fmt.Errorf("label %q appears twice in the label set", d.Name)
		}
		names[d.Name] = true
		if utf8.RuneCountInString(d.Key) != 1 || d.Key == "?" || d.Key == " " {
			return fmt.Errorf("label %q: its key %q must be one character, not ? or space", d.Name, d.Key)
		}
		if keys[d.Key] {
			return fmt.Errorf("key %q is given to two labels: each label needs its own key", d.Key)
		}
		keys[d.Key] = true
	}
	return nil
}

// LabelForKey returns the label a key gives in a label set.
func LabelForKey(set []LabelDef, key string) (LabelDef, bool) {
	for _, d := range set {
		if d.Key == key {
			return d, true
		}
	}
	return LabelDef{}, false
}

func findLabel(set []LabelDef, name string) (LabelDef, bool) {
	for _, d := range set {
		if d.Name == name {
			return d, true
		}
	}
	return LabelDef{}, false
}

func labelNames(set []LabelDef) string {
	var names []string
	for _, d := range set {
		names = append(names, d.Name)
	}
	return strings.Join(names, " / ")
}

// LabelRecord is one row of the audit trail.
type LabelRecord struct {
	SampleID   int64     `json:"sample_id"`
	VideoID    string    `json:"video_id"`
	Reviewer   string    `json:"reviewer"`
	Label      string    `json:"label"`
	Note       string    `json:"note,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	LabelledAt time.Time `json:"labelled_at"`
}

// Label records that reviewer gives label to the member videoID of a
// sample, with an optional note (about the video) and reason (for a change
// of label). It appends to the audit trail in one statement, committed when
// Label returns. The label must be in the sample's label set and the video
// a member of the sample.
//
// labelled_at is the current time, but never earlier than one microsecond
// after the reviewer's previous label on the same member, so that the
// latest row is always the current label even when the clock steps back.
func Label(ctx context.Context, ws *datasets.Workspace, sampleID int64, videoID, reviewer, label, note, reason string) (LabelRecord, error) {
	reviewer = strings.TrimSpace(reviewer)
	if reviewer == "" {
		return LabelRecord{}, ErrNoReviewer
	}
	s, err := sampleByID(ctx, ws.Params(ws.DB), sampleID)
	if err != nil {
		return LabelRecord{}, err
	}
	if _, ok := findLabel(s.Definition.Labels, label); !ok {
		return LabelRecord{}, fmt.Errorf("label %q is not in the label set of sample %q (expected: %s)", label, s.Name, labelNames(s.Definition.Labels))
	}
	if ws.ReadOnly {
		// Others may be reading: the label goes to the journal (journal.go).
		var member bool
		if err := ws.Params(ws.DB).QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sample_members WHERE sample_id = ? AND video_id = ?)`,
			sampleID, videoID).Scan(&member); err != nil {
			return LabelRecord{}, fmt.Errorf("saving the label: %w", err)
		}
		if !member {
			return LabelRecord{}, fmt.Errorf("video %q is not a member of sample %q", videoID, s.Name)
		}
		return journalLabel(ctx, ws, LabelRecord{SampleID: sampleID, VideoID: videoID, Reviewer: reviewer, Label: label, Note: note, Reason: reason})
	}
	// The journal first, so that its labels stay before this one.
	if _, err := ApplyJournal(ctx, ws); err != nil {
		return LabelRecord{}, err
	}
	now := time.Now().UTC()
	var at time.Time
	err = ws.Params(ws.DB).QueryRowContext(ctx, `INSERT INTO labels (sample_id, video_id, reviewer, label, note, reason, labelled_at)
		SELECT CAST(? AS INTEGER), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR),
			nullif(CAST(? AS VARCHAR), ''), nullif(CAST(? AS VARCHAR), ''),
			greatest(CAST(? AS TIMESTAMP), coalesce((SELECT max(labelled_at) + INTERVAL '1 microsecond' FROM labels
				WHERE sample_id = ? AND video_id = ? AND reviewer = ?), ?::TIMESTAMP))
		WHERE EXISTS (SELECT 1 FROM sample_members WHERE sample_id = ? AND video_id = ?)
		RETURNING labelled_at`,
		sampleID, videoID, reviewer, label, note, reason,
		now, sampleID, videoID, reviewer, now,
		sampleID, videoID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return LabelRecord{}, fmt.Errorf("video %q is not a member of sample %q: `trendlab sample export %s` lists the members", videoID, s.Name, s.Name)
	}
	if err != nil {
		return LabelRecord{}, fmt.Errorf("saving the label: %w", err)
	}
	return LabelRecord{SampleID: sampleID, VideoID: videoID, Reviewer: reviewer, Label: label,
		Note: note, Reason: reason, LabelledAt: at.UTC()}, nil
}

// LabelHistory returns every label given to a member of a sample, by any
// reviewer, oldest first.
func LabelHistory(ctx context.Context, ws *datasets.Workspace, sampleID int64, videoID string) ([]LabelRecord, error) {
	rows, err := queryLabels(ctx, ws, `SELECT sample_id, video_id, reviewer, label, coalesce(note, ''), coalesce(reason, ''), labelled_at
		FROM labels WHERE sample_id = ? AND video_id = ? ORDER BY labelled_at, reviewer`, sampleID, videoID)
	if err != nil {
		return nil, fmt.Errorf("reading label history: %w", err)
	}
	defer rows.Close()
	var out []LabelRecord
	for rows.Next() {
		var r LabelRecord
		if err := rows.Scan(&r.SampleID, &r.VideoID, &r.Reviewer, &r.Label, &r.Note, &r.Reason, &r.LabelledAt); err != nil {
			return nil, err
		}
		r.LabelledAt = r.LabelledAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// CurrentLabels returns a reviewer's current label per member video id.
func CurrentLabels(ctx context.Context, ws *datasets.Workspace, sampleID int64, reviewer string) (map[string]LabelRecord, error) {
	rows, err := queryLabels(ctx, ws, `SELECT sample_id, video_id, reviewer, label, coalesce(note, ''), coalesce(reason, ''), labelled_at
		FROM current_labels WHERE sample_id = ? AND reviewer = ?`, sampleID, reviewer)
	if err != nil {
		return nil, fmt.Errorf("reading current labels: %w", err)
	}
	defer rows.Close()
	out := map[string]LabelRecord{}
	for rows.Next() {
		var r LabelRecord
		if err := rows.Scan(&r.SampleID, &r.VideoID, &r.Reviewer, &r.Label, &r.Note, &r.Reason, &r.LabelledAt); err != nil {
			return nil, err
		}
		r.LabelledAt = r.LabelledAt.UTC()
		out[r.VideoID] = r
	}
	return out, rows.Err()
}

// NextUnlabelled returns the first position (1-based review order) of a
// member the reviewer has not labelled; ok is false when the reviewer has
// labelled every member. A review resumes there.
func NextUnlabelled(ctx context.Context, ws *datasets.Workspace, sampleID int64, reviewer string) (position int64, ok bool, err error) {
	var p sql.NullInt64
	if err := scanLabelsRow(ctx, ws, `SELECT min(m.position) FROM sample_members m
		WHERE m.sample_id = ? AND NOT EXISTS (SELECT 1 FROM labels l
			WHERE l.sample_id = m.sample_id AND l.video_id = m.video_id AND l.reviewer = ?)`,
		[]any{sampleID, reviewer}, &p); err != nil {
		return 0, false, fmt.Errorf("finding where to resume: %w", err)
	}
	return p.Int64, p.Valid, nil
}

// Progress is how far the review of a sample has come.
type Progress struct {
	Size     int64 `json:"size"`     // members
	Labelled int64 `json:"labelled"` // members with a label (by the reviewer, or by anyone)
	// Reviewers maps each reviewer to the number of members they labelled.
	Reviewers map[string]int64 `json:"reviewers"`
}

// Fraction is Labelled / Size (0 for an empty sample).
func (p Progress) Fraction() float64 {
	if p.Size == 0 {
		return 0
	}
	return float64(p.Labelled) / float64(p.Size)
}

// SampleProgress counts the members labelled by reviewer, or by anyone
// when reviewer is "".
func SampleProgress(ctx context.Context, ws *datasets.Workspace, sampleID int64, reviewer string) (Progress, error) {
	var p Progress
	if err := scanLabelsRow(ctx, ws, `SELECT count(*),
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM labels l WHERE l.sample_id = m.sample_id
				AND l.video_id = m.video_id AND (? = '' OR l.reviewer = ?)))
		FROM sample_members m WHERE m.sample_id = ?`, []any{reviewer, reviewer, sampleID}, &p.Size, &p.Labelled); err != nil {
		return p, fmt.Errorf("counting review progress: %w", err)
	}
	rows, err := queryLabels(ctx, ws, `SELECT c.reviewer, count(*) FROM current_labels c
		JOIN sample_members m ON m.sample_id = c.sample_id AND m.video_id = c.video_id
		WHERE c.sample_id = ? GROUP BY c.reviewer ORDER BY c.reviewer`, sampleID)
	if err != nil {
		return p, fmt.Errorf("counting review progress: %w", err)
	}
	defer rows.Close()
	p.Reviewers = map[string]int64{}
	for rows.Next() {
		var r string
		var n int64
		if err := rows.Scan(&r, &n); err != nil {
			return p, err
		}
		p.Reviewers[r] = n
	}
	return p, rows.Err()
}
