package datasets

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Mapping reads exports of another shape: for each canonical column, the
// source column or a constant, a timestamp format, a value map for enums, and
// how a list column is written. Source columns it does not name are kept in
// the extra JSON column of videos and moderation_events.
//
//	videos:
//	  video_id:   {from: VideoID}
//	  created_at: {from: Created, format: epoch_ms}
//	  hashtags:   {from: Tags, list: json}
//	events:
//	  event_type: {from: Type, values: {"User Report": report}}
//	  source:     {const: user}
type Mapping struct {
	Path   string // the file it was read from
	Text   string // its text, kept in the import's provenance
	Videos map[string]ColumnMapping
	Events map[string]ColumnMapping
	// Optional holds the sections of the optional exports (views,
	// searches, interventions), by kind.
	Optional map[string]map[string]ColumnMapping
}

// ColumnMapping says where one canonical column comes from.
type ColumnMapping struct {
	From   string            `yaml:"from"`   // source column (CSV header, JSON key, Parquet column)
	Const  *string           `yaml:"const"`  // a constant instead of a source column
	Format string            `yaml:"format"` // timestamps: rfc3339 (default), epoch_s, epoch_ms, or a strptime format such as "%d/%m/%Y %H:%M"
	Values map[string]string `yaml:"values"` // source value -> canonical value
	List   string            `yaml:"list"`   // list columns: space (default for text), comma, json
	line   int
}

// MappingError is a problem in a mapping file, with its position.
type MappingError struct {
	File   string
	Line   int
	Column int
	Msg    string
}

func (e *MappingError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// LoadMapping reads and checks a mapping file.
func LoadMapping(path string) (*Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading mapping: %w", err)
	}
	return ParseMapping(path, data)
}

// ParseMapping parses the YAML text of a mapping; name is used in errors.
func ParseMapping(name string, data []byte) (*Mapping, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not valid YAML: %w", name, err)
	}
	m := &Mapping{Path: name, Text: string(data)}
	if len(doc.Content) == 0 {
		return nil, &MappingError{name, 1, 1, "the mapping is empty: give a videos: and/or events: section"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &MappingError{name, root.Line, root.Column, "expected sections videos: and events:"}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], root.Content[i+1]
		var t table
		switch key.Value {
		case "videos":
			t = videosTable
		case "events":
			t = eventsTable
		case "views", "searches", "interventions":
			ot, _ := optionalTableOf(key.Value)
			cols, err := parseSection(name, ot.table, val)
			if err != nil {
				return nil, err
			}
			if m.Optional == nil {
				m.Optional = map[string]map[string]ColumnMapping{}
			}
			m.Optional[key.Value] = cols
			continue
		default:
			return nil, &MappingError{name, key.Line, key.Column, fmt.Sprintf("unknown section %q (expected videos, events, views, searches or interventions)", key.Value)}
		}
		cols, err := parseSection(name, t, val)
		if err != nil {
			return nil, err
		}
		if t.kind == "videos" {
			m.Videos = cols
		} else {
			m.Events = cols
		}
	}
	return m, nil
}

func parseSection(file string, t table, n *yaml.Node) (map[string]ColumnMapping, error) {
	if n.Kind != yaml.MappingNode {
		return nil, &MappingError{file, n.Line, n.Column, fmt.Sprintf("section %s: expected canonical columns, e.g. video_id: {from: VideoID}", t.kind)}
	}
	out := map[string]ColumnMapping{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		c, ok := t.column(key.Value)
		if !ok {
			return nil, &MappingError{file, key.Line, key.Column, fmt.Sprintf("%s has no column %q; its columns are %s", t.kind, key.Value, strings.Join(t.columnNames(), ", "))}
		}
		var cm ColumnMapping
		if val.Kind == yaml.ScalarNode {
			cm.From = val.Value // shorthand: video_id: VideoID
		} else {
			dec := yaml.NewDecoder(bytes.NewReader(mustMarshal(val)))
			dec.KnownFields(true)
			if err := dec.Decode(&cm); err != nil {
				return nil, &MappingError{file, val.Line, val.Column, fmt.Sprintf("column %s: %v (allowed keys: from, const, format, values, list)", c.name, cleanYAMLError(err))}
			}
		}
		cm.line = key.Line
		if err := cm.check(c); err != nil {
			return nil, &MappingError{file, key.Line, key.Column, err.Error()}
		}
		out[c.name] = cm
	}
	return out, nil
}

func mustMarshal(n *yaml.Node) []byte {
	b, err := yaml.Marshal(n)
	if err != nil {
		panic("datasets: re-marshalling a parsed YAML node: " + err.Error())
	}
	return b
}

func cleanYAMLError(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: unmarshal errors:\n")
	return strings.TrimSpace(s)
}

func (cm ColumnMapping) check(c column) error {
	if cm.From == "" && cm.Const == nil {
		return fmt.Errorf("column %s: give from: (a source column) or const: (a value)", c.name)
	}
	if cm.From != "" && cm.Const != nil {
		return fmt.Errorf("column %s: give from: or const:, not both", c.name)
	}
	if cm.Format != "" && c.kind != kTimestamp {
		return fmt.Errorf("column %s: format: applies only to timestamps (created_at, event_time)", c.name)
	}
	if cm.List != "" {
		if c.kind != kTags {
			return fmt.Errorf("column %s: list: applies only to hashtags", c.name)
		}
		switch cm.List {
		case "space", "comma", "json":
		default:
			return fmt.Errorf("column %s: list: %q is not one of space, comma, json", c.name, cm.List)
		}
	}
	if c.kind == kEnum {
		allowed := map[string]bool{}
		for _, v := range c.values {
			allowed[v] = true
		}
		for _, src := range sortedKeys(cm.Values) {
			if v := cm.Values[src]; !allowed[v] {
				return fmt.Errorf("column %s: values: %q maps to %q, which is not one of %s", c.name, src, v, strings.Join(c.values, ", "))
			}
		}
	}
	return nil
}

func (t table) columnNames() []string {
	names := make([]string, len(t.columns))
	for i, c := range t.columns {
		names[i] = c.name
	}
	return names
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// forTable returns the mapping's columns for t (nil: canonical shape).
func (m *Mapping) forTable(t table) map[string]ColumnMapping {
	if m == nil {
		return nil
	}
	switch t.kind {
	case "videos":
		return m.Videos
	case "events":
		return m.Events
	}
	return m.Optional[t.kind]
}
