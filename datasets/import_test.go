package datasets

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

const videosHeader = "video_id,author_id,created_at,caption,hashtags,region,language,author_age_band,view_count,like_count,share_count,comment_count,duration_s\n"
const eventsHeader = "event_id,video_id,event_time,event_type,source,policy,policy_title,decision,action\n"

func writeFile(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func memWorkspace(t *testing.T) *Workspace {
	t.Helper()
	ws, err := OpenMemory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

type reject struct {
	Line   int64
	Column string
	Reason string
	Raw    string
}

func rejectsOf(t *testing.T, ws *Workspace) []reject {
	t.Helper()
	rows, err := ws.DB.Query("SELECT coalesce(line, 0), coalesce(column_name, ''), reason, coalesce(raw, '') FROM rejects ORDER BY import_id, line")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []reject
	for rows.Next() {
		var r reject
		if err := rows.Scan(&r.Line, &r.Column, &r.Reason, &r.Raw); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func count(t *testing.T, ws *Workspace, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := ws.DB.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func zst(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := zstd.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// TestImportRowRejects: rows that fail validation are kept in rejects with
// line, column and reason; the others load.
func TestImportRowRejects(t *testing.T) {
	tests := []struct {
		name       string
		videos     string
		loaded     int64
		wantReject []reject // Raw checked when not empty
	}{
		{"unparseable timestamp", "v1,a,yesterday,,,,,,,,,,\n", 0,
			[]reject{{Line: 2, Column: "created_at", Reason: "created_at: yesterday is not an RFC 3339 timestamp"}}},
		{"naive and offset timestamps load", "v1,a,2026-06-01 10:00:00,,,,,,,,,,\nv2,a,2026-06-01T12:00:00+02:00,,,,,,,,,,\n", 2, nil},
		{"negative count", "v1,a,2026-06-01T00:00:00Z,,,,,,-1,,,,\n", 0,
			[]reject{{Line: 2, Column: "view_count", Reason: "view_count: -1 is negative"}}},
		{"non-numeric count", "v1,a,2026-06-01T00:00:00Z,,,,,,,lots,,,\n", 0,
			[]reject{{Line: 2, Column: "like_count", Reason: "like_count: lots is not a whole number"}}},
		{"fractional count", "v1,a,2026-06-01T00:00:00Z,,,,,,,,5.5,,\n", 0,
			[]reject{{Line: 2, Column: "share_count", Reason: "share_count: 5.5 is not a whole number"}}},
		{"whole counts in other spellings load", "v1,a,2026-06-01T00:00:00Z,,,,,, 7 ,+3,5.0,1e3,\n", 1, nil},
		{"negative duration", "v1,a,2026-06-01T00:00:00Z,,,,,,,,,,-2.5\n", 0,
			[]reject{{Line: 2, Column: "duration_s", Reason: "duration_s: -2.5 is not a finite number >= 0"}}},
		{"unknown enum", "v1,a,2026-06-01T00:00:00Z,,,,,teen,,,,,\n", 0,
			[]reject{{Line: 2, Column: "author_age_band", Reason: "author_age_band: teen is not one of under_13, 13-15, 16-17, 18+, unknown (map other values with --mapping)"}}},
		{"missing required value", "v1,,2026-06-01T00:00:00Z,,,,,,,,,,\n", 0,
			[]reject{{Line: 2, Column: "author_id", Reason: "author_id: missing (required)"}}},
		{"duplicate id in file", "v1,a,2026-06-01T00:00:00Z,,,,,,,,,,\nv1,b,2026-06-01T00:00:00Z,,,,,,,,,,\n", 1,
			[]reject{{Line: 3, Column: "video_id", Reason: "video_id: v1 repeats line 2", Raw: "v1,b,2026-06-01T00:00:00Z,,,,,,,,,,"}}},
		{"unterminated quote", "v1,a,2026-06-01T00:00:00Z,,,,,,,,,,\nv2,a,2026-06-01T00:00:00Z,\"open,,,,,,,,,\n", 1,
			[]reject{{Line: 3, Column: "caption", Reason: "UNQUOTED VALUE: Value with unterminated quote found."}}},
		{"too many fields, later lines keep their numbers", "v1,a,2026-06-01T00:00:00Z,,,,,,,,,,,extra\nv2,a,bad,,,,,,,,,,\n", 0,
			[]reject{{Line: 2, Reason: "TOO MANY COLUMNS"}, {Line: 3, Column: "created_at"}}},
		{"several errors in one row", "v1,a,bad,,,,,,-1,,,,\n", 0,
			[]reject{{Line: 2, Column: "created_at", Reason: "created_at: bad is not an RFC 3339 timestamp; view_count: -1 is negative"}}},
		{"header only", "", 0, nil},
		{"CRLF line ends", "v1,a,2026-06-01T00:00:00Z,x,#a,US,en,18+,1,2,3,4,5.5\r\nv2,a,2026-06-01T00:00:00Z,y,,,,,,,,,\r\n", 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			header := videosHeader
			if strings.Contains(tt.videos, "\r\n") {
				header = strings.ReplaceAll(header, "\n", "\r\n")
			}
			v := writeFile(t, dir, "v.csv", []byte(header+tt.videos))
			ws := memWorkspace(t)
			sum, err := Import(context.Background(), ws, ImportRequest{Videos: []string{v}})
			if err != nil {
				t.Fatal(err)
			}
			if sum.VideosLoaded != tt.loaded {
				t.Errorf("loaded %d, want %d", sum.VideosLoaded, tt.loaded)
			}
			if sum.Rejected != int64(len(tt.wantReject)) {
				t.Errorf("rejected %d, want %d", sum.Rejected, len(tt.wantReject))
			}
			got := rejectsOf(t, ws)
			if len(got) != len(tt.wantReject) {
				t.Fatalf("rejects = %+v, want %+v", got, tt.wantReject)
			}
			for i, w := range tt.wantReject {
				g := got[i]
				if g.Line != w.Line || g.Column != w.Column || !strings.HasPrefix(g.Reason, w.Reason) || (w.Raw != "" && g.Raw != w.Raw) {
					t.Errorf("reject %d = %+v, want %+v", i, g, w)
				}
			}
			if n := count(t, ws, "SELECT count(*) FROM imports"); n != 1 {
				t.Errorf("imports rows = %d, want 1", n)
			}
		})
	}
}

// TestImportFileErrors: a file that cannot be read at all fails the import
// with its name, line and column, and leaves the workspace empty.
func TestImportFileErrors(t *testing.T) {
	good := []byte(videosHeader + "v1,a,2026-06-01T00:00:00Z,,,,,,,,,,\nv2,a,2026-06-01T00:00:00Z,,,,,,,,,,\n")
	truncated := gz(bytes.Repeat(good, 200))
	truncated = truncated[:len(truncated)/2]
	tests := []struct {
		name, file string
		content    []byte
		want       string
		line       int64
		col        int
	}{
		{"empty file", "v.csv", nil, "the file is empty", 1, 1},
		{"missing required column", "v.csv", []byte("video_id,created_at\nv1,2026-06-01T00:00:00Z\n"), `required column "author_id" is missing`, 1, 0},
		{"truncated gzip", "v.csv.gz", truncated, "truncated or corrupt", 0, 0},
		{"invalid UTF-8", "v.csv", []byte(videosHeader + "v1,a,2026-06-01T00:00:00Z,ok,,,,,,,,,\nv2,a,2026-06-01T00:00:00Z,caf\xe9,,,,,,,,,\n"), "caption: byte 0xE9 at byte 30 is not UTF-8", 3, 0},
		{"duplicate header", "v.csv", []byte("video_id,video_id\n"), `column "video_id" appears twice`, 1, 2},
		{"unknown extension", "v.txt", good, "cannot tell the format", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := writeFile(t, t.TempDir(), tt.file, tt.content)
			ws := memWorkspace(t)
			_, err := Import(context.Background(), ws, ImportRequest{Videos: []string{v}})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), v) {
				t.Fatalf("err = %v, want it to name %s and say %q", err, v, tt.want)
			}
			var fe *FileError
			if tt.line > 0 {
				if !errors.As(err, &fe) || fe.Line != tt.line || (tt.col > 0 && fe.Column != tt.col) {
					t.Errorf("err = %#v, want line %d column %d", err, tt.line, tt.col)
				}
			}
			if n := count(t, ws, "SELECT count(*) FROM videos") + count(t, ws, "SELECT count(*) FROM imports"); n != 0 {
				t.Errorf("workspace not empty after a failed import: %d rows", n)
			}
		})
	}
}

// TestImportTextRoundTrip: untrusted text comes out byte for byte as it went in.
func TestImportTextRoundTrip(t *testing.T) {
	captions := []string{
		"quoted \"newline\"\nand, commas",
		"<script>alert(1)</script>",
		"'; DROP TABLE videos; --",
		"rtl \u202eevil\u202c zero\u200bwidth e\u0301 combining",
		"nul\x00byte",
		strings.Repeat("long caption ", 80000), // about 1 MB
		"emoji 🔥🧪",
		"a tag with a quote and a NUL",
	}
	tags := []string{"#<b>bold</b>", "#🔥", "#\u202eltr", "#a\u200bb", "#" + strings.Repeat("x", 10000), "#Ｏmegle", "#e\u0301", "#it's\x00nul"}
	var b strings.Builder
	b.WriteString("\ufeff") // a UTF-8 byte order mark before the header
	b.WriteString("video_id,author_id,created_at,caption,hashtags\n")
	for i, c := range captions {
		b.WriteString("v" + string(rune('a'+i)) + ",a,2026-06-01T00:00:00Z,\"" + strings.ReplaceAll(c, `"`, `""`) + "\",\"" + tags[i] + "\"\n")
	}
	v := writeFile(t, t.TempDir(), "v.csv", []byte(b.String()))
	ws := memWorkspace(t)
	sum, err := Import(context.Background(), ws, ImportRequest{Videos: []string{v}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.VideosLoaded != int64(len(captions)) {
		t.Fatalf("loaded %d of %d; rejects %+v", sum.VideosLoaded, len(captions), rejectsOf(t, ws))
	}
	for i, c := range captions {
		id := "v" + string(rune('a'+i))
		var got, raw, norm string
		if err := ws.DB.QueryRow(`SELECT v.caption, t.tag_raw, t.tag FROM videos v JOIN video_tags t USING (video_id) WHERE video_id = ?`, id).Scan(&got, &raw, &norm); err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if got != c {
			t.Errorf("%s: caption changed (%d bytes in, %d out)", id, len(c), len(got))
		}
		if raw != tags[i] || norm != NormalizeTag(tags[i]) {
			t.Errorf("%s: tag %q -> raw %q norm %q", id, tags[i], raw, norm)
		}
	}
}

func TestImportFormatsAgree(t *testing.T) {
	csv := videosHeader + "v1,a,2026-06-01T00:00:00Z,hi,#A #b,US,en,18+,1,2,3,4,5.5\n"
	jsonl := `{"video_id":"v1","author_id":"a","created_at":"2026-06-01T00:00:00Z","caption":"hi","hashtags":["#A","#b"],"region":"US","language":"en","author_age_band":"18+","view_count":1,"like_count":2,"share_count":3,"comment_count":4,"duration_s":5.5}` + "\n"
	dir := t.TempDir()
	files := map[string][]byte{
		"v.csv": []byte(csv), "v.csv.gz": gz([]byte(csv)), "v.csv.zst": zst([]byte(csv)),
		"v.jsonl": []byte(jsonl), "v.jsonl.gz": gz([]byte(jsonl)),
	}
	for name, content := range files {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, dir, name, content)
			ws := memWorkspace(t)
			if _, err := Import(context.Background(), ws, ImportRequest{Videos: []string{p}}); err != nil {
				t.Fatal(err)
			}
			var row string
			if err := ws.DB.QueryRow(`SELECT concat_ws('|', video_id, author_id, created_at, caption, hashtags, region, language, author_age_band, view_count, like_count, share_count, comment_count, duration_s) FROM videos`).Scan(&row); err != nil {
				t.Fatal(err)
			}
			if want := "v1|a|2026-06-01 00:00:00|hi|[#A, #b]|US|en|18+|1|2|3|4|5.5"; row != want {
				t.Errorf("row = %q, want %q", row, want)
			}
			if n := count(t, ws, "SELECT count(*) FROM video_tags WHERE tag IN ('a', 'b')"); n != 2 {
				t.Errorf("video_tags = %d, want 2", n)
			}
		})
	}
}

func TestImportJSONLRejects(t *testing.T) {
	jsonl := `{"video_id":"v1","author_id":"a","created_at":"2026-06-01T00:00:00Z","hashtags":"#x #y","mystery":7}
{"video_id":"v2","author_id":"a",
[1,2]
{"video_id":"v3","author_id":"a","created_at":"2026-06-01T00:00:00Z"}
`
	p := writeFile(t, t.TempDir(), "v.jsonl", []byte(jsonl))
	ws := memWorkspace(t)
	sum, err := Import(context.Background(), ws, ImportRequest{Videos: []string{p}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.VideosLoaded != 2 || sum.Rejected != 2 {
		t.Fatalf("loaded %d rejected %d, want 2 and 2", sum.VideosLoaded, sum.Rejected)
	}
	got := rejectsOf(t, ws)
	if got[0].Line != 2 || got[1].Line != 3 || !strings.Contains(got[0].Reason, "not a JSON object") {
		t.Errorf("rejects = %+v", got)
	}
	var extra string
	if err := ws.DB.QueryRow(`SELECT extra->>'mystery' FROM videos WHERE video_id = 'v1'`).Scan(&extra); err != nil || extra != "7" {
		t.Errorf("unmapped key kept in extra = %q, %v", extra, err)
	}
	if n := count(t, ws, "SELECT count(*) FROM video_tags WHERE video_id = 'v1'"); n != 2 {
		t.Errorf("tags from a space-separated JSON string = %d, want 2", n)
	}
}

func TestImportCaptionTags(t *testing.T) {
	p := writeFile(t, t.TempDir(), "v.csv", []byte("video_id,author_id,created_at,caption\nv1,a,2026-06-01T00:00:00Z,\"talking #Omegle, #fun! and#not\"\n"))
	ws := memWorkspace(t)
	sum, err := Import(context.Background(), ws, ImportRequest{Videos: []string{p}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Files[0].TagsFrom != "caption" {
		t.Errorf("TagsFrom = %q", sum.Files[0].TagsFrom)
	}
	rows, _ := ws.DB.Query("SELECT tag FROM video_tags ORDER BY position")
	var got []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		got = append(got, s)
	}
	if strings.Join(got, ",") != "omegle,fun,not" {
		t.Errorf("caption tags = %v", got)
	}
}

func TestImportEventsAndOutcomes(t *testing.T) {
	dir := t.TempDir()
	v := writeFile(t, dir, "v.csv", []byte(videosHeader+
		"v1,a,2026-06-01T00:00:00Z,,,,,,,,,,\n"+
		"v2,a,2026-06-01T00:00:00Z,,,,,,,,,,\n"+
		"v3,a,2026-06-01T00:00:00Z,,,,,,,,,,\n"))
	e := writeFile(t, dir, "e.csv", []byte(eventsHeader+
		// v1: reported, then reviewed violating, removed after 30 h: not proactive, not within 24 h
		"e1,v1,2026-06-01T01:00:00Z,report,user,minor_safety,,,\n"+
		"e2,v1,2026-06-01T05:00:00Z,review,moderator,minor_safety,minor_safety/grooming,violation,\n"+
		"e3,v1,2026-06-02T06:00:00Z,enforcement,moderator,minor_safety,,,removed\n"+
		"e4,v1,2026-06-02T07:00:00Z,escalation,moderator,minor_safety,,,escalated_lert\n"+
		// v2: flagged, removed at 02:00; a report at the same instant counts as before: not proactive
		"e5,v2,2026-06-01T01:00:00Z,flag,model,bullying_harassment,,,\n"+
		"e6,v2,2026-06-01T02:00:00Z,review,model,bullying_harassment,,violation,\n"+
		"e7,v2,2026-06-01T02:00:00Z,enforcement,model,bullying_harassment,,,removed\n"+
		"e8,v2,2026-06-01T02:00:00Z,report,user,hate_speech,,,\n"+
		// v3: violating, then reinstated later: not violating; removed proactively within 24 h
		"e9,v3,2026-06-01T01:00:00Z,review,model,hate_speech,,violation,\n"+
		"e10,v3,2026-06-01T01:30:00Z,enforcement,model,hate_speech,,,removed\n"+
		"e11,v3,2026-06-01T03:00:00Z,appeal,user,hate_speech,,,\n"+
		"e12,v3,2026-06-01T04:00:00Z,reinstatement,moderator,hate_speech,,,reinstated\n"+
		// orphan
		"e13,gone,2026-06-01T04:00:00Z,report,user,integrity,,,\n"+
		// bad: review without decision, escalation without action, unknown source
		"e14,v1,2026-06-01T04:00:00Z,review,moderator,integrity,,,\n"+
		"e15,v1,2026-06-01T04:00:00Z,escalation,moderator,integrity,,,\n"+
		"e16,v1,2026-06-01T04:00:00Z,report,robot,integrity,,,\n"))
	ws := memWorkspace(t)
	sum, err := Import(context.Background(), ws, ImportRequest{Videos: []string{v}, Events: []string{e}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.EventsLoaded != 13 || sum.Rejected != 3 || sum.Workspace.OrphanEvents != 1 {
		t.Fatalf("summary %+v", sum)
	}
	type outcome struct {
		violating, escalated, reinstated bool
		proactive, within                *bool
		tta                              *float64
	}
	got := map[string]outcome{}
	rows, err := ws.DB.Query(`SELECT video_id || '/' || policy, violating, proactive, within_24h, time_to_action_s, escalated, reinstated FROM video_outcomes`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		var o outcome
		if err := rows.Scan(&k, &o.violating, &o.proactive, &o.within, &o.tta, &o.escalated, &o.reinstated); err != nil {
			t.Fatal(err)
		}
		got[k] = o
	}
	b := func(v bool) *bool { return &v }
	f := func(v float64) *float64 { return &v }
	want := map[string]outcome{
		"v1/minor_safety":        {violating: true, proactive: b(false), within: b(false), tta: f(30 * 3600), escalated: true},
		"v2/bullying_harassment": {violating: true, proactive: b(false), within: b(true), tta: f(2 * 3600)},
		"v2/hate_speech":         {},
		"v3/hate_speech":         {proactive: b(true), within: b(true), tta: f(5400), reinstated: true},
	}
	eq := func(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	for k, w := range want {
		g, ok := got[k]
		if !ok || g.violating != w.violating || g.escalated != w.escalated || g.reinstated != w.reinstated ||
			!eq(g.proactive, w.proactive) || !eq(g.within, w.within) || (g.tta == nil) != (w.tta == nil) || (g.tta != nil && *g.tta != *w.tta) {
			t.Errorf("%s: got %+v, want %+v", k, g, w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("outcome rows %d, want %d", len(got), len(want))
	}
}

func TestImportTwiceAndAcrossImports(t *testing.T) {
	dir := t.TempDir()
	v1 := writeFile(t, dir, "a.csv", []byte(videosHeader+"v1,a,2026-06-01T00:00:00Z,,,,,,,,,,\n"))
	v2 := writeFile(t, dir, "b.csv", []byte(videosHeader+"v1,b,2026-06-02T00:00:00Z,,,,,,,,,,\nv2,b,2026-06-02T00:00:00Z,,,,,,,,,,\n"))
	ws := memWorkspace(t)
	ctx := context.Background()
	if _, err := Import(ctx, ws, ImportRequest{Videos: []string{v1}}); err != nil {
		t.Fatal(err)
	}
	sum, err := Import(ctx, ws, ImportRequest{Videos: []string{v1}})
	if err != nil || sum.Files[0].Skipped == "" || !strings.Contains(sum.Files[0].Skipped, "already imported") {
		t.Fatalf("re-import: %+v, %v", sum, err)
	}
	sum, err = Import(ctx, ws, ImportRequest{Videos: []string{v2}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.VideosLoaded != 1 || sum.Rejected != 1 {
		t.Errorf("across imports: %+v", sum)
	}
	r := rejectsOf(t, ws)
	if len(r) != 1 || !strings.Contains(r[0].Reason, "already in the workspace (import 1)") {
		t.Errorf("rejects %+v", r)
	}
	// --strict: nothing of a file with a reject is imported.
	v3 := writeFile(t, dir, "c.csv", []byte(videosHeader+"v9,a,2026-06-01T00:00:00Z,,,,,,,,,,\nv10,a,never,,,,,,,,,,\n"))
	_, err = Import(ctx, ws, ImportRequest{Videos: []string{v3}, Strict: true})
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("strict: err = %v", err)
	}
	if n := count(t, ws, "SELECT count(*) FROM videos WHERE video_id = 'v9'"); n != 0 {
		t.Errorf("strict import loaded rows")
	}
}

func TestImportMapping(t *testing.T) {
	dir := t.TempDir()
	m, err := ParseMapping("m.yaml", []byte(`
videos:
  video_id: ID
  author_id: {from: Author}
  created_at: {from: Created, format: epoch_ms}
  hashtags: {from: Tags, list: json}
  author_age_band: {from: Age, values: {"Under 13": under_13, "Adult": "18+"}}
  region: {const: BR}
events:
  event_id: EID
  video_id: ID
  event_time: {from: When, format: "%d/%m/%Y %H:%M"}
  event_type: {from: Type, values: {"User Report": report}}
  source: {const: user}
  policy: Policy
`))
	if err != nil {
		t.Fatal(err)
	}
	v := writeFile(t, dir, "v.csv", []byte("ID,Author,Created,Tags,Age,Secret\nv1,a,1780000000000,\"[\"\"#X\"\",\"\"#y\"\"]\",Under 13,keep me\n"))
	e := writeFile(t, dir, "e.csv", []byte("EID,ID,When,Type,Policy\ne1,v1,02/06/2026 10:30,User Report,integrity\n"))
	ws := memWorkspace(t)
	sum, err := Import(context.Background(), ws, ImportRequest{Videos: []string{v}, Events: []string{e}, Mapping: m})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rejected != 0 {
		t.Fatalf("rejects: %+v", rejectsOf(t, ws))
	}
	var row string
	ws.DB.QueryRow(`SELECT concat_ws('|', video_id, author_id, created_at, hashtags, author_age_band, region, extra->>'Secret') FROM videos`).Scan(&row)
	if want := "v1|a|2026-05-28 20:26:40|[#X, #y]|under_13|BR|keep me"; row != want {
		t.Errorf("videos row = %q, want %q", row, want)
	}
	ws.DB.QueryRow(`SELECT concat_ws('|', event_time, event_type, source) FROM moderation_events`).Scan(&row)
	if want := "2026-06-02 10:30:00|report|user"; row != want {
		t.Errorf("events row = %q, want %q", row, want)
	}
}

func TestParseMappingErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"unknown section", "vids:\n  video_id: a\n", "m.yaml:1:1: unknown section \"vids\""},
		{"unknown column", "videos:\n  vid: a\n", "m.yaml:2:3: videos has no column \"vid\""},
		{"bad enum target", "events:\n  event_type: {from: T, values: {X: rep}}\n", "m.yaml:2:3: column event_type: values: \"X\" maps to \"rep\""},
		{"format on text", "videos:\n  caption: {from: C, format: epoch_s}\n", "format: applies only to timestamps"},
		{"unknown key", "videos:\n  caption: {form: C}\n", "allowed keys"},
		{"empty", "", "the mapping is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseMapping("m.yaml", []byte(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzParseMapping(f *testing.F) {
	f.Add([]byte("videos:\n  video_id: ID\n  created_at: {from: C, format: epoch_s}\n"))
	f.Add([]byte("events:\n  event_type: {from: T, values: {a: report}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMapping("fuzz.yaml", data)
		if err == nil && m == nil {
			t.Fatal("nil mapping without error")
		}
	})
}

func TestImportProgressFractions(t *testing.T) {
	dir := t.TempDir()
	v := writeFile(t, dir, "v.csv", []byte(videosHeader+"v1,a,2026-06-01T00:00:00Z,,,,,,,,,,\n"))
	e := writeFile(t, dir, "e.csv", []byte(eventsHeader+"e1,v1,2026-06-01T01:00:00Z,report,user,integrity,,,\n"))
	var seen []Progress
	ws := memWorkspace(t)
	if _, err := Import(context.Background(), ws, ImportRequest{Videos: []string{v}, Events: []string{e},
		Progress: func(p Progress) { seen = append(seen, p) }}); err != nil {
		t.Fatal(err)
	}
	last := -1.0
	for _, p := range seen {
		if p.Fraction < last || p.Fraction > 1 {
			t.Fatalf("fractions not rising within [0, 1]: %+v", seen)
		}
		last = p.Fraction
	}
	if len(seen) < 8 || seen[len(seen)-1].Phase != "committing" {
		t.Errorf("phases seen: %+v", seen)
	}
}

// TestTagDaysExact: tag_days, kept by the import, holds exact distinct video
// counts per tag and day, as RefreshOutcomes recomputes them.
func TestTagDaysExact(t *testing.T) {
	p := writeFile(t, t.TempDir(), "v.csv", []byte(videosHeader+
		"v1,a,2026-06-01T10:00:00Z,,#Omegle #fun #omegle # #ＯＭＥＧＬＥ!,,,,,,,,\n"+
		"v2,a,2026-06-01T23:00:00Z,,#fun,,,,,,,,\n"+
		"v3,a,2026-06-02T01:00:00Z,,#fun #x,,,,,,,,\n"))
	// A second import whose tags come from the captions.
	c := writeFile(t, t.TempDir(), "c.csv", []byte("video_id,author_id,created_at,caption\n"+
		"c1,a,2026-06-02T05:00:00Z,hi #Fun and #fun! #x\n"))
	ws := memWorkspace(t)
	if _, err := Import(context.Background(), ws, ImportRequest{Videos: []string{p, c}}); err != nil {
		t.Fatal(err)
	}
	const q = `SELECT string_agg(tag || ' ' || day || ' ' || videos, ', ' ORDER BY tag, day) FROM
		(SELECT tag, day, sum(videos) AS videos FROM tag_days GROUP BY ALL)`
	var got string
	ws.DB.QueryRow(q).Scan(&got)
	want := "fun 2026-06-01 2, fun 2026-06-02 2, omegle 2026-06-01 1, x 2026-06-02 2"
	if got != want {
		t.Errorf("tag_days = %s\nwant %s", got, want)
	}
	if err := RefreshOutcomes(context.Background(), ws.DB); err != nil {
		t.Fatal(err)
	}
	ws.DB.QueryRow(q).Scan(&got)
	if got != want {
		t.Errorf("after RefreshOutcomes tag_days = %s\nwant %s", got, want)
	}
}

// TestImportEmptyTags: tokens that normalise to nothing are counted, kept
// as written in videos.hashtags and left out of video_tags.
func TestImportEmptyTags(t *testing.T) {
	p := writeFile(t, t.TempDir(), "v.csv", []byte(videosHeader+
		"v1,a,2026-06-01T00:00:00Z,,# #ok !!,,,,,,,,\n"+
		"v2,a,2026-06-01T00:00:00Z,,#ok,,,,,,,,\n"))
	ws := memWorkspace(t)
	sum, err := Import(context.Background(), ws, ImportRequest{Videos: []string{p}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.EmptyTags != 2 {
		t.Errorf("EmptyTags = %d, want 2", sum.EmptyTags)
	}
	if n := count(t, ws, `SELECT count(*) FROM video_tags`); n != 2 {
		t.Errorf("video_tags rows = %d, want 2", n)
	}
	if n := count(t, ws, `SELECT len(hashtags) FROM videos WHERE video_id = 'v1'`); n != 3 {
		t.Errorf("videos.hashtags of v1 has %d tokens, want 3", n)
	}
}

// TestDirectAndStagedReadsAgree: a CSV file loads the same values whether it
// streams straight into the table (the fast path) or, because some other row
// is bad, is staged with line numbers and loaded again.
func TestDirectAndStagedReadsAgree(t *testing.T) {
	good := "v1,a,2026-06-01 10:00:00,,,,,,7,,,,2.5\n" +
		"v2,a,2026-06-01T12:00:00.123456+02:00,,,,,,,,,,.5\n" +
		"v3,a,2026-06-01,,,,,,,,,,1e2\n" +
		"v4,a,2026-06-01T00:00:00Z,,,,,,,,,,0\n" +
		"v5,a,2026-06-01T23:59:59.5-05:30,,,,,,,,,,\n"
	load := func(content string) (string, int64) {
		dir := t.TempDir()
		ws := memWorkspace(t)
		sum, err := Import(context.Background(), ws, ImportRequest{Videos: []string{writeFile(t, dir, "v.csv", []byte(videosHeader+content))}})
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if err := ws.DB.QueryRow(`SELECT string_agg(concat_ws('|', video_id, created_at, duration_s, view_count, source_line IS NULL), '; ' ORDER BY video_id)
			FROM videos`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return got, sum.Rejected
	}
	direct, rejected := load(good)
	if rejected != 0 {
		t.Fatalf("%d rows rejected", rejected)
	}
	staged, rejected := load(good + "v6,a,not-a-time,,,,,,,,,,\n")
	if rejected != 1 {
		t.Fatalf("%d rows rejected, want 1", rejected)
	}
	// The staged path knows each row's line; otherwise the values agree.
	if strings.ReplaceAll(direct, "|true", "|false") != staged || strings.Contains(direct, "|false") {
		t.Errorf("direct read:\n%s\nstaged read:\n%s", direct, staged)
	}
}

// TestImportImplausibleTimes: a time before 2005 or more than a day after
// the import is rejected, and the reason names the unit mistake it most
// likely is (issue 11.4: epoch_ms read as epoch_s gave the year 53211).
func TestImportImplausibleTimes(t *testing.T) {
	tomorrowPlus := time.Now().UTC().Add(49 * time.Hour).Format(time.RFC3339)
	tests := []struct {
		name, format, created, want string
	}{
		{"ms read as s", "epoch_s", "1617000000000", "created_at: 1617000000000 is in the year 53210, after the import: is it epoch_ms (milliseconds) read as epoch_s (seconds)? check the mapping's format"},
		{"s read as ms", "epoch_ms", "1617000000", "created_at: 1617000000 is in the year 1970, before 2005: is it epoch_s (seconds) read as epoch_ms (milliseconds)? check the mapping's format"},
		{"us read as ms", "epoch_ms", "1617000000000000", "after the import: is it in microseconds read as epoch_ms (milliseconds)?"},
		{"RFC 3339 before 2005", "", "1999-12-31T23:00:00Z", "created_at: 1999-12-31T23:00:00Z is in the year 1999, before 2005: check the export's dates and the mapping's format"},
		{"two days ahead", "", tomorrowPlus, "after the import: check the export's time zone and the mapping's format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var m *Mapping
			if tt.format != "" {
				var err error
				if m, err = ParseMapping("m.yaml", []byte("videos:\n  created_at: {from: created_at, format: "+tt.format+"}\n")); err != nil {
					t.Fatal(err)
				}
			}
			v := writeFile(t, dir, "v.csv", []byte(videosHeader+"v1,a,"+tt.created+",,,,,,,,,,\n"))
			ws := memWorkspace(t)
			sum, err := Import(context.Background(), ws, ImportRequest{Videos: []string{v}, Mapping: m})
			if err != nil {
				t.Fatal(err)
			}
			rej := rejectsOf(t, ws)
			if sum.VideosLoaded != 0 || len(rej) != 1 || rej[0].Column != "created_at" || !strings.Contains(rej[0].Reason, tt.want) {
				t.Errorf("loaded %d, rejects %+v, want one on created_at saying %q", sum.VideosLoaded, rej, tt.want)
			}
		})
	}
	// The edges are plausible: 2005-01-01 and a day from now.
	dir := t.TempDir()
	v := writeFile(t, dir, "v.csv", []byte(videosHeader+"v1,a,2005-01-01T00:00:00Z,,,,,,,,,,\nv2,a,"+time.Now().UTC().Add(23*time.Hour).Format(time.RFC3339)+",,,,,,,,,,\n"))
	ws := memWorkspace(t)
	if sum, err := Import(context.Background(), ws, ImportRequest{Videos: []string{v}}); err != nil || sum.VideosLoaded != 2 {
		t.Errorf("plausible edges: %+v, %v, rejects %+v", sum, err, rejectsOf(t, ws))
	}
}
