package queries

import (
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Statement is SQL text with its parameter values, ready to run on a
// read-only connection. Values are always bound as SQL parameters; the text
// is never edited.
type Statement struct {
	// Name is the saved query's name, or "" for ad-hoc SQL.
	Name string
	SQL  string
	Args []sql.NamedArg
	// pgSQL is the saved query's PostgreSQL variant (NAME.pg.sql), "" when
	// SQL runs on both engines.
	pgSQL string
	// declared holds the saved query's parameter names; the statement's
	// parameters must be exactly these. nil for ad-hoc SQL.
	declared map[string]bool
	// trusted marks SQL the program wrote itself (Trusted), with its
	// positional arguments.
	trusted bool
	args    []any
}

// Trusted wraps SQL that the program wrote itself, not a person (the TUI
// reading back a result it holds), with positional arguments. It is not
// checked, only run read-only.
func Trusted(text string, args ...any) Statement {
	return Statement{SQL: text, trusted: true, args: args}
}

// AdHoc wraps SQL typed by a user (trendlab sql). It takes no parameters and
// may be any single read-only statement (SELECT, DESCRIBE, SHOW, ...).
func AdHoc(text string) Statement { return Statement{SQL: text} }

// Saved reports whether the statement comes from a saved query.
func (s Statement) Saved() bool { return s.declared != nil }

// ArgValues returns Args as []any, as database/sql and the Arrow interface
// take them.
func (s Statement) ArgValues() []any {
	if s.trusted {
		return s.args
	}
	out := make([]any, len(s.Args))
	for i, a := range s.Args {
		out[i] = a
	}
	return out
}

// ParamError is a parameter the caller gave wrongly, or a required one it
// did not give. Its message lists the query's parameters.
type ParamError struct {
	Query *Query
	Msg   string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("query %s: %s\n%s", e.Query.Name, e.Msg, e.Query.ParamUsage())
}

// ParamUsage describes the parameters, one per line, for error messages and
// `query show`.
func (q *Query) ParamUsage() string {
	if len(q.Params) == 0 {
		return "it takes no parameters"
	}
	var b strings.Builder
	b.WriteString("parameters:")
	wName, wType, wReq := 0, 0, 0
	for _, p := range q.Params {
		wName = max(wName, len(p.Name))
		wType = max(wType, len(p.Type.String()))
		wReq = max(wReq, len(p.requirement()))
	}
	for _, p := range q.Params {
		fmt.Fprintf(&b, "\n  %-*s  %-*s  %-*s  %s", wName, p.Name, wType, p.Type, wReq, p.requirement(), p.Description)
	}
	for _, g := range q.RequireOneOf {
		fmt.Fprintf(&b, "\n  give at least one of: %s", strings.Join(g, ", "))
	}
	return b.String()
}

func (p Param) requirement() string {
	if p.Required {
		return "(required)"
	}
	return "(default " + p.DefaultText + ")"
}

// ParseAssignments reads command-line "name=value" pairs into values by name,
// in the order given. A name may repeat (list parameters collect the values).
func ParseAssignments(pairs []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("parameter %q: write name=value", kv)
		}
		out[k] = append(out[k], v)
	}
	return out, nil
}

// Bind checks values given as text (from the command line) against the
// declared parameters and returns the statement to run. A list parameter
// may be given several times; its values are joined. An unknown name, a
// missing required one, a repeated scalar or a value of the wrong type is a
// *ParamError.
func (q *Query) Bind(given map[string][]string) (Statement, error) {
	typed := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(given)) {
		p := q.Param(name)
		if p == nil {
			return Statement{}, q.unknown(name)
		}
		vals := given[name]
		if !p.Type.IsList() {
			if len(vals) > 1 {
				return Statement{}, &ParamError{q, fmt.Sprintf("parameter %s given %d times; it takes one %s", name, len(vals), p.Type)}
			}
			v, err := p.Type.ParseValue(vals[0])
			if err != nil {
				return Statement{}, &ParamError{q, fmt.Sprintf("parameter %s: %v", name, err)}
			}
			typed[name] = v
			continue
		}
		list := []string{}
		for _, s := range vals {
			v, err := p.Type.ParseValue(s)
			if err != nil {
				return Statement{}, &ParamError{q, fmt.Sprintf("parameter %s: %v", name, err)}
			}
			list = append(list, v.([]string)...)
		}
		typed[name] = list
	}
	return q.bindTyped(typed)
}

// BindValues is Bind for Go callers (the TUI, notebooks): values are Go
// values of the parameter's type (string, int64, float64, bool, time.Time,
// []string), or strings, which are parsed as on the command line.
func (q *Query) BindValues(given map[string]any) (Statement, error) {
	typed := map[string]any{}
	for _, name := range slices.Sorted(maps.Keys(given)) {
		p := q.Param(name)
		if p == nil {
			return Statement{}, q.unknown(name)
		}
		v, err := p.Type.checkValue(given[name])
		if err != nil {
			return Statement{}, &ParamError{q, fmt.Sprintf("parameter %s: %v", name, err)}
		}
		if v == nil && p.Required {
			return Statement{}, &ParamError{q, fmt.Sprintf("parameter %s is required and cannot be null", name)}
		}
		typed[name] = v
	}
	return q.bindTyped(typed)
}

func (q *Query) unknown(name string) error {
	return &ParamError{q, fmt.Sprintf("unknown parameter %q", name)}
}

// bindTyped fills in defaults, checks required and require-one-of, and
// builds the statement.
func (q *Query) bindTyped(typed map[string]any) (Statement, error) {
	var missing []string
	for _, p := range q.Params {
		if _, ok := typed[p.Name]; !ok && p.Required {
			missing = append(missing, p.Name)
		}
	}
	if len(missing) > 0 {
		return Statement{}, &ParamError{q, fmt.Sprintf("missing required parameter %s (give it with --param %s=VALUE)",
			strings.Join(missing, ", "), missing[0])}
	}
	for _, g := range q.RequireOneOf {
		found := false
		for _, name := range g {
			if v, ok := typed[name]; ok && !emptyValue(v) {
				found = true
			}
		}
		if !found {
			return Statement{}, &ParamError{q, fmt.Sprintf("give at least one of %s", strings.Join(g, ", "))}
		}
	}
	st := Statement{Name: q.Name, SQL: q.SQL, pgSQL: q.PostgresSQL, declared: map[string]bool{}}
	for _, p := range q.Params {
		v, ok := typed[p.Name]
		if !ok {
			v = p.Default
		}
		if l, isList := v.([]string); isList {
			// A fresh slice: the default must not be shared with callers.
			v = append([]string{}, l...)
		}
		st.Args = append(st.Args, sql.Named(p.Name, v))
		st.declared[p.Name] = true
	}
	return st, nil
}

func emptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	}
	return false
}
