package terms

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// ErrNoList means no saved term list has that name (or version).
var ErrNoList = errors.New("no such term list")

// Ref names a saved list's version: "NAME" (the newest) or "NAME@V".
type Ref struct {
	Name    string
	Version int // 0: the newest
}

func (r Ref) String() string {
	if r.Version == 0 {
		return r.Name
	}
	return r.Name + "@" + strconv.Itoa(r.Version)
}

// ParseRef reads "NAME" or "NAME@V" (V a positive number).
func ParseRef(s string) (Ref, error) {
	name, v, hasV := strings.Cut(s, "@")
	if err := validName(name); err != nil {
		return Ref{}, err
	}
	if !hasV {
		return Ref{Name: name}, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return Ref{}, fmt.Errorf("term list %q: the version after '@' must be a number from 1, e.g. %s@2", s, name)
	}
	return Ref{Name: name, Version: n}, nil
}

// validName: letters, digits, '_', '-' and '.', at most 64 characters.
func validName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("term list name %q: use 1 to 64 letters, digits, '_', '-' or '.'", name)
	}
	for i, r := range name {
		if !(r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Errorf("term list name %q: character %q at %d is not allowed; use letters, digits, '_', '-' or '.'", name, r, i+1)
		}
	}
	return nil
}

// Save stores l as the next version of the list called name and returns
// that version. The list keeps its spellings mode, its decoys, the tag
// set's update time and the imports it was built from.
func Save(ctx context.Context, ws *datasets.Workspace, name string, l *List, createdBy string) (int, error) {
	if err := validName(name); err != nil {
		return 0, err
	}
	if createdBy == "" {
		return 0, errors.New("saving a term list needs who saves it")
	}
	dbTx, err := ws.DB.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("saving term list %q: %w", name, err)
	}
	defer dbTx.Rollback()
	tx := ws.Params(dbTx)
	now := time.Now().UTC()
	ids := make([]int32, len(l.ImportIDs)) // both drivers bind INTEGER[] from []int32
	for i, id := range l.ImportIDs {
		ids[i] = int32(id)
	}
	// The next version, a row of its own: when another investigator
	// saves the same list at once on a server, whoever inserts second
	// finds the version taken (the insert waits for the first to commit)
	// and takes the one after it; neither version is lost.
	var version int
	for attempt := 1; ; attempt++ {
		if attempt > 20 {
			return 0, fmt.Errorf("saving term list %q: others keep saving versions of it; try again", name)
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) + 1 FROM term_lists WHERE name = ?`, name).Scan(&version); err != nil {
			return 0, fmt.Errorf("saving term list %q: %w", name, err)
		}
		res, err := tx.ExecContext(ctx, `
INSERT INTO term_lists (name, version, tag_set, spellings, tag_set_updated_at, import_ids, created_at, created_by)
VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name, version) DO NOTHING`,
			name, version, l.TagSet, string(l.Spellings), l.TagSetUpdatedAt, ids, now, createdBy)
		if err != nil {
			return 0, fmt.Errorf("saving term list %q: %w", name, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			break
		}
	}
	for _, es := range [][]Entry{l.Accepted, l.Rejected} {
		for _, e := range es {
			ins := func(term string, raw bool, occ int64) error {
				_, err := tx.ExecContext(ctx, `
INSERT INTO term_list_terms (name, version, term, normalised, raw, occurrences, videos, status, score, reason, decided_by, decided_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, name, version, term, e.Term, raw, occ, e.Videos, e.Status, e.Score, e.Reason, e.DecidedBy, e.DecidedAt)
				return err
			}
			if err := ins(e.Term, false, e.Occurrences); err != nil {
				return 0, fmt.Errorf("saving term %q: %w", e.Term, err)
			}
			for _, s := range e.Spellings {
				if err := ins(s.Raw, true, s.Occurrences); err != nil {
					return 0, fmt.Errorf("saving spelling %q of %q: %w", s.Raw, e.Term, err)
				}
			}
		}
	}
	if err := dbTx.Commit(); err != nil {
		return 0, fmt.Errorf("saving term list %q: %w", name, err)
	}
	l.Name, l.Version, l.CreatedAt, l.CreatedBy = name, version, now, createdBy
	return version, nil
}

// Load reads a saved list's version (the newest for version 0).
func Load(ctx context.Context, ws *datasets.Workspace, ref Ref) (*List, error) {
	l := &List{Name: ref.Name}
	var ids, sp string
	err := ws.Params(ws.DB).QueryRowContext(ctx, `
SELECT l.version, l.tag_set, coalesce(s.seed_tag, ''), l.spellings, l.tag_set_updated_at, array_to_string(l.import_ids, ','), l.created_at, l.created_by
FROM term_lists l LEFT JOIN tag_sets s ON s.name = l.tag_set
WHERE l.name = ? AND (l.version = ? OR ? = 0)
ORDER BY l.version DESC LIMIT 1`, ref.Name, ref.Version, ref.Version).
		Scan(&l.Version, &l.TagSet, &l.Seed, &sp, &l.TagSetUpdatedAt, &ids, &l.CreatedAt, &l.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w %q: list them with `trendlab terms list`, or save one with `trendlab terms save %s --tagset T`", ErrNoList, ref, ref.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("reading term list %q: %w", ref, err)
	}
	l.Spellings = Spellings(sp)
	l.TagSetUpdatedAt, l.CreatedAt = l.TagSetUpdatedAt.UTC(), l.CreatedAt.UTC()
	l.ImportIDs = []int64{}
	for _, id := range strings.Split(ids, ",") {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			l.ImportIDs = append(l.ImportIDs, n)
		}
	}
	rows, err := ws.Params(ws.DB).QueryContext(ctx, `
SELECT term, normalised, raw, occurrences, videos, status, score, reason, decided_by, decided_at
FROM term_list_terms WHERE name = ? AND version = ? ORDER BY normalised, raw, term`, l.Name, l.Version)
	if err != nil {
		return nil, fmt.Errorf("reading term list %q: %w", ref, err)
	}
	defer rows.Close()
	byTerm := map[string]*Entry{}
	var order []string
	for rows.Next() {
		var term, norm, status, reason, by string
		var raw bool
		var occ, videos int64
		var score float64
		var at time.Time
		if err := rows.Scan(&term, &norm, &raw, &occ, &videos, &status, &score, &reason, &by, &at); err != nil {
			return nil, err
		}
		e := byTerm[norm]
		if e == nil {
			e = &Entry{Term: norm, Status: status, Score: score, Reason: reason, DecidedBy: by, DecidedAt: at.UTC(), Videos: videos}
			byTerm[norm] = e
			order = append(order, norm)
		}
		if raw {
			e.Spellings = append(e.Spellings, Spelling{Raw: term, Occurrences: occ})
		} else {
			e.Occurrences = occ
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, t := range order {
		e := byTerm[t]
		if e.Status == "accepted" {
			l.Accepted = append(l.Accepted, *e)
		} else {
			l.Rejected = append(l.Rejected, *e)
		}
	}
	l.sort()
	return l, nil
}

// Version describes one saved version of a list.
type Version struct {
	Name            string    `json:"name"`
	Version         int       `json:"version"`
	TagSet          string    `json:"tag_set"`
	Spellings       Spellings `json:"spellings"`
	Terms           int       `json:"terms"` // lines of the list
	TagSetUpdatedAt time.Time `json:"tag_set_updated_at"`
	Imports         int       `json:"imports"`
	LastImport      int64     `json:"last_import"`
	CreatedAt       time.Time `json:"created_at"`
	CreatedBy       string    `json:"created_by"`
}

// Versions lists every saved version, by name and version.
func Versions(ctx context.Context, ws *datasets.Workspace) ([]Version, error) {
	rows, err := ws.DB.QueryContext(ctx, `SELECT name, version FROM term_lists`)
	if err != nil {
		return nil, fmt.Errorf("listing term lists: %w", err)
	}
	var refs []Ref
	for rows.Next() {
		var r Ref
		if err := rows.Scan(&r.Name, &r.Version); err != nil {
			rows.Close()
			return nil, err
		}
		refs = append(refs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// By name and version in Go: a server's collation may order names otherwise.
	slices.SortFunc(refs, func(a, b Ref) int { return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version)) })
	out := []Version{}
	for _, r := range refs {
		l, err := Load(ctx, ws, r)
		if err != nil {
			return nil, err
		}
		v := Version{Name: l.Name, Version: l.Version, TagSet: l.TagSet, Spellings: l.Spellings, Terms: len(l.Terms()),
			TagSetUpdatedAt: l.TagSetUpdatedAt, Imports: len(l.ImportIDs), CreatedAt: l.CreatedAt, CreatedBy: l.CreatedBy}
		if len(l.ImportIDs) > 0 {
			v.LastImport = slices.Max(l.ImportIDs)
		}
		out = append(out, v)
	}
	return out, nil
}

// Change is one line of a diff between two versions.
type Change struct {
	Term string `json:"term"`
	// Kind is "added", "removed" or "count" (in both, with other counts).
	Kind        string `json:"kind"`
	Normalised  string `json:"normalised"`
	Occurrences [2]int64
}

// Difference compares two versions of a list line by line.
type Difference struct {
	From, To *List
	Changes  []Change `json:"changes"`
	// DecisionsChanged and ImportsAdded say where the changes came from.
	DecisionsChanged bool    `json:"decisions_changed"`
	ImportsAdded     []int64 `json:"imports_added"`
}

// Diff compares the lines of two lists: lines added, removed, and lines in
// both whose occurrence counts differ.
func Diff(a, b *List) Difference {
	d := Difference{From: a, To: b, DecisionsChanged: !a.TagSetUpdatedAt.Equal(b.TagSetUpdatedAt), ImportsAdded: []int64{}}
	for _, id := range b.ImportIDs {
		if !slices.Contains(a.ImportIDs, id) {
			d.ImportsAdded = append(d.ImportsAdded, id)
		}
	}
	type line struct {
		norm string
		occ  int64
	}
	index := func(l *List) map[string]line {
		m := map[string]line{}
		in := map[string]bool{}
		for _, t := range l.Terms() {
			in[t] = true
		}
		for _, e := range l.Accepted {
			if in[e.Term] {
				m[e.Term] = line{e.Term, e.Occurrences}
			}
			for _, s := range e.Spellings {
				if _, dup := m[s.Raw]; in[s.Raw] && !dup {
					m[s.Raw] = line{e.Term, s.Occurrences}
				}
			}
		}
		return m
	}
	ma, mb := index(a), index(b)
	for _, t := range a.Terms() {
		if _, ok := mb[t]; !ok {
			d.Changes = append(d.Changes, Change{Term: t, Kind: "removed", Normalised: ma[t].norm, Occurrences: [2]int64{ma[t].occ, 0}})
		}
	}
	for _, t := range b.Terms() {
		la, ok := ma[t]
		switch {
		case !ok:
			d.Changes = append(d.Changes, Change{Term: t, Kind: "added", Normalised: mb[t].norm, Occurrences: [2]int64{0, mb[t].occ}})
		case la.occ != mb[t].occ:
			d.Changes = append(d.Changes, Change{Term: t, Kind: "count", Normalised: mb[t].norm, Occurrences: [2]int64{la.occ, mb[t].occ}})
		}
	}
	return d
}
