package sqltext

import "testing"

func TestNumbered(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT ? , ?::TEXT[], f(?)`, `SELECT $1 , $2::TEXT[], f($3)`},
		{`SELECT '?', "a?", ? -- why?` + "\n" + `, /* ? /* ? */ */ ?`, `SELECT '?', "a?", $1 -- why?` + "\n" + `, /* ? /* ? */ */ $2`},
		{`SELECT $$ ? $$, E'\'?', ?`, `SELECT $$ ? $$, E'\'?', $1`},
		{`WHERE a=?AND b IN (?,?)`, `WHERE a=$1AND b IN ($2,$3)`},
	} {
		if got := Numbered(tc.in); got != tc.want {
			t.Errorf("Numbered(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
