package datasets

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Intervention is one intervention, from an export or recorded by hand.
type Intervention struct {
	ID         string     `json:"intervention_id"`
	Kind       string     `json:"kind"`
	Target     string     `json:"target"`
	StartedAt  time.Time  `json:"started_at"`
	EndedAt    *time.Time `json:"ended_at,omitempty"`
	Note       string     `json:"note,omitempty"`
	Source     string     `json:"source"` // export or manual
	RecordedBy string     `json:"recorded_by,omitempty"`
	ImportID   int64      `json:"import_id,omitempty"`
}

// Errors of the hand-recorded interventions.
var (
	ErrInterventionExists   = errors.New("an intervention with this id already exists")
	ErrNoIntervention       = errors.New("no intervention with this id")
	ErrExportedIntervention = errors.New("the intervention came from an export")
	ErrInterventionKind     = errors.New("unknown intervention kind")
)

// AddIntervention records an intervention by hand (source manual).
func AddIntervention(ctx context.Context, ws *Workspace, iv Intervention, recordedBy string) error {
	if ws.ReadOnly {
		return errors.New("the workspace is open read-only")
	}
	iv.ID, iv.Target = strings.TrimSpace(iv.ID), strings.TrimSpace(iv.Target)
	if iv.ID == "" || iv.Target == "" {
		return errors.New("an intervention needs an id and a target (a term, hashtag or tag-set name)")
	}
	if !slices.Contains(InterventionKinds, iv.Kind) {
		return fmt.Errorf("%w %q (expected: %s)", ErrInterventionKind, iv.Kind, strings.Join(InterventionKinds, ", "))
	}
	if iv.StartedAt.IsZero() {
		return errors.New("an intervention needs the time it started")
	}
	if iv.EndedAt != nil && iv.EndedAt.Before(iv.StartedAt) {
		return fmt.Errorf("the intervention ends (%s) before it starts (%s)", iv.EndedAt.UTC().Format(time.RFC3339), iv.StartedAt.UTC().Format(time.RFC3339))
	}
	tx, err := ws.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	q := ws.Params(tx) // ? as $n on a server
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM interventions WHERE intervention_id = ?`, iv.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%w: %q", ErrInterventionExists, iv.ID)
	}
	var ended any
	if iv.EndedAt != nil {
		ended = iv.EndedAt.UTC()
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO interventions (intervention_id, kind, target, started_at, ended_at, note, source, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, 'manual', ?, ?)`, iv.ID, iv.Kind, iv.Target, iv.StartedAt.UTC(), ended, iv.Note, recordedBy, time.Now().UTC()); err != nil {
		return err
	}
	return tx.Commit()
}

// ListInterventions lists every intervention, oldest first (ties by id,
// sorted in Go: a server's collation may order text otherwise).
func ListInterventions(ctx context.Context, ws *Workspace) ([]Intervention, error) {
	rows, err := ws.DB.QueryContext(ctx, `SELECT intervention_id, kind, target, started_at, ended_at, coalesce(note, ''), source, coalesce(recorded_by, ''), coalesce(import_id, 0)
		FROM interventions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Intervention
	for rows.Next() {
		var iv Intervention
		if err := rows.Scan(&iv.ID, &iv.Kind, &iv.Target, &iv.StartedAt, &iv.EndedAt, &iv.Note, &iv.Source, &iv.RecordedBy, &iv.ImportID); err != nil {
			return nil, err
		}
		iv.StartedAt = iv.StartedAt.UTC()
		if iv.EndedAt != nil {
			*iv.EndedAt = iv.EndedAt.UTC()
		}
		out = append(out, iv)
	}
	slices.SortFunc(out, func(a, b Intervention) int {
		return cmp.Or(a.StartedAt.Compare(b.StartedAt), strings.Compare(a.ID, b.ID))
	})
	return out, rows.Err()
}

// RemoveIntervention deletes a hand-recorded intervention. One from an
// export stays: it is part of that import's provenance.
func RemoveIntervention(ctx context.Context, ws *Workspace, id string) error {
	if ws.ReadOnly {
		return errors.New("the workspace is open read-only")
	}
	q := ws.Params(ws.DB) // ? as $n on a server
	var source string
	err := q.QueryRowContext(ctx, `SELECT source FROM interventions WHERE intervention_id = ?`, id).Scan(&source)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: %q", ErrNoIntervention, id)
		}
		return err
	}
	if source != "manual" {
		return fmt.Errorf("%w (%s): it stays with its import", ErrExportedIntervention, id)
	}
	_, err = q.ExecContext(ctx, `DELETE FROM interventions WHERE intervention_id = ? AND source = 'manual'`, id)
	return err
}
