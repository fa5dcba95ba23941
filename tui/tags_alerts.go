package tui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// The Alerts section lists what the watches on the investigated tag set
// found when data arrived (analysis.RunWatches keeps it in the workspace):
// each alert's import, rule, subject and numbers, newest first, and the
// whole message of the one under the cursor. The watches are those on the
// saved tag set investigated or, for a hashtag, on the saved tag sets
// seeded with it. It is read with the investigation, so it is as fresh as
// the numbers beside it.

// alertRows is the newest alerts the section lists.
const alertRows = 100

// alertsState is the tag set's watches and their newest alerts.
type alertsState struct {
	of      string // what the watches watch, for the screen
	watches []analysis.Watch
	alerts  []analysis.Alert
	err     string
}

// loadAlerts reads the watches on the investigated tag set (the saved
// set, else the saved sets with its seed) and their newest alerts.
func loadAlerts(ctx context.Context, ws *datasets.Workspace, ts analysis.TagSet) alertsState {
	st := alertsState{of: "tag set " + ts.Name}
	if ts.Name == "" {
		st.of = "the tag sets seeded #" + ts.Seed
	}
	if ws == nil {
		return st
	}
	all, err := analysis.ListWatches(ctx, ws)
	if err != nil {
		st.err = err.Error()
		return st
	}
	for _, w := range all {
		if ts.Name != "" && w.TagSet != ts.Name {
			continue
		}
		if ts.Name == "" {
			set, err := analysis.LoadTagSet(ctx, ws, w.TagSet)
			if err != nil || set.Seed != ts.Seed {
				continue // a watch on a removed tag set watches nothing
			}
		}
		st.watches = append(st.watches, w)
		got, err := analysis.ListAlerts(ctx, ws, w.Name, alertRows)
		if err != nil {
			st.err = err.Error()
			return st
		}
		st.alerts = append(st.alerts, got...)
	}
	// Newest first across the watches: alert ids grow with time.
	slices.SortFunc(st.alerts, func(a, b analysis.Alert) int { return int(b.ID - a.ID) })
	st.alerts = st.alerts[:min(len(st.alerts), alertRows)]
	return st
}

func (m tagsModel) alertsLen() int { return len(m.alerts.alerts) }

// alertsView lists the alerts, or says why there are none.
func (m tagsModel) alertsView(th theme) []string {
	st, w := m.alerts, max(10, m.width)
	faint := func(s string) []string { return []string{th.Faint.Render(oneLine(s, w))} }
	of := textsafe.StripLine(st.of)
	switch {
	case st.err != "":
		return []string{th.Error.Render(oneLine("alerts: "+st.err, w))}
	case len(st.watches) == 0:
		return faint(fmt.Sprintf("no watch is kept on %s: save the tag set (S), then `trendlab watch add NAME --tagset SET`", of))
	}
	var lead []string
	for _, wt := range st.watches {
		lead = append(lead, fmt.Sprintf("%s (rules %s; imports checked up to %d)", textsafe.StripLine(wt.Name),
			textsafe.StripLine(strings.Join(wt.Definition.Rules, ", ")), wt.LastImportID))
	}
	head := faint("watches on " + of + ": " + strings.Join(lead, "; "))
	if len(st.alerts) == 0 {
		return append(head, faint("no alerts: no rule fired on the imports checked")...)
	}
	lines := append(head, th.Header.Render(pad("fired (UTC)", 16)+" "+pad("watch", 12)+" "+padLeft("import", 6)+" "+pad("rule", 16)+" "+pad("about", 14)+" what fired"))
	items := make([]string, len(st.alerts))
	for i, a := range st.alerts {
		items[i] = pad(a.FiredAt.Format("2006-01-02 15:04"), 16) + " " + pad(textsafe.StripLine(a.Watch), 12) + " " +
			padLeft(strconv.FormatInt(a.ImportID, 10), 6) + " " + pad(textsafe.StripLine(a.Rule), 16) + " " +
			pad(textsafe.StripLine(a.Subject), 14) + " " + textsafe.StripLine(a.Message)
	}
	// The cursor's alert in full below the list: its message on up to
	// three lines, and its numbers.
	var msg []string
	if c := m.lists[secAlerts].cursor; c < len(st.alerts) {
		a := st.alerts[c]
		msg = append(wrapLines(textsafe.StripLine(a.Message), w, 3), oneLine("numbers: "+alertNumbers(a.Numbers), w))
	}
	lines = append(lines, renderList(th, items, m.lists[secAlerts], m.width, m.listHeight()-2-len(msg), true)...)
	for _, l := range msg {
		lines = append(lines, th.Faint.Render(l))
	}
	return lines
}

// alertNumbers writes an alert's numbers compactly, by name.
func alertNumbers(nums map[string]float64) string {
	parts := make([]string, 0, len(nums))
	for _, k := range sortedKeys(nums) {
		parts = append(parts, k+"="+strconv.FormatFloat(nums[k], 'g', 4, 64))
	}
	return textsafe.StripLine(strings.Join(parts, " "))
}

// wrapLines breaks text into at most n lines of at most w runes at spaces,
// the last ending in … when text is longer.
func wrapLines(text string, w, n int) []string {
	var out []string
	words := strings.Fields(text)
	line := ""
	for i, word := range words {
		switch {
		case line == "":
			line = word
		case len([]rune(line))+1+len([]rune(word)) <= w:
			line += " " + word
		default:
			if len(out) == n-1 {
				return append(out, oneLine(strings.Join(append([]string{line}, words[i:]...), " "), w))
			}
			out = append(out, oneLine(line, w))
			line = word
		}
	}
	if line != "" {
		out = append(out, oneLine(line, w))
	}
	return out
}
