package review

// Saved samples: looking them up, their members and what a reviewer sees
// of one member.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

const sampleColumns = `sample_id, name, definition::VARCHAR, seed, size, frame_size, created_at, created_by`

func scanSample(sc interface{ Scan(...any) error }) (*Sample, error) {
	var s Sample
	var def string
	if err := sc.Scan(&s.ID, &s.Name, &def, &s.Seed, &s.Size, &s.FrameSize, &s.CreatedAt, &s.CreatedBy); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(def), &s.Definition); err != nil {
		return nil, fmt.Errorf("sample %q has an unreadable definition: %w", s.Name, err)
	}
	if len(s.Definition.Labels) == 0 {
		s.Definition.Labels = DefaultLabelSet()
	}
	s.CreatedAt = s.CreatedAt.UTC()
	return &s, nil
}

// ListSamples returns the saved samples, newest first.
func ListSamples(ctx context.Context, ws *datasets.Workspace) ([]Sample, error) {
	rows, err := ws.Params(ws.DB).QueryContext(ctx, `SELECT `+sampleColumns+` FROM samples ORDER BY created_at DESC, sample_id DESC`)
	if err != nil {
		return nil, fmt.Errorf("listing samples: %w", err)
	}
	defer rows.Close()
	var out []Sample
	for rows.Next() {
		s, err := scanSample(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

// SampleByName returns the sample with that name; the error wraps
// ErrNoSample when there is none.
func SampleByName(ctx context.Context, ws *datasets.Workspace, name string) (*Sample, error) {
	s, err := scanSample(ws.Params(ws.DB).QueryRowContext(ctx, `SELECT `+sampleColumns+` FROM samples WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w named %q: `trendlab sample list` shows the saved samples", ErrNoSample, name)
	}
	return s, err
}

func sampleByID(ctx context.Context, q queryer, id int64) (*Sample, error) {
	s, err := scanSample(q.QueryRowContext(ctx, `SELECT `+sampleColumns+` FROM samples WHERE sample_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w with id %d", ErrNoSample, id)
	}
	return s, err
}

// SampleMembers returns members in review order, from position offset+1,
// at most limit of them (limit <= 0: all).
func SampleMembers(ctx context.Context, ws *datasets.Workspace, sampleID int64, offset, limit int64) ([]SampleMember, error) {
	q := `SELECT position, video_id, stratum, weight FROM sample_members WHERE sample_id = ? AND position > ? ORDER BY position`
	args := []any{sampleID, offset}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := ws.Params(ws.DB).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("reading sample members: %w", err)
	}
	defer rows.Close()
	var out []SampleMember
	for rows.Next() {
		var m SampleMember
		if err := rows.Scan(&m.Position, &m.VideoID, &m.Stratum, &m.Weight); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MemberDetail is what a reviewer sees of one member: the video's metadata,
// hashtags as written and its moderation timeline. Caption and tags are
// untrusted text: a front end escapes or sanitises them before display.
type MemberDetail struct {
	SampleMember
	AuthorID      string        `json:"author_id"`
	CreatedAt     time.Time     `json:"created_at"`
	Caption       string        `json:"caption"`
	Region        string        `json:"region"`
	Language      string        `json:"language"`
	AuthorAgeBand string        `json:"author_age_band"`
	ViewCount     int64         `json:"view_count"`
	Tags          []string      `json:"tags"` // as written, in order
	Events        []MemberEvent `json:"events"`
}

// MemberEvent is one moderation event of a member, in time order.
type MemberEvent struct {
	EventTime   time.Time `json:"event_time"`
	EventType   string    `json:"event_type"`
	Source      string    `json:"source"`
	Policy      string    `json:"policy"`
	PolicyTitle string    `json:"policy_title,omitempty"`
	Decision    string    `json:"decision,omitempty"`
	Action      string    `json:"action,omitempty"`
}

// SampleMemberDetail returns the member at a position (1-based review
// order) with its video's metadata, tags and moderation timeline.
func SampleMemberDetail(ctx context.Context, ws *datasets.Workspace, sampleID, position int64) (*MemberDetail, error) {
	d := &MemberDetail{}
	err := ws.Params(ws.DB).QueryRowContext(ctx, `SELECT m.position, m.video_id, m.stratum, m.weight,
			coalesce(v.author_id, ''), coalesce(v.created_at, TIMESTAMP '1970-01-01'), coalesce(v.caption, ''),
			coalesce(v.region, ''), coalesce(v.language, ''), coalesce(v.author_age_band, ''), coalesce(v.view_count, 0)
		FROM sample_members m LEFT JOIN videos v ON v.video_id = m.video_id
		WHERE m.sample_id = ? AND m.position = ?`, sampleID, position).Scan(
		&d.Position, &d.VideoID, &d.Stratum, &d.Weight,
		&d.AuthorID, &d.CreatedAt, &d.Caption, &d.Region, &d.Language, &d.AuthorAgeBand, &d.ViewCount)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sample %d has no member at position %d", sampleID, position)
	}
	if err != nil {
		return nil, fmt.Errorf("reading sample member: %w", err)
	}
	d.CreatedAt = d.CreatedAt.UTC()
	rows, err := ws.Params(ws.DB).QueryContext(ctx, `SELECT tag_raw FROM video_tags WHERE video_id = ? ORDER BY position`, d.VideoID)
	if err != nil {
		return nil, fmt.Errorf("reading the member's tags: %w", err)
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		d.Tags = append(d.Tags, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = ws.Params(ws.DB).QueryContext(ctx, `SELECT event_time, event_type, source, policy,
			coalesce(policy_title, ''), coalesce(decision, ''), coalesce(action, '')
		FROM moderation_events WHERE video_id = ? ORDER BY event_time, event_id`, d.VideoID)
	if err != nil {
		return nil, fmt.Errorf("reading the member's moderation timeline: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e MemberEvent
		if err := rows.Scan(&e.EventTime, &e.EventType, &e.Source, &e.Policy, &e.PolicyTitle, &e.Decision, &e.Action); err != nil {
			return nil, err
		}
		e.EventTime = e.EventTime.UTC()
		d.Events = append(d.Events, e)
	}
	return d, rows.Err()
}
