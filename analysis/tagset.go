package analysis

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/engine"
)

// sqlConn is what the investigation's queries run on: a *sql.DB, *sql.Conn
// or *sql.Tx.
type sqlConn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ErrNoTagSet means no tag set of that name is saved in the workspace.
var ErrNoTagSet = errors.New("no such tag set")

// ErrNoTag: an investigation was asked for with neither a tag nor a tag set.
var ErrNoTag = errors.New("no tag to investigate: give a hashtag or a saved tag set")

// maxRawForms is how many spellings of a variant are listed.
const maxRawForms = 5

// skeletonSQL gives DuckDB's translate() the leetspeak and confusable maps
// of skeleton(), so that the candidates can be narrowed down in the
// database before Go scores them. Separators are deleted (they are in from
// without a partner in to).
func skeletonSQL() (from, to string) {
	var f, t []rune
	for k, v := range leet {
		f, t = append(f, k), append(t, v)
	}
	for k, v := range confusables {
		f, t = append(f, k), append(t, v)
	}
	f = append(f, '_', '-', '.', '·', '\'', ' ')
	return string(f), string(t)
}

// DiscoverVariants lists the tags in the workspace that resemble seed (a
// hashtag, normalised here), scored by ScoreVariant, with their video
// counts and most frequent spellings. Tags scoring at least minScore are
// marked accepted (DecidedBy "score"), the rest rejected and, if they only
// look alike, Lookalike. The seed itself comes first when it occurs.
//
// The tags are narrowed down in the engine (the distinct tags of
// video_tags, filtered on translated skeletons), so only a handful of rows
// reach Go.
func DiscoverVariants(ctx context.Context, ws *datasets.Workspace, seed string, minScore float64) ([]Variant, error) {
	eng, err := engine.Connect(ctx, ws)
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	return discoverVariants(ctx, eng, datasets.NormalizeTag(seed), minScore)
}

func discoverVariants(ctx context.Context, eng engine.Session, seed string, minScore float64) ([]Variant, error) {
	if seed == "" {
		return nil, errors.New("the seed tag is empty: give a hashtag such as omegle")
	}
	tags, err := eng.VariantCandidates(ctx, variantFilter(seed))
	if err != nil {
		return nil, fmt.Errorf("finding variants of %q: %w", seed, err)
	}
	var vs []Variant
	for _, t := range tags {
		score, reasons := ScoreVariant(seed, t)
		if score <= 0 {
			continue
		}
		v := Variant{Tag: t, Score: score, Reasons: reasons, DecidedBy: "score", Status: VariantRejected}
		if score >= minScore {
			v.Status = VariantAccepted
		} else {
			v.Lookalike = true
		}
		vs = append(vs, v)
	}
	if err := fillVariantCounts(ctx, eng, vs); err != nil {
		return nil, err
	}
	rankVariants(vs)
	return vs, nil
}

// fillVariantCounts sets Videos and RawForms of each variant, and adds the
// spelling reasons (case fold, width fold) to the reasons.
func fillVariantCounts(ctx context.Context, eng engine.Session, vs []Variant) error {
	if len(vs) == 0 {
		return nil
	}
	idx := make(map[string]int, len(vs))
	tags := make([]string, len(vs))
	for i, v := range vs {
		idx[v.Tag] = i
		tags[i] = v.Tag
	}
	forms, err := eng.TagForms(ctx, tags)
	if err != nil {
		return fmt.Errorf("counting variants: %w", err)
	}
	for _, f := range forms {
		i, ok := idx[f.Tag]
		if !ok {
			continue
		}
		if f.IsTotal {
			vs[i].Videos = f.Videos
			continue
		}
		vs[i].RawForms = append(vs[i].RawForms, RawForm{Raw: f.Raw, Count: f.Rows})
	}
	for i := range vs {
		extra := rawFormReasons(vs[i].RawForms)
		for _, r := range extra {
			if !slices.Contains(vs[i].Reasons, r) {
				vs[i].Reasons = append(vs[i].Reasons, r)
			}
		}
		if len(vs[i].RawForms) > maxRawForms {
			vs[i].RawForms = vs[i].RawForms[:maxRawForms]
		}
	}
	return nil
}

// placeholders returns "?, ?, ?" for n parameters.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// SavedTagSet is a tag set definition stored in the workspace.
type SavedTagSet struct {
	Name            string    `json:"name"`
	Seed            string    `json:"seed"`
	IncludeCaptions bool      `json:"include_captions"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	// Variants are the decided tags, accepted first. DecidedBy is "saved".
	Variants []Variant `json:"variants"`
}

// Accepted returns the accepted tags, the seed first.
func (s *SavedTagSet) Accepted() []string {
	out := []string{s.Seed}
	for _, v := range s.Variants {
		if v.Status == VariantAccepted && v.Tag != s.Seed {
			out = append(out, v.Tag)
		}
	}
	return out
}

// validTagSetName reports whether name can name a tag set: letters, digits,
// '_', '-' and '.', at most 64 characters, so it also works in
// --baseline tagset:NAME.
func validTagSetName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("tag set name %q: use 1 to 64 letters, digits, '_', '-' or '.'", name)
	}
	for i, r := range name {
		if !(r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Errorf("tag set name %q: character %q at %d is not allowed; use letters, digits, '_', '-' or '.'", name, r, i+1)
		}
	}
	return nil
}

// SaveTagSet stores (or replaces) a tag set definition: the seed, whether
// caption mentions count, and the decided variants with their scores,
// reasons and video counts. Variants with a status other than accepted or
// rejected are an error.
func SaveTagSet(ctx context.Context, ws *datasets.Workspace, name, seed string, includeCaptions bool, variants []Variant) error {
	if err := validTagSetName(name); err != nil {
		return err
	}
	seed = datasets.NormalizeTag(seed)
	if seed == "" {
		return errors.New("the seed tag is empty")
	}
	for _, v := range variants {
		if v.Status != VariantAccepted && v.Status != VariantRejected {
			return fmt.Errorf("variant %q: status %q is neither %q nor %q", v.Tag, v.Status, VariantAccepted, VariantRejected)
		}
	}
	// Row by row, so that investigators saving other tag sets on a shared
	// server lose nothing: the set's row and each variant's are upserted,
	// and only the variants no longer listed are deleted.
	dbTx, err := ws.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("saving tag set %q: %w", name, err)
	}
	defer dbTx.Rollback()
	tx := ws.Params(dbTx)
	now := time.Now().UTC()
	if _, err := tx.ExecContext(ctx, `
INSERT INTO tag_sets (name, seed_tag, include_caption_mentions, created_at, updated_at)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (name) DO UPDATE SET seed_tag = excluded.seed_tag,
	include_caption_mentions = excluded.include_caption_mentions, updated_at = excluded.updated_at`,
		name, seed, includeCaptions, now, now); err != nil {
		return fmt.Errorf("saving tag set %q: %w", name, err)
	}
	var kept []any
	seen := map[string]bool{}
	for _, v := range variants {
		if seen[v.Tag] {
			continue
		}
		seen[v.Tag] = true
		kept = append(kept, v.Tag)
		if _, err := tx.ExecContext(ctx, `
INSERT INTO tag_set_variants (tag_set, tag, status, reason, score, videos, decided_at, decided_by)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (tag_set, tag) DO UPDATE SET status = excluded.status, reason = excluded.reason,
	score = excluded.score, videos = excluded.videos, decided_at = excluded.decided_at,
	decided_by = excluded.decided_by`,
			name, v.Tag, v.Status, strings.Join(v.Reasons, "; "), v.Score, v.Videos, now, cmp.Or(v.DecidedBy, "score")); err != nil {
			return fmt.Errorf("saving variant %q of tag set %q: %w", v.Tag, name, err)
		}
	}
	drop := `DELETE FROM tag_set_variants WHERE tag_set = ?`
	if len(kept) > 0 {
		drop += ` AND tag NOT IN (` + placeholders(len(kept)) + `)`
	}
	if _, err := tx.ExecContext(ctx, drop, append([]any{name}, kept...)...); err != nil {
		return fmt.Errorf("saving tag set %q: %w", name, err)
	}
	if err := dbTx.Commit(); err != nil {
		return fmt.Errorf("saving tag set %q: %w", name, err)
	}
	return nil
}

// DecideVariant accepts or rejects one tag of a saved tag set, adding it if
// the set does not list it yet (with its score against the seed); by names
// who decides (internal/who's rule, applied by the front end), for the record.
func DecideVariant(ctx context.Context, ws *datasets.Workspace, name, tag, status, by string) error {
	if status != VariantAccepted && status != VariantRejected {
		return fmt.Errorf("status %q: use %q or %q", status, VariantAccepted, VariantRejected)
	}
	if strings.TrimSpace(by) == "" {
		return errors.New("a decision needs the name of who makes it, for the record")
	}
	set, err := LoadTagSet(ctx, ws, name)
	if err != nil {
		return err
	}
	tag = datasets.NormalizeTag(tag)
	if tag == "" {
		return errors.New("the tag is empty")
	}
	score, reasons := ScoreVariant(set.Seed, tag)
	if len(reasons) == 0 {
		reasons = []string{"added by the investigator"}
	}
	db := ws.Params(ws.DB)
	var videos int64
	if err := db.QueryRowContext(ctx,
		`SELECT count(DISTINCT video_id) FROM video_tags WHERE tag = ?`, tag).Scan(&videos); err != nil {
		return fmt.Errorf("counting videos tagged %q: %w", tag, err)
	}
	_, err = db.ExecContext(ctx, `
INSERT INTO tag_set_variants (tag_set, tag, status, reason, score, videos, decided_at, decided_by)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (tag_set, tag) DO UPDATE SET status = excluded.status, decided_at = excluded.decided_at,
	decided_by = excluded.decided_by`,
		name, tag, status, strings.Join(reasons, "; "), score, videos, time.Now().UTC(), by)
	if err != nil {
		return fmt.Errorf("deciding %q in tag set %q: %w", tag, name, err)
	}
	_, err = db.ExecContext(ctx, `UPDATE tag_sets SET updated_at = ? WHERE name = ?`, time.Now().UTC(), name)
	return err
}

// LoadTagSet reads a saved tag set; ErrNoTagSet if there is none.
func LoadTagSet(ctx context.Context, ws *datasets.Workspace, name string) (*SavedTagSet, error) {
	eng, err := engine.Connect(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("reading tag set %q: %w", name, err)
	}
	defer eng.Close()
	return loadTagSet(ctx, eng, name)
}

func loadTagSet(ctx context.Context, eng engine.Session, name string) (*SavedTagSet, error) {
	saved, err := eng.TagSet(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("reading tag set %q: %w", name, err)
	}
	if saved == nil {
		return nil, fmt.Errorf("%w %q: list them with `trendlab tagset list`, or save one with `trendlab investigate --tag T --save-as %s`", ErrNoTagSet, name, name)
	}
	s := &SavedTagSet{Name: name, Seed: saved.Seed, IncludeCaptions: saved.IncludeCaptions,
		CreatedAt: saved.CreatedAt, UpdatedAt: saved.UpdatedAt}
	for _, sv := range saved.Variants {
		v := Variant{Tag: sv.Tag, Status: sv.Status, Score: sv.Score, Videos: sv.Videos, DecidedBy: "saved",
			Lookalike: sv.Status == VariantRejected}
		if sv.Reason != "" {
			v.Reasons = strings.Split(sv.Reason, "; ")
		}
		s.Variants = append(s.Variants, v)
	}
	return s, nil
}

// ListTagSets lists the saved tag sets, by name.
func ListTagSets(ctx context.Context, ws *datasets.Workspace) ([]SavedTagSet, error) {
	rows, err := ws.DB.QueryContext(ctx, `SELECT name FROM tag_sets ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing tag sets: %w", err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]SavedTagSet, 0, len(names))
	for _, n := range names {
		s, err := LoadTagSet(ctx, ws, n)
		if err != nil {
			return nil, err
		}
		out = append(out, *s)
	}
	return out, nil
}
