package queries

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

const goodQuery = `-- name: daily
-- description: Videos per day,
--   continued here.
-- param: tags list<tag> required "hashtags"
-- param: since date default 2026-01-01 "first day (UTC)"
-- param: label string default "a \"quoted\" value" "a label"
-- param: cap int default null "optional cap"
-- param: ratio float default 0.5 "a ratio"
-- param: strict bool default true "strict?"
-- param: at timestamp default 2026-01-02T03:04:05+02:00 "an instant"
-- param: names list<string> default "a,b\\,c" "names"
--
-- require-one-of: cap, ratio

-- a free comment after a blank line is fine
SELECT $tags, $since, $label, $cap, $ratio, $strict, $at, $names
`

func TestParseGood(t *testing.T) {
	q, err := Parse("dir/daily.sql", []byte(goodQuery))
	if err != nil {
		t.Fatal(err)
	}
	if q.Name != "daily" || q.Description != "Videos per day, continued here." {
		t.Errorf("name %q description %q", q.Name, q.Description)
	}
	want := []struct {
		name     string
		typ      Type
		required bool
		def      any
		text     string
	}{
		{"tags", TypeTagList, true, nil, ""},
		{"since", TypeDate, false, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "2026-01-01"},
		{"label", TypeString, false, `a "quoted" value`, `"a \"quoted\" value"`},
		{"cap", TypeInt, false, nil, "null"},
		{"ratio", TypeFloat, false, 0.5, "0.5"},
		{"strict", TypeBool, false, true, "true"},
		{"at", TypeTimestamp, false, time.Date(2026, 1, 2, 1, 4, 5, 0, time.UTC), "2026-01-02T03:04:05+02:00"},
		{"names", TypeStringList, false, []string{"a", "b,c"}, `"a,b\\,c"`},
	}
	if len(q.Params) != len(want) {
		t.Fatalf("%d params, want %d", len(q.Params), len(want))
	}
	for i, w := range want {
		p := q.Params[i]
		if p.Name != w.name || p.Type != w.typ || p.Required != w.required || !reflect.DeepEqual(p.Default, w.def) || p.DefaultText != w.text {
			t.Errorf("param %d = %+v, want %+v", i, p, w)
		}
		if p.Line != i+4 {
			t.Errorf("param %s on line %d, want %d", p.Name, p.Line, i+4)
		}
	}
	if !reflect.DeepEqual(q.RequireOneOf, [][]string{{"cap", "ratio"}}) {
		t.Errorf("require-one-of %v", q.RequireOneOf)
	}
}

func TestParseErrors(t *testing.T) {
	const head = "-- name: q\n-- description: d\n"
	cases := []struct {
		name string
		src  string
		line int
		msg  string // substring of the error
	}{
		{"empty", "", 1, "empty file"},
		{"blank", "\n \n", 1, "empty file"},
		{"no header", "SELECT 1", 1, "missing header"},
		{"no name", "-- description: d\nSELECT 1", 1, `no "-- name: NAME"`},
		{"no description", "-- name: q\nSELECT 1", 1, `no "-- description`},
		{"name mismatch", "-- name: other\n-- description: d\nSELECT 1", 1, `does not match the file name "q.sql"`},
		{"bad name", "-- name: Q-1\n", 1, "invalid name"},
		{"duplicate name", "-- name: q\n-- name: q\n", 2, "name given twice (first on line 1)"},
		{"unknown key", head + "-- author: me\nSELECT 1", 3, `unknown header key "author": valid keys are name, description, param, require-one-of`},
		{"misspelt key", "-- name: q\n-- descrption: d\nSELECT 1", 2, `did you mean "description"?`},
		{"free comment", head + "-- this query does things\nSELECT 1", 3, `"-- key: value"`},
		{"no space", "--name: q\n", 1, "a space after"},
		{"no space after colon", "-- name:q\n", 1, `put a space after "name:"`},
		{"empty description", "-- name: q\n-- description:\n", 2, "empty description"},
		{"continuation after param", head + "-- param: a int required \"x\"\n--   more\nSELECT $a", 4, "continues the description"},
		{"no sql", head, 3, "no SQL after the header"},
		{"only comments", head + "\n-- just a comment\n", 5, "no SQL after the header"},
		{"unknown type", head + "-- param: a integer required \"x\"\nSELECT 1", 3, `unknown type "integer"`},
		{"no type", head + "-- param: a\nSELECT 1", 3, "has no type"},
		{"no mode", head + "-- param: a int\nSELECT 1", 3, `write "required" or "default VALUE"`},
		{"bad mode", head + "-- param: a int optional \"x\"\nSELECT 1", 3, `found "optional"`},
		{"bad default", head + "-- param: a int default ten \"x\"\nSELECT 1", 3, `"ten" is not an int`},
		{"bad date default", head + "-- param: a date default 2026-13-01 \"x\"\nSELECT 1", 3, "is not a date"},
		{"no default value", head + "-- param: a int default\nSELECT 1", 3, "default needs a value"},
		{"no description", head + "-- param: a int required\nSELECT 1", 3, "needs a description"},
		{"unterminated", head + "-- param: a int required \"x\nSELECT 1", 3, "unterminated quoted string"},
		{"trailing text", head + "-- param: a int required \"x\" y\nSELECT 1", 3, `unexpected text "y"`},
		{"empty param description", head + "-- param: a int required \"  \"\nSELECT 1", 3, "empty description"},
		{"bad param name", head + "-- param: A int required \"x\"\nSELECT 1", 3, "invalid parameter name"},
		{"duplicate param", head + "-- param: a int required \"x\"\n-- param: a int required \"y\"\nSELECT 1", 4, `"a" declared twice (first on line 3)`},
		{"one-of single", head + "-- require-one-of: a\nSELECT 1", 3, "two or more"},
		{"one-of unknown", head + "-- param: a int default 1 \"x\"\n-- require-one-of: a, b\nSELECT 1", 4, `"b", which is not a declared`},
		{"one-of required", head + "-- param: a int required \"x\"\n-- param: b int default 1 \"x\"\n-- require-one-of: a, b\nSELECT 1", 5, "already required"},
		{"invalid utf8", head + "-- param: a string default \xff \"x\"\nSELECT 1", 3, "not valid UTF-8"},
		{"bad escape", head + "-- param: a string default \"\\q\" \"x\"\nSELECT 1", 3, "bad quoted string"},
		{"list bad escape", head + "-- param: a list<string> default \"a\\\\b\" \"x\"\nSELECT 1", 3, "backslash must be followed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("some/dir/q.sql", []byte(c.src))
			if err == nil {
				t.Fatalf("no error for\n%s", c.src)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is a %T, want *ParseError", err, err)
			}
			if pe.File != "some/dir/q.sql" || pe.Line != c.line {
				t.Errorf("error at %s:%d, want line %d: %v", pe.File, pe.Line, c.line, err)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q does not contain %q", err, c.msg)
			}
			if !strings.HasPrefix(err.Error(), "some/dir/q.sql:") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

func TestParseCRLFAndBOM(t *testing.T) {
	src := "\uFEFF\r\n-- name: q\r\n-- description: d\r\n-- param: a int default 3 \"x\"\r\n\r\nSELECT $a\r\n"
	q, err := Parse("q.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if q.Description != "d" || q.Params[0].Default != int64(3) || q.Params[0].Line != 4 {
		t.Errorf("got %+v", q)
	}
}

func TestParseValue(t *testing.T) {
	cases := []struct {
		typ  Type
		in   string
		want any
		err  string
	}{
		{TypeString, " keep spaces ", " keep spaces ", ""},
		{TypeInt, "42", int64(42), ""},
		{TypeInt, "4.2", nil, "not an int"},
		{TypeInt, "99999999999999999999", nil, "not an int"},
		{TypeFloat, "1e-3", 0.001, ""},
		{TypeFloat, "NaN", nil, "not a float"},
		{TypeFloat, "inf", nil, "not a float"},
		{TypeBool, "TRUE", true, ""},
		{TypeBool, "no", false, ""},
		{TypeBool, "maybe", nil, "not a bool"},
		{TypeDate, "2026-02-28", time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), ""},
		{TypeDate, "2026-02-30", nil, "not a date"},
		{TypeDate, "28/02/2026", nil, "not a date"},
		{TypeTimestamp, "2026-01-02 03:04:05", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), ""},
		{TypeTimestamp, "2026-01-02T03:04:05-03:00", time.Date(2026, 1, 2, 6, 4, 5, 0, time.UTC), ""},
		{TypeTimestamp, "2026-01-02", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), ""},
		{TypeTimestamp, "yesterday", nil, "not a timestamp"},
		{TypeStringList, "", []string{}, ""},
		{TypeStringList, "a, b ,c", []string{"a", "b", "c"}, ""},
		{TypeStringList, `x\,y,z\\`, []string{"x,y", `z\`}, ""},
		{TypeStringList, `x\y`, nil, "backslash"},
		{TypeTagList, "#Omegle!!, ＯＭＥＧＬＥ,#,omegel", []string{"omegle", "omegle", "omegel"}, ""},
	}
	for _, c := range cases {
		got, err := c.typ.ParseValue(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v %q: error %v, want %q", c.typ, c.in, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v %q = %#v, %v; want %#v", c.typ, c.in, got, err, c.want)
		}
	}
}

// FuzzParse checks that no header crashes the parser, that every failure
// is a *ParseError naming the file and a line inside it, and that what
// parses is consistent.
func FuzzParse(f *testing.F) {
	f.Add([]byte(goodQuery))
	f.Add([]byte("-- name: q\n-- description: d\nSELECT 1"))
	f.Add([]byte("-- name: q\n-- description: d\n-- param: a list<tag> default \"#x,y\" \"z\"\n-- require-one-of: a, a\nSELECT $a"))
	f.Add([]byte("\n\n--\n-- name: q\r\n--   x\n"))
	f.Add([]byte("-- name: q\n-- description: d\n-- param: a string default \"\\u00e9\\\"\" \"x\\ty\"\nSELECT 1"))
	f.Fuzz(func(t *testing.T, src []byte) {
		q, err := Parse("fuzz/q.sql", src)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is a %T", err, err)
			}
			lines := strings.Count(string(src), "\n") + 1
			if pe.Line < 1 || pe.Line > lines {
				t.Fatalf("error line %d outside 1..%d: %v", pe.Line, lines, err)
			}
			return
		}
		if q.Name != "q" || q.Description == "" {
			t.Fatalf("parsed without name or description: %+v", q)
		}
		seen := map[string]bool{}
		for _, p := range q.Params {
			if seen[p.Name] || !identRE.MatchString(p.Name) || p.Description == "" {
				t.Fatalf("bad param %+v", p)
			}
			seen[p.Name] = true
			if !p.Required && p.Default != nil {
				// A default must survive the checks Go callers go through.
				if _, err := p.Type.checkValue(p.Default); err != nil {
					t.Fatalf("default %#v of %s does not fit its type: %v", p.Default, p.Name, err)
				}
			}
		}
		for _, g := range q.RequireOneOf {
			for _, n := range g {
				if p := q.Param(n); p == nil || p.Required {
					t.Fatalf("require-one-of %v names %q", g, n)
				}
			}
		}
	})
}

// FuzzParseValue: no text makes a parameter parser panic, and every value
// it accepts passes the check Go callers go through.
func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"", "42", "-1e9", "true", "2026-02-28", "2026-01-02T03:04:05Z", `a\,b,c`, `\`, "#Ｏmegle!!,x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for typ := TypeString; typ <= TypeTagList; typ++ {
			v, err := typ.ParseValue(s)
			if err != nil {
				continue
			}
			if _, err := typ.checkValue(v); err != nil {
				t.Fatalf("%v: %q parsed to %#v, which fails the check: %v", typ, s, v, err)
			}
		}
	})
}
