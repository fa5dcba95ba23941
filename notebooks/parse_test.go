package notebooks

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const header = "---\ntitle: T\nparams:\n  - {name: tag, type: string, default: omegle}\n  - {name: n, type: int, default: \"3\"}\n---\n"

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		kinds   []BlockKind
		wantErr string // substring; "" means success
		errLine int
	}{
		{name: "prose only", src: header + "# Hello\n\nText.\n", kinds: []BlockKind{KindMarkdown}},
		{name: "sql and chart", src: header + "Intro\n\n```sql name=daily rows=5\nSELECT 1 AS x, 2 AS y\n```\n\n```chart\ntype: line\ndata: daily\nx: x\ny: y\n```\nOutro\n",
			kinds: []BlockKind{KindMarkdown, KindSQL, KindChart, KindMarkdown}},
		{name: "y as list", src: header + "```sql name=d\nSELECT 1\n```\n```chart\ntype: bar\ndata: d\nx: a\ny: [b, c]\n```\n", kinds: []BlockKind{KindSQL, KindChart}},
		{name: "other fences stay prose", src: header + "````markdown\n```sql name=x\nSELECT 1\n```\n````\n", kinds: []BlockKind{KindMarkdown}},
		{name: "tilde fence", src: header + "~~~sql name=d\nSELECT 1\n~~~\n", kinds: []BlockKind{KindSQL}},
		{name: "investigate with params", src: header + "```investigate\ntag: $tag\nseed: $n\npolicies: [minor_safety]\n```\n", kinds: []BlockKind{KindInvestigate}},
		{name: "investigate drawing its own sample", src: header + "```investigate\ntag: $tag\nsample_size: $n\n```\n", wantErr: "name it with sample: NAME", errLine: 8},
		{name: "CRLF", src: strings.ReplaceAll(header+"```sql name=d\nSELECT 1\n```\n", "\n", "\r\n"), kinds: []BlockKind{KindSQL}},
		{name: "no front matter", src: "# Title\n", wantErr: "starts with YAML front matter", errLine: 1},
		{name: "unclosed front matter", src: "---\ntitle: x\n", wantErr: "not closed", errLine: 1},
		{name: "no title", src: "---\ndescription: x\n---\n", wantErr: "needs a title", errLine: 2},
		{name: "unknown front matter key", src: "---\ntitle: x\nauthor: me\n---\n", wantErr: "author", errLine: 3},
		{name: "bad param type", src: "---\ntitle: x\nparams:\n  - name: a\n    type: complex\n---\n", wantErr: "unknown type", errLine: 4},
		{name: "bad default", src: "---\ntitle: x\nparams:\n  - {name: a, type: int, default: many}\n---\n", wantErr: "\"many\" is not an int", errLine: 4},
		{name: "duplicate param", src: "---\ntitle: x\nparams:\n  - {name: a}\n  - {name: a}\n---\n", wantErr: "declared twice"},
		{name: "sql without name", src: header + "\n```sql\nSELECT 1\n```\n", wantErr: "needs a name", errLine: 8},
		{name: "sql bad rows", src: header + "```sql name=d rows=-1\nSELECT 1\n```\n", wantErr: "positive whole number", errLine: 7},
		{name: "sql unknown option", src: header + "```sql name=d colour=red\nSELECT 1\n```\n", wantErr: "unknown option", errLine: 7},
		{name: "sql empty", src: header + "```sql name=d\n\n```\n", wantErr: "is empty", errLine: 7},
		{name: "sql duplicate name", src: header + "```sql name=d\nSELECT 1\n```\n```sql name=d\nSELECT 2\n```\n", wantErr: "already used at line 7", errLine: 10},
		{name: "unclosed sql", src: header + "```sql name=d\nSELECT 1\n", wantErr: "not closed", errLine: 7},
		{name: "chart before data", src: header + "```chart\ntype: line\ndata: d\nx: a\ny: b\n```\n```sql name=d\nSELECT 1\n```\n", wantErr: "no sql block of that name above", errLine: 7},
		{name: "chart bad type", src: header + "```sql name=d\nSELECT 1\n```\n```chart\ntype: pie\ndata: d\nx: a\ny: b\n```\n", wantErr: "not one of", errLine: 11},
		{name: "chart unknown key", src: header + "```sql name=d\nSELECT 1\n```\n```chart\ntype: line\ndata: d\nx: a\ny: b\ncolor: red\n```\n", wantErr: "color", errLine: 15},
		{name: "heatmap needs value", src: header + "```sql name=d\nSELECT 1\n```\n```chart\ntype: heatmap\ndata: d\nx: a\ny: b\n```\n", wantErr: "value", errLine: 11},
		{name: "series and several y", src: header + "```sql name=d\nSELECT 1\n```\n```chart\ntype: line\ndata: d\nx: a\ny: [b, c]\nseries: s\n```\n", wantErr: "either series"},
		{name: "investigate without tag", src: header + "```investigate\npolicies: [a]\n```\n", wantErr: "needs a tag", errLine: 8},
		{name: "investigate unknown param", src: header + "```investigate\ntag: $nope\n```\n", wantErr: "$nope is not a parameter", errLine: 7},
		{name: "investigate unknown section", src: header + "```investigate\ntag: x\nshow: [pie]\n```\n", wantErr: "unknown section"},
		{name: "investigate bad yaml", src: header + "```investigate\ntag: [unclosed\n```\n", wantErr: "", errLine: -1},
		{name: "not utf8", src: header + "\xff\xfe\n", wantErr: "UTF-8", errLine: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb, err := Parse("nb.md", []byte(tt.src))
			if tt.wantErr == "" && tt.errLine == 0 {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				var got []BlockKind
				for _, b := range nb.Blocks {
					got = append(got, b.Kind)
				}
				if !equalKinds(got, tt.kinds) {
					t.Fatalf("blocks = %v, want %v", got, tt.kinds)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse succeeded, want an error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if !strings.HasPrefix(err.Error(), "nb.md:") {
				t.Errorf("error %q does not name the file", err)
			}
			if tt.errLine > 0 && pe.Line != tt.errLine {
				t.Errorf("error line = %d, want %d (%v)", pe.Line, tt.errLine, err)
			}
		})
	}
}

func equalKinds(a, b []BlockKind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseDetails(t *testing.T) {
	src := header + "```sql name=daily rows=5 hide\nSELECT $tag\n```\n```chart\ntype: heatmap\ndata: daily\nx: a\ny: b\nvalue: v\ntitle: \"A <b>title</b>\"\n```\n"
	nb, err := Parse("nb.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sq := nb.Blocks[0]
	if sq.SQL.Name != "daily" || sq.SQL.Rows != 5 || !sq.SQL.Hide || sq.Text != "SELECT $tag" || sq.Line != 7 {
		t.Errorf("sql block = %+v %+v", sq, sq.SQL)
	}
	ch := nb.Blocks[1].Chart
	if ch.Type != "heatmap" || ch.Value != "v" || len(ch.Y) != 1 || ch.Y[0] != "b" || ch.Title != "A <b>title</b>" {
		t.Errorf("chart = %+v", ch)
	}
	if nb.Params[1].Name != "n" || nb.Params[1].Type != "int" || nb.Params[1].Default != "3" {
		t.Errorf("params = %+v", nb.Params)
	}
}

func TestResolveParams(t *testing.T) {
	nb, err := Parse("nb.md", []byte("---\ntitle: x\nparams:\n  - {name: d, type: date, default: \"2026-01-02\"}\n  - {name: l, type: strings, default: \"a, b,,c\"}\n  - {name: f, type: float, default: \"0.5\"}\n---\n"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := ResolveParams(nb, map[string]string{"f": "2.5"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := v.Value("f"); got != 2.5 {
		t.Errorf("f = %v", got)
	}
	// One parser with saved queries (queries.Type.ParseValue): an empty item
	// is kept, not silently dropped.
	if got, _ := v.Value("l"); strings.Join(got.([]string), "|") != "a|b||c" {
		t.Errorf("l = %v", got)
	}
	if got := v.expandList([]string{"$l", "z"}); strings.Join(got, "|") != "a|b||c|z" {
		t.Errorf("expandList = %v", got)
	}
	if _, err := ResolveParams(nb, map[string]string{"nope": "1"}); err == nil || !strings.Contains(err.Error(), "d (date") {
		t.Errorf("unknown parameter error = %v, want it to list the parameters", err)
	}
	if _, err := ResolveParams(nb, map[string]string{"d": "yesterday"}); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD") {
		t.Errorf("bad date error = %v", err)
	}
}

// TestParseShipped parses the shipped notebook and compares its structure
// with a golden file (go test -update rewrites it).
func TestParseShipped(t *testing.T) {
	src, err := os.ReadFile("omegle-investigation.md")
	if err != nil {
		t.Fatal(err)
	}
	nb, err := Parse("omegle-investigation.md", src)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(nb, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "omegle-investigation.parsed.golden")
	if *update {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if strings.TrimSpace(string(got)) != strings.TrimSpace(string(want)) {
		t.Errorf("parsed structure differs from %s; run go test -update and review the diff.\ngot:\n%s", golden, got)
	}
}

func TestMarkdownIsSafe(t *testing.T) {
	tests := []struct{ in, mustNot, must string }{
		{"<script>alert(1)</script>", "<script", "raw HTML omitted"},
		{"hi <img src=x onerror=alert(1)>", "<img", ""},
		{"[x](javascript:alert(1))", "javascript:", ""},
		{"![logo](https://example.com/x.png)", "<img", "[image: logo]"},
		{"a **b** `<c>`", "<c>", "&lt;c&gt;"},
	}
	for _, tt := range tests {
		h, err := renderMarkdown(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(h), tt.mustNot) {
			t.Errorf("renderMarkdown(%q) = %q contains %q", tt.in, h, tt.mustNot)
		}
		if tt.must != "" && !strings.Contains(string(h), tt.must) {
			t.Errorf("renderMarkdown(%q) = %q lacks %q", tt.in, h, tt.must)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(header + "```sql name=d\nSELECT 1\n```\n```chart\ntype: line\ndata: d\nx: a\ny: b\n```\n"))
	f.Add([]byte(header + "```investigate\ntag: $tag\n```\n"))
	f.Add([]byte("---\ntitle: x\n---\n````\n```sql\n````\n"))
	f.Add([]byte("---\n---\n"))
	if src, err := os.ReadFile("omegle-investigation.md"); err == nil {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		nb, err := Parse("fuzz.md", src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError: %v", err, err)
			}
			if pe.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		// A parsed notebook is consistent: charts name a sql block above,
		// blocks are in file order.
		names := map[string]bool{}
		last := 0
		for _, b := range nb.Blocks {
			if b.Line < last {
				t.Fatalf("blocks out of order: line %d after %d", b.Line, last)
			}
			last = b.Line
			switch b.Kind {
			case KindSQL:
				names[b.SQL.Name] = true
			case KindChart:
				if !names[b.Chart.Data] {
					t.Fatalf("chart data %q not above it", b.Chart.Data)
				}
			}
		}
		if nb.Title == "" {
			t.Fatal("parsed a notebook without a title")
		}
	})
}

func TestParseYAMLErrorText(t *testing.T) {
	_, err := Parse("nb.md", []byte("---\ntitle: x\nauthor: me\n---\n"))
	if err == nil || err.Error() != "nb.md:3: field author not found in type frontMatter" {
		t.Errorf("error = %q", err)
	}
}
