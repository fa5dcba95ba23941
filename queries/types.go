package queries

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// Type is the type of a saved query's parameter.
type Type int

// The parameter types. Each binds as one Go value:
//
//	string        string
//	int           int64
//	float         float64 (finite)
//	bool          bool
//	date          time.Time, midnight UTC
//	timestamp     time.Time in UTC
//	list<string>  []string
//	list<tag>     []string, each normalised like an imported hashtag
//	              (NFKC, case-folded, leading # and trailing punctuation
//	              removed), so "#Omegle" finds the tag "omegle"
const (
	TypeString Type = iota + 1
	TypeInt
	TypeFloat
	TypeBool
	TypeDate
	TypeTimestamp
	TypeStringList
	TypeTagList
)

var typeByName = map[string]Type{
	"string":       TypeString,
	"int":          TypeInt,
	"float":        TypeFloat,
	"bool":         TypeBool,
	"date":         TypeDate,
	"timestamp":    TypeTimestamp,
	"list<string>": TypeStringList,
	"list<tag>":    TypeTagList,
}

func (t Type) String() string {
	for name, tt := range typeByName {
		if tt == t {
			return name
		}
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// IsList reports whether values of the type are lists.
func (t Type) IsList() bool { return t == TypeStringList || t == TypeTagList }

func typeNames() string {
	return "string, int, float, bool, date, timestamp, list<string>, list<tag>"
}

// ParseType reads a type name as written in a query header.
func ParseType(s string) (Type, error) {
	if t, ok := typeByName[s]; ok {
		return t, nil
	}
	return 0, fmt.Errorf("unknown type %q: use one of %s", s, typeNames())
}

// timestampLayouts are accepted for timestamp values; a value without an
// offset is UTC, as in the data contract.
var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	time.DateOnly,
}

// ParseValue converts text (a command-line value or a header default) to the
// type's Go value. A list is comma-separated; "\," is a literal comma and
// "\\" a backslash; blanks around items are dropped; "" is the empty list.
func (t Type) ParseValue(s string) (any, error) {
	switch t {
	case TypeString:
		return s, nil
	case TypeInt:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not an int (a whole number like 42)", s)
		}
		return n, nil
	case TypeFloat:
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%q is not a float (a finite number like 0.05)", s)
		}
		return f, nil
	case TypeBool:
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true", "yes", "1":
			return true, nil
		case "false", "no", "0":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not a bool (true or false)", s)
	case TypeDate:
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
		}
		return d, nil
	case TypeTimestamp:
		v := strings.TrimSpace(s)
		for _, layout := range timestampLayouts {
			if ts, err := time.Parse(layout, v); err == nil {
				return ts.UTC(), nil
			}
		}
		return nil, fmt.Errorf("%q is not a timestamp (RFC 3339 like 2026-01-02T15:04:05Z; without an offset it is UTC)", s)
	case TypeStringList, TypeTagList:
		items, err := splitList(s)
		if err != nil {
			return nil, err
		}
		if t == TypeTagList {
			out := items[:0]
			for _, it := range items {
				if n := datasets.NormalizeTag(it); n != "" {
					out = append(out, n)
				}
			}
			items = out
		}
		return items, nil
	}
	return nil, fmt.Errorf("unknown type %v", t)
}

// splitList splits a comma-separated list with backslash escapes.
func splitList(s string) ([]string, error) {
	items := []string{}
	if strings.TrimSpace(s) == "" {
		return items, nil
	}
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 == len(s) || (s[i+1] != ',' && s[i+1] != '\\') {
				return nil, fmt.Errorf("list %q: a backslash must be followed by , or \\", s)
			}
			i++
			cur.WriteByte(s[i])
		case c == ',':
			items = append(items, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	items = append(items, strings.TrimSpace(cur.String()))
	return items, nil
}

// checkValue checks a Go value given for a parameter of type t (from Go
// callers such as the TUI) and converts it to the value that binds.
func (t Type) checkValue(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if s, ok := v.(string); ok && t != TypeString {
		return t.ParseValue(s)
	}
	switch t {
	case TypeString:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case TypeInt:
		switch n := v.(type) {
		case int:
			return int64(n), nil
		case int32:
			return int64(n), nil
		case int64:
			return n, nil
		}
	case TypeFloat:
		switch f := v.(type) {
		case float64:
			if !math.IsNaN(f) && !math.IsInf(f, 0) {
				return f, nil
			}
		case float32:
			return float64(f), nil
		case int:
			return float64(f), nil
		case int64:
			return float64(f), nil
		}
	case TypeBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case TypeDate:
		if ts, ok := v.(time.Time); ok {
			y, m, d := ts.Date()
			return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
		}
	case TypeTimestamp:
		if ts, ok := v.(time.Time); ok {
			return ts.UTC(), nil
		}
	case TypeStringList, TypeTagList:
		if l, ok := v.([]string); ok {
			out := make([]string, 0, len(l))
			for _, it := range l {
				if t == TypeTagList {
					it = datasets.NormalizeTag(it)
					if it == "" {
						continue
					}
				}
				out = append(out, it)
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("a %T value does not fit type %v", v, t)
}
