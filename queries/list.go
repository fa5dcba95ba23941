package queries

import (
	"fmt"
	"io"
	"strings"

	"github.com/trendlab/trendlab/internal/textsafe"
)

// WriteList writes the library's queries as `trendlab query list` shows
// them: name, where it comes from and the description, cut to width (0 for
// no limit), then a note for each user query that overrides another.
func WriteList(w io.Writer, qs []*Query, width int) error {
	wName := len("NAME")
	for _, q := range qs {
		wName = max(wName, len(q.Name))
	}
	var b strings.Builder
	line := func(name, source, desc string) {
		s := fmt.Sprintf("%-*s  %-7s  %s", wName, name, source, textsafe.Show(desc))
		if width > 0 {
			s = cellWidth.Truncate(s, width, "…")
		}
		b.WriteString(strings.TrimRight(s, " "))
		b.WriteByte('\n')
	}
	line("NAME", "SOURCE", "DESCRIPTION")
	var notes []string
	for _, q := range qs {
		source := "shipped"
		if !q.Shipped {
			source = "user"
		}
		line(q.Name, source, q.Description)
		for _, s := range q.Shadows {
			notes = append(notes, fmt.Sprintf("%s: %s overrides %s", q.Name, textsafe.Show(q.File), textsafe.Show(s)))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			b.WriteString(n)
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteShow writes one query as `trendlab query show` does: its name,
// source, description, parameters, an example command and the SQL.
func WriteShow(w io.Writer, q *Query) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  (%s)\n\n%s\n\n%s\n\n", q.Name, textsafe.Show(q.File), textsafe.Show(q.Description), textsafe.ShowLines(q.ParamUsage()))
	for _, s := range q.Shadows {
		fmt.Fprintf(&b, "overrides %s\n\n", textsafe.Show(s))
	}
	b.WriteString("example:\n  trendlab query run " + q.Name)
	for _, p := range q.Params {
		if p.Required {
			fmt.Fprintf(&b, " --param %s=%s", p.Name, strings.ToUpper(p.Name))
		}
	}
	if len(q.RequireOneOf) > 0 {
		fmt.Fprintf(&b, " --param %s=...", q.RequireOneOf[0][0])
	}
	b.WriteString("\n\n")
	b.WriteString(textsafe.ShowLines(q.SQL))
	if !strings.HasSuffix(q.SQL, "\n") {
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
