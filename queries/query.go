package queries

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Query is one saved query: a .sql file whose header names it, describes it
// and declares its typed parameters.
type Query struct {
	Name        string
	Description string
	Params      []Param
	// RequireOneOf lists groups of parameters of which the caller must give
	// at least one (for example a tag set by name or a list of tags).
	RequireOneOf [][]string
	// SQL is the whole file text; the header is made of SQL comments.
	SQL string
	// PostgresSQL is the text of NAME.pg.sql beside the query's file, what
	// a workspace on a PostgreSQL server runs instead of SQL (the same
	// header and $name parameters apply); "" when SQL runs on both engines.
	PostgresSQL string
	// File is where the query came from: a path, or "shipped/NAME.sql" for
	// a query built into trendlab.
	File    string
	Shipped bool
	// Shadows lists the files of queries with the same name that this one
	// overrides (a user query overriding a shipped one, or one in a later
	// folder).
	Shadows []string
}

// Param is a declared parameter of a saved query.
type Param struct {
	Name     string
	Type     Type
	Required bool
	// Default is the typed value used when the caller gives none; nil is
	// SQL NULL. Meaningless when Required.
	Default any
	// DefaultText is the default as written in the header ("" if required).
	DefaultText string
	Description string
	// Line is the header line that declares the parameter.
	Line int
}

// ParseError is a mistake in a saved query's header.
type ParseError struct {
	File string
	Line int // 1-based
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

var (
	identRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	// headerKeys are the keys a header line may carry, in the order the
	// documentation lists them.
	headerKeys = []string{"name", "description", "param", "require-one-of"}
)

// Parse reads a saved query from the text of its file. file names the file
// in errors; its base name without ".sql" must equal the query's name.
//
// The header is the run of lines starting with "--" at the top of the file
// (blank lines before it are allowed). Each header line is "-- key: value"
// with key one of name, description, param, require-one-of; a line "--"
// alone is ignored; a line "--" followed by two or more spaces continues the
// description. The first line that does not start with "--" ends the header
// and starts the SQL. See the package documentation for the param syntax.
func Parse(file string, src []byte) (*Query, error) {
	perr := func(line int, format string, args ...any) error {
		return &ParseError{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if !utf8.Valid(src) {
		return nil, perr(firstInvalidLine(src), "file is not valid UTF-8")
	}
	text := string(src)
	text = strings.TrimPrefix(text, "\uFEFF")
	lines := strings.Split(text, "\n")
	q := &Query{File: file, SQL: text}

	i := 0
	for i < len(lines) && strings.TrimSpace(strings.TrimSuffix(lines[i], "\r")) == "" {
		i++
	}
	if i == len(lines) {
		return nil, perr(1, "empty file: a saved query starts with comment lines like \"-- name: NAME\" and \"-- description: ...\"")
	}
	if !strings.HasPrefix(lines[i], "--") {
		return nil, perr(i+1, "missing header: a saved query starts with comment lines like \"-- name: NAME\" and \"-- description: ...\"")
	}
	seen := map[string]int{}   // key -> first line, for keys allowed once
	params := map[string]int{} // param name -> line
	var oneOfLines []int       // line of each RequireOneOf group
	lastKey := ""
	for ; i < len(lines) && strings.HasPrefix(lines[i], "--"); i++ {
		ln := i + 1
		body := strings.TrimSuffix(lines[i][2:], "\r")
		if strings.TrimSpace(body) == "" {
			lastKey = ""
			continue
		}
		if strings.HasPrefix(body, "  ") {
			if lastKey != "description" {
				return nil, perr(ln, "an indented header line continues the description; it cannot follow %s", describeKey(lastKey))
			}
			q.Description += " " + strings.TrimSpace(body)
			continue
		}
		if !strings.HasPrefix(body, " ") {
			return nil, perr(ln, "header line must be \"-- key: value\" (a space after \"--\")")
		}
		key, value, ok := strings.Cut(body[1:], ":")
		if !ok || strings.ContainsAny(key, " \t") {
			return nil, perr(ln, "header line must be \"-- key: value\" with key one of %s; put other comments after a blank line", strings.Join(headerKeys, ", "))
		}
		if value != "" && !strings.HasPrefix(value, " ") {
			return nil, perr(ln, "put a space after %q", key+":")
		}
		value = strings.TrimSpace(value)
		switch key {
		case "name", "description":
			if prev, dup := seen[key]; dup {
				return nil, perr(ln, "%s given twice (first on line %d)", key, prev)
			}
			seen[key] = ln
			if value == "" {
				return nil, perr(ln, "empty %s", key)
			}
			if key == "name" {
				if !identRE.MatchString(value) {
					return nil, perr(ln, "invalid name %q: use lower-case letters, digits and _, starting with a letter or _ (at most 63)", value)
				}
				if want := strings.TrimSuffix(filepath.Base(file), ".sql"); value != want {
					return nil, perr(ln, "name %q does not match the file name %q: rename one of them", value, want+".sql")
				}
				q.Name = value
			} else {
				q.Description = value
			}
		case "param":
			p, err := parseParam(value)
			if err != nil {
				return nil, perr(ln, "param: %v", err)
			}
			if prev, dup := params[p.Name]; dup {
				return nil, perr(ln, "parameter %q declared twice (first on line %d)", p.Name, prev)
			}
			params[p.Name] = ln
			p.Line = ln
			q.Params = append(q.Params, p)
		case "require-one-of":
			var group []string
			for _, f := range strings.Split(value, ",") {
				group = append(group, strings.TrimSpace(f))
			}
			if len(group) < 2 {
				return nil, perr(ln, "require-one-of needs two or more parameter names separated by commas")
			}
			q.RequireOneOf = append(q.RequireOneOf, group)
			oneOfLines = append(oneOfLines, ln)
		default:
			for _, k := range headerKeys {
				if editDistance(k, key) <= 2 {
					return nil, perr(ln, "unknown header key %q: did you mean %q? (valid keys: %s)", key, k, strings.Join(headerKeys, ", "))
				}
			}
			return nil, perr(ln, "unknown header key %q: valid keys are %s", key, strings.Join(headerKeys, ", "))
		}
		lastKey = key
	}
	if _, ok := seen["name"]; !ok {
		return nil, perr(1, "header has no \"-- name: NAME\" line")
	}
	if _, ok := seen["description"]; !ok {
		return nil, perr(1, "header has no \"-- description: ...\" line")
	}
	if strings.TrimSpace(stripLineComments(lines[i:])) == "" {
		return nil, perr(len(lines), "no SQL after the header")
	}
	for gi, group := range q.RequireOneOf {
		for _, name := range group {
			p := q.Param(name)
			if p == nil {
				return nil, perr(oneOfLines[gi], "require-one-of names %q, which is not a declared parameter", name)
			}
			if p.Required {
				return nil, perr(oneOfLines[gi], "require-one-of names %q, which is already required; give it a default instead", name)
			}
		}
	}
	return q, nil
}

// Param returns the declared parameter with the given name, or nil.
func (q *Query) Param(name string) *Param {
	for i := range q.Params {
		if q.Params[i].Name == name {
			return &q.Params[i]
		}
	}
	return nil
}

func describeKey(k string) string {
	if k == "" {
		return "a blank line or the start of the header"
	}
	return "a " + k + " line"
}

// parseParam parses the value of a "-- param:" line:
//
//	NAME TYPE required "description"
//	NAME TYPE default VALUE "description"
//
// VALUE is a bare word (no spaces or quotes), a Go-quoted string, or null.
func parseParam(s string) (Param, error) {
	var p Param
	name, rest := nextWord(s)
	if name == "" {
		return p, fmt.Errorf("expected NAME TYPE (required | default VALUE) \"description\"")
	}
	if !identRE.MatchString(name) {
		return p, fmt.Errorf("invalid parameter name %q: use lower-case letters, digits and _, starting with a letter or _", name)
	}
	p.Name = name
	typ, rest := nextWord(rest)
	if typ == "" {
		return p, fmt.Errorf("parameter %q has no type: give one of %s", name, typeNames())
	}
	t, err := ParseType(typ)
	if err != nil {
		return p, fmt.Errorf("parameter %q: %w", name, err)
	}
	p.Type = t
	mode, rest := nextWord(rest)
	switch mode {
	case "required":
		p.Required = true
	case "default":
		rest = strings.TrimLeft(rest, " \t")
		var text string
		quoted := strings.HasPrefix(rest, `"`)
		if quoted {
			lit, after, err := cutQuoted(rest)
			if err != nil {
				return p, fmt.Errorf("parameter %q: default: %w", name, err)
			}
			text, rest = lit, after
			p.DefaultText = strconv.Quote(lit)
		} else {
			text, rest = nextWord(rest)
			if text == "" {
				return p, fmt.Errorf("parameter %q: default needs a value (a word, a \"quoted string\" or null)", name)
			}
			p.DefaultText = text
		}
		if !quoted && text == "null" {
			p.Default = nil
		} else {
			v, err := t.ParseValue(text)
			if err != nil {
				return p, fmt.Errorf("parameter %q: default %s: %w", name, p.DefaultText, err)
			}
			p.Default = v
		}
	case "":
		return p, fmt.Errorf("parameter %q: after the type write \"required\" or \"default VALUE\"", name)
	default:
		return p, fmt.Errorf("parameter %q: expected \"required\" or \"default VALUE\" after the type, found %q", name, mode)
	}
	rest = strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(rest, `"`) {
		return p, fmt.Errorf("parameter %q needs a description in double quotes at the end", name)
	}
	desc, after, err := cutQuoted(rest)
	if err != nil {
		return p, fmt.Errorf("parameter %q: description: %w", name, err)
	}
	if strings.TrimSpace(after) != "" {
		return p, fmt.Errorf("parameter %q: unexpected text %q after the description", name, strings.TrimSpace(after))
	}
	if strings.TrimSpace(desc) == "" {
		return p, fmt.Errorf("parameter %q: empty description", name)
	}
	p.Description = desc
	return p, nil
}

// nextWord splits off the next run of non-blank characters.
func nextWord(s string) (word, rest string) {
	s = strings.TrimLeft(s, " \t")
	end := strings.IndexAny(s, " \t")
	if end < 0 {
		return s, ""
	}
	return s[:end], s[end:]
}

// cutQuoted reads a Go double-quoted string literal at the start of s.
func cutQuoted(s string) (lit, rest string, err error) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			lit, err := strconv.Unquote(s[:i+1])
			if err != nil {
				return "", "", fmt.Errorf("bad quoted string %s: use Go escapes (\\\" \\\\ \\n)", s[:i+1])
			}
			return lit, s[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("unterminated quoted string %s", s)
}

// stripLineComments drops "--" comment lines, to see whether any SQL is left.
func stripLineComments(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "--") {
			continue
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

func firstInvalidLine(src []byte) int {
	line := 1
	for len(src) > 0 {
		r, size := utf8.DecodeRune(src)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		src = src[size:]
	}
	return line
}
