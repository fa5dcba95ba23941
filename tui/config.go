package tui

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/review"
)

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
	// Reviewer names the person labelling samples (stored with each label),
	// resolved by the caller as the CLI resolves it; empty means labelling
	// is refused with a message.
	Reviewer string
	// Labels is the label set of samples created in the TUI; empty means
	// review.DefaultLabelSet. A sample keeps its own label set, which
	// the review screen uses.
	Labels []review.LabelDef
	// PauseEvery shows a pause reminder after this many reviewed items;
	// 0 turns the reminder off.
	PauseEvery int
	// ShowCaptions shows captions from the start, as reports do with
	// --show-captions; otherwise they stay hidden until revealed (the caption
	// rule, captions.go).
	ShowCaptions bool
	// NoColor draws without colour (bold, underline and reverse remain),
	// as NO_COLOR asks.
	NoColor bool
	// Background picks colours for a dark or light terminal.
	Background Background
	// QueryDirs are the folders of the user's saved queries (*.sql), earlier
	// first, as `trendlab query` reads them (flags, then TRENDLAB_QUERIES).
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
	c.setDefaultLabels()
	if err := checkLabelKeys(c.Labels); err != nil {
		return err
	}
	if c.PauseEvery < 0 {
		return fmt.Errorf("tui: a pause every %d items: use 0 (off) or a positive number", c.PauseEvery)
	}
	return nil
}

// setDefaultLabels gives samples made in the TUI the default label set
// unless one was chosen.
func (c *Config) setDefaultLabels() {
	if len(c.Labels) == 0 {
		c.Labels = review.DefaultLabelSet()
	}
}

// ParseLabels reads a label set written as review.ParseLabelSet reads it
// ("escalate:e!,violating:v!,not_violating:n,unsure:u") and checks that no
// key is one the review screen needs.
func ParseLabels(s string) ([]review.LabelDef, error) {
	set, err := review.ParseLabelSet(s)
	if err != nil {
		return nil, err
	}
	if err := checkLabelKeys(set); err != nil {
		return nil, err
	}
	return set, nil
}

// checkLabelKeys refuses label keys the review screen uses itself.
func checkLabelKeys(set []review.LabelDef) error {
	if err := review.ValidateLabelSet(set); err != nil {
		return err
	}
	for _, l := range set {
		if reservedReviewKeys[l.Key] {
			return fmt.Errorf("label %q: key %q is taken by the review screen (%s); choose another", l.Name, l.Key, reservedKeyList())
		}
	}
	return nil
}
