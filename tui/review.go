package tui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
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
// label` (review.ResolveReviewer); the review screen refuses without one.
var errNoReviewer = fmt.Errorf("%w; start the terminal UI with --reviewer NAME", review.ErrNoReviewer)

// openSample loads a sample and the reviewer's labels and finds where the
// review resumes.
func openSample(w *datasets.Workspace, s *review.Sample, me string) sampleOpenedMsg {
	if me == "" {
		return sampleOpenedMsg{err: errNoReviewer}
	}
	ctx := context.Background()
	mine, err := review.CurrentLabels(ctx, w, s.ID, me)
	if err != nil {
		return sampleOpenedMsg{err: err}
	}
	pos, ok, err := review.NextUnlabelled(ctx, w, s.ID, me)
	if err != nil {
		return sampleOpenedMsg{err: err}
	}
	if !ok {
		pos = 1
	}
	return sampleOpenedMsg{sample: s, pos: pos, done: !ok, mine: mine}
}

func (m reviewModel) loadMember() tea.Cmd {
	ws, id, pos := m.sess.cfg.Workspace, m.sample.ID, m.pos
	return func() tea.Msg {
		ctx := context.Background()
		d, err := review.SampleMemberDetail(ctx, ws, id, pos)
		if err != nil {
			return memberMsg{sample: id, pos: pos, err: err}
		}
		h, err := review.LabelHistory(ctx, ws, id, d.VideoID)
		return memberMsg{sample: id, pos: pos, detail: d, history: h, err: err}
	}
}

func (m reviewModel) loadStats() tea.Cmd {
	ws, id, me := m.sess.cfg.Workspace, m.sample.ID, m.sess.cfg.Reviewer
	return func() tea.Msg {
		ctx := context.Background()
		prog, err := review.SampleProgress(ctx, ws, id, me)
		if err != nil {
			return reviewStatsMsg{sample: id, err: err}
		}
		est, err := review.EstimateSample(ctx, ws, id, me, 0.95)
		if err != nil {
			return reviewStatsMsg{sample: id, err: err}
		}
		// Agreement with the other reviewer who labelled most.
		other, most := "", int64(0)
		for _, r := range sortedKeys(prog.Reviewers) {
			if n := prog.Reviewers[r]; r != me && n > most {
				other, most = r, n
			}
		}
		var agree *review.Agreement
		if other != "" {
			agree, err = review.SampleAgreement(ctx, ws, id, me, other, 0.95)
			if err != nil {
				agree = nil // no members in common yet
			}
		}
		return reviewStatsMsg{sample: id, prog: prog, est: est, agree: agree}
	}
}

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

// label saves a label at once (so a crash loses nothing); a changed label
// gets a reason in the audit trail.
func (m *reviewModel) label(name string) tea.Cmd {
	ws, id, me, video := m.sess.cfg.Workspace, m.sample.ID, m.sess.cfg.Reviewer, m.detail.VideoID
	note := m.pending
	m.pending = ""
	reason := ""
	if prev, ok := m.mine[video]; ok && prev.Label != name {
		reason = "changed from " + prev.Label + " in review"
	}
	return func() tea.Msg {
		rec, err := review.Label(context.Background(), ws, id, video, me, name, note, reason)
		return labelledMsg{rec: rec, err: err}
	}
}

func (m reviewModel) View(th theme) string {
	switch m.state {
	case reviewForm:
		return m.formView(th)
	case reviewMember:
		return m.memberView(th)
	}
	var lines []string
	lines = append(lines, th.Title.Render("Samples")+th.Faint.Render("  enter resumes a review · n draws a new sample"))
	head := th.Header.Render(pad("name", 28) + " " + padLeft("size", 7) + " " + padLeft("frame", 10) + " " + pad("method", 22) + " " + padLeft("mine", 6) + " " + padLeft("anyone", 7) + "  created")
	lines = append(lines, head)
	items := make([]string, len(m.samples))
	for i, s := range m.samples {
		p := m.prog[s.ID]
		method := s.Definition.Method
		if s.Definition.Strata != "" {
			method += " by " + s.Definition.Strata
		}
		var anyone int64
		for _, n := range p.Reviewers {
			anyone = max(anyone, n)
		}
		items[i] = pad(textsafe.StripLine(s.Name), 28) + " " + padLeft(analysis.GroupDigits(s.Size), 7) + " " + padLeft(analysis.GroupDigits(s.FrameSize), 10) + " " +
			pad(textsafe.StripLine(method), 22) + " " + padLeft(analysis.GroupDigits(p.Labelled), 6) + " " + padLeft(analysis.GroupDigits(anyone), 7) + "  " +
			s.CreatedAt.UTC().Format("2006-01-02 15:04") + " by " + textsafe.StripLine(s.CreatedBy)
	}
	if len(items) == 0 {
		lines = append(lines, th.Faint.Render("no samples yet: press n to draw one"))
	}
	lines = append(lines, renderList(th, items, m.listL, m.width, max(1, m.height-3), true)...)
	if m.err != "" {
		lines = append(lines, th.Error.Render(oneLine(m.err, m.width)))
	}
	return strings.Join(lines, "\n")
}

func (m reviewModel) formView(th theme) string {
	lines := []string{th.Title.Render("New sample") + th.Faint.Render("  drawn reproducibly from frame + seed; members are reviewed in a random order"), ""}
	for i := range m.fields {
		label := pad(fieldLabels[i], 34)
		if i == m.field {
			label = th.Key.Render(label)
		} else {
			label = th.Faint.Render(label)
		}
		lines = append(lines, label+" "+m.fields[i].View())
	}
	lines = append(lines, "", th.Faint.Render("The frame is the tag set's videos (and/or the tags), within the policies; labels: "+labelSummary(m.sess.cfg.Labels)))
	if m.note != "" {
		lines = append(lines, m.note)
	}
	if m.err != "" {
		lines = append(lines, th.Error.Render(oneLine(m.err, m.width)))
	}
	return strings.Join(lines, "\n")
}

func labelSummary(set []review.LabelDef) string {
	parts := make([]string, len(set))
	for i, l := range set {
		parts[i] = l.Key + " " + l.Title
	}
	return strings.Join(parts, ", ")
}

func (m reviewModel) memberView(th theme) string {
	s := m.sample
	leftW := max(30, m.width*3/5)
	rightW := max(10, m.width-leftW-3)
	frac := 0.0
	if s.Size > 0 {
		frac = float64(m.progress.Labelled) / float64(s.Size)
	}
	header := th.Title.Render(fmt.Sprintf("%s · member %d of %d", textsafe.StripLine(s.Name), m.pos, s.Size)) + "  " +
		m.bar.ViewAs(frac) + fmt.Sprintf(" %d/%d labelled by %s", m.progress.Labelled, s.Size, textsafe.StripLine(m.sess.cfg.Reviewer))
	var left []string
	if m.paused {
		left = append(left, "", th.Warn.Render(fmt.Sprintf("You have labelled %d items in this session.", m.given)),
			"Take a short break: look away from the screen, stretch, get some water.",
			"Reviewing harmful content is hard; talk to your lead or wellbeing support if it weighs on you.",
			"", th.Faint.Render("press space or enter to continue"))
	} else if d := m.detail; d == nil {
		left = append(left, th.Faint.Render("loading…"))
	} else {
		kv := func(k, v string) string { return th.Key.Render(pad(k, 10)) + " " + v }
		left = append(left,
			kv("video", textsafe.StripLine(d.VideoID)+th.Faint.Render("  stratum "+textsafe.StripLine(d.Stratum))),
			kv("author", textsafe.StripLine(d.AuthorID)),
			kv("created", d.CreatedAt.UTC().Format("2006-01-02 15:04 UTC")),
			kv("region", textsafe.StripLine(d.Region)+"  language "+textsafe.StripLine(d.Language)+"  age band "+textsafe.StripLine(d.AuthorAgeBand)),
			kv("views", analysis.GroupDigits(d.ViewCount)),
		)
		tags := make([]string, len(d.Tags))
		for i, t := range d.Tags {
			tags[i] = textsafe.StripLine(t)
		}
		left = append(left, kv("tags", ansi.Truncate(strings.Join(tags, " "), leftW-11, "…")))
		if m.revealed || m.sess.captionsShown { // the caption rule, captions.go
			wrapped := strings.Split(ansi.Wordwrap(textsafe.Strip(d.Caption), leftW-11, " "), "\n")
			for i, w := range wrapped {
				if i == 0 {
					left = append(left, kv("caption", w))
				} else {
					left = append(left, pad("", 11)+w)
				}
			}
		} else {
			left = append(left, kv("caption", th.Faint.Render("hidden: press r to reveal")))
		}
		left = append(left, "", th.Header.Render("moderation timeline"))
		if len(d.Events) == 0 {
			left = append(left, th.Faint.Render("no moderation events"))
		}
		for _, e := range d.Events {
			what := textsafe.StripLine(e.EventType + " " + e.Source + " " + e.Policy)
			if e.PolicyTitle != "" {
				what += " (" + textsafe.StripLine(e.PolicyTitle) + ")"
			}
			if e.Decision != "" {
				what += " → " + textsafe.StripLine(e.Decision)
			}
			if e.Action != "" {
				what += " → " + textsafe.StripLine(e.Action)
			}
			left = append(left, th.Faint.Render(e.EventTime.UTC().Format("01-02 15:04"))+" "+what)
		}
		left = append(left, "")
		if rec, ok := m.mine[d.VideoID]; ok {
			left = append(left, th.OK.Render("your label: "+textsafe.StripLine(rec.Label))+th.Faint.Render(" ("+rec.LabelledAt.UTC().Format("15:04:05")+")"))
		} else {
			left = append(left, th.Faint.Render("not labelled by you yet"))
		}
		if n := len(m.history); n > 0 {
			var trail []string
			for _, r := range m.history[max(0, n-3):] {
				e := textsafe.StripLine(r.Label) + " by " + textsafe.StripLine(r.Reviewer) + " " + r.LabelledAt.UTC().Format("01-02 15:04")
				if r.Reason != "" {
					e += " (" + textsafe.StripLine(r.Reason) + ")"
				}
				trail = append(trail, e)
			}
			more := ""
			if n > 3 {
				more = fmt.Sprintf("%d earlier · ", n-3)
			}
			left = append(left, th.Faint.Render(ansi.Truncate("audit trail: "+more+strings.Join(trail, " → "), leftW, "…")))
		}
		var choices []string
		for _, l := range m.labels {
			choices = append(choices, th.Key.Render("["+l.Key+"]")+" "+textsafe.StripLine(l.Title))
		}
		left = append(left, strings.Join(choices, "  "))
		if m.noting {
			left = append(left, m.noteInput.View())
		} else if m.pending != "" {
			left = append(left, th.Faint.Render("note for the next label: "+oneLine(m.pending, leftW-26)))
		}
	}
	right := m.estimatesView(th, rightW)
	body := joinColumns(" │ ", padBlock(left, leftW), right)
	status := ""
	switch {
	case m.err != "":
		status = th.Error.Render(oneLine(m.err, m.width))
	case m.note != "":
		status = th.Faint.Render(oneLine(m.note, m.width))
	}
	return header + "\n" + body + "\n" + status
}

func padBlock(lines []string, w int) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = pad(l, w)
	}
	return out
}

func (m reviewModel) estimatesView(th theme, w int) []string {
	lines := []string{th.Title.Render("Estimates") + th.Faint.Render(" (your labels)")}
	e := m.est
	if e == nil {
		return append(lines, th.Faint.Render("…"))
	}
	if e.Labelled == 0 {
		lines = append(lines, th.Faint.Render("no labels yet"))
	}
	conf := fmt.Sprintf("%g%%", 100*e.Confidence)
	barW := max(5, w-36)
	for _, s := range append(append([]review.LabelShare{}, e.Shares...), e.Violating) {
		name := textsafe.StripLine(s.Label)
		if math.IsNaN(s.Estimate.P) {
			lines = append(lines, pad(name, 16)+" "+padLeft(analysis.GroupDigits(s.Count), 4)+"  –")
			continue
		}
		lines = append(lines, pad(name, 16)+" "+padLeft(analysis.GroupDigits(s.Count), 4)+" "+padLeft(fmt.Sprintf("%.0f%%", 100*s.Estimate.P), 4)+" "+
			intervalBar(s.Estimate.P, s.Estimate.CI.Lo, s.Estimate.CI.Hi, 1, barW))
	}
	lines = append(lines, th.Faint.Render(fmt.Sprintf("%s intervals; %d of %d strata covered", conf, e.StrataCovered, e.Strata)))
	if a := m.agree; a != nil && a.Items > 0 {
		lines = append(lines, "", th.Title.Render("Agreement"),
			fmt.Sprintf("with %s on %d items", textsafe.StripLine(a.ReviewerB), a.Items),
			fmt.Sprintf("agreed %d (%.0f%%)", a.Agreed, 100*a.Observed),
			fmt.Sprintf("Cohen's κ %.2f [%.2f, %.2f]", a.Kappa, a.CI.Lo, a.CI.Hi))
	}
	return lines
}
