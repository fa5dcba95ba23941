package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/analysis"
)

func TestParseLabels(t *testing.T) {
	set, err := ParseLabels("escalate:e!,violating:v!,not_violating:n,unsure:u")
	if err != nil || len(set) != 4 || set[0].Key != "e" || !set[0].Violating || set[2].Violating {
		t.Fatalf("ParseLabels = %+v, %v", set, err)
	}
	for in, want := range map[string]string{
		"violating:r,ok:o":  "taken by the review screen",
		"violating:v,ok:v":  "",
		"just-a-name":       "name:key",
		"violating:1,ok:o":  "taken by the review screen",
		"violating:v,ok:? ": "",
	} {
		_, err := ParseLabels(in)
		if err == nil || (want != "" && !strings.Contains(err.Error(), want)) {
			t.Errorf("ParseLabels(%q) error = %v, want one mentioning %q", in, err, want)
		}
	}
}

func TestHistoryFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "history")
	h, err := loadHistory(path)
	if err != nil || len(h.entries) != 0 {
		t.Fatalf("new history: %v, %v", h.entries, err)
	}
	for _, s := range []string{"SELECT 1", "SELECT 1", "SELECT\n  2", "  "} {
		if err := h.add(s); err != nil {
			t.Fatal(err)
		}
	}
	// A damaged line is skipped, the rest kept.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("not json\n\"SELECT 3\"\n")
	f.Close()
	h2, err := loadHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(h2.entries, "|"); got != "SELECT 1|SELECT\n  2|SELECT 3" {
		t.Errorf("reloaded history = %q", got)
	}
}

func TestFormatting(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 10000000: "10,000,000", -1234: "-1,234"} {
		if got := analysis.GroupDigits(n); got != want {
			t.Errorf("analysis.GroupDigits(%d) = %q, want %q", n, got, want)
		}
	}
	if got := fitLines("abcdef\nx", 3, 3); got != "abc\nx\n" {
		t.Errorf("fitLines = %q", got)
	}
	if got := pad("héllo wörld", 5); got != "héll…" {
		t.Errorf("pad = %q", got)
	}
	if got := sparkline([]int64{0, 1, 2, 4, 8}); got != " ▁▂▄█" {
		t.Errorf("sparkline = %q", got)
	}
}
