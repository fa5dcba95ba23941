package queries

import (
	"database/sql"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

const paramsQuery = `-- name: p
-- description: parameter checks
-- param: tags list<tag> default "" "tags"
-- param: tag_set string default "" "tag set"
-- param: since date default 2026-01-01 "first day"
-- param: limit int required "row cap"
-- require-one-of: tags, tag_set

SELECT $tags, $tag_set, $since, $limit
`

func mustParse(t *testing.T, file, src string) *Query {
	t.Helper()
	q, err := Parse(file, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestBind(t *testing.T) {
	q := mustParse(t, "p.sql", paramsQuery)
	st, err := q.Bind(map[string][]string{"tags": {"#A,b", "C"}, "limit": {"10"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []sql.NamedArg{
		sql.Named("tags", []string{"a", "b", "c"}),
		sql.Named("tag_set", ""),
		sql.Named("since", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)),
		sql.Named("limit", int64(10)),
	}
	if !reflect.DeepEqual(st.Args, want) {
		t.Errorf("args %#v\nwant %#v", st.Args, want)
	}
	if st.SQL != q.SQL || st.Name != "p" || !st.Saved() {
		t.Errorf("statement %+v", st)
	}
	st2, err := q.BindValues(map[string]any{"tag_set": "omegle", "limit": 5, "since": time.Date(2026, 3, 4, 15, 0, 0, 0, time.FixedZone("x", 3600))})
	if err != nil {
		t.Fatal(err)
	}
	if got := st2.Args[2].Value; got != time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC) {
		t.Errorf("date from Go = %v", got)
	}
	if got := st2.Args[3].Value; got != int64(5) {
		t.Errorf("int from Go = %#v", got)
	}
}

func TestBindErrors(t *testing.T) {
	q := mustParse(t, "p.sql", paramsQuery)
	listing := []string{
		"parameters:",
		`tags     list<tag>  (default "")`,
		"since    date       (default 2026-01-01)  first day",
		"limit    int        (required)",
		"give at least one of: tags, tag_set",
	}
	cases := []struct {
		name  string
		given map[string][]string
		msg   string
	}{
		{"unknown", map[string][]string{"limit": {"1"}, "tags": {"x"}, "lmit": {"1"}}, `unknown parameter "lmit"`},
		{"missing required", map[string][]string{"tags": {"x"}}, "missing required parameter limit (give it with --param limit=VALUE)"},
		{"none of group", map[string][]string{"limit": {"1"}}, "give at least one of tags, tag_set"},
		{"group given empty", map[string][]string{"limit": {"1"}, "tags": {""}}, "give at least one of tags, tag_set"},
		{"bad int", map[string][]string{"limit": {"ten"}, "tags": {"x"}}, `parameter limit: "ten" is not an int`},
		{"bad date", map[string][]string{"limit": {"1"}, "tags": {"x"}, "since": {"01/02/2026"}}, "parameter since: \"01/02/2026\" is not a date"},
		{"scalar twice", map[string][]string{"limit": {"1", "2"}, "tags": {"x"}}, "parameter limit given 2 times"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := q.Bind(c.given)
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want *ParamError", err, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "query p: ") || !strings.Contains(msg, c.msg) {
				t.Errorf("error %q does not say %q", msg, c.msg)
			}
			for _, l := range listing {
				if !strings.Contains(msg, l) {
					t.Errorf("error %q does not list %q", msg, l)
				}
			}
		})
	}
	if _, err := q.BindValues(map[string]any{"limit": "x", "tags": []string{"a"}}); err == nil || !strings.Contains(err.Error(), "not an int") {
		t.Errorf("BindValues with a bad string: %v", err)
	}
	if _, err := q.BindValues(map[string]any{"limit": 1.5, "tags": []string{"a"}}); err == nil || !strings.Contains(err.Error(), "does not fit type int") {
		t.Errorf("BindValues with a float for an int: %v", err)
	}
	if _, err := q.BindValues(map[string]any{"limit": nil, "tags": []string{"a"}}); err == nil || !strings.Contains(err.Error(), "cannot be null") {
		t.Errorf("BindValues with nil for a required one: %v", err)
	}
}

func TestParseAssignments(t *testing.T) {
	got, err := ParseAssignments([]string{"a=1", "b=x=y", "a=2", "c="})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"a": {"1", "2"}, "b": {"x=y"}, "c": {""}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
	for _, bad := range []string{"novalue", "=x"} {
		if _, err := ParseAssignments([]string{bad}); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestDefaultsNotShared(t *testing.T) {
	q := mustParse(t, "q.sql", "-- name: q\n-- description: d\n-- param: l list<string> default \"a,b\" \"x\"\nSELECT $l")
	st, err := q.Bind(nil)
	if err != nil {
		t.Fatal(err)
	}
	st.Args[0].Value.([]string)[0] = "changed"
	if q.Params[0].Default.([]string)[0] != "a" {
		t.Error("changing a bound list changed the query's default")
	}
}
