package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// The Report screen offers what a report can be written from without a
// detour: the saved tag sets (and the investigation on screen 4, saved or
// not) and the samples, the one under review chosen by default.

type tagSetsMsg struct {
	list []analysis.SavedTagSet
	err  error
}

var pickKeys = struct {
	Up, Down, Left, Right, Choose key.Binding
}{
	Up:     bind("↑/k", "up", "up", "k"),
	Down:   bind("↓/j", "down", "down", "j"),
	Left:   bind("←/h", "tag sets", "left", "h"),
	Right:  bind("→/l", "samples", "right", "l"),
	Choose: bind("enter", "choose the tag set (investigates it) or sample", "enter"),
}

// reportScreenKeyMap is the Report screen's keys: choosing, then writing.
func reportScreenKeyMap() keyMap {
	k, w := pickKeys, reportKeyMap()
	return keyMap{
		short: append([]key.Binding{k.Down, k.Right, k.Choose}, w.short...),
		full:  append([][]key.Binding{{k.Up, k.Down, k.Left, k.Right, k.Choose}}, w.full...),
	}
}

// reportPick is the Report screen's choice of tag set and sample.
type reportPick struct {
	sess    *session
	tagSets []analysis.SavedTagSet
	err     string
	pane    int // 0 tag sets, 1 samples
	tsL     listState
	smL     listState // 0 is "no sample", i+1 the review screen's sample i
	// sampleID is the chosen sample (0: none); chosen follows the review
	// screen's open sample until the investigator picks one here.
	sampleID int64
	chosen   bool
	// pendingWrite writes the report when the running investigation ends.
	pendingWrite bool
}

func (p reportPick) loadTagSets() tea.Cmd {
	ws := p.sess.cfg.Workspace
	return func() tea.Msg {
		list, err := analysis.ListTagSets(context.Background(), ws)
		return tagSetsMsg{list: list, err: err}
	}
}

// pickHeight is the number of list lines the picker takes.
func (p reportPick) pickHeight(h int) int { return max(2, min(8, h/3)) }

// tagSetItems are the tag set list's lines: the unsaved investigation of
// screen 4 first, when there is one.
func (m *Model) tagSetItems() (items, names []string) {
	if inv := m.tags.inv; inv != nil && inv.TagSet.Name == "" {
		items = append(items, "#"+textsafe.StripLine(inv.TagSet.Seed)+" (screen 4, not saved)")
		names = append(names, "")
	}
	for _, s := range m.pick.tagSets {
		accepted := 0
		for _, v := range s.Variants {
			if v.Status == analysis.VariantAccepted {
				accepted++
			}
		}
		items = append(items, fmt.Sprintf("%s  #%s, %d tags", textsafe.StripLine(s.Name), textsafe.StripLine(s.Seed), accepted))
		names = append(names, s.Name)
	}
	return items, names
}

// reportSample is the index in the review screen's list of the sample the
// report will include, or -1 for none.
func (m *Model) reportSample() int {
	id := m.pick.sampleID
	if !m.pick.chosen && m.review.sample != nil {
		id = m.review.sample.ID
	}
	for i := range m.review.samples {
		if m.review.samples[i].ID == id {
			return i
		}
	}
	return -1
}

// currentTagSet is the name of the tag set under investigation ("" for an
// unsaved one or none).
func (m *Model) currentTagSet() string {
	if m.tags.inv == nil {
		return ""
	}
	return m.tags.inv.TagSet.Name
}

// updatePick handles the Report screen's keys; done is false for keys that
// are not the picker's.
func (m *Model) updatePick(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	p := &m.pick
	items, names := m.tagSetItems()
	h := p.pickHeight(m.bodyHeight())
	switch {
	case key.Matches(msg, pickKeys.Left):
		p.pane = 0
	case key.Matches(msg, pickKeys.Right):
		p.pane = 1
	case key.Matches(msg, pickKeys.Up, pickKeys.Down):
		d := 1
		if key.Matches(msg, pickKeys.Up) {
			d = -1
		}
		if p.pane == 0 {
			p.tsL.move(d, len(items), h)
		} else {
			p.smL.move(d, len(m.review.samples)+1, h)
		}
	case key.Matches(msg, pickKeys.Choose):
		if p.pane == 1 {
			p.chosen = true
			p.sampleID = 0
			if i := p.smL.cursor - 1; i >= 0 && i < len(m.review.samples) {
				p.sampleID = m.review.samples[i].ID
			}
			return nil, true
		}
		if p.tsL.cursor >= len(names) || names[p.tsL.cursor] == "" || names[p.tsL.cursor] == m.currentTagSet() {
			return nil, true // already the investigation on screen 4
		}
		name := names[p.tsL.cursor]
		m.tags.input.SetValue(name)
		m.tags.input.Blur()
		return m.tags.investigate(analysis.Request{TagSet: name}), true
	case key.Matches(msg, reportKeys.Write):
		if m.tags.busy {
			p.pendingWrite = true
			return nil, true
		}
		return nil, false // the report writes it
	default:
		return nil, false
	}
	return nil, true
}

// pickView draws the two lists side by side.
func (m *Model) pickView(th theme) string {
	p := m.pick
	h := p.pickHeight(m.bodyHeight())
	w := max(20, (m.width-3)/2)
	items, names := m.tagSetItems()
	cur := m.currentTagSet()
	for i, n := range names {
		mark := "  "
		if m.tags.inv != nil && n == cur {
			mark = "✓ "
		}
		items[i] = mark + items[i]
	}
	left := []string{th.Title.Render(pad("Tag set", w))}
	if p.err != "" {
		left = append(left, th.Error.Render(oneLine(p.err, w)))
	} else if len(items) == 0 {
		left = append(left, th.Faint.Render(pad("none saved: investigate a tag on screen 4", w)))
	}
	left = append(left, renderList(th, items, p.tsL, w, h, p.pane == 0)...)

	chosen := m.reportSample()
	sm := []string{"  no sample"}
	if chosen < 0 {
		sm[0] = "✓ no sample"
	}
	for i := range m.review.samples {
		s := &m.review.samples[i]
		mark := "  "
		if i == chosen {
			mark = "✓ "
		}
		sm = append(sm, fmt.Sprintf("%s%s  %d members", mark, textsafe.StripLine(s.Name), s.Size))
	}
	right := append([]string{th.Title.Render(pad("Sample", w))}, renderList(th, sm, p.smL, w, h, p.pane == 1)...)
	status := ""
	switch {
	case m.tags.busy && p.pendingWrite:
		status = th.Faint.Render(m.tags.spin.View() + " investigating " + textsafe.StripLine(strings.TrimSpace(m.tags.input.Value())) + "…; the report follows")
	case m.tags.busy:
		status = th.Faint.Render(m.tags.spin.View() + " investigating " + textsafe.StripLine(strings.TrimSpace(m.tags.input.Value())) + "…")
	case m.tags.err != "":
		status = th.Error.Render(oneLine(m.tags.err, m.width))
	}
	return joinColumns(" │ ", left, right) + "\n" + status
}
