package sqltext

import (
	"strconv"
	"strings"
)

// Numbered rewrites the ? parameters of q as $1, $2, ... in order, the
// placeholders PostgreSQL takes, so that one statement text with ?
// parameters (DuckDB's) serves both engines. A ? inside a string literal,
// a quoted identifier, a dollar-quoted string or a comment is left as it is.
func Numbered(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); {
		if q[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			i++
			continue
		}
		j := skipToken(q, i)
		b.WriteString(q[i:j])
		i = j
	}
	return b.String()
}
