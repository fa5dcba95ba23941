package notebooks

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// The parser: front matter, then the body split into Markdown and our
// fenced blocks (CommonMark's fence rules), then references checked
// across blocks. Every error is a *ParseError with file, line and column.

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Parse reads a notebook. file names it in errors.
func Parse(file string, src []byte) (*Notebook, error) {
	p := &parser{file: file}
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	if !utf8.ValidString(text) {
		return nil, p.errf(1, 0, "not UTF-8 text")
	}
	lines := strings.Split(text, "\n")
	nb := &Notebook{}
	start, err := p.frontMatter(lines, nb)
	if err != nil {
		return nil, err
	}
	if err := p.body(lines, start, nb); err != nil {
		return nil, err
	}
	if err := p.check(nb); err != nil {
		return nil, err
	}
	return nb, nil
}

type parser struct {
	file string
}

func (p *parser) errf(line, col int, format string, args ...any) error {
	return &ParseError{File: p.file, Line: line, Column: col, Err: fmt.Errorf(format, args...)}
}

type frontMatter struct {
	Title       string  `yaml:"title"`
	Description string  `yaml:"description"`
	Params      []Param `yaml:"params"`
}

// frontMatter parses the YAML between the first two "---" lines and returns
// the index of the first body line.
func (p *parser) frontMatter(lines []string, nb *Notebook) (int, error) {
	if len(lines) == 0 || strings.TrimRight(lines[0], " \t") != "---" {
		return 0, p.errf(1, 1, "a notebook starts with YAML front matter: a line \"---\", title: ..., params: ..., and a closing \"---\"")
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if t := strings.TrimRight(lines[i], " \t"); t == "---" || t == "..." {
			end = i
			break
		}
	}
	if end < 0 {
		return 0, p.errf(1, 1, "front matter is not closed: add a line \"---\" after it")
	}
	var fm frontMatter
	if err := decodeYAML(strings.Join(lines[1:end], "\n"), &fm); err != nil {
		return 0, p.yamlErr(2, err)
	}
	nb.Title = strings.TrimSpace(fm.Title)
	nb.Description = strings.TrimSpace(fm.Description)
	nb.Params = fm.Params
	if nb.Title == "" {
		return 0, p.errf(2, 0, "front matter needs a title")
	}
	seen := map[string]bool{}
	for i := range nb.Params {
		pr := &nb.Params[i]
		line := p.paramLine(lines[1:end], pr.Name) + 1
		if !identRE.MatchString(pr.Name) {
			return 0, p.errf(line, 0, "parameter %q: a name is letters, digits and _, starting with a letter", pr.Name)
		}
		if seen[pr.Name] {
			return 0, p.errf(line, 0, "parameter %q declared twice", pr.Name)
		}
		seen[pr.Name] = true
		if pr.Type == "" {
			pr.Type = "string"
		}
		if !contains(ParamTypes, pr.Type) {
			return 0, p.errf(line, 0, "parameter %q: unknown type %q (expected: %s)", pr.Name, pr.Type, strings.Join(ParamTypes, ", "))
		}
		if _, err := ConvertParam(*pr, pr.Default); err != nil {
			return 0, p.errf(line, 0, "parameter %q: default: %v", pr.Name, err)
		}
	}
	return end + 1, nil
}

// paramLine finds the front matter line that declares a parameter, for errors.
func (p *parser) paramLine(fm []string, name string) int {
	for i, l := range fm {
		if strings.Contains(l, "name:") && strings.Contains(l, name) {
			return i + 1
		}
	}
	return 1
}

var yamlLineRE = regexp.MustCompile(`line (\d+):?`)

// yamlErr maps a YAML error's line (relative to the snippet that starts at
// file line first) to the file.
func (p *parser) yamlErr(first int, err error) error {
	msg := err.Error()
	line := first
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		line = first + n - 1
	}
	// "yaml: unmarshal errors:\n  line 3: field a not found in type x" ->
	// "field a not found in type x; ..." (the line is in the position).
	var parts []string
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "yaml: "))
		l = strings.TrimSpace(yamlLineRE.ReplaceAllString(l, ""))
		l = strings.TrimSpace(strings.TrimPrefix(l, ":"))
		l = strings.ReplaceAll(l, "notebooks.", "")
		if l != "" && l != "unmarshal errors:" {
			parts = append(parts, l)
		}
	}
	return &ParseError{File: p.file, Line: line, Err: errors.New(strings.Join(parts, "; "))}
}

func decodeYAML(src string, v any) error {
	if strings.TrimSpace(src) == "" {
		return nil
	}
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// fence is an open fenced code block.
type fence struct {
	char  byte
	n     int
	line  int // 1-based
	info  string
	body  []string
	inner bool // not one of ours: stays Markdown
}

// openFence recognises a CommonMark fence opening: up to three spaces,
// three or more backticks or tildes, an info string (no backtick for
// backtick fences).
func openFence(l string) (f fence, ok bool) {
	indent := len(l) - len(strings.TrimLeft(l, " "))
	if indent > 3 {
		return f, false
	}
	s := l[indent:]
	if len(s) < 3 || (s[0] != '`' && s[0] != '~') {
		return f, false
	}
	c := s[0]
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	if n < 3 {
		return f, false
	}
	info := strings.TrimSpace(s[n:])
	if c == '`' && strings.Contains(info, "`") {
		return f, false
	}
	return fence{char: c, n: n, info: info}, true
}

func closesFence(l string, f fence) bool {
	indent := len(l) - len(strings.TrimLeft(l, " "))
	if indent > 3 {
		return false
	}
	s := strings.TrimRight(l[indent:], " \t")
	if len(s) < f.n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != f.char {
			return false
		}
	}
	return true
}

// body splits the lines after the front matter into blocks.
func (p *parser) body(lines []string, start int, nb *Notebook) error {
	var md []string
	mdLine := start + 1
	flushMD := func() {
		text := strings.Trim(strings.Join(md, "\n"), "\n")
		if strings.TrimSpace(text) != "" {
			nb.Blocks = append(nb.Blocks, Block{Kind: KindMarkdown, Line: mdLine, Text: text + "\n"})
		}
		md = nil
	}
	for i := start; i < len(lines); i++ {
		l := lines[i]
		f, ok := openFence(l)
		if !ok {
			if len(md) == 0 {
				mdLine = i + 1
			}
			md = append(md, l)
			continue
		}
		f.line = i + 1
		word := strings.ToLower(firstWord(f.info))
		ours := word == "sql" || word == "chart" || word == "investigate" || word == "sweep" || word == "alerts" ||
			word == string(KindImpactPlatform) || word == string(KindImpactIntervention)
		// Find the close.
		j := i + 1
		for j < len(lines) && !closesFence(lines[j], f) {
			j++
		}
		if !ours {
			// Another language: part of the prose, kept verbatim.
			if len(md) == 0 {
				mdLine = i + 1
			}
			end := min(j, len(lines)-1)
			md = append(md, lines[i:end+1]...)
			i = end
			continue
		}
		if j >= len(lines) {
			return p.errf(f.line, 1, "%s block is not closed: add a line %s", word, strings.Repeat(string(f.char), f.n))
		}
		f.body = lines[i+1 : j]
		flushMD()
		b, err := p.block(word, f)
		if err != nil {
			return err
		}
		nb.Blocks = append(nb.Blocks, b)
		i = j
		mdLine = j + 2
	}
	flushMD()
	return nil
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " \t{"); i >= 0 {
		return s[:i]
	}
	return s
}

// block builds one of our fenced blocks.
func (p *parser) block(word string, f fence) (Block, error) {
	body := strings.Join(f.body, "\n")
	attrs, err := parseAttrs(strings.TrimSpace(f.info[len(word):]))
	if err != nil {
		return Block{}, p.errf(f.line, 0, "%s fence: %v", word, err)
	}
	switch word {
	case "sql":
		spec := &SQLSpec{}
		for _, a := range attrs {
			switch a.key {
			case "name":
				spec.Name = a.val
			case "rows":
				n, err := parsePositive(a.val)
				if err != nil {
					return Block{}, p.errf(f.line, 0, "sql fence: rows=%q: %v", a.val, err)
				}
				spec.Rows = n
			case "hide":
				if a.val != "" && a.val != "true" {
					return Block{}, p.errf(f.line, 0, "sql fence: hide takes no value")
				}
				spec.Hide = true
			default:
				return Block{}, p.errf(f.line, 0, "sql fence: unknown option %q (expected: name=NAME, rows=N, hide)", a.key)
			}
		}
		if spec.Name == "" {
			return Block{}, p.errf(f.line, 0, "sql block needs a name: ```sql name=daily```")
		}
		if !identRE.MatchString(spec.Name) {
			return Block{}, p.errf(f.line, 0, "sql block name %q: use letters, digits and _", spec.Name)
		}
		if strings.TrimSpace(body) == "" {
			return Block{}, p.errf(f.line, 0, "sql block %q is empty", spec.Name)
		}
		return Block{Kind: KindSQL, Line: f.line, Text: strings.TrimSpace(body), SQL: spec}, nil
	case "chart":
		if len(attrs) > 0 {
			return Block{}, p.errf(f.line, 0, "chart fence takes no options; write them in the block as YAML")
		}
		spec, err := p.chartSpec(f.line+1, body)
		if err != nil {
			return Block{}, err
		}
		return Block{Kind: KindChart, Line: f.line, Chart: spec}, nil
	case "sweep":
		return p.sweepBlock(f.line, attrs, body)
	case "alerts":
		return p.alertsBlock(f.line, attrs, body)
	case string(KindImpactPlatform), string(KindImpactIntervention):
		return p.impactBlock(BlockKind(word), f.line, attrs, body)
	default: // investigate
		if len(attrs) > 0 {
			return Block{}, p.errf(f.line, 0, "investigate fence takes no options; write them in the block as YAML")
		}
		spec := &InvestigateSpec{}
		if err := decodeYAML(body, spec); err != nil {
			return Block{}, p.yamlErr(f.line+1, err)
		}
		if strings.TrimSpace(spec.Tag) == "" {
			return Block{}, p.errf(f.line+1, 0, "investigate block needs a tag (tag: omegle, or tag: $tag for a parameter)")
		}
		if spec.DrawSize != "" || len(spec.DrawPolicies) > 0 || spec.DrawStrata != "" {
			return Block{}, p.errf(f.line+1, 0, "investigate: a report no longer draws a sample of its own (sample_size, sample_policies, sample_strata); draw and label a sample in the workspace and name it with sample: NAME")
		}
		for _, s := range spec.Show {
			if !contains(InvestigateSections, s) {
				return Block{}, p.errf(f.line+1, 0, "investigate: unknown section %q in show (expected: %s)", s, strings.Join(InvestigateSections, ", "))
			}
		}
		return Block{Kind: KindInvestigate, Line: f.line, Investigate: spec}, nil
	}
}

func (p *parser) chartSpec(first int, body string) (*ChartSpec, error) {
	var raw struct {
		ChartSpec `yaml:",inline"`
		Y         yaml.Node `yaml:"y"`
	}
	if err := decodeYAML(body, &raw); err != nil {
		return nil, p.yamlErr(first, err)
	}
	spec := raw.ChartSpec
	switch raw.Y.Kind {
	case 0:
	case yaml.ScalarNode:
		spec.Y = []string{raw.Y.Value}
	case yaml.SequenceNode:
		if err := raw.Y.Decode(&spec.Y); err != nil {
			return nil, p.yamlErr(first, err)
		}
	default:
		return nil, p.errf(first+raw.Y.Line-1, raw.Y.Column, "chart: y is a column name or a list of them")
	}
	if !contains(ChartTypes, spec.Type) {
		return nil, p.errf(first, 0, "chart: type %q is not one of %s", spec.Type, strings.Join(ChartTypes, ", "))
	}
	if spec.Data == "" {
		return nil, p.errf(first, 0, "chart needs data: the name of a sql block above it")
	}
	if spec.X == "" || len(spec.Y) == 0 {
		return nil, p.errf(first, 0, "chart needs x: COLUMN and y: COLUMN (or a list)")
	}
	if spec.Type == "heatmap" {
		if spec.Value == "" || len(spec.Y) != 1 {
			return nil, p.errf(first, 0, "heatmap chart needs x: COLUMN, one y: COLUMN and value: COLUMN")
		}
	} else if spec.Value != "" {
		return nil, p.errf(first, 0, "chart: value is for heatmaps only")
	}
	if spec.Series != "" && len(spec.Y) > 1 {
		return nil, p.errf(first, 0, "chart: use either series: COLUMN (one y, one line per value) or several y columns, not both")
	}
	return &spec, nil
}

// check validates references across blocks: chart data names a sql block
// above it, names are unique.
func (p *parser) check(nb *Notebook) error {
	names := map[string]int{}
	for _, b := range nb.Blocks {
		switch b.Kind {
		case KindSQL:
			if at, dup := names[b.SQL.Name]; dup {
				return p.errf(b.Line, 0, "sql block name %q is already used at line %d", b.SQL.Name, at)
			}
			names[b.SQL.Name] = b.Line
		case KindSweep:
			if at, dup := names[b.Sweep.Name]; dup {
				return p.errf(b.Line, 0, "sweep block name %q is already used at line %d", b.Sweep.Name, at)
			}
			names[b.Sweep.Name] = b.Line
		case KindChart:
			if _, ok := names[b.Chart.Data]; !ok {
				return p.errf(b.Line, 0, "chart data %q: no sql block of that name above it", b.Chart.Data)
			}
		case KindInvestigate:
			for _, v := range investigateRefs(b.Investigate) {
				if !hasParam(nb.Params, v) {
					return p.errf(b.Line, 0, "investigate: $%s is not a parameter in the front matter", v)
				}
			}
		}
	}
	return nil
}

func investigateRefs(s *InvestigateSpec) []string {
	var out []string
	add := func(v string) {
		if name, ok := paramRef(v); ok {
			out = append(out, name)
		}
	}
	add(s.Tag)
	add(s.Baseline)
	add(s.Since)
	add(s.Until)
	add(s.Seed)
	add(s.Sample)
	for _, l := range [][]string{s.Variants, s.Policies} {
		for _, v := range l {
			add(v)
		}
	}
	return out
}

// paramRef reports whether v is "$name".
func paramRef(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if len(v) > 1 && v[0] == '$' && identRE.MatchString(v[1:]) {
		return v[1:], true
	}
	return "", false
}

func hasParam(ps []Param, name string) bool {
	for _, p := range ps {
		if p.Name == name {
			return true
		}
	}
	return false
}

type attr struct{ key, val string }

// parseAttrs reads key=value words from a fence info string; a value may be
// double-quoted.
func parseAttrs(s string) ([]attr, error) {
	var out []attr
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		i := strings.IndexAny(s, "= \t")
		if i < 0 {
			out = append(out, attr{key: s})
			break
		}
		key := s[:i]
		if key == "" {
			return nil, fmt.Errorf("expected key=value, got %q", s)
		}
		if s[i] != '=' {
			out = append(out, attr{key: key})
			s = s[i:]
			continue
		}
		s = s[i+1:]
		var val string
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("unclosed quote in %s=", key)
			}
			val, s = s[1:end+1], s[end+2:]
		} else {
			j := strings.IndexAny(s, " \t")
			if j < 0 {
				j = len(s)
			}
			val, s = s[:j], s[j:]
		}
		out = append(out, attr{key: key, val: val})
	}
	return out, nil
}

func parsePositive(s string) (int, error) {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != s {
		return 0, errors.New("expected a positive whole number")
	}
	return n, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
