package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The screens and their keys, described once: the ? overlay, `trendlab tui
// --help` (HelpText) and the README's section on the terminal UI
// (HelpMarkdown, checked by TestREADMEHelp) are all drawn from screenDocs,
// whose keys are the bindings the screens match and the key bar shows.

// keyGroup is a screen's keys in one of its modes (mode "" when it has one).
type keyGroup struct {
	mode string
	keys []key.Binding
}

// screenDoc describes one screen.
type screenDoc struct {
	id      screenID
	summary string
	groups  []keyGroup
}

// flat joins a key map's columns into one list.
func flat(k keyMap) []key.Binding {
	var out []key.Binding
	for _, col := range k.full {
		out = append(out, col...)
	}
	return out
}

// screenDocs is the one description of every screen, in screen order.
func screenDocs() []screenDoc {
	return []screenDoc{
		{screenCatalog, "Tables and views with exact row counts and their columns; a column's summary (nulls, distinct, " +
			"min, max, quantiles) and top values, from which a value opens its rows in the grid; imports with their " +
			"provenance and rejects.",
			[]keyGroup{{"", flat(catalogKeyMap())}}},
		{screenConsole, "A multi-line SQL editor with history across runs; the result shows below it in the grid. " +
			"Read-only unless switched to writing, and a statement that changes data asks first.",
			[]keyGroup{{"editing", flat(consoleKeyMap(true))}, {"asked before a change", flat(confirmKeyMap())},
				{"in the result", flat(consoleKeyMap(false))}}},
		{screenResults, "The result of a query, a browsed table or a drill-down, read a page at a time and never held " +
			"whole: sort, row detail, copy, export to CSV, JSON or Parquet, a video's moderation timeline.",
			[]keyGroup{{"", flat(gridKeyMap())}}},
		{screenTags, "Investigate a hashtag: its variants to accept or reject and save as a tag set (the terminal UI " +
			"opened for writing), daily volume and share of uploads with spikes, violation rates and every monitoring " +
			"metric against the baseline with intervals and materiality, removal (both readings of proactive), the " +
			"moderation funnel and related tags; the platform association and the interventions' effect (I, with the " +
			"optional exports), a sweep of the related tags (W) and, for a saved tag set, the alerts its watches fired " +
			"(which import, which rule, the numbers); each number drills down to its videos.",
			[]keyGroup{{"typing a tag", flat(tagsKeyMap(true))}, {"exploring", flat(tagsKeyMap(false))}}},
		{screenReview, "Samples for review: draw one (frame, size, seed, strata) or reopen one at its first unlabelled " +
			"member, label with one key (saved at once), add a note, see the audit trail, live estimates and " +
			"Cohen's kappa; a pause reminder every few items.",
			reviewHelp()},
		{screenQueries, "Saved queries by fuzzy search, a form for their parameters, the result in the grid.",
			[]keyGroup{{"", flat(paletteKeyMap())}}},
		{screenReport, "The HTML report of a saved tag set (or the investigation on screen 4) and, if chosen, a " +
			"review sample's labels: one self-contained file.",
			[]keyGroup{{"", flat(reportScreenKeyMap())}}},
	}
}

// reviewHelp is the review screen's keys in each of its states, with the
// default label set.
func reviewHelp() []keyGroup {
	var c Config
	c.setDefaultLabels()
	member := reviewModel{state: reviewMember, labels: c.Labels}
	return []keyGroup{
		{"samples", flat(reviewModel{state: reviewList}.keyMap())},
		{"new sample", flat(reviewModel{state: reviewForm}.keyMap())},
		{"a member (default labels)", flat(member.keyMap())},
	}
}

// globalDoc is the keys of every screen.
func globalDoc() keyGroup {
	g := globalKeys
	return keyGroup{"every screen", []key.Binding{g.Help, g.Next, g.Prev, g.Captions, g.Cancel, g.Quit,
		bind("1-7 / alt+1-7", "go to screen", "")}}
}

// docFor is screen s's description.
func docFor(s screenID) screenDoc { return screenDocs()[s] }

// keyWidth is the widest key label of the groups.
func keyWidth(groups ...keyGroup) int {
	w := 0
	for _, g := range groups {
		for _, b := range g.keys {
			w = max(w, ansi.StringWidth(b.Help().Key))
		}
	}
	return w
}

// HelpText describes every screen and its keys as plain text, for `trendlab
// tui --help`.
func HelpText() string {
	var b strings.Builder
	all := []keyGroup{globalDoc()}
	for _, d := range screenDocs() {
		all = append(all, d.groups...)
	}
	kw := keyWidth(all...)
	writeGroup := func(g keyGroup, indent string) {
		if g.mode != "" {
			fmt.Fprintf(&b, "%s%s:\n", indent, g.mode)
			indent += "  "
		}
		for _, k := range g.keys {
			fmt.Fprintf(&b, "%s%-*s  %s\n", indent, kw, k.Help().Key, k.Help().Desc)
		}
	}
	b.WriteString("Screens (press the number, or alt+number while typing):\n")
	for _, d := range screenDocs() {
		fmt.Fprintf(&b, "\n%s\n", tabLabel(d.id))
		for _, l := range strings.Split(lipgloss.Wrap(d.summary, 76, " "), "\n") {
			b.WriteString("  " + strings.TrimRight(l, " ") + "\n")
		}
		for _, g := range d.groups {
			writeGroup(g, "  ")
		}
	}
	b.WriteString("\nOn every screen:\n")
	writeGroup(globalDoc(), "  ")
	return b.String()
}

// HelpMarkdown describes every screen and its keys as Markdown, for the
// README.
func HelpMarkdown() string {
	var b strings.Builder
	keys := func(g keyGroup) string {
		parts := make([]string, len(g.keys))
		for i, k := range g.keys {
			parts[i] = "`" + k.Help().Key + "` " + k.Help().Desc
		}
		s := strings.Join(parts, ", ")
		if g.mode != "" {
			s = g.mode + ": " + s
		}
		return s
	}
	for _, d := range screenDocs() {
		fmt.Fprintf(&b, "- **%s**: %s\n", tabLabel(d.id), d.summary)
		for _, g := range d.groups {
			fmt.Fprintf(&b, "  - %s\n", keys(g))
		}
	}
	fmt.Fprintf(&b, "- **Every screen**: %s\n", keys(keyGroup{keys: globalDoc().keys}))
	return b.String()
}

// groupBlock draws a key group as lines: the mode, then key and description.
func groupBlock(th theme, g keyGroup, kw int) []string {
	var lines []string
	if g.mode != "" {
		lines = append(lines, th.Title.Render(g.mode))
	}
	for _, k := range g.keys {
		lines = append(lines, th.Key.Render(pad(k.Help().Key, kw))+" "+th.Help.Render(k.Help().Desc))
	}
	return lines
}

// helpView is the ? overlay: the screen's description and keys in every
// mode, then the keys of every screen; ←/→ page through the other screens.
func (m *Model) helpView() string {
	d := docFor(m.helpScreen)
	boxW := max(20, min(m.width-4, 100))
	inner := boxW - 4
	title := m.th.Title.Render("Keys · "+tabLabel(d.id)) + m.th.Faint.Render(fmt.Sprintf("   ←/→ other screens (%d of %d)", int(d.id)+1, int(numScreens)))
	lines := []string{title, ""}
	lines = append(lines, strings.Split(lipgloss.Wrap(d.summary, inner, " "), "\n")...)
	lines = append(lines, "")
	kw := keyWidth(d.groups...)
	// Modes side by side when they fit, else one under another.
	var blocks [][]string
	width := 0
	for _, g := range d.groups {
		bl := groupBlock(m.th, g, kw)
		bw := blockWidth(bl)
		width += bw + 3
		blocks = append(blocks, padBlock(bl, bw))
	}
	if width-3 <= inner {
		lines = append(lines, strings.Split(joinColumns("   ", blocks...), "\n")...)
	} else {
		for i, bl := range blocks {
			if i > 0 {
				lines = append(lines, "")
			}
			lines = append(lines, bl...)
		}
	}
	g := globalDoc()
	lines = append(lines, "", m.th.Title.Render("Every screen"))
	gl := groupBlock(m.th, keyGroup{keys: g.keys}, keyWidth(g))
	half := (len(gl) + 1) / 2
	lines = append(lines, strings.Split(joinColumns("   ", padBlock(gl[:half], blockWidth(gl[:half])), gl[half:]), "\n")...)
	lines = append(lines, "", m.th.Faint.Render("esc, ? or q closes this help"))
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, inner, "…")
	}
	box := m.th.Border.Render(strings.Join(lines, "\n"))
	return lipgloss.Place(m.width, m.bodyHeight(), lipgloss.Center, lipgloss.Center, box)
}

// blockWidth is the width of a block's widest line.
func blockWidth(lines []string) int {
	w := 0
	for _, l := range lines {
		w = max(w, ansi.StringWidth(l))
	}
	return w
}
