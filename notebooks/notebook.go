package notebooks

import "fmt"

// Notebook is a parsed notebook: its front matter and its blocks in order.
type Notebook struct {
	Title       string  `json:"title"`
	Description string  `json:"description,omitempty"`
	Params      []Param `json:"params,omitempty"`
	Blocks      []Block `json:"blocks"`
}

// Param is a notebook parameter declared in the front matter. Its value
// comes from --param name=value, else from Default.
type Param struct {
	Name        string `yaml:"name" json:"name"`
	Type        string `yaml:"type" json:"type"`
	Default     string `yaml:"default" json:"default,omitempty"`
	Description string `yaml:"description" json:"description,omitempty"`
}

// BlockKind says what a block is.
type BlockKind string

// The kinds of block.
const (
	KindMarkdown    BlockKind = "markdown"
	KindSQL         BlockKind = "sql"
	KindChart       BlockKind = "chart"
	KindInvestigate BlockKind = "investigate"
	KindSweep       BlockKind = "sweep"  // sweep.go
	KindAlerts      BlockKind = "alerts" // alerts.go
	// impact.go
	KindImpactPlatform     BlockKind = "impact_platform"
	KindImpactIntervention BlockKind = "impact_intervention"
)

// Block is one part of a notebook. Line is the 1-based line of the file
// where it starts (the opening fence for fenced blocks).
type Block struct {
	Kind BlockKind `json:"kind"`
	Line int       `json:"line"`
	// Text is the Markdown source of a markdown block or the SQL of a sql block.
	Text string `json:"text,omitempty"`
	// SQL holds the options of a sql block.
	SQL *SQLSpec `json:"sql,omitempty"`
	// Chart holds the options of a chart block.
	Chart *ChartSpec `json:"chart,omitempty"`
	// Investigate holds the options of an investigate block.
	Investigate *InvestigateSpec `json:"investigate,omitempty"`
	// Sweep holds the options of a sweep block.
	Sweep *SweepSpec `json:"sweep,omitempty"`
	// Alerts holds the options of an alerts block.
	Alerts *AlertsSpec `json:"alerts,omitempty"`
	// Impact holds the options of an impact_platform or impact_intervention block.
	Impact *ImpactSpec `json:"impact,omitempty"`
}

// SQLSpec are the options on a sql fence: ```sql name=daily rows=50 hide```.
type SQLSpec struct {
	Name string `json:"name"`
	// Rows caps the rows shown in the table (DefaultRows when 0).
	Rows int `json:"rows,omitempty"`
	// Hide runs the query for charts without printing its table.
	Hide bool `json:"hide,omitempty"`
}

// ChartSpec is the YAML body of a chart block.
type ChartSpec struct {
	Type   string   `yaml:"type" json:"type"`
	Data   string   `yaml:"data" json:"data"`
	X      string   `yaml:"x" json:"x"`
	Y      []string `yaml:"-" json:"y"`
	Series string   `yaml:"series" json:"series,omitempty"`
	Value  string   `yaml:"value" json:"value,omitempty"`
	Title  string   `yaml:"title" json:"title,omitempty"`
}

// InvestigateSpec is the YAML body of an investigate block. String values
// may name a notebook parameter as $name.
type InvestigateSpec struct {
	Tag      string   `yaml:"tag" json:"tag"`
	Variants []string `yaml:"variants" json:"variants,omitempty"`
	Policies []string `yaml:"policies" json:"policies,omitempty"`
	Baseline string   `yaml:"baseline" json:"baseline,omitempty"`
	Since    string   `yaml:"since" json:"since,omitempty"`
	Until    string   `yaml:"until" json:"until,omitempty"`
	// Seed makes the changepoints' permutation p-values reproducible.
	Seed string `yaml:"seed" json:"seed,omitempty"`
	// Sample names a sample saved in the workspace (trendlab sample, the
	// TUI); the report shows the estimates from its labels. A block that
	// names a parameter that is empty says that no sample was given.
	Sample string `yaml:"sample" json:"sample,omitempty"`
	// DrawSize, DrawPolicies and DrawStrata are the keys of the sample an
	// investigate block used to draw for itself, unsaved; they are read
	// only to say what to do instead.
	DrawSize     string   `yaml:"sample_size" json:"-"`
	DrawPolicies []string `yaml:"sample_policies" json:"-"`
	DrawStrata   string   `yaml:"sample_strata" json:"-"`
	// Show lists the sections to render; empty renders all of them.
	Show []string `yaml:"show" json:"show,omitempty"`
}

// DefaultRows is how many rows a sql block's table shows unless rows= says.
const DefaultRows = 100

// Chart types a chart block may name.
var ChartTypes = []string{"line", "bar", "stacked_bar", "scatter", "heatmap"}

// InvestigateSections are the sections an investigate block can show.
var InvestigateSections = []string{"variants", "rates", "tests", "trend", "related", "removal", "funnel", "sample"}

// ParamTypes are the types a parameter may declare.
var ParamTypes = []string{"string", "int", "float", "bool", "date", "timestamp", "strings"}

// ParseError reports a problem at a place in a notebook file.
type ParseError struct {
	File   string
	Line   int // 1-based
	Column int // 1-based; 0 when unknown
	Err    error
}

func (e *ParseError) Error() string {
	loc := e.File
	if loc == "" {
		loc = "notebook"
	}
	if e.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %v", loc, e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", loc, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }
