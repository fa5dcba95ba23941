package notebooks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/trendlab/trendlab/queries"
)

// ConvertParam turns the text of a parameter value into the Go value bound
// to SQL with queries' parser, the one saved queries use: string, int64,
// float64 (finite), bool (true/false, yes/no, 1/0), time.Time (date:
// midnight UTC; timestamp: RFC 3339, UTC without offset) or []string
// ("strings" is queries' list<string>: comma-separated, blanks around
// items trimmed, "\," for a comma in an item).
func ConvertParam(p Param, raw string) (any, error) {
	t, err := paramType(p.Type)
	if err != nil {
		return nil, err
	}
	return t.ParseValue(raw)
}

// paramType maps a notebook's type name to queries' type.
func paramType(name string) (queries.Type, error) {
	switch name {
	case "", "string":
		return queries.TypeString, nil
	case "strings":
		return queries.TypeStringList, nil
	case "int", "float", "bool", "date", "timestamp":
		return queries.ParseType(name)
	}
	return 0, fmt.Errorf("unknown type %q (expected: %s)", name, strings.Join(ParamTypes, ", "))
}

// Values are a notebook's parameter values, by name.
type Values struct {
	params []Param
	text   map[string]string // as given or defaulted
	value  map[string]any    // converted
}

// ResolveParams applies overrides (from --param name=value) to the
// notebook's defaults. An override that names no parameter is an error that
// lists the valid names.
func ResolveParams(nb *Notebook, overrides map[string]string) (*Values, error) {
	v := &Values{params: nb.Params, text: map[string]string{}, value: map[string]any{}}
	for name := range overrides {
		if !hasParam(nb.Params, name) {
			return nil, fmt.Errorf("unknown parameter %q: this notebook has %s", name, paramList(nb.Params))
		}
	}
	for _, p := range nb.Params {
		raw, ok := overrides[p.Name]
		if !ok {
			raw = p.Default
		}
		val, err := ConvertParam(p, raw)
		if err != nil {
			return nil, fmt.Errorf("parameter %s (%s): %w", p.Name, p.Type, err)
		}
		v.text[p.Name] = raw
		v.value[p.Name] = val
	}
	return v, nil
}

func paramList(ps []Param) string {
	if len(ps) == 0 {
		return "no parameters"
	}
	var names []string
	for _, p := range ps {
		names = append(names, fmt.Sprintf("%s (%s, default %q)", p.Name, p.Type, p.Default))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// Text returns a parameter's value as text and whether it exists.
func (v *Values) Text(name string) (string, bool) {
	s, ok := v.text[name]
	return s, ok
}

// Value returns a parameter's converted value.
func (v *Values) Value(name string) (any, bool) {
	x, ok := v.value[name]
	return x, ok
}

// List returns the parameters in declaration order with their text values.
func (v *Values) List() []ParamValue {
	out := make([]ParamValue, 0, len(v.params))
	for _, p := range v.params {
		out = append(out, ParamValue{Name: p.Name, Type: p.Type, Value: v.text[p.Name]})
	}
	return out
}

// ParamValue is a parameter and its value, for the report.
type ParamValue struct {
	Name, Type, Value string
}

// expand replaces a "$name" reference with the parameter's text.
func (v *Values) expand(s string) string {
	if name, ok := paramRef(s); ok {
		if t, ok := v.text[name]; ok {
			return t
		}
	}
	return s
}

// expandList expands each item; an item that names a "strings" parameter
// becomes that parameter's items.
func (v *Values) expandList(items []string) []string {
	var out []string
	for _, it := range items {
		if name, ok := paramRef(it); ok {
			if val, ok := v.value[name].([]string); ok {
				out = append(out, val...)
				continue
			}
		}
		out = append(out, v.expand(it))
	}
	return out
}
