package terms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/pgtest"
	"github.com/trendlab/trendlab/review"
)

// TestTermsEnginesAgree: fixture's workspace on DuckDB and on PostgreSQL
// gives the same term lists (every format, both spellings), the same
// checks (the tag set's list by word with a labelled sample's precision,
// naive substring lists with their collateral words, a list of spellings
// holding regular-expression characters) and the same saved versions,
// listing and diff.
func TestTermsEnginesAgree(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	pg, err := datasets.Open(ctx, url, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	duck := fixture(t)
	fixtureIn(t, pg)
	docs := [2]string{}
	for i, ws := range []*datasets.Workspace{duck, pg} {
		docs[i] = termsDocument(t, ws)
	}
	if docs[0] != docs[1] {
		t.Errorf("PostgreSQL's term lists differ from DuckDB's:\n%s", firstDifference(docs[0], docs[1]))
	}
	for _, want := range []string{`"caught_labelled": 4`, `"word": "omega"`, `"where": "caption"`, "+ omega"} {
		if !strings.Contains(docs[0], want) {
			t.Errorf("the document lacks %s, so the comparison does not cover it:\n%s", want, docs[0])
		}
	}
}

// termsDocument runs every terms operation on ws and writes what each
// gives, timestamps of this run fixed.
func termsDocument(t *testing.T, ws *datasets.Workspace) string {
	t.Helper()
	ctx := context.Background()
	var doc bytes.Buffer
	put := func(what string, v any) {
		js, err := json.MarshalIndent(v, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&doc, "== %s\n%s\n", what, js)
	}
	fixed := time.Date(2026, 6, 11, 0, 0, 0, 0, time.UTC)
	for _, sp := range []Spellings{SpellRaw, SpellNormalised} {
		l, err := Build(ctx, ws, "omegle", sp)
		if err != nil {
			t.Fatalf("%s: %v", ws.Dialect, err)
		}
		l.CreatedAt = fixed
		for _, f := range []string{FormatTxt, FormatCSV, FormatJSON, FormatRegex} {
			fmt.Fprintf(&doc, "== %s %s\n", sp, f)
			if err := l.Write(&doc, f); err != nil {
				t.Fatalf("%s %s %s: %v", ws.Dialect, sp, f, err)
			}
		}
	}
	s, err := review.CreateSample(ctx, ws, "s1", "alice", review.SampleDefinition{
		Frame: review.SampleFrame{TagSet: "omegle"}, Method: review.MethodSimple, Size: 8, Seed: 1})
	if err != nil {
		t.Fatalf("%s: %v", ws.Dialect, err)
	}
	for _, lab := range [][2]string{{"v01", "violating"}, {"v02", "violating"}, {"v03", "not_violating"}, {"v08", "unsure"}, {"v03", "violating"}} {
		if _, err := review.Label(ctx, ws, s.ID, lab[0], "alice", lab[1], "", ""); err != nil {
			t.Fatalf("%s: %v", ws.Dialect, err)
		}
	}
	l1, err := Build(ctx, ws, "omegle", SpellRaw)
	if err != nil {
		t.Fatal(err)
	}
	naive := &List{TagSet: "omegle", Spellings: SpellNormalised, Accepted: []Entry{{Term: "omeg", Status: "accepted"}, {Term: "0me", Status: "accepted"}, {Term: "cak", Status: "accepted"}}}
	marks := FromTerms("marks.txt", "omegle", []string{"omegle!", "(omegle)", "ome.le", "ＯＭＥＧＬＥ", "omelette"})
	for _, c := range []struct {
		what string
		l    *List
		opts CheckOptions
	}{
		{"check word", l1, CheckOptions{}},
		{"check substring", l1, CheckOptions{Match: MatchSubstring}},
		{"check naive substring", naive, CheckOptions{Match: MatchSubstring}},
		{"check naive substring, one example", naive, CheckOptions{Match: MatchSubstring, Examples: 1}},
		{"check naive word", naive, CheckOptions{}},
		{"check marks", marks, CheckOptions{}},
		{"check marks substring", marks, CheckOptions{Match: MatchSubstring}},
	} {
		res, err := Check(ctx, ws, c.l, c.opts)
		if err != nil {
			t.Fatalf("%s %s: %v", ws.Dialect, c.what, err)
		}
		put(c.what, res)
	}
	if _, err := Save(ctx, ws, "block", l1, "alice"); err != nil {
		t.Fatalf("%s: %v", ws.Dialect, err)
	}
	// Accepting omega and rejecting 0megle changes the list.
	if err := analysis.SaveTagSet(ctx, ws, "omegle", "omegle", true, []analysis.Variant{
		{Tag: "omegle", Status: analysis.VariantAccepted, Score: 1, Reasons: []string{"seed"}},
		{Tag: "0megle", Status: analysis.VariantRejected, Score: 0.95, Reasons: []string{"leetspeak"}},
		{Tag: "omega", Status: analysis.VariantAccepted, Score: 0.08, Reasons: []string{"edit distance 2 of 6"}},
	}); err != nil {
		t.Fatal(err)
	}
	stamp(t, ws)
	l2, err := Build(ctx, ws, "omegle", SpellRaw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Save(ctx, ws, "block", l2, "bob"); err != nil {
		t.Fatalf("%s: %v", ws.Dialect, err)
	}
	if _, err := Save(ctx, ws, "a-list", l2, "bob"); err != nil {
		t.Fatalf("%s: %v", ws.Dialect, err)
	}
	vs, err := Versions(ctx, ws)
	if err != nil {
		t.Fatalf("%s: %v", ws.Dialect, err)
	}
	for i := range vs {
		vs[i].CreatedAt = fixed
	}
	put("versions", vs)
	from, err := Load(ctx, ws, Ref{Name: "block", Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	to, err := Load(ctx, ws, Ref{Name: "block"})
	if err != nil {
		t.Fatal(err)
	}
	from.CreatedAt, to.CreatedAt = fixed, fixed
	d := Diff(from, to)
	put("diff", d)
	for _, c := range d.Changes {
		fmt.Fprintf(&doc, "%s %s\n", map[string]string{"added": "+", "removed": "-", "count": "~"}[c.Kind], c.Term)
	}
	return doc.String()
}

// firstDifference shows the lines around the first line that differs.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		if i < len(w) && i < len(g) && w[i] == g[i] {
			continue
		}
		line := func(xs []string) string {
			if i < len(xs) {
				return xs[i]
			}
			return "(end)"
		}
		return fmt.Sprintf("line %d: DuckDB %q, PostgreSQL %q; before it:\n%s", i+1, line(w), line(g), strings.Join(w[max(0, i-8):i], "\n"))
	}
	return ""
}

// TestSaveConcurrentlyOnServer: investigators saving the same list at
// once on a server each get a version of their own; none is lost.
func TestSaveConcurrentlyOnServer(t *testing.T) {
	ctx := context.Background()
	pg, err := datasets.Open(ctx, pgtest.NewDatabase(t), datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	fixtureIn(t, pg)
	l, err := Build(ctx, pg, "omegle", SpellRaw)
	if err != nil {
		t.Fatal(err)
	}
	const savers = 6
	errs := make(chan error, savers)
	for i := range savers {
		go func() {
			c := *l
			_, err := Save(ctx, pg, "block", &c, fmt.Sprintf("investigator%d", i))
			errs <- err
		}()
	}
	for range savers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	vs, err := Versions(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]bool{}
	for i, v := range vs {
		if v.Version != i+1 || v.Terms != len(l.Terms()) {
			t.Errorf("version %d: %+v", i+1, v)
		}
		by[v.CreatedBy] = true
	}
	if len(vs) != savers || len(by) != savers {
		t.Errorf("%d versions by %d investigators, want %d by %d: %+v", len(vs), len(by), savers, savers, vs)
	}
}
