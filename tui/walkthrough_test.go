package tui

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/datasets"
)

// TestWalkthroughHidesWhatCatalogHides: the tmux walkthrough (e2e) counts
// the catalog's tables before videos, leaving out the tables the catalog
// leaves out; its list is datasets.DuckDBOnlyTables, written in the script
// so that the e2e test need not link DuckDB.
func TestWalkthroughHidesWhatCatalogHides(t *testing.T) {
	b, err := os.ReadFile("../e2e/testdata/tmux_walkthrough.sh")
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	if m := regexp.MustCompile(`(?m)^HIDDEN_TABLES="(.*)"$`).FindSubmatch(b); m != nil {
		got = string(m[1])
	}
	if want := "'" + strings.Join(datasets.DuckDBOnlyTables, "', '") + "'"; got != want {
		t.Fatalf("the walkthrough's HIDDEN_TABLES is %q, want %q (datasets.DuckDBOnlyTables)", got, want)
	}
}
