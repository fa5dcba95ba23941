package tui

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// Sections of the tag explorer.
const (
	secVariants = iota
	secVolume
	secRates
	secFunnel
	secRelated
	secMetrics
	secRemoval
	secImpact
	secSweep
	secAlerts
	numSections
)

var sectionNames = [...]string{"Variants", "Volume", "Rates", "Funnel", "Related tags", "Metrics", "Removal", "Impact", "Sweep", "Alerts"}

// sectionLabel is section i's tab: its name, and the alerts' count.
func (m tagsModel) sectionLabel(i int) string {
	if i == secAlerts && len(m.alerts.alerts) > 0 {
		return sectionNames[i] + " " + strconv.Itoa(len(m.alerts.alerts))
	}
	return sectionNames[i]
}

type (
	investigationMsg struct {
		req    int64
		inv    *analysis.Investigation
		alerts alertsState // the saved tag set's watches and alerts
		err    error
	}
	tagSetSavedMsg struct {
		name string
		err  error
	}
)

var tagKeys = struct {
	Search, NextSec, PrevSec, Up, Down, Enter, Accept, Reject, Save key.Binding
}{
	Search:  bind("/", "investigate a tag", "/"),
	NextSec: bind("→/l", "next section", "right", "l"),
	PrevSec: bind("←/h", "previous section", "left", "h"),
	Up:      bind("↑/k", "up", "up", "k"),
	Down:    bind("↓/j", "down", "down", "j"),
	Enter:   bind("enter", "drill down to videos / investigate a related tag", "enter"),
	Accept:  bind("a", "accept variant", "a"),
	Reject:  bind("x", "reject variant", "x"),
	Save:    bind("S", "save the tag set and re-run", "S"),
}

func tagsKeyMap(typing bool) keyMap {
	k := tagKeys
	if typing {
		return keyMap{
			short: []key.Binding{bind("enter", "investigate", "enter"), bind("esc", "back", "esc")},
			full:  [][]key.Binding{{bind("enter", "investigate", "enter"), bind("esc", "back", "esc")}},
		}
	}
	return keyMap{
		short: []key.Binding{k.Search, k.NextSec, k.Down, k.Enter, k.Accept, k.Reject, k.Save},
		full:  [][]key.Binding{{k.Search, k.NextSec, k.PrevSec, k.Up, k.Down}, {k.Enter, k.Accept, k.Reject, k.Save, impactKey, sweepKey}},
	}
}

// tagsModel is the tag explorer: an investigation of a seed tag, section by
// section, with drill-downs to the videos behind each number.
type tagsModel struct {
	sess    *session
	input   textinput.Model
	spin    spinner.Model
	busy    bool
	cancel  context.CancelFunc
	req     int64
	inv     *analysis.Investigation
	savedAs string // tag set name the investigation used, if saved
	err     string
	note    string

	section int
	lists   [numSections]listState
	// decisions the investigator made on candidates, by tag
	decided map[string]string
	impact  impactState // the Impact section's last run
	sweep   sweepState  // the Sweep section's last run
	alerts  alertsState // the Alerts section: the saved tag set's watches

	width, height int
}

func newTags(sess *session) tagsModel {
	in := newInput("tag: #", "omegle")
	in.Focus()
	return tagsModel{sess: sess, input: in, spin: spinner.New(spinner.WithSpinner(spinner.Dot)), decided: map[string]string{}}
}

func (m tagsModel) typing() bool { return m.input.Focused() }

// cancelRun interrupts a running investigation.
func (m *tagsModel) cancelRun() bool {
	if !m.busy || m.cancel == nil {
		return false
	}
	m.cancel()
	return true
}

func (m *tagsModel) setSize(w, h int) {
	m.width, m.height = w, h
	m.input.SetWidth(max(10, w/3))
}

// investigate runs the investigation of the tag (or saved tag set).
func (m *tagsModel) investigate(req analysis.Request) tea.Cmd {
	m.req = m.sess.newID()
	m.busy, m.err, m.note = true, "", ""
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel = cancel
	id, ws := m.req, m.sess.cfg.Workspace
	return tea.Batch(func() tea.Msg {
		defer cancel()
		inv, err := analysis.Investigate(ctx, ws, req)
		var alerts alertsState
		if err == nil {
			alerts = loadAlerts(ctx, ws, inv.TagSet)
		}
		return investigationMsg{req: id, inv: inv, alerts: alerts, err: err}
	}, m.spin.Tick)
}

func (m tagsModel) Update(msg tea.Msg) (tagsModel, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if !m.busy {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case investigationMsg:
		if msg.req != m.req {
			return m, nil
		}
		m.busy, m.cancel = false, nil
		if errors.Is(msg.err, context.Canceled) {
			m.err = "investigation cancelled"
			return m, nil
		}
		if msg.err != nil {
			m.err = textsafe.Strip(msg.err.Error())
			return m, nil
		}
		m.inv, m.alerts = msg.inv, msg.alerts
		m.impact, m.sweep = impactState{}, sweepState{}
		m.lists = [numSections]listState{}
		m.decided = map[string]string{}
		if m.inv.TagSet.Name != "" {
			m.savedAs = m.inv.TagSet.Name
		}
		return m, nil
	case impactMsg:
		return m.onImpact(msg), nil
	case sweepMsg:
		return m.onSweep(msg), nil
	case tagSetSavedMsg:
		if msg.err != nil {
			m.busy = false
			m.err = textsafe.Strip(msg.err.Error())
			return m, nil
		}
		m.savedAs = msg.name
		m.note = "saved tag set " + textsafe.Strip(msg.name)
		return m, m.investigate(analysis.Request{TagSet: msg.name})
	case tea.KeyPressMsg:
		if m.input.Focused() {
			switch msg.String() {
			case "enter":
				tag := strings.TrimSpace(m.input.Value())
				if tag == "" {
					m.err = "type a hashtag to investigate, e.g. omegle"
					return m, nil
				}
				m.input.Blur()
				m.savedAs = ""
				return m, m.investigate(analysis.Request{Tag: tag})
			case "esc":
				if m.inv != nil {
					m.input.Blur()
				}
				return m, nil
			}
			var cmd tea.Cmd
			m.input, cmd = m.input.Update(msg)
			return m, cmd
		}
		return m.updateKey(msg)
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.move(-1)
		case tea.MouseWheelDown:
			m.move(1)
		}
		return m, nil
	case tea.MouseClickMsg:
		if msg.Y == 0 {
			return m, m.input.Focus()
		}
		if msg.Y == 2 { // section bar
			x := 0
			for i := range sectionNames {
				w := ansi.StringWidth(m.sectionLabel(i)) + 3
				if msg.X < x+w {
					m.section = i
					break
				}
				x += w
			}
		}
		return m, nil
	}
	if m.input.Focused() {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *tagsModel) sectionLen() int {
	if m.inv == nil {
		return 0
	}
	switch m.section {
	case secVariants:
		return len(m.inv.TagSet.Candidates)
	case secVolume:
		return len(m.inv.Trend.Volume)
	case secRates:
		return len(m.inv.Rates)
	case secFunnel:
		return len(m.inv.Funnel)
	case secRelated:
		return len(m.inv.Related.Tags)
	case secMetrics:
		return len(m.inv.Metrics)
	case secRemoval:
		return len(m.inv.Removal)
	case secSweep:
		return m.sweepLen()
	case secAlerts:
		return m.alertsLen()
	case secImpact:
		return len(m.impactLines(theme{}))
	}
	return 0
}

func (m *tagsModel) move(d int) {
	m.lists[m.section].move(d, m.sectionLen(), m.listHeight())
}

func (m tagsModel) listHeight() int { return max(1, m.height-6) }

func (m tagsModel) updateKey(msg tea.KeyPressMsg) (tagsModel, tea.Cmd) {
	k := tagKeys
	switch {
	case key.Matches(msg, k.Search):
		m.input.SetValue("")
		return m, m.input.Focus()
	case m.inv == nil || m.busy:
		return m, nil
	case key.Matches(msg, k.NextSec):
		m.section = (m.section + 1) % numSections
	case key.Matches(msg, k.PrevSec):
		m.section = (m.section + numSections - 1) % numSections
	case key.Matches(msg, k.Up):
		m.move(-1)
	case key.Matches(msg, k.Down):
		m.move(1)
	case key.Matches(msg, k.Accept, k.Reject) && m.section == secVariants:
		if c := m.cursor(); c < len(m.inv.TagSet.Candidates) {
			status := analysis.VariantAccepted
			if key.Matches(msg, k.Reject) {
				status = analysis.VariantRejected
			}
			m.decided[m.inv.TagSet.Candidates[c].Tag] = status
			m.note = "press S to save the tag set and re-run with your decisions"
			m.move(1)
		}
	case key.Matches(msg, k.Save):
		return m, m.saveTagSet()
	case key.Matches(msg, impactKey):
		return m, m.runImpact()
	case key.Matches(msg, sweepKey):
		return m, m.runSweep()
	case key.Matches(msg, k.Enter):
		return m, m.drillDown()
	}
	return m, nil
}

func (m tagsModel) cursor() int { return m.lists[m.section].cursor }

// status is a candidate's status with the investigator's pending decision.
func (m tagsModel) status(v analysis.Variant) string {
	if s, ok := m.decided[v.Tag]; ok {
		return s
	}
	return v.Status
}

// errTagSetReadOnly: the TUI opens the workspace read-only unless asked, so
// that others can read while a reviewer labels; saving needs writing.
var errTagSetReadOnly = errors.New("the workspace is open read-only, so the tag set cannot be saved here: reopen the terminal UI for writing (trendlab tui --help), or save it with trendlab investigate --save-as")

func (m *tagsModel) saveTagSet() tea.Cmd {
	inv := m.inv
	name := m.savedAs
	if name == "" {
		name = inv.TagSet.Seed
	}
	if ws := m.sess.cfg.Workspace; ws != nil && ws.ReadOnly {
		m.err = errTagSetReadOnly.Error()
		return nil
	}
	variants := make([]analysis.Variant, len(inv.TagSet.Candidates))
	copy(variants, inv.TagSet.Candidates)
	for i := range variants {
		variants[i].Status = m.status(variants[i])
	}
	ws := m.sess.cfg.Workspace
	m.busy, m.cancel = true, nil
	return func() tea.Msg {
		err := analysis.SaveTagSet(context.Background(), ws, name, inv.TagSet.Seed, inv.TagSet.IncludeCaptions, variants)
		return tagSetSavedMsg{name: name, err: err}
	}
}
