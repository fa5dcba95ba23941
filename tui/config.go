package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/trendlab/trendlab/datasets"
)

// Label is one choice of the sample-review label set: the single key that
// gives it and the label value stored.
type Label struct {
	Key  string // one key, e.g. "v"
	Name string // the stored label, e.g. "violating"
}

// DefaultLabels is the label set used when the configuration names none.
var DefaultLabels = []Label{
	{Key: "e", Name: "escalate"},
	{Key: "v", Name: "violating"},
	{Key: "n", Name: "not_violating"},
	{Key: "u", Name: "unsure"},
}

// Background says which terminal background the colours are chosen for.
type Background int

const (
	// BackgroundAuto asks the terminal and assumes dark until it answers.
	BackgroundAuto Background = iota
	BackgroundDark
	BackgroundLight
)

// Config is everything the TUI needs from the command line and the
// environment, gathered by the caller: the TUI never reads flags itself.
type Config struct {
	// Workspace is the open workspace; the TUI does not close it.
	Workspace *datasets.Workspace
	// Reviewer names the person labelling samples (stored with each label).
	Reviewer string
	// Labels is the sample-review label set; empty means DefaultLabels.
	Labels []Label
	// PauseEvery shows a pause reminder after this many reviewed items;
	// 0 turns the reminder off.
	PauseEvery int
	// NoColor draws without colour (bold, underline and reverse remain),
	// as NO_COLOR asks.
	NoColor bool
	// Background picks colours for a dark or light terminal.
	Background Background
	// QueryDirs are extra folders of saved queries (*.sql).
	QueryDirs []string
	// HistoryFile keeps the SQL console's history across runs; empty means
	// HistoryPath().
	HistoryFile string
	// ReportDir is where reports are written; empty means the folder of the
	// workspace file.
	ReportDir string
}

// HistoryPath is the default SQL history file,
// os.UserConfigDir()/trendlab/history.
func HistoryPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the config folder for the SQL history: %w", err)
	}
	return filepath.Join(dir, "trendlab", "history"), nil
}

// validate checks the configuration and fills in defaults.
func (c *Config) validate() error {
	if c.Workspace == nil {
		return fmt.Errorf("tui: no workspace")
	}
	if len(c.Labels) == 0 {
		c.Labels = DefaultLabels
	}
	seen := map[string]string{}
	for _, l := range c.Labels {
		if len([]rune(l.Key)) != 1 || strings.TrimSpace(l.Name) == "" {
			return fmt.Errorf("label %q with key %q: each label needs a name and exactly one key", l.Name, l.Key)
		}
		if reservedReviewKeys[l.Key] {
			return fmt.Errorf("label %q: key %q is taken by the review screen; choose another", l.Name, l.Key)
		}
		if other, dup := seen[l.Key]; dup {
			return fmt.Errorf("labels %q and %q share the key %q; give each its own", other, l.Name, l.Key)
		}
		seen[l.Key] = l.Name
	}
	if c.PauseEvery < 0 {
		return fmt.Errorf("pause-every %d: use 0 (off) or a positive number of items", c.PauseEvery)
	}
	if c.Reviewer == "" {
		c.Reviewer = os.Getenv("USER")
		if c.Reviewer == "" {
			c.Reviewer = "reviewer"
		}
	}
	return nil
}

// ParseLabels reads a label set written as "key=name,key=name", e.g.
// "e=escalate,v=violating,n=not_violating,u=unsure".
func ParseLabels(s string) ([]Label, error) {
	var out []Label
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, name, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("label set item %d %q: write key=name, e.g. v=violating", i+1, part)
		}
		out = append(out, Label{Key: strings.TrimSpace(k), Name: strings.TrimSpace(name)})
	}
	c := Config{Labels: out, Workspace: &datasets.Workspace{}}
	if len(out) == 0 {
		return nil, fmt.Errorf("label set %q is empty: write key=name pairs separated by commas", s)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return out, nil
}
