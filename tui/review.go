package tui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/review"
)

// reviewState is what the review screen shows.
type reviewState int

const (
	reviewList   reviewState = iota // the samples
	reviewForm                      // a new sample's definition
	reviewMember                    // one member under review
)

type (
	samplesMsg struct {
		list []review.Sample
		prog map[int64]review.Progress
		err  error
	}
	sampleOpenedMsg struct {
		sample *review.Sample
		pos    int64
		done   bool
		mine   map[string]review.LabelRecord
		err    error
	}
	memberMsg struct {
		sample  int64
		pos     int64
		detail  *review.MemberDetail
		history []review.LabelRecord
		err     error
	}
	labelledMsg struct {
		rec review.LabelRecord
		err error
	}
	reviewStatsMsg struct {
		sample int64
		prog   review.Progress
		est    *review.SampleEstimates
		agree  *review.Agreement
		err    error
	}
)

var reviewKeys = struct {
	Open, New, Up, Down, Next, Prev, Reveal, Note, Back, Resume, Create key.Binding
}{
	Open:   bind("enter", "open and resume", "enter"),
	New:    bind("n", "new sample", "n"),
	Up:     bind("↑/k", "up", "up", "k"),
	Down:   bind("↓/j", "down", "down", "j"),
	Next:   bind("]", "next member", "]"),
	Prev:   bind("[", "previous member", "["),
	Reveal: bind("r", "reveal / hide caption", "r"),
	Note:   bind(":", "note for the next label", ":"),
	Back:   bind("esc", "back to samples", "esc"),
	Resume: bind("space", "continue after the pause", " "),
	Create: bind("ctrl+s", "draw and save the sample", "ctrl+s"),
}

func (m reviewModel) keyMap() keyMap {
	k := reviewKeys
	switch m.state {
	case reviewForm:
		return keyMap{
			short: []key.Binding{bind("tab/enter", "next field", "enter"), k.Create, bind("esc", "cancel", "esc")},
			full:  [][]key.Binding{{bind("tab/enter", "next field", "enter"), bind("shift+tab", "previous field", "shift+tab"), k.Create, bind("esc", "cancel", "esc")}},
		}
	case reviewMember:
		var labels []key.Binding
		for _, l := range m.labels {
			labels = append(labels, bind(l.Key, l.Title, l.Key))
		}
		short := append(append([]key.Binding{}, labels...), k.Reveal, k.Next, k.Prev, k.Note, k.Back)
		return keyMap{short: short, full: [][]key.Binding{labels, {k.Reveal, k.Next, k.Prev, k.Note, k.Back, k.Resume}}}
	}
	return keyMap{
		short: []key.Binding{k.Down, k.Open, k.New},
		full:  [][]key.Binding{{k.Up, k.Down, k.Open, k.New}},
	}
}

// form fields of a new sample
const (
	fName = iota
	fTagSet
	fTags
	fPolicies
	fViolating
	fSize
	fSeed
	fStrata
	numFields
)

var fieldLabels = [...]string{"name", "tag set", "or tags", "policies", "violating only (y/n)", "size", "seed", "strata (none/policy/week/region)"}

// reviewModel is the sample review screen.
type reviewModel struct {
	sess  *session
	state reviewState
	err   string
	note  string

	samples []review.Sample
	prog    map[int64]review.Progress
	listL   listState

	fields [numFields]textinput.Model
	field  int

	sample   *review.Sample
	labels   []review.LabelDef
	pos      int64
	detail   *review.MemberDetail
	history  []review.LabelRecord // the member's audit trail, every reviewer
	revealed bool
	mine     map[string]review.LabelRecord
	progress review.Progress
	est      *review.SampleEstimates
	agree    *review.Agreement
	bar      progress.Model

	noteInput textinput.Model
	noting    bool
	pending   string // note for the next label

	given  int // labels given since the screen opened (for the pause)
	paused bool

	width, height int
}

func newReview(sess *session) reviewModel {
	m := reviewModel{sess: sess, prog: map[int64]review.Progress{}, noteInput: newInput("note: ", "saved with the next label")}
	for i := range m.fields {
		m.fields[i] = newInput("", "")
	}
	m.fields[fSize].SetValue("50")
	m.fields[fSeed].SetValue("1")
	m.fields[fStrata].SetValue("none")
	m.fields[fViolating].SetValue("n")
	m.bar = progress.New(progress.WithWidth(30), progress.WithoutPercentage(), progress.WithFillCharacters('█', '░'))
	return m
}

func (m reviewModel) typing() bool { return m.state == reviewForm || m.noting }

func (m *reviewModel) setSize(w, h int) {
	m.width, m.height = w, h
	m.bar.SetWidth(max(10, min(40, w/3)))
	for i := range m.fields {
		m.fields[i].SetWidth(max(10, w-40))
	}
}

func (m reviewModel) loadSamples() tea.Cmd {
	ws, me := m.sess.cfg.Workspace, m.sess.cfg.Reviewer
	return func() tea.Msg {
		ctx := context.Background()
		list, err := review.ListSamples(ctx, ws)
		if err != nil {
			return samplesMsg{err: err}
		}
		prog := map[int64]review.Progress{}
		for _, s := range list {
			p, err := review.SampleProgress(ctx, ws, s.ID, me)
			if err != nil {
				return samplesMsg{err: err}
			}
			prog[s.ID] = p
		}
		return samplesMsg{list: list, prog: prog}
	}
}

// newForm opens the form for a new sample, its frame prefilled from the
// tag set under investigation.
func (m *reviewModel) newForm(tagSet string) tea.Cmd {
	m.state = reviewForm
	m.err = ""
	m.fields[fTagSet].SetValue(tagSet)
	if m.fields[fName].Value() == "" {
		base := tagSet
		if base == "" {
			base = "review"
		}
		m.fields[fName].SetValue(fmt.Sprintf("%s-%d", base, len(m.samples)+1))
	}
	m.field = fName
	return m.focusField()
}

func (m *reviewModel) focusField() tea.Cmd {
	for i := range m.fields {
		m.fields[i].Blur()
	}
	return m.fields[m.field].Focus()
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// definition reads the form.
func (m reviewModel) definition() (string, review.SampleDefinition, error) {
	var def review.SampleDefinition
	v := func(i int) string { return strings.TrimSpace(m.fields[i].Value()) }
	name := v(fName)
	if name == "" {
		return "", def, errors.New("name the sample")
	}
	def.Frame.TagSet = v(fTagSet)
	def.Frame.Tags = splitList(v(fTags))
	def.Frame.Policies = splitList(v(fPolicies))
	switch strings.ToLower(v(fViolating)) {
	case "y", "yes":
		def.Frame.Violating = true
	case "n", "no", "":
	default:
		return "", def, fmt.Errorf("violating only: answer y or n, not %q", v(fViolating))
	}
	size, err := strconv.ParseInt(v(fSize), 10, 64)
	if err != nil || size <= 0 {
		return "", def, fmt.Errorf("size %q: give a whole number above 0", v(fSize))
	}
	def.Size = size
	seed, err := strconv.ParseInt(v(fSeed), 10, 64)
	if err != nil {
		return "", def, fmt.Errorf("seed %q: give a whole number", v(fSeed))
	}
	def.Seed = seed
	switch s := strings.ToLower(v(fStrata)); s {
	case "", "none":
		def.Method = review.MethodSimple
	case review.StrataPolicy, review.StrataWeek, review.StrataRegion:
		def.Method, def.Strata = review.MethodStratified, s
	default:
		return "", def, fmt.Errorf("strata %q: use none, policy, week or region", s)
	}
	def.Labels = m.sess.cfg.Labels
	return name, def, nil
}

func (m reviewModel) create() (reviewModel, tea.Cmd) {
	if m.sess.cfg.Reviewer == "" {
		m.err = errNoReviewer.Error()
		return m, nil
	}
	if m.sess.cfg.Workspace != nil && m.sess.cfg.Workspace.ReadOnly {
		m.err = review.ErrReadOnly.Error() + ": start `trendlab tui --write` to draw samples here, or draw it with `trendlab sample create`"
		return m, nil
	}
	name, def, err := m.definition()
	if err != nil {
		m.err = err.Error()
		return m, nil
	}
	ws, me := m.sess.cfg.Workspace, m.sess.cfg.Reviewer
	m.note = "drawing the sample…"
	return m, func() tea.Msg {
		s, err := review.CreateSample(context.Background(), ws, name, me, def)
		if err != nil {
			return sampleOpenedMsg{err: err}
		}
		return openSample(ws, s, me)
	}
}

// errNoReviewer: labels need a name, resolved as for `trendlab sample

func (m reviewModel) Update(msg tea.Msg) (reviewModel, tea.Cmd) {
	switch msg := msg.(type) {
	case samplesMsg:
		if msg.err != nil {
			m.err = textsafe.Strip(msg.err.Error())
			return m, nil
		}
		m.samples, m.prog = msg.list, msg.prog
		m.listL.move(0, len(m.samples), m.height-3)
		return m, nil
	case sampleOpenedMsg:
		m.note = ""
		if msg.err != nil {
			m.err = textsafe.Strip(msg.err.Error())
			return m, nil
		}
		m.err = ""
		m.sample, m.pos, m.mine = msg.sample, msg.pos, msg.mine
		m.labels = msg.sample.Definition.Labels
		if len(m.labels) == 0 {
			m.labels = review.DefaultLabelSet()
		}
		m.state, m.detail, m.revealed, m.est, m.agree = reviewMember, nil, false, nil, nil
		if msg.done {
			m.note = "every member is labelled: step through with [ and ] to change a label"
		}
		return m, tea.Batch(m.loadMember(), m.loadStats())
	case memberMsg:
		if m.sample == nil || msg.sample != m.sample.ID || msg.pos != m.pos {
			return m, nil
		}
		if msg.err != nil {
			m.err = textsafe.Strip(msg.err.Error())
			return m, nil
		}
		m.detail, m.history, m.revealed = msg.detail, msg.history, false
		return m, nil
	case labelledMsg:
		if msg.err != nil {
			m.err = textsafe.Strip(msg.err.Error())
			return m, nil
		}
		m.err = ""
		m.mine[msg.rec.VideoID] = msg.rec
		m.given++
		if pe := m.sess.cfg.PauseEvery; pe > 0 && m.given%pe == 0 {
			m.paused = true
		}
		m.note = fmt.Sprintf("saved %s for %s", textsafe.Strip(msg.rec.Label), textsafe.Strip(msg.rec.VideoID))
		cmds := []tea.Cmd{m.loadStats()}
		if m.pos < m.sample.Size {
			m.pos++
			m.detail = nil
			cmds = append(cmds, m.loadMember())
		}
		return m, tea.Batch(cmds...)
	case reviewStatsMsg:
		if m.sample == nil || msg.sample != m.sample.ID {
			return m, nil
		}
		if msg.err != nil {
			m.err = textsafe.Strip(msg.err.Error())
			return m, nil
		}
		m.progress, m.est, m.agree = msg.prog, msg.est, msg.agree
		if m.sample.Size > 0 && msg.prog.Labelled >= m.sample.Size {
			m.note = fmt.Sprintf("all %d members are labelled: [ and ] step back through them to change a label", m.sample.Size)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.updateKey(msg)
	case tea.MouseClickMsg:
		if m.state == reviewList && msg.Y >= 2 {
			m.listL.cursor = m.listL.top + msg.Y - 2
			m.listL.move(0, len(m.samples), m.height-3)
		}
		return m, nil
	}
	if m.state == reviewForm {
		var cmd tea.Cmd
		m.fields[m.field], cmd = m.fields[m.field].Update(msg)
		return m, cmd
	}
	if m.noting {
		var cmd tea.Cmd
		m.noteInput, cmd = m.noteInput.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m reviewModel) updateKey(msg tea.KeyPressMsg) (reviewModel, tea.Cmd) {
	s := msg.String()
	switch m.state {
	case reviewList:
		switch {
		case key.Matches(msg, reviewKeys.Up):
			m.listL.move(-1, len(m.samples), m.height-3)
		case key.Matches(msg, reviewKeys.Down):
			m.listL.move(1, len(m.samples), m.height-3)
		case key.Matches(msg, reviewKeys.New):
			return m, m.newForm("")
		case key.Matches(msg, reviewKeys.Open) && m.listL.cursor < len(m.samples):
			s := m.samples[m.listL.cursor]
			ws, me := m.sess.cfg.Workspace, m.sess.cfg.Reviewer
			return m, func() tea.Msg { return openSample(ws, &s, me) }
		}
		return m, nil
	case reviewForm:
		switch s {
		case "esc":
			m.state = reviewList
			m.err = ""
			return m, nil
		case "ctrl+s":
			return m.create()
		case "enter", "tab", "down":
			if m.field == numFields-1 && s == "enter" {
				return m.create()
			}
			m.field = (m.field + 1) % numFields
			return m, m.focusField()
		case "shift+tab", "up":
			m.field = (m.field + numFields - 1) % numFields
			return m, m.focusField()
		}
		var cmd tea.Cmd
		m.fields[m.field], cmd = m.fields[m.field].Update(msg)
		return m, cmd
	}
	// reviewing a member
	if m.noting {
		switch s {
		case "enter":
			m.pending = strings.TrimSpace(m.noteInput.Value())
			m.noting = false
			m.noteInput.Blur()
			return m, nil
		case "esc":
			m.noting = false
			m.noteInput.Blur()
			return m, nil
		}
		var cmd tea.Cmd
		m.noteInput, cmd = m.noteInput.Update(msg)
		return m, cmd
	}
	if m.paused {
		if s == "space" || s == " " || s == "enter" {
			m.paused = false
		}
		return m, nil
	}
	switch {
	case key.Matches(msg, reviewKeys.Back):
		m.state = reviewList
		return m, m.loadSamples()
	case key.Matches(msg, reviewKeys.Reveal):
		m.revealed = !m.revealed
		return m, nil
	case key.Matches(msg, reviewKeys.Note):
		m.noting = true
		m.noteInput.SetValue(m.pending)
		return m, m.noteInput.Focus()
	case key.Matches(msg, reviewKeys.Next):
		if m.pos < m.sample.Size {
			m.pos++
			m.detail = nil
			return m, m.loadMember()
		}
		return m, nil
	case key.Matches(msg, reviewKeys.Prev):
		if m.pos > 1 {
			m.pos--
			m.detail = nil
			return m, m.loadMember()
		}
		return m, nil
	}
	for _, l := range m.labels {
		if s == l.Key && m.detail != nil {
			return m, m.label(l.Name)
		}
	}
	return m, nil
}
