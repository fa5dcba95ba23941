package terms

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/review"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixtureVideos: the family (omegle as #omegle, #Omegle, #ＯＭＥＧＬＥ,
// #omegle!, #0megle), the decoys omega and omelette, a video that names
// omegle only in its caption, and one that says "omega" in its caption.
var fixtureVideos = []struct{ id, caption, tags string }{
	{"v01", "late night chat", "#omegle #strangers"},
	{"v02", "so funny", "#Omegle"},
	{"v03", "wide", "#ＯＭＥＧＬＥ"},
	{"v04", "loud", "#omegle!"},
	{"v05", "zero", "#0megle #fun"},
	{"v06", "watch", "#omega"},
	{"v07", "breakfast", "#omelette #food"},
	{"v08", "talking on omegle again", "#fun"},
	{"v09", "my omega watch", "#watch"},
	{"v10", "cake", "#food"},
	{"v11", "chat", "#omegle"},
	{"v12", "zero again", "#0megle"},
}

// fixture imports the videos above with a violation on v01, v02, v05 and
// saves tag set "omegle": omegle and 0megle accepted, omega and omelette
// rejected. Decisions are stamped 2026-06-10 by "alice".
func fixture(t *testing.T) *datasets.Workspace {
	t.Helper()
	ws, err := datasets.OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	fixtureIn(t, ws)
	return ws
}

// fixtureIn makes fixture's workspace in ws, on either engine.
func fixtureIn(t *testing.T, ws *datasets.Workspace) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	var vb, eb strings.Builder
	vb.WriteString("video_id,author_id,created_at,caption,hashtags\n")
	for i, v := range fixtureVideos {
		fmt.Fprintf(&vb, "%s,a%d,2026-06-0%dT10:00:00Z,%s,%s\n", v.id, i%3, 1+i%4, v.caption, v.tags)
	}
	eb.WriteString("event_id,video_id,event_time,event_type,source,policy,decision,action\n")
	for i, id := range []string{"v01", "v02", "v05"} {
		fmt.Fprintf(&eb, "e%d,%s,2026-06-05T10:00:00Z,review,moderator,minor_safety,violation,\n", i, id)
	}
	videos, events := filepath.Join(dir, "videos.csv"), filepath.Join(dir, "events.csv")
	os.WriteFile(videos, []byte(vb.String()), 0o644)
	os.WriteFile(events, []byte(eb.String()), 0o644)
	if _, err := datasets.Import(ctx, ws, datasets.ImportRequest{Videos: []string{videos}, Events: []string{events}}); err != nil {
		t.Fatal(err)
	}
	vs := []analysis.Variant{
		{Tag: "omegle", Status: analysis.VariantAccepted, Score: 1, Reasons: []string{"seed"}, DecidedBy: "score"},
		{Tag: "0megle", Status: analysis.VariantAccepted, Score: 0.95, Reasons: []string{"leetspeak"}, DecidedBy: "score"},
		{Tag: "omega", Status: analysis.VariantRejected, Score: 0.08, Reasons: []string{"edit distance 2 of 6"}, DecidedBy: "score"},
		{Tag: "omelette", Status: analysis.VariantRejected, Score: 0.03, Reasons: []string{"edit distance 4 of 6"}, DecidedBy: "score"},
	}
	if err := analysis.SaveTagSet(ctx, ws, "omegle", "omegle", true, vs); err != nil {
		t.Fatal(err)
	}
	stamp(t, ws)
}

// stamp fixes the decision times and decider so that outputs are stable.
func stamp(t *testing.T, ws *datasets.Workspace) {
	t.Helper()
	at := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	for _, q := range []string{
		`UPDATE tag_set_variants SET decided_at = ?, decided_by = 'alice'`,
		`UPDATE tag_sets SET created_at = ?, updated_at = ?`,
	} {
		args := []any{at}
		if strings.Count(q, "?") == 2 {
			args = append(args, at)
		}
		if _, err := ws.Params(ws.DB).ExecContext(context.Background(), q, args...); err != nil {
			t.Fatal(err)
		}
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestBuildFormats(t *testing.T) {
	ws := fixture(t)
	ctx := context.Background()
	for _, sp := range []Spellings{SpellRaw, SpellNormalised} {
		l, err := Build(ctx, ws, "omegle", sp)
		if err != nil {
			t.Fatal(err)
		}
		l.CreatedAt = time.Date(2026, 6, 11, 0, 0, 0, 0, time.UTC)
		for _, f := range []string{FormatTxt, FormatCSV, FormatJSON, FormatRegex} {
			var b bytes.Buffer
			if err := l.Write(&b, f); err != nil {
				t.Fatalf("%s %s: %v", sp, f, err)
			}
			checkGolden(t, fmt.Sprintf("omegle.%s.%s", sp, f), b.Bytes())
		}
	}
	l, _ := Build(ctx, ws, "omegle", SpellRaw)
	want := []string{"omegle", "Omegle", "omegle!", "ＯＭＥＧＬＥ", "0megle"}
	if got := l.Terms(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("terms %q, want %q", got, want)
	}
	if l.Accepted[0].DecidedBy != "alice" || l.Accepted[0].Videos != 5 || l.Accepted[0].Occurrences != 5 {
		t.Errorf("seed entry %+v: want decided by alice, 5 videos, 5 occurrences", l.Accepted[0])
	}
}

// TestRegex: the pattern catches every listed spelling, in hashtags and
// text, and none of the decoys; a decoy that holds a listed term as a
// word is refused.
func TestRegex(t *testing.T) {
	ws := fixture(t)
	l, err := Build(context.Background(), ws, "omegle", SpellRaw)
	if err != nil {
		t.Fatal(err)
	}
	p, err := l.Regex()
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(p)
	for _, tc := range []struct {
		text string
		hit  bool
	}{
		{"omegle", true}, {"#Omegle", true}, {"#ＯＭＥＧＬＥ", true}, {"love #0megle!", true},
		{"OMEGLE tonight", true}, {"(omegle)", true}, {"omegle!", true},
		{"omega", false}, {"#omelette", false}, {"omelet", false}, {"homegrown", false},
		{"omeglefunny", false}, {"xomegle", false}, {"omegle_talk", false}, {"", false},
	} {
		if got := re.MatchString(tc.text); got != tc.hit {
			t.Errorf("%q: match %v, want %v", tc.text, got, tc.hit)
		}
	}
	for _, e := range l.Rejected {
		for _, s := range spellingsOf(e, SpellRaw) {
			if re.MatchString(s) {
				t.Errorf("decoy %q matches", s)
			}
		}
	}
	// A rejected "omegle.fake" holds "omegle" as a word.
	l.Rejected = append(l.Rejected, Entry{Term: "omegle.fake", Status: analysis.VariantRejected})
	if _, err := l.Regex(); !errors.Is(err, ErrDecoyMatch) {
		t.Errorf("got %v, want ErrDecoyMatch", err)
	}
}

func TestSaveLoadDiff(t *testing.T) {
	ws := fixture(t)
	ctx := context.Background()
	l1, err := Build(ctx, ws, "omegle", SpellRaw)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := Save(ctx, ws, "block", l1, "alice"); err != nil || v != 1 {
		t.Fatalf("save: version %d, %v", v, err)
	}
	got, err := Load(ctx, ws, Ref{Name: "block", Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	l1.Write(&a, FormatCSV)
	got.Write(&b, FormatCSV)
	if a.String() != b.String() {
		t.Errorf("saved and loaded lists differ:\n%s\n%s", a.String(), b.String())
	}
	// Accepting omega and rejecting 0megle changes the list.
	if err := analysis.DecideVariant(ctx, ws, "omegle", "omega", analysis.VariantAccepted, "tester"); err != nil {
		t.Fatal(err)
	}
	if err := analysis.DecideVariant(ctx, ws, "omegle", "0megle", analysis.VariantRejected, "tester"); err != nil {
		t.Fatal(err)
	}
	l2, _ := Build(ctx, ws, "omegle", SpellRaw)
	if v, err := Save(ctx, ws, "block", l2, "bob"); err != nil || v != 2 {
		t.Fatalf("save: version %d, %v", v, err)
	}
	from, _ := Load(ctx, ws, Ref{Name: "block", Version: 1})
	to, _ := Load(ctx, ws, Ref{Name: "block"})
	d := Diff(from, to)
	var lines []string
	for _, c := range d.Changes {
		lines = append(lines, c.Kind+" "+c.Term)
	}
	if got, want := strings.Join(lines, ", "), "removed 0megle, added omega"; got != want {
		t.Errorf("diff %q, want %q", got, want)
	}
	if !d.DecisionsChanged {
		t.Error("the decisions changed between the versions")
	}
	vs, err := Versions(ctx, ws)
	if err != nil || len(vs) != 2 || vs[1].CreatedBy != "bob" || vs[0].Imports != 2 {
		t.Errorf("versions %+v, %v", vs, err)
	}
	if _, err := Load(ctx, ws, Ref{Name: "block", Version: 3}); !errors.Is(err, ErrNoList) {
		t.Errorf("got %v, want ErrNoList", err)
	}
}

func TestCheck(t *testing.T) {
	ws := fixture(t)
	ctx := context.Background()
	l, err := Build(ctx, ws, "omegle", SpellRaw)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Check(ctx, ws, l, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Tag set: v01-v05, v11, v12 by hashtag and v08 by caption mention.
	want := CheckResult{TagSetVideos: 8, Caught: Hits{Videos: 8, ByHashtag: 7, ByCaption: 1, CaptionOnly: 1}}
	if c.TagSetVideos != want.TagSetVideos || c.Caught != want.Caught || c.Collateral != (Hits{}) {
		t.Errorf("word match: %+v caught %+v collateral %+v; want 8 videos, caught %+v, no collateral", c, c.Caught, c.Collateral, want.Caught)
	}
	// A naive substring "omeg" misses 0megle and hits omega as a hashtag (v06) and in a caption (v09).
	naive := &List{TagSet: "omegle", Spellings: SpellNormalised, Accepted: []Entry{{Term: "omeg", Status: "accepted"}}}
	c, err = Check(ctx, ws, naive, CheckOptions{Match: MatchSubstring})
	if err != nil {
		t.Fatal(err)
	}
	if c.Caught.Videos != 6 || c.Caught.ByHashtag != 5 || c.Collateral.Videos != 2 || c.Collateral.ByHashtag != 1 || c.Collateral.CaptionOnly != 1 {
		t.Errorf("substring omeg: caught %+v collateral %+v; want 6 caught (5 by hashtag, v08 by caption; not 0megle), 2 collateral (v06 by hashtag, v09 by caption)", c.Caught, c.Collateral)
	}
	words := []string{}
	for _, w := range c.CollateralWords {
		words = append(words, fmt.Sprintf("%s/%s/%d/%s", w.Word, w.Where, w.Videos, w.Example))
	}
	if got := strings.Join(words, " "); got != "omega/caption/1/v09 omega/hashtag/1/v06" && got != "omega/hashtag/2/v06" {
		t.Errorf("collateral words %s", got)
	}
	if c.Precision != nil {
		t.Errorf("no sample yet, got precision %+v", c.Precision)
	}
}

// TestCheckPrecision: a labelled sample of the tag set gives the share of
// caught members labelled violating, with its Wilson interval.
func TestCheckPrecision(t *testing.T) {
	ws := fixture(t)
	ctx := context.Background()
	s, err := review.CreateSample(ctx, ws, "s1", "alice", review.SampleDefinition{
		Frame: review.SampleFrame{TagSet: "omegle"}, Method: review.MethodSimple, Size: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"v01": "violating", "v02": "violating", "v03": "not_violating", "v08": "unsure"}
	for id, lab := range labels {
		if _, err := review.Label(ctx, ws, s.ID, id, "alice", lab, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	l, _ := Build(ctx, ws, "omegle", SpellRaw)
	c, err := Check(ctx, ws, l, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := c.Precision
	// Wilson 95% for 2 of 4: scipy.stats.binomtest(2, 4).proportion_ci(method="wilson")
	// gives (0.15003898915214955, 0.8499610108478504).
	if p == nil || p.Caught != 4 || p.Violating != 2 || abs(p.Lo-0.15003898915214955) > 1e-9 || abs(p.Hi-0.8499610108478504) > 1e-9 {
		t.Errorf("precision %+v; want 2 of 4, [0.1500, 0.8500]", p)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestTagSetTagsOneArgument: the macro takes the saved tag set's name alone.
func TestTagSetTagsOneArgument(t *testing.T) {
	ws := fixture(t)
	rows, err := ws.DB.Query(`SELECT tag FROM tag_set_tags('omegle') ORDER BY tag`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		got = append(got, s)
	}
	if strings.Join(got, ",") != "0megle,omegle" {
		t.Errorf("tag_set_tags('omegle') = %v", got)
	}
	if _, err := ws.DB.Exec(`SELECT * FROM tag_set_tags('nope')`); err == nil || !strings.Contains(err.Error(), "no tag set named") {
		t.Errorf("unknown tag set: %v", err)
	}
}

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"block", "block@2", "a@0", "@1", "x@", "b@-1", "b@1@2", "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRef(s)
		if err != nil {
			return
		}
		back, err := ParseRef(r.String())
		if err != nil || back != r {
			t.Errorf("%q -> %+v -> %q -> %+v, %v", s, r, r.String(), back, err)
		}
		if validName(r.Name) != nil || r.Version < 0 {
			t.Errorf("%q parsed to an invalid %+v", s, r)
		}
	})
}

func TestReadTerms(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"omegle\n#0megle\n\n  omeg1e  \nomegle\n", "omegle,0megle,omeg1e", ""},
		{"\uFEFFomegle\r\n", "omegle", ""},
		{"", "", "f.txt: no terms"},
		{"ok\nbad\x01x\n", "", "f.txt:2:4: control character U+0001"},
		{"two words\n", "", "f.txt:1:4: \"two words\" holds a space"},
		{"ok\n\xff\n", "", "f.txt:2: the line is not valid UTF-8"},
	} {
		got, err := ReadTerms(strings.NewReader(tc.in), "f.txt")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || strings.Join(got, ",") != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func FuzzReadTerms(f *testing.F) {
	for _, s := range []string{"omegle\n0megle\n", "#x\r\n\n", "a b", "\x00", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		terms, err := ReadTerms(strings.NewReader(s), "f")
		if err != nil {
			return
		}
		for _, term := range terms {
			if term == "" || strings.ContainsAny(term, " \t\r\n") || !utf8.ValidString(term) {
				t.Errorf("%q gave the term %q", s, term)
			}
		}
		if _, err := regexp.Compile(Pattern(terms)); err != nil {
			t.Errorf("pattern of %q: %v", terms, err)
		}
	})
}
