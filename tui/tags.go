package tui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
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
	numSections
)

var sectionNames = [...]string{"Variants", "Volume & spikes", "Rates", "Funnel", "Related tags", "Metrics", "Removal", "Impact", "Sweep"}

type (
	investigationMsg struct {
		req int64
		inv *analysis.Investigation
		err error
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
		return investigationMsg{req: id, inv: inv, err: err}
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
		m.inv = msg.inv
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
			for i, name := range sectionNames {
				w := ansi.StringWidth(name) + 3
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

// tagSetFilter is the SQL filter (on videos) of the tag set's videos in
// the investigated period, by the workspace's one definition of a tag
// set's videos (the tag_set_members macro: tags, and caption mentions when
// the investigation counted them), with its parameters.
func (m tagsModel) tagSetFilter() (string, []any) {
	where := "video_id IN (SELECT video_id FROM tag_set_members('', ?::VARCHAR[], ?))"
	args := []any{m.inv.TagSet.Accepted, m.inv.TagSet.IncludeCaptions}
	if p, err := datasets.ParsePeriod(m.inv.Period.Since, m.inv.Period.Until); err == nil {
		cond, pargs := p.SQL("created_at")
		where += " AND " + cond
		args = append(args, pargs...)
	}
	return where, args
}

func (m tagsModel) drillDown() tea.Cmd {
	c := m.cursor()
	seed := tagText(m.inv.TagSet.Seed)
	switch m.section {
	case secVariants:
		if c < len(m.inv.TagSet.Candidates) {
			v := m.inv.TagSet.Candidates[c]
			return openResult("videos tagged #"+tagText(v.Tag), "main.videos",
				"video_id IN (SELECT video_id FROM main.video_tags WHERE tag = ?)", v.Tag)
		}
	case secVolume:
		if c < len(m.inv.Trend.Volume) {
			day := m.inv.Trend.Volume[c].Day
			where, args := m.tagSetFilter()
			return openResult(fmt.Sprintf("#%s videos created %s", seed, day), "main.videos",
				where+" AND CAST(created_at AS DATE) = CAST(? AS DATE)", append(args, day)...)
		}
	case secRates, secFunnel:
		var policy string
		if m.section == secRates && c < len(m.inv.Rates) {
			policy = m.inv.Rates[c].Policy
		} else if m.section == secFunnel && c < len(m.inv.Funnel) {
			policy = m.inv.Funnel[c].Policy
		}
		if policy != "" {
			where, args := m.tagSetFilter()
			return openResult(fmt.Sprintf("#%s videos violating %s", seed, textsafe.StripLine(policy)), "main.videos",
				where+" AND video_id IN (SELECT video_id FROM main.video_outcomes WHERE policy = ? AND violating)", append(args, policy)...)
		}
	case secRelated:
		if c < len(m.inv.Related.Tags) {
			tag := m.inv.Related.Tags[c].Tag
			return func() tea.Msg { return investigateTagMsg{tag: tag} }
		}
	case secSweep:
		if c < m.sweepLen() {
			tag := m.sweep.sw.Tags[c].Tag
			return func() tea.Msg { return investigateTagMsg{tag: tag} }
		}
	}
	return nil
}

// investigateTagMsg starts an investigation of another tag (from Related).
type investigateTagMsg struct{ tag string }

func (m tagsModel) View(th theme) string {
	var b strings.Builder
	b.WriteString(m.input.View())
	switch {
	case m.busy:
		b.WriteString("  " + m.spin.View() + " investigating…")
	case m.err != "":
		b.WriteString("  " + th.Error.Render(oneLine(m.err, max(10, m.width/2))))
	case m.note != "":
		b.WriteString("  " + th.Faint.Render(m.note))
	}
	b.WriteByte('\n')
	if m.inv == nil {
		b.WriteString(th.Faint.Render("Type a hashtag and press enter: trendlab finds its spellings, compares its violation rates with the baseline,\nmarks spikes, lists related tags and the moderation funnel. / starts a new search."))
		return b.String()
	}
	inv := m.inv
	ts := inv.TagSet
	summary := fmt.Sprintf("#%s: %s accepted tags · %s videos · baseline %s videos (%s) · %s to %s",
		tagText(ts.Seed), analysis.GroupDigits(int64(len(ts.Accepted))), analysis.GroupDigits(ts.Videos), analysis.GroupDigits(inv.Baseline.Videos),
		textsafe.StripLine(inv.Baseline.Kind), inv.Period.Since, inv.Period.Until)
	if m.savedAs != "" {
		summary += " · tag set " + textsafe.StripLine(m.savedAs)
	}
	b.WriteString(th.Title.Render(ansi.Truncate(summary, m.width, "…")) + "\n")
	var tabs []string
	for i, n := range sectionNames {
		if i == m.section {
			tabs = append(tabs, th.TabActive.Render(n))
		} else {
			tabs = append(tabs, th.TabInactive.Render(n))
		}
	}
	b.WriteString(strings.Join(tabs, " ") + "\n")
	var lines []string
	switch m.section {
	case secVariants:
		lines = m.variantsView(th)
	case secVolume:
		lines = m.volumeView(th)
	case secRates:
		lines = m.ratesView(th)
	case secFunnel:
		lines = m.funnelView(th)
	case secRelated:
		lines = m.relatedView(th)
	case secMetrics:
		lines = m.metricsView(th)
	case secRemoval:
		lines = m.removalView(th)
	case secImpact:
		lines = m.impactView(th)
	case secSweep:
		lines = m.sweepView(th)
	}
	b.WriteString(strings.Join(lines, "\n"))
	if len(inv.Notes) > 0 {
		b.WriteString("\n" + th.Warn.Render(oneLine("note: "+inv.Notes[0], m.width)))
	}
	return b.String()
}

func (m tagsModel) variantsView(th theme) []string {
	cands := m.inv.TagSet.Candidates
	head := th.Header.Render(pad("status", 10) + " " + pad("tag", 32) + " " + padLeft("videos", 9) + " " + padLeft("score", 6) + "  why it matched")
	items := make([]string, len(cands))
	for i, v := range cands {
		st := m.status(v)
		mark := "  " + st
		if _, pending := m.decided[v.Tag]; pending {
			mark = "* " + st
		}
		why := strings.Join(v.Reasons, ", ")
		if v.Lookalike {
			why += " (look-alike)"
		}
		items[i] = pad(mark, 10) + " " + pad("#"+tagText(v.Tag), 32) + " " + padLeft(analysis.GroupDigits(v.Videos), 9) + " " +
			padLeft(fmt.Sprintf("%.2f", v.Score), 6) + "  " + textsafe.StripLine(why)
	}
	return append([]string{head}, renderList(th, items, m.lists[secVariants], m.width, m.listHeight(), true)...)
}

// sparkChars draw a sparkline from low to high.
var sparkChars = []rune(" ▁▂▃▄▅▆▇█")

// sparkline draws values scaled to the largest as block characters.
func sparkline(vals []int64) string {
	var top int64
	for _, v := range vals {
		top = max(top, v)
	}
	out := make([]rune, len(vals))
	for i, v := range vals {
		if top == 0 {
			out[i] = sparkChars[0]
			continue
		}
		out[i] = sparkChars[int(math.Round(float64(v)/float64(top)*float64(len(sparkChars)-1)))]
	}
	return string(out)
}

func (m tagsModel) volumeView(th theme) []string {
	vol := m.inv.Trend.Volume
	spikes := map[string][]analysis.Spike{}
	for _, s := range m.inv.Trend.Spikes {
		if s.Group == "tag_set" {
			spikes[s.Day] = append(spikes[s.Day], s)
		}
	}
	// The sparkline shows the days around the cursor that fit the width.
	w := max(10, m.width-2)
	cur := m.cursor()
	start := max(0, min(cur-w/2, len(vol)-w))
	end := min(len(vol), start+w)
	vals := make([]int64, 0, end-start)
	var marks strings.Builder
	for i := start; i < end; i++ {
		vals = append(vals, vol[i].TagSet)
		switch {
		case i == cur:
			marks.WriteRune('^')
		case len(spikes[vol[i].Day]) > 0:
			marks.WriteRune('▲')
		default:
			marks.WriteRune(' ')
		}
	}
	lines := []string{
		th.Bar.Render(sparkline(vals)),
		th.Spike.Render(marks.String()),
		th.Faint.Render(fmt.Sprintf("daily videos of the tag set, %s to %s; ▲ a significant rise in a violation rate; ^ the cursor", m.inv.Period.Since, m.inv.Period.Until)),
		th.Faint.Render(oneLine(m.shareChangeText(), m.width)),
		th.Faint.Render(oneLine(m.alertsText(), m.width)),
		th.Header.Render(pad("day", 11) + " " + padLeft("tag set", 8) + " " + padLeft("baseline", 9) + "  spike"),
	}
	items := make([]string, len(vol))
	for i, d := range vol {
		var sp []string
		for _, s := range spikes[d.Day] {
			sp = append(sp, fmt.Sprintf("▲ %s %.1f%% → %.1f%% (p.adj %s)", textsafe.StripLine(s.Policy), 100*s.Before, 100*s.After, formatP(s.PAdjusted)))
		}
		items[i] = pad(d.Day, 11) + " " + padLeft(analysis.GroupDigits(d.TagSet), 8) + " " + padLeft(analysis.GroupDigits(d.Baseline), 9) + "  " + strings.Join(sp, "; ")
	}
	return append(lines, renderList(th, items, m.lists[secVolume], m.width, m.listHeight()-6, true)...)
}

// intervalBar draws a proportion's interval on a 0..scale axis of w cells:
// ─ the interval, ● the estimate.
func intervalBar(p, lo, hi, scale float64, w int) string {
	if scale <= 0 || w <= 0 {
		return strings.Repeat(" ", max(0, w))
	}
	pos := func(x float64) int { return max(0, min(w-1, int(x/scale*float64(w-1)+0.5))) }
	out := []rune(strings.Repeat("·", w))
	for i := pos(lo); i <= pos(hi); i++ {
		out[i] = '─'
	}
	out[pos(p)] = '●'
	return string(out)
}

func (m tagsModel) ratesView(th theme) []string {
	scale := 0.0
	for _, r := range m.inv.Rates {
		scale = max(scale, r.TagSet.CI.Hi, r.Baseline.CI.Hi)
	}
	barW := max(0, min(30, m.width-110))
	head := th.Header.Render(pad("policy", 20) + " " + pad("group", 8) + " " + padLeft("rate", 7) + " " + pad("95% interval", 17) + " " + pad("", barW) + map[bool]string{true: " ", false: ""}[barW > 0] + padLeft("p.adj", 8) + "  finding / materiality · MDE")
	conf := fmt.Sprintf("%g%%", 100*m.inv.Confidence)
	head = strings.Replace(head, "95%", conf, 1)
	var items []string
	for _, r := range m.inv.Rates {
		row := func(group string, pr analysis.Proportion, extra string) string {
			return pad(group, 8) + " " + padLeft(fmt.Sprintf("%.2f%%", 100*pr.P), 7) + " " +
				pad(fmt.Sprintf("[%.2f, %.2f]%%", 100*pr.CI.Lo, 100*pr.CI.Hi), 17) + " " +
				intervalBar(pr.P, pr.CI.Lo, pr.CI.Hi, scale, barW) + map[bool]string{true: " ", false: ""}[barW > 0] + extra
		}
		finding := r.Finding
		if r.Significant {
			finding = "▲ " + finding
		}
		mde := "MDE –"
		if r.MDE.TagSetRate.Valid() {
			mde = fmt.Sprintf("MDE %.2f%%", 100*float64(r.MDE.TagSetRate))
		}
		items = append(items,
			pad(textsafe.StripLine(r.Policy), 20)+" "+row("tag set", r.TagSet, padLeft(formatP(r.Test.PAdjusted), 8)+"  "+finding),
		)
		items = append(items, pad("", 20)+" "+th.Faint.Render(row("baseline", r.Baseline, fmt.Sprintf("%8s  %s · %s · %s, x/n %s/%s vs %s/%s", "", materialText(r.Materiality), mde, textsafe.StripLine(r.Test.Method),
			analysis.GroupDigits(r.TagSet.X), analysis.GroupDigits(r.TagSet.N), analysis.GroupDigits(r.Baseline.X), analysis.GroupDigits(r.Baseline.N)))))
	}
	// The cursor moves by policy, two lines each.
	l := m.lists[secRates]
	l2 := listState{cursor: 2 * l.cursor, top: 2 * l.top}
	l2.follow(len(items), m.listHeight()-1)
	foot := th.Faint.Render(oneLine(m.readingsNote()+" · every monitoring metric: Metrics", m.width))
	return append(append([]string{head}, renderList(th, items, l2, m.width, m.listHeight()-1, true)...), foot)
}

func (m tagsModel) funnelView(th theme) []string {
	c := m.cursor()
	var lines []string
	names := make([]string, len(m.inv.Funnel))
	for i, f := range m.inv.Funnel {
		names[i] = textsafe.StripLine(f.Policy)
	}
	left := renderList(th, names, m.lists[secFunnel], 22, m.listHeight(), true)
	if c >= len(m.inv.Funnel) {
		return left
	}
	f := m.inv.Funnel[c]
	steps := []struct {
		name   string
		ts, bl int64
	}{
		{"videos", f.TagSet.Videos, f.Baseline.Videos},
		{"reported", f.TagSet.Reported, f.Baseline.Reported},
		{"flagged", f.TagSet.Flagged, f.Baseline.Flagged},
		{"reviewed", f.TagSet.Reviewed, f.Baseline.Reviewed},
		{"violating", f.TagSet.Violating, f.Baseline.Violating},
		{"removed", f.TagSet.Removed, f.Baseline.Removed},
		{"escalated", f.TagSet.Escalated, f.Baseline.Escalated},
		{"appealed", f.TagSet.Appealed, f.Baseline.Appealed},
		{"reinstated", f.TagSet.Reinstated, f.Baseline.Reinstated},
	}
	barW := max(5, min(25, (m.width-60)/2))
	lines = append(lines, th.Header.Render(pad("step", 11)+" "+padLeft("tag set", 9)+" "+pad("", barW)+" "+padLeft("baseline", 10)+" "+pad("", barW)))
	for _, s := range steps {
		lines = append(lines, pad(s.name, 11)+" "+padLeft(analysis.GroupDigits(s.ts), 9)+" "+th.Bar.Render(pad(strings.Repeat("█", int(ratio(s.ts, f.TagSet.Videos)*float64(barW))), barW))+" "+
			padLeft(analysis.GroupDigits(s.bl), 10)+" "+th.Faint.Render(pad(strings.Repeat("█", int(ratio(s.bl, f.Baseline.Videos)*float64(barW))), barW)))
	}
	lines = append(lines, "", th.Header.Render("conversions (tag set vs baseline)"))
	for i, st := range f.TagSet.Steps {
		bl := ""
		if i < len(f.Baseline.Steps) {
			bl = fmt.Sprintf("%.1f%%", 100*f.Baseline.Steps[i].Rate.P)
		}
		lines = append(lines, fmt.Sprintf("%s %6.1f%% [%.1f, %.1f]  vs %s", pad(textsafe.StripLine(st.From)+" → "+textsafe.StripLine(st.To), 32),
			100*st.Rate.P, 100*st.Rate.CI.Lo, 100*st.Rate.CI.Hi, bl))
	}
	for i := range lines {
		lines[i] = pad(lines[i], max(10, m.width-25))
	}
	return strings.Split(joinColumns(" │ ", left, lines), "\n")
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (m tagsModel) relatedView(th theme) []string {
	rel := m.inv.Related
	head := th.Header.Render(pad("association", 11) + " " + pad("tag", 26) + " " + padLeft("together", 9) + " " + padLeft("support", 8) + " " + padLeft("lift", 6) + " " + padLeft("NPMI", 6) + " " + padLeft("q", 8))
	items := make([]string, len(rel.Tags))
	for i, t := range rel.Tags {
		items[i] = pad(associationText(t), 11) + " " + pad("#"+tagText(t.Tag), 26) + " " + padLeft(analysis.GroupDigits(t.Together), 9) + " " + padLeft(fmt.Sprintf("%.1f%%", 100*t.Support), 8) + " " +
			padLeft(formatNum(t.Lift, 1), 6) + " " + padLeft(formatNum(t.NPMI, 2), 6) + " " + padLeft(formatP(t.QValue), 8)
		if !t.Significant {
			items[i] = th.Faint.Render(items[i])
		}
	}
	foot := th.Faint.Render(oneLine(fmt.Sprintf("%d tags tested (%s, %s); strongest first: ▲▲ strong (significant, lift ≥ 2), ▲ weak (significant, lift < 2), faint: not significant; enter investigates the tag, W sweeps them",
		rel.Tested, rel.TestMethod, rel.AdjustMethod), m.width))
	return append(append([]string{head}, renderList(th, items, m.lists[secRelated], m.width, m.listHeight()-1, true)...), foot)
}

func formatNum(n analysis.Num, prec int) string {
	if !n.Valid() {
		return "–"
	}
	return fmt.Sprintf("%.*f", prec, float64(n))
}

// formatP writes a p-value readably: <0.001 below a thousandth.
func formatP(p float64) string {
	switch {
	case math.IsNaN(p):
		return "–"
	case p < 0.001:
		return "<0.001"
	}
	return fmt.Sprintf("%.3f", p)
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
