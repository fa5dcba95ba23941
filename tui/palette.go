package tui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/queries"
)

type queriesLoadedMsg struct {
	lib *queries.Library
	err error
}

// fuzzyScore matches pattern against s as a case-insensitive subsequence.
// Higher is better: matches at the start, after a separator and in runs
// score more; ok is false when pattern is not a subsequence of s.
func fuzzyScore(pattern, s string) (score int, ok bool) {
	p := []rune(strings.ToLower(pattern))
	if len(p) == 0 {
		return 0, true
	}
	r := []rune(strings.ToLower(s))
	j, run := 0, 0
	for i := 0; i < len(r) && j < len(p); i++ {
		if r[i] != p[j] {
			run = 0
			continue
		}
		score++
		if i == 0 {
			score += 8
		} else if prev := r[i-1]; prev == '_' || prev == ' ' || prev == '-' || prev == '.' || unicode.IsPunct(prev) {
			score += 4
		}
		run++
		score += 2 * (run - 1)
		j++
	}
	return score, j == len(p)
}

var paletteKeys = struct {
	Up, Down, Choose, Run, Back key.Binding
}{
	Up:     bind("↑", "up", "up", "ctrl+p"),
	Down:   bind("↓", "down", "down", "ctrl+n"),
	Choose: bind("enter", "fill in parameters / run", "enter"),
	Run:    bind("ctrl+s", "run with these parameters", "ctrl+s"),
	Back:   bind("esc", "back", "esc"),
}

func paletteKeyMap() keyMap {
	k := paletteKeys
	return keyMap{short: []key.Binding{k.Down, k.Choose, k.Run, k.Back}, full: [][]key.Binding{{k.Up, k.Down, k.Choose, k.Run, k.Back}}}
}

// paletteModel finds a saved query by fuzzy search, takes its parameters
// and runs it into the results grid.
type paletteModel struct {
	sess    *session
	lib     *queries.Library
	err     string
	search  textinput.Model
	matches []*queries.Query
	listL   listState

	query  *queries.Query // chosen, parameters being filled in
	params []textinput.Model
	field  int

	width, height int
}

func newPalette(sess *session) paletteModel {
	in := newInput("saved query: ", "type to search names and descriptions")
	in.Focus()
	return paletteModel{sess: sess, search: in}
}

// typing: keys go to the search field once something is typed (or to the
// parameter form); an empty search leaves the global keys (?, q, 1-7) free.
func (m paletteModel) typing() bool { return m.query != nil || m.search.Value() != "" }

func (m *paletteModel) setSize(w, h int) {
	m.width, m.height = w, h
	m.search.SetWidth(max(10, w-20))
}

func (m paletteModel) load() tea.Cmd {
	dirs := m.sess.cfg.QueryDirs
	return func() tea.Msg {
		lib, err := queries.Load(dirs...)
		return queriesLoadedMsg{lib: lib, err: err}
	}
}

// filter ranks the queries by the search text.
func (m *paletteModel) filter() {
	if m.lib == nil {
		return
	}
	type scored struct {
		q *queries.Query
		s int
	}
	var hits []scored
	pat := strings.TrimSpace(m.search.Value())
	for _, q := range m.lib.Queries() {
		s, ok := fuzzyScore(pat, q.Name)
		if !ok {
			var ok2 bool
			if s, ok2 = fuzzyScore(pat, q.Description); !ok2 {
				continue
			}
			s /= 2 // a description match ranks below a name match
		}
		hits = append(hits, scored{q, s})
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].s != hits[j].s {
			return hits[i].s > hits[j].s
		}
		return hits[i].q.Name < hits[j].q.Name
	})
	m.matches = m.matches[:0]
	for _, h := range hits {
		m.matches = append(m.matches, h.q)
	}
	m.listL.cursor = 0
	m.listL.follow(len(m.matches), m.listHeight())
}

func (m paletteModel) listHeight() int { return max(1, m.height-6) }

func (m *paletteModel) choose(q *queries.Query) tea.Cmd {
	m.query = q
	m.params = make([]textinput.Model, len(q.Params))
	for i, p := range q.Params {
		in := newInput("", textsafe.StripLine(p.Description))
		in.SetWidth(max(10, m.width-40))
		if !p.Required && p.DefaultText != "null" {
			in.SetValue(strings.Trim(p.DefaultText, `"`))
		}
		m.params[i] = in
	}
	m.field = 0
	m.err = ""
	if len(m.params) == 0 {
		return m.run()
	}
	m.search.Blur()
	return m.params[0].Focus()
}

// run binds the parameters and asks the root to run the statement into the
// grid.
func (m *paletteModel) run() tea.Cmd {
	given := map[string][]string{}
	for i, p := range m.query.Params {
		if v := strings.TrimSpace(m.params[i].Value()); v != "" {
			given[p.Name] = []string{v}
		}
	}
	st, err := m.query.Bind(given)
	if err != nil {
		m.err = textsafe.Strip(err.Error())
		return nil
	}
	if err := queries.Prepare(context.Background(), m.sess.db, st); err != nil {
		m.err = textsafe.Strip(err.Error())
		return nil
	}
	m.err = ""
	name := m.query.Name
	text, args := st.SQL, st.ArgValues()
	if m.sess.cfg.Workspace.Dialect == datasets.Postgres {
		// its NAME.pg.sql text, $name numbered for the server
		if text, args, err = st.ForServer(); err != nil {
			m.err = textsafe.Strip(err.Error())
			return nil
		}
	}
	return func() tea.Msg { return runQueryMsg{title: "saved query " + name, sql: text, args: args} }
}

// runQueryMsg asks the root to materialise a query into the grid.
type runQueryMsg struct {
	title string
	sql   string
	args  []any
}

func (m paletteModel) Update(msg tea.Msg) (paletteModel, tea.Cmd) {
	switch msg := msg.(type) {
	case queriesLoadedMsg:
		if msg.err != nil {
			m.err = textsafe.Strip(msg.err.Error())
		}
		m.lib = msg.lib
		m.filter()
		return m, nil
	case tea.KeyPressMsg:
		s := msg.String()
		if m.query != nil {
			switch s {
			case "esc":
				m.query = nil
				return m, m.search.Focus()
			case "ctrl+s":
				return m, m.run()
			case "enter", "tab", "down":
				if m.field == len(m.params)-1 && s == "enter" {
					return m, m.run()
				}
				m.params[m.field].Blur()
				m.field = (m.field + 1) % len(m.params)
				return m, m.params[m.field].Focus()
			case "shift+tab", "up":
				m.params[m.field].Blur()
				m.field = (m.field + len(m.params) - 1) % len(m.params)
				return m, m.params[m.field].Focus()
			}
			var cmd tea.Cmd
			m.params[m.field], cmd = m.params[m.field].Update(msg)
			return m, cmd
		}
		switch {
		case key.Matches(msg, paletteKeys.Up):
			m.listL.move(-1, len(m.matches), m.listHeight())
			return m, nil
		case key.Matches(msg, paletteKeys.Down):
			m.listL.move(1, len(m.matches), m.listHeight())
			return m, nil
		case key.Matches(msg, paletteKeys.Choose):
			if m.listL.cursor < len(m.matches) {
				return m, m.choose(m.matches[m.listL.cursor])
			}
			return m, nil
		case s == "esc":
			m.search.SetValue("")
			m.filter()
			return m, nil
		}
		var cmd tea.Cmd
		before := m.search.Value()
		m.search, cmd = m.search.Update(msg)
		if m.search.Value() != before {
			m.filter()
		}
		return m, cmd
	case tea.PasteMsg:
		var cmd tea.Cmd
		if m.query != nil {
			m.params[m.field], cmd = m.params[m.field].Update(msg)
			return m, cmd
		}
		m.search, cmd = m.search.Update(msg)
		m.filter()
		return m, cmd
	case tea.MouseClickMsg:
		if m.query == nil && msg.Y >= 2 {
			m.listL.cursor = m.listL.top + msg.Y - 2
			m.listL.move(0, len(m.matches), m.listHeight())
		}
		return m, nil
	}
	return m, nil
}

func (m paletteModel) View(th theme) string {
	var lines []string
	if m.query != nil {
		q := m.query
		lines = append(lines, th.Title.Render(textsafe.StripLine(q.Name))+"  "+th.Faint.Render(oneLine(q.Description, max(10, m.width-len(q.Name)-3))), "")
		for i, p := range q.Params {
			label := pad(fmt.Sprintf("%s (%s)", textsafe.StripLine(p.Name), typeName(p)), 30)
			if i == m.field {
				label = th.Key.Render(label)
			}
			lines = append(lines, label+" "+m.params[i].View())
		}
		if len(q.RequireOneOf) > 0 {
			for _, g := range q.RequireOneOf {
				lines = append(lines, th.Faint.Render("give at least one of: "+strings.Join(g, ", ")))
			}
		}
		lines = append(lines, "", th.Faint.Render("enter moves on (and runs on the last field) · ctrl+s runs · esc back to the list"))
	} else {
		lines = append(lines, m.search.View(), "")
		items := make([]string, len(m.matches))
		for i, q := range m.matches {
			src := ""
			if !q.Shipped {
				src = " (" + textsafe.StripLine(q.File) + ")"
			}
			items[i] = pad(textsafe.StripLine(q.Name), 28) + " " + th.Faint.Render(oneLine(q.Description, max(10, m.width-32))) + src
		}
		if m.lib != nil && len(items) == 0 {
			lines = append(lines, th.Faint.Render("no saved query matches"))
		}
		lines = append(lines, renderList(th, items, m.listL, m.width, m.listHeight(), true)...)
	}
	if m.err != "" {
		lines = append(lines, th.Error.Render(oneLine(m.err, m.width)))
	}
	return strings.Join(lines, "\n")
}

func typeName(p queries.Param) string {
	if p.Required {
		return fmt.Sprint(p.Type) + ", required"
	}
	return fmt.Sprint(p.Type)
}
