package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// screenID names a screen; its number is the key that opens it.
type screenID int

const (
	screenCatalog screenID = iota
	screenConsole
	screenResults
	screenTags
	screenReview
	screenQueries
	screenReport
	numScreens
)

var screenNames = [...]string{"Catalog", "SQL", "Results", "Tags", "Review", "Queries", "Report"}

// probeMsg runs fn on the model inside the event loop, where reading the
// model is safe; tests use it to wait for a state.
type probeMsg struct{ fn func(*Model) }

// Model is the root of the TUI. It owns the window size, the theme and the
// global keys, and passes every other message to the screen in front.
type Model struct {
	cfg  Config
	sess *session
	th   theme

	width, height int
	screen        screenID
	showHelp      bool
	helpScreen    screenID // the screen whose keys the help shows
	help          help.Model
	err           string
	quitting      bool

	catalog catalogModel
	console consoleModel
	grid    gridModel
	tags    tagsModel
	review  reviewModel
	palette paletteModel
	report  reportModel
	pick    reportPick // the Report screen's choice of tag set and sample
}

// New builds the TUI's model on an open workspace. Close it with Close when
// the program ends.
func New(ctx context.Context, cfg Config) (*Model, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	sess, err := newSession(ctx, cfg)
	if err != nil {
		return nil, err
	}
	histPath := cfg.HistoryFile
	if histPath == "" {
		if histPath, err = HistoryPath(); err != nil {
			histPath = ""
		}
	}
	hist, herr := loadHistory(histPath)
	dark := cfg.Background != BackgroundLight
	m := &Model{
		cfg: cfg, sess: sess, th: newTheme(dark, cfg.NoColor),
		help:    help.New(),
		catalog: newCatalog(sess),
		console: newConsole(sess, hist, dark),
		grid:    newGrid(sess),
		tags:    newTags(sess),
		review:  newReview(sess),
		palette: newPalette(sess),
		report:  newReport(sess),
		pick:    reportPick{sess: sess},
		width:   80, height: 24,
	}
	if herr != nil {
		m.err = herr.Error()
	}
	m.help.Styles = help.DefaultStyles(dark)
	m.layout()
	return m, nil
}

// Close releases the TUI's connection and its temporary results.
func (m *Model) Close() error { return m.sess.close() }

// Run opens the TUI on the terminal and returns when the user quits.
func Run(ctx context.Context, cfg Config, opts ...tea.ProgramOption) error {
	m, err := New(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	opts = append([]tea.ProgramOption{tea.WithContext(ctx)}, opts...)
	_, err = tea.NewProgram(m, opts...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{m.catalog.Init(), m.review.loadSamples(), m.palette.load(), m.pick.loadTagSets()}
	if m.cfg.Background == BackgroundAuto && !m.cfg.NoColor {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	return tea.Batch(cmds...)
}

// bodyHeight is the height between the tab bar and the key bar.
func (m *Model) bodyHeight() int { return max(1, m.height-2) }

// layout gives each screen its size; the grid's depends on where it shows.
func (m *Model) layout() {
	h := m.bodyHeight()
	m.catalog.setSize(m.width, h)
	m.console.setSize(m.width, h)
	m.tags.setSize(m.width, h)
	m.review.setSize(m.width, h)
	m.palette.setSize(m.width, h)
	m.report.setSize(m.width, h)
	m.help.SetWidth(m.width)
	if m.screen == screenConsole {
		m.grid.setSize(m.width, m.console.gridHeight())
	} else {
		m.grid.setSize(m.width, h-1) // under the result's title line
	}
}

// typing reports whether the screen in front takes text, so plain keys are
// not global shortcuts.
func (m *Model) typing() bool {
	switch m.screen {
	case screenConsole:
		return m.console.typing() || m.grid.typing()
	case screenResults:
		return m.grid.typing()
	case screenTags:
		return m.tags.typing()
	case screenReview:
		return m.review.typing()
	case screenQueries:
		return m.palette.typing()
	}
	return false
}

func (m *Model) setScreen(s screenID) tea.Cmd {
	m.screen = (s + numScreens) % numScreens
	m.showHelp = false
	m.layout()
	if m.screen == screenReport {
		m.pointPickAtInvestigation()
		return tea.Batch(m.grid.ensurePages(), m.pick.loadTagSets())
	}
	return m.grid.ensurePages()
}

// pointPickAtInvestigation puts the Report screen's tag set cursor on the
// investigation of screen 4.
func (m *Model) pointPickAtInvestigation() {
	if m.tags.inv == nil {
		return
	}
	items, names := m.tagSetItems()
	for i, n := range names {
		if n == m.currentTagSet() {
			m.pick.tsL.cursor = i
			m.pick.tsL.follow(len(items), m.pick.pickHeight(m.bodyHeight()))
		}
	}
}

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, m.grid.ensurePages()
	case tea.BackgroundColorMsg:
		dark := msg.IsDark()
		m.th = newTheme(dark, m.cfg.NoColor)
		m.help.Styles = help.DefaultStyles(dark)
		st := textarea.DefaultStyles(dark)
		st.Cursor.Blink = false
		m.console.editor.SetStyles(st)
		return m, nil
	case probeMsg:
		msg.fn(m)
		return m, nil
	case openResultMsg:
		return m, m.openResult(msg)
	case resultMsg:
		if msg.req != m.grid.req {
			if msg.rs != nil {
				stale, sess := msg.rs, m.sess
				return m, func() tea.Msg {
					sess.withConn(func(c *sqlConn) error { return dropResult(context.Background(), c, stale) })
					return nil
				}
			}
			return m, nil
		}
		m.grid.req = 0
		if msg.err != nil {
			m.grid.err = textsafe.Strip(msg.err.Error())
			return m, nil
		}
		return m, m.grid.setResult(msg.rs)
	case pageMsg, exportedMsg:
		var cmd tea.Cmd
		m.grid, cmd = m.grid.Update(msg)
		return m, cmd
	case queryDoneMsg:
		var cmd tea.Cmd
		m.console, cmd = m.console.Update(msg, &m.grid)
		m.layout()
		return m, cmd
	case catalogMsg, relCountMsg, summaryMsg, importsMsg:
		var cmd tea.Cmd
		m.catalog, cmd = m.catalog.Update(msg)
		return m, cmd
	case investigationMsg, tagSetSavedMsg:
		var cmd tea.Cmd
		m.tags, cmd = m.tags.Update(msg)
		if _, saved := msg.(tagSetSavedMsg); saved {
			cmd = tea.Batch(cmd, m.pick.loadTagSets())
		}
		if m.pick.pendingWrite && !m.tags.busy {
			m.pick.pendingWrite = false
			m.pointPickAtInvestigation()
			if m.tags.inv != nil && m.tags.err == "" {
				cmd = tea.Batch(cmd, m.writeReport())
			}
		}
		return m, cmd
	case tagSetsMsg:
		m.pick.tagSets, m.pick.err = msg.list, ""
		if msg.err != nil {
			m.pick.err = textsafe.Strip(msg.err.Error())
		}
		m.pointPickAtInvestigation()
		return m, nil
	case investigateTagMsg:
		m.tags.input.SetValue(msg.tag)
		m.tags.input.Blur()
		m.tags.savedAs = ""
		return m, tea.Batch(m.setScreen(screenTags), m.tags.investigate(analysis.Request{Tag: msg.tag}))
	case samplesMsg, sampleOpenedMsg, memberMsg, labelledMsg, reviewStatsMsg:
		var cmd tea.Cmd
		m.review, cmd = m.review.Update(msg)
		return m, cmd
	case queriesLoadedMsg:
		var cmd tea.Cmd
		m.palette, cmd = m.palette.Update(msg)
		return m, cmd
	case runQueryMsg:
		return m, m.runQuery(msg)
	case reportDoneMsg:
		var cmd tea.Cmd
		m.report, cmd = m.report.Update(msg)
		return m, cmd
	case spinner.TickMsg:
		// Every spinner keeps turning whichever screen is in front.
		var c1, c2, c3, c4 tea.Cmd
		m.console, c1 = m.console.Update(msg, &m.grid)
		m.tags, c2 = m.tags.Update(msg)
		m.report, c3 = m.report.Update(msg)
		return m, tea.Batch(c1, c2, c3, c4)
	case tea.KeyPressMsg:
		if cmd, done := m.globalKey(msg); done {
			return m, cmd
		}
	case tea.MouseClickMsg:
		if msg.Y == 0 {
			return m, m.clickTab(msg.X)
		}
		msg.Y--
		return m, m.toScreen(msg)
	case tea.MouseWheelMsg:
		msg.Y--
		return m, m.toScreen(msg)
	}
	return m, m.toScreen(msg)
}

// globalKey handles the keys that work everywhere; done is false when the
// key belongs to the screen.
func (m *Model) globalKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	s := msg.String()
	if s == "ctrl+c" {
		if m.console.cancelRun() || m.tags.cancelRun() {
			return nil, true
		}
		m.quitting = true
		return tea.Quit, true
	}
	if strings.HasPrefix(s, "alt+") && len(s) == 5 && s[4] >= '1' && s[4] <= '9' {
		if n := screenID(s[4] - '1'); n < numScreens {
			return m.setScreen(n), true
		}
	}
	if m.typing() {
		return nil, false
	}
	if m.showHelp {
		switch s {
		case "esc", "?", "q":
			m.showHelp = false
		case "right", "l":
			m.helpScreen = (m.helpScreen + 1) % numScreens
		case "left", "h":
			m.helpScreen = (m.helpScreen + numScreens - 1) % numScreens
		}
		return nil, true
	}
	switch {
	case key.Matches(msg, globalKeys.Help):
		m.showHelp, m.helpScreen = true, m.screen
		return nil, true
	case key.Matches(msg, globalKeys.Quit):
		m.quitting = true
		return tea.Quit, true
	case key.Matches(msg, globalKeys.Captions):
		m.sess.captionsShown = !m.sess.captionsShown
		return nil, true
	case key.Matches(msg, globalKeys.Next):
		return m.setScreen(m.screen + 1), true
	case key.Matches(msg, globalKeys.Prev):
		return m.setScreen(m.screen - 1), true
	}
	if len(s) == 1 && s[0] >= '1' && s[0] <= '9' {
		if n := screenID(s[0] - '1'); n < numScreens {
			return m.setScreen(n), true
		}
	}
	return nil, false
}

// toScreen passes a message to the screen in front.
func (m *Model) toScreen(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.screen {
	case screenCatalog:
		m.catalog, cmd = m.catalog.Update(msg)
	case screenConsole:
		m.console, cmd = m.console.Update(msg, &m.grid)
		m.layout()
	case screenResults:
		if c, ok := msg.(tea.MouseClickMsg); ok {
			c.Y-- // the title line
			msg = c
		}
		m.grid, cmd = m.grid.Update(msg)
	case screenTags:
		m.tags, cmd = m.tags.Update(msg)
	case screenReview:
		if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == "n" && m.review.state == reviewList {
			// a new sample's frame defaults to the tag set under investigation
			return m.review.newForm(m.tags.savedAs)
		}
		m.review, cmd = m.review.Update(msg)
	case screenQueries:
		m.palette, cmd = m.palette.Update(msg)
	case screenReport:
		if k, ok := msg.(tea.KeyPressMsg); ok {
			if cmd, done := m.updatePick(k); done {
				return cmd
			}
			if key.Matches(k, reportKeys.Write) && !m.report.busy {
				return m.writeReport()
			}
		}
		m.report, cmd = m.report.Update(msg)
	}
	return cmd
}

// writeReport writes the report of the investigation on screen 4 with the
// sample chosen on the Report screen.
func (m *Model) writeReport() tea.Cmd {
	i := m.reportSample()
	if i < 0 {
		return m.report.write(m.tags.inv, nil)
	}
	return m.report.write(m.tags.inv, &m.review.samples[i])
}

// runQuery materialises a (saved) query into the grid.
func (m *Model) runQuery(q runQueryMsg) tea.Cmd {
	spill := m.sess.spill
	return m.loadGrid("running "+q.title+"…", func(c *sqlConn, req int64) (*resultSet, error) {
		return materialize(context.Background(), c, spill, req, q.title, q.sql, q.args...)
	})
}

func (m *Model) openResult(o openResultMsg) tea.Cmd {
	return m.loadGrid("opening "+o.title+"…", func(c *sqlConn, req int64) (*resultSet, error) {
		return browse(context.Background(), c, req, o.title, o.relation, o.where, o.order, o.args...)
	})
}

// loadGrid shows the results screen with status and fills the grid with
// what load returns, on a connection of the session, in the background.
func (m *Model) loadGrid(status string, load func(c *sqlConn, req int64) (*resultSet, error)) tea.Cmd {
	req := m.sess.newID()
	m.grid.req = req
	m.grid.err = ""
	m.grid.status = status
	cmd := m.setScreen(screenResults)
	sess := m.sess
	return tea.Batch(cmd, func() tea.Msg {
		var rs *resultSet
		err := sess.withConn(func(c *sqlConn) error {
			var err error
			rs, err = load(c, req)
			return err
		})
		return resultMsg{req: req, rs: rs, err: err}
	})
}

// tabLabel is the text of screen s's tab.
func tabLabel(s screenID) string { return fmt.Sprintf("%d %s", int(s)+1, screenNames[s]) }

func (m *Model) clickTab(x int) tea.Cmd {
	pos := 0
	for s := range numScreens {
		w := ansi.StringWidth(tabLabel(s)) + 2
		if x >= pos && x < pos+w {
			return m.setScreen(s)
		}
		pos += w
	}
	return nil
}

func (m *Model) keyMap() keyMap {
	var k keyMap
	switch m.screen {
	case screenCatalog:
		k = catalogKeyMap()
	case screenConsole:
		k = consoleKeyMap(m.console.editing)
		if m.console.confirm != nil {
			k = confirmKeyMap()
		}
	case screenResults:
		k = gridKeyMap()
	case screenTags:
		k = tagsKeyMap(m.tags.typing())
	case screenReview:
		k = m.review.keyMap()
	case screenQueries:
		k = paletteKeyMap()
	case screenReport:
		k = reportScreenKeyMap()
	}
	if !m.typing() {
		k.short = append(k.short, globalKeys.Help, globalKeys.Quit)
	}
	return k
}

func (m *Model) View() tea.View {
	var b strings.Builder
	// tab bar
	var tabs []string
	for s := range numScreens {
		if s == m.screen {
			tabs = append(tabs, m.th.TabActive.Render(tabLabel(s)))
		} else {
			tabs = append(tabs, m.th.TabInactive.Render(tabLabel(s)))
		}
	}
	bar := strings.Join(tabs, "")
	captions := "captions hidden"
	if m.sess.captionsShown {
		captions = "captions shown"
	}
	ws := m.th.Faint.Render(captions + " · " + textsafe.StripLine(workspaceName(m.cfg.Workspace)))
	if gap := m.width - ansi.StringWidth(bar) - ansi.StringWidth(ws); gap > 0 {
		bar += strings.Repeat(" ", gap) + ws
	}
	b.WriteString(ansi.Truncate(bar, m.width, ""))
	b.WriteByte('\n')

	var body string
	if m.showHelp {
		body = m.helpView()
	} else {
		switch m.screen {
		case screenCatalog:
			body = m.catalog.View(m.th)
		case screenConsole:
			body = m.console.View(m.th, m.grid)
		case screenResults:
			body = m.resultsView()
		case screenTags:
			body = m.tags.View(m.th)
		case screenReview:
			body = m.review.View(m.th)
		case screenQueries:
			body = m.palette.View(m.th)
		case screenReport:
			var sample = m.review.sample
			if i := m.reportSample(); i >= 0 {
				sample = &m.review.samples[i]
			} else {
				sample = nil
			}
			body = m.pickView(m.th) + "\n" + m.report.View(m.th, m.tags.inv, sample)
		}
	}
	b.WriteString(fitLines(body, m.width, m.bodyHeight()))
	b.WriteByte('\n')
	keybar := m.help.ShortHelpView(m.keyMap().ShortHelp())
	if m.err != "" {
		keybar = m.th.Error.Render(oneLine(m.err, m.width))
	}
	b.WriteString(ansi.Truncate(keybar, m.width, "…"))

	// A window smaller than the tab bar, a line of body and the key bar
	// shows what fits.
	frame := b.String()
	if m.height < 3 {
		frame = fitLines(frame, m.width, max(1, m.height))
	}
	v := tea.NewView(frame)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "trendlab · " + textsafe.StripLine(workspaceName(m.cfg.Workspace))
	return v
}

func (m *Model) resultsView() string {
	if m.grid.rs == nil && m.grid.req != 0 {
		return m.th.Faint.Render(m.grid.status)
	}
	title := ""
	if m.grid.rs != nil {
		title = m.th.Title.Render(oneLine(m.grid.rs.Title, m.width))
	}
	if m.grid.req != 0 {
		title = m.th.Faint.Render(m.grid.status)
	}
	return title + "\n" + m.grid.View(m.th)
}

// fitLines makes s exactly h lines of at most w cells, so a screen never
// pushes the key bar off or leaves stale lines behind.
func fitLines(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
