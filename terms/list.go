package terms

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/engine"
)

// Spellings says which spellings of each term go into a list.
type Spellings string

const (
	// SpellNormalised lists each term once, in the normalised form
	// trendlab stores (NFKC, case-folded, no '#'): for a matcher that
	// normalises text the same way.
	SpellNormalised Spellings = "normalised"
	// SpellRaw adds every spelling seen in the hashtags, as written (without
	// the leading '#'): for exact-match lists, which would miss
	// "ＯＭＥＧＬＥ" given only "omegle". The default: a spelling too many
	// costs a line, one too few lets videos through.
	SpellRaw Spellings = "raw"
)

// ParseSpellings reads a Spellings value; "" is SpellRaw.
func ParseSpellings(s string) (Spellings, error) {
	switch Spellings(s) {
	case "", SpellRaw:
		return SpellRaw, nil
	case SpellNormalised:
		return SpellNormalised, nil
	}
	return "", fmt.Errorf("spellings %q: use %q or %q", s, SpellNormalised, SpellRaw)
}

// Spelling is one way a term is written in the hashtags, with how often.
type Spelling struct {
	Raw         string `json:"raw"` // as written, without the leading '#'
	Occurrences int64  `json:"occurrences"`
}

// Entry is one decided variant of the tag set.
type Entry struct {
	// Term is the normalised tag.
	Term string `json:"term"`
	// Spellings are every spelling seen, most frequent first.
	Spellings   []Spelling `json:"spellings"`
	Occurrences int64      `json:"occurrences"` // hashtag occurrences, all spellings
	Videos      int64      `json:"videos"`      // distinct videos carrying the tag
	Status      string     `json:"status"`      // accepted or rejected
	Score       float64    `json:"score"`
	Reason      string     `json:"reason"`
	DecidedBy   string     `json:"decided_by"`
	DecidedAt   time.Time  `json:"decided_at"`
}

// List is a term list: a tag set's accepted variants and, as decoys, its
// rejected ones.
type List struct {
	// Name and Version are set on a saved list.
	Name    string `json:"name,omitempty"`
	Version int    `json:"version,omitempty"`
	TagSet  string `json:"tag_set"`
	Seed    string `json:"seed"`
	// Spellings says which spellings Terms lists.
	Spellings Spellings `json:"spellings"`
	// TagSetUpdatedAt is when the tag set's decisions last changed;
	// ImportIDs are the imports in the workspace when the list was built.
	TagSetUpdatedAt time.Time `json:"tag_set_updated_at"`
	ImportIDs       []int64   `json:"import_ids"`
	CreatedAt       time.Time `json:"created_at"`
	CreatedBy       string    `json:"created_by,omitempty"`
	// Accepted are the terms of the list, the seed first; Rejected the
	// tag set's rejected variants, which the list must not hit.
	Accepted []Entry `json:"accepted"`
	Rejected []Entry `json:"rejected"`
}

// Build makes the term list of a saved tag set from the workspace: every
// accepted variant (the seed first) with all its spellings and counts.
func Build(ctx context.Context, ws *datasets.Workspace, tagSet string, sp Spellings) (*List, error) {
	set, err := analysis.LoadTagSet(ctx, ws, tagSet)
	if err != nil {
		return nil, err
	}
	l := &List{TagSet: set.Name, Seed: set.Seed, Spellings: sp, TagSetUpdatedAt: set.UpdatedAt.UTC(), CreatedAt: time.Now().UTC()}
	byTag := map[string]*Entry{}
	add := func(e Entry) {
		if e.Status == analysis.VariantAccepted {
			l.Accepted = append(l.Accepted, e)
		} else {
			l.Rejected = append(l.Rejected, e)
		}
	}
	// The seed is in the set whether or not it was saved as a variant.
	if !slices.ContainsFunc(set.Variants, func(v analysis.Variant) bool { return v.Tag == set.Seed }) {
		add(Entry{Term: set.Seed, Status: analysis.VariantAccepted, Score: 1, Reason: "seed", DecidedBy: "seed", DecidedAt: set.CreatedAt.UTC()})
	}
	rows, err := ws.Params(ws.DB).QueryContext(ctx, `
SELECT tag, status, reason, score, coalesce(decided_by, ''), decided_at
FROM tag_set_variants WHERE tag_set = ?`, tagSet)
	if err != nil {
		return nil, fmt.Errorf("reading the decisions of tag set %q: %w", tagSet, err)
	}
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.Term, &e.Status, &e.Reason, &e.Score, &e.DecidedBy, &e.DecidedAt); err != nil {
			rows.Close()
			return nil, err
		}
		e.DecidedAt = e.DecidedAt.UTC()
		// Decisions saved before schema 7 do not say who made them.
		e.DecidedBy = cmp.Or(e.DecidedBy, "unrecorded")
		add(e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, es := range []*[]Entry{&l.Accepted, &l.Rejected} {
		for i := range *es {
			byTag[(*es)[i].Term] = &(*es)[i]
		}
	}
	if err := fillSpellings(ctx, ws, byTag); err != nil {
		return nil, err
	}
	if l.ImportIDs, err = importIDs(ctx, ws); err != nil {
		return nil, err
	}
	l.sort()
	return l, nil
}

// fillSpellings counts every raw spelling and the videos of each entry,
// through the engine (video_tags is one of the big tables).
func fillSpellings(ctx context.Context, ws *datasets.Workspace, byTag map[string]*Entry) error {
	if len(byTag) == 0 {
		return nil
	}
	tags := make([]string, 0, len(byTag))
	for t := range byTag {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	eng, err := engine.Connect(ctx, ws)
	if err != nil {
		return err
	}
	defer eng.Close()
	forms, err := eng.TagForms(ctx, tags)
	if err != nil {
		return fmt.Errorf("counting spellings: %w", err)
	}
	for _, f := range forms {
		e := byTag[f.Tag]
		if e == nil {
			continue
		}
		if f.IsTotal {
			e.Videos = f.Videos
			continue
		}
		e.Occurrences += f.Rows
		r := strings.TrimLeft(f.Raw, "#＃")
		if i := slices.IndexFunc(e.Spellings, func(s Spelling) bool { return s.Raw == r }); i >= 0 {
			e.Spellings[i].Occurrences += f.Rows // "#omegle" and "omegle"
			continue
		}
		e.Spellings = append(e.Spellings, Spelling{Raw: r, Occurrences: f.Rows})
	}
	return nil
}

func importIDs(ctx context.Context, ws *datasets.Workspace) ([]int64, error) {
	rows, err := ws.DB.QueryContext(ctx, `SELECT import_id FROM imports ORDER BY import_id`)
	if err != nil {
		return nil, fmt.Errorf("listing imports: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// sort puts the seed first, then the terms by videos, and each term's
// spellings by occurrences, so every output is in a stable order.
func (l *List) sort() {
	for _, es := range [][]Entry{l.Accepted, l.Rejected} {
		for i := range es {
			slices.SortFunc(es[i].Spellings, func(a, b Spelling) int {
				return cmp.Or(cmp.Compare(b.Occurrences, a.Occurrences), strings.Compare(a.Raw, b.Raw))
			})
		}
		slices.SortFunc(es, func(a, b Entry) int {
			if (a.Term == l.Seed) != (b.Term == l.Seed) {
				if a.Term == l.Seed {
					return -1
				}
				return 1
			}
			return cmp.Or(cmp.Compare(b.Videos, a.Videos), strings.Compare(a.Term, b.Term))
		})
	}
}

// Terms are the lines of the list: each accepted term, then (with
// SpellRaw) each of its spellings that differs from every line before.
func (l *List) Terms() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range l.Accepted {
		for _, t := range spellingsOf(e, l.Spellings) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// spellingsOf returns the normalised term and, with SpellRaw, its spellings.
func spellingsOf(e Entry, sp Spellings) []string {
	out := []string{e.Term}
	if sp == SpellRaw {
		for _, s := range e.Spellings {
			if s.Raw != "" {
				out = append(out, s.Raw)
			}
		}
	}
	return out
}

// ErrDecoyMatch means the list's pattern would hit a rejected variant.
var ErrDecoyMatch = errors.New("the pattern matches a rejected variant")

// wordClass is what counts as part of a word around a term: the same test
// investigate uses for caption mentions.
const wordClass = `[\pL\pN_]`

// Pattern is the regular expression (RE2 syntax, as Go, DuckDB and most
// engines read it) that matches any of terms written as a whole word,
// with or without '#', ignoring case. Longer terms come first, so an
// engine that takes the first alternative that fits reports the longest.
func Pattern(terms []string) string {
	q := slices.Clone(terms)
	slices.SortFunc(q, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	for i, t := range q {
		q[i] = regexp.QuoteMeta(t)
	}
	return `(?i)(?:^|[^\pL\pN_])#?(` + strings.Join(q, "|") + `)(?:$|[^\pL\pN_])`
}

// Regex returns the list's pattern, after checking that it matches every
// listed spelling and none of the rejected variants' spellings; a decoy
// it would hit is an ErrDecoyMatch naming it.
func (l *List) Regex() (string, error) {
	terms := l.Terms()
	if len(terms) == 0 {
		return "", errors.New("the list has no terms: the tag set accepts no variant")
	}
	p := Pattern(terms)
	re, err := regexp.Compile(p)
	if err != nil {
		return "", fmt.Errorf("building the pattern: %w", err)
	}
	for _, t := range terms {
		if !re.MatchString(t) {
			return "", fmt.Errorf("the pattern misses the listed spelling %q (please report this)", t)
		}
	}
	for _, e := range l.Rejected {
		for _, t := range spellingsOf(e, SpellRaw) {
			if m := re.FindStringSubmatch(t); m != nil {
				return "", fmt.Errorf("%w: %q (rejected in tag set %q) contains the listed term %q as a word; "+
					"reject that term too, or accept %q", ErrDecoyMatch, t, l.TagSet, m[1], e.Term)
			}
		}
	}
	return p, nil
}
