package tui

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
)

// updating reports whether the test run was asked to rewrite goldens
// (-update, the flag of package golden).
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestHelpCoversKeyBars: every key a screen's key bar offers, in every mode,
// is described in that screen's help (and so in --help and the README).
func TestHelpCoversKeyBars(t *testing.T) {
	var c Config
	c.setDefaultLabels()
	bars := map[screenID][]keyMap{
		screenCatalog: {catalogKeyMap()},
		screenConsole: {consoleKeyMap(true), consoleKeyMap(false), confirmKeyMap()},
		screenResults: {gridKeyMap()},
		screenTags:    {tagsKeyMap(true), tagsKeyMap(false)},
		screenReview: {reviewModel{state: reviewList}.keyMap(), reviewModel{state: reviewForm}.keyMap(),
			reviewModel{state: reviewMember, labels: c.Labels}.keyMap()},
		screenQueries: {paletteKeyMap()},
		screenReport:  {reportScreenKeyMap()},
	}
	docs := screenDocs()
	if len(docs) != int(numScreens) {
		t.Fatalf("%d screens described, the TUI has %d", len(docs), numScreens)
	}
	global := map[string]bool{}
	for _, b := range globalDoc().keys {
		global[b.Help().Key] = true
	}
	for i, d := range docs {
		if d.id != screenID(i) || d.summary == "" {
			t.Errorf("description %d is of screen %d, summary %q", i, d.id, d.summary)
		}
		described := map[string]bool{}
		for _, g := range d.groups {
			for _, b := range g.keys {
				described[b.Help().Key+" "+b.Help().Desc] = true
			}
		}
		for _, km := range bars[d.id] {
			for _, b := range append(km.short, flat(km)...) {
				if !described[b.Help().Key+" "+b.Help().Desc] && !global[b.Help().Key] {
					t.Errorf("%s: key %q (%s) is on the key bar but not in the help", tabLabel(d.id), b.Help().Key, b.Help().Desc)
				}
			}
		}
	}
}

// TestHelpText keeps `trendlab tui --help`'s description of the screens
// (go test -update rewrites the golden).
func TestHelpText(t *testing.T) {
	text := HelpText()
	for s := range numScreens {
		if !strings.Contains(text, "\n"+tabLabel(s)+"\n") {
			t.Errorf("--help does not describe %s", tabLabel(s))
		}
	}
	golden.RequireEqual(t, []byte(text))
}

const (
	readmeBegin = "<!-- tui-help: begin (generated from tui/help.go; go test ./tui -run TestREADMEHelp -update) -->\n"
	readmeEnd   = "<!-- tui-help: end -->\n"
)

// TestREADMEHelp: the README's list of screens and keys is HelpMarkdown, so
// the README cannot drift from the TUI (-update rewrites it).
func TestREADMEHelp(t *testing.T) {
	const path = "../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i := strings.Index(readme, readmeBegin)
	j := strings.Index(readme, readmeEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no section between %q and %q", readmeBegin, readmeEnd)
	}
	got := readme[i+len(readmeBegin) : j]
	want := HelpMarkdown()
	if got == want {
		return
	}
	if updating() {
		if err := os.WriteFile(path, []byte(readme[:i+len(readmeBegin)]+want+readme[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's screens and keys differ from tui/help.go; run go test ./tui -run TestREADMEHelp -update\ngot:\n%s\nwant:\n%s", got, want)
}

// TestHelpOverlayPages: ←/→ in the ? overlay page through every screen's
// help, and the page shows that screen's keys.
func TestHelpOverlayPages(t *testing.T) {
	ws := testWorkspace(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	waitFor(t, tm, "videos")
	send(tm, "?")
	waitFor(t, tm, "Keys · 1 Catalog")
	for s := range numScreens {
		waitModel(t, tm, m, func(m *Model) bool { return m.helpScreen == s })
		frame := screenNow(t, tm)
		d := docFor(s)
		if !strings.Contains(frame, "Keys · "+tabLabel(s)) || !strings.Contains(frame, d.groups[0].keys[0].Help().Desc) {
			t.Errorf("help page %d:\n%s", s, frame)
		}
		send(tm, "right")
	}
	waitModel(t, tm, m, func(m *Model) bool { return m.helpScreen == screenCatalog })
	send(tm, "left") // wraps to the last screen
	waitModel(t, tm, m, func(m *Model) bool { return m.helpScreen == screenReport })
	fm := quit(t, tm)
	requireGolden(t, fm)
}
