package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trendlab/trendlab/internal/sqltext"
	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/queries"
)

var consoleKeys = struct {
	Run, RunAll, Prev, Next, Focus, Cancel, Mode key.Binding
}{
	Run:    bind("ctrl+r/f5", "run statement under cursor", "ctrl+r", "f5"),
	RunAll: bind("ctrl+x/f6", "run all statements", "ctrl+x", "f6"),
	Prev:   bind("alt+↑", "previous in history", "alt+up", "alt+p"),
	Next:   bind("alt+↓", "next in history", "alt+down", "alt+n"),
	Focus:  bind("esc", "editor ⇄ result", "esc"),
	Cancel: bind("ctrl+c", "cancel running query", "ctrl+c"),
	Mode:   bind("ctrl+o", "read-only ⇄ writing", "ctrl+o"),
}

// confirmKeys answer the question before a statement that changes data.
var confirmKeys = struct{ Yes, No key.Binding }{
	Yes: bind("y", "run the statements that change data", "y", "Y"),
	No:  bind("n/esc", "do not run them", "n", "N", "esc"),
}

func consoleKeyMap(editing bool) keyMap {
	k := consoleKeys
	if !editing {
		g := gridKeyMap()
		g.short = append([]key.Binding{k.Focus}, g.short...)
		g.full = append([][]key.Binding{{k.Focus}}, g.full...)
		return g
	}
	return keyMap{
		short: []key.Binding{k.Run, k.RunAll, k.Mode, k.Prev, k.Focus, k.Cancel},
		full:  [][]key.Binding{{k.Run, k.RunAll, k.Cancel, k.Mode}, {k.Prev, k.Next, k.Focus}},
	}
}

// confirmKeyMap is the console's keys while it asks before a write.
func confirmKeyMap() keyMap {
	k := confirmKeys
	return keyMap{short: []key.Binding{k.Yes, k.No}, full: [][]key.Binding{{k.Yes, k.No}}}
}

// queryDoneMsg reports the end of a console run.
type queryDoneMsg struct {
	run  int64
	rs   *resultSet
	ran  int // statements run
	err  error
	stmt string // the failing statement, when err is set
}

// consoleModel is the SQL console: an editor, the run state and history.
// Its result goes to the shared grid.
type consoleModel struct {
	sess    *session
	editor  textarea.Model
	spin    spinner.Model
	hist    *history
	histPos int // len(entries) when not browsing

	running bool
	run     int64
	cancel  context.CancelFunc
	started time.Time
	status  string
	err     string
	editing bool // keys go to the editor (else to the result grid)
	// writing lets statements that change the workspace run (after a
	// question); the console starts read-only.
	writing bool
	// confirm holds statements waiting for y/n because some change data.
	confirm  []string
	question string
	width    int
	height   int
}

func newConsole(sess *session, hist *history, dark bool) consoleModel {
	ed := textarea.New()
	ed.Placeholder = "SELECT * FROM videos LIMIT 100;  -- ctrl+r runs the statement under the cursor"
	ed.ShowLineNumbers = true
	st := textarea.DefaultStyles(dark)
	st.Cursor.Blink = false // a steady cursor: no redraw twice a second
	ed.SetStyles(st)
	ed.CharLimit = 0
	ed.MaxHeight = 0
	ed.Focus()
	return consoleModel{
		sess: sess, editor: ed, hist: hist, histPos: len(hist.entries),
		spin: spinner.New(spinner.WithSpinner(spinner.Dot)), editing: true,
	}
}

func (m consoleModel) typing() bool { return m.editing || m.confirm != nil }

// editorHeight is the editor's share of the screen; the rest previews the
// result.
func (m consoleModel) editorHeight() int { return max(3, min(12, m.height/3)) }

// gridHeight is the height left for the result preview.
func (m consoleModel) gridHeight() int { return max(3, m.height-m.editorHeight()-1) }

func (m *consoleModel) setSize(w, h int) {
	m.width, m.height = w, h
	m.editor.SetWidth(w)
	m.editor.SetHeight(m.editorHeight())
}

// cursorOffset is the byte offset of the editor's cursor in its text.
func (m consoleModel) cursorOffset() int {
	lines := strings.Split(m.editor.Value(), "\n")
	row := min(m.editor.Line(), len(lines)-1)
	off := 0
	for i := 0; i < row; i++ {
		off += len(lines[i]) + 1
	}
	col := m.editor.Column()
	r := []rune(lines[row])
	col = min(col, len(r))
	return off + len(string(r[:col]))
}

// errReadOnly refuses a statement that changes data in read-only mode.
var errReadOnly = errors.New("changes the workspace, and the console is read-only: ctrl+o switches it to writing")

// check decides what happens to statements about to run: refused (an error
// naming the statement), asked about (some change data), or run.
func (m *consoleModel) check(stmts []string) (tea.Cmd, error) {
	writes := 0
	first := ""
	for i, s := range stmts {
		switch queries.StatementReach(s) {
		case queries.ReachesOutside:
			return nil, fmt.Errorf("statement %d (%s) %w or changes the session; the console runs SQL on the workspace only", i+1, oneLine(s, 40), queries.ErrReachesOutside)
		case queries.WritesWorkspace:
			if !m.writing {
				return nil, fmt.Errorf("statement %d (%s) %w", i+1, oneLine(s, 40), errReadOnly)
			}
			if writes == 0 {
				first = oneLine(s, 50)
			}
			writes++
		}
	}
	if writes == 0 {
		return m.startRun(stmts), nil
	}
	m.confirm = stmts
	m.question = fmt.Sprintf("%d of %d statements change the workspace (%s). Run them? y/n", writes, len(stmts), first)
	if len(stmts) == 1 {
		m.question = fmt.Sprintf("This changes the workspace: %s. Run it? y/n", first)
	}
	return nil, nil
}

// submit runs statements after checking them.
func (m *consoleModel) submit(stmts []string) tea.Cmd {
	cmd, err := m.check(stmts)
	if err != nil {
		m.err, m.status = err.Error(), ""
	}
	return cmd
}

// startRun runs the given statements in order on the session connection; the
// last one's rows become the grid's result.
func (m *consoleModel) startRun(stmts []string) tea.Cmd {
	if m.running || len(stmts) == 0 {
		return nil
	}
	for _, s := range stmts {
		if err := m.hist.add(s); err != nil {
			m.err = err.Error()
		}
	}
	m.histPos = len(m.hist.entries)
	ctx, cancel := context.WithCancel(context.Background())
	m.running, m.cancel, m.started = true, cancel, time.Now()
	m.run = m.sess.newID()
	m.status = ""
	m.err = ""
	sess, run := m.sess, m.run
	exec := func() tea.Msg {
		defer cancel()
		var last *resultSet
		for i, s := range stmts {
			var rs *resultSet
			err := sess.withConn(func(c *sqlConn) error {
				var err error
				id := sess.newID()
				if isQueryStatement(s) {
					rs, err = materialize(ctx, c, sess.spill, id, oneLine(s, 60), s)
				} else {
					rs, err = runDirect(ctx, c, id, s)
				}
				return err
			})
			if err != nil {
				return queryDoneMsg{run: run, rs: last, ran: i, err: err, stmt: s}
			}
			if last != nil && last != rs {
				old := last
				sess.withConn(func(c *sqlConn) error { return dropResult(context.Background(), c, old) })
			}
			last = rs
		}
		return queryDoneMsg{run: run, rs: last, ran: len(stmts)}
	}
	return tea.Batch(exec, m.spin.Tick)
}

// cancelRun interrupts the running statement (DuckDB stops it); the app
// stays open.
func (m *consoleModel) cancelRun() bool {
	if !m.running {
		return false
	}
	m.cancel()
	m.status = "cancelling…"
	return true
}

func (m consoleModel) Update(msg tea.Msg, grid *gridModel) (consoleModel, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if !m.running {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case queryDoneMsg:
		if msg.run != m.run {
			return m, nil
		}
		m.running = false
		elapsed := time.Since(m.started)
		var cmd tea.Cmd
		if msg.rs != nil {
			cmd = grid.setResult(msg.rs)
		}
		switch {
		case errors.Is(msg.err, context.Canceled):
			m.err = fmt.Sprintf("cancelled after %s", formatDuration(elapsed))
		case msg.err != nil:
			m.err = fmt.Sprintf("statement %d: %s", msg.ran+1, textsafe.Strip(msg.err.Error()))
		default:
			m.status = fmt.Sprintf("%d statement(s) in %s", msg.ran, formatDuration(elapsed))
			if msg.rs != nil && len(msg.rs.Cols) > 0 {
				// rows to look at: the keys go to the result
				m.editing = false
				m.editor.Blur()
			}
		}
		return m, cmd
	case tea.KeyPressMsg:
		if m.confirm != nil {
			switch {
			case key.Matches(msg, confirmKeys.Yes):
				stmts := m.confirm
				m.confirm, m.question = nil, ""
				return m, m.startRun(stmts)
			case key.Matches(msg, confirmKeys.No):
				m.confirm, m.question = nil, ""
				m.status, m.err = "not run: nothing changed", ""
			}
			return m, nil
		}
		switch {
		case key.Matches(msg, consoleKeys.Mode):
			if m.sess.cfg.Workspace.ReadOnly {
				m.err = "the workspace is open read-only, so the console cannot switch to writing: reopen the terminal UI for writing (trendlab tui --help)"
				return m, nil
			}
			m.writing = !m.writing
			return m, nil
		case key.Matches(msg, consoleKeys.Cancel) && m.running:
			m.cancelRun()
			return m, nil
		case key.Matches(msg, consoleKeys.Run):
			s, ok := statementAt(m.editor.Value(), m.cursorOffset())
			if !ok {
				m.err = "nothing to run: type a statement first"
				return m, nil
			}
			return m, m.submit([]string{s.Text})
		case key.Matches(msg, consoleKeys.RunAll):
			var all []string
			for _, s := range sqltext.Split(m.editor.Value()) {
				all = append(all, s.Text)
			}
			if len(all) == 0 {
				m.err = "nothing to run: type a statement first"
				return m, nil
			}
			return m, m.submit(all)
		case key.Matches(msg, consoleKeys.Focus):
			if m.running {
				m.cancelRun()
				return m, nil
			}
			if !m.editing && (grid.detail || grid.exporting) {
				break // esc closes the grid's overlay
			}
			m.editing = !m.editing
			if m.editing {
				return m, m.editor.Focus()
			}
			m.editor.Blur()
			return m, nil
		}
		if !m.editing {
			var cmd tea.Cmd
			*grid, cmd = grid.Update(msg)
			return m, cmd
		}
		switch {
		case key.Matches(msg, consoleKeys.Prev):
			if m.histPos > 0 {
				m.histPos--
				m.editor.SetValue(m.hist.entries[m.histPos])
			}
			return m, nil
		case key.Matches(msg, consoleKeys.Next):
			if m.histPos < len(m.hist.entries)-1 {
				m.histPos++
				m.editor.SetValue(m.hist.entries[m.histPos])
			} else {
				m.histPos = len(m.hist.entries)
				m.editor.SetValue("")
			}
			return m, nil
		}
	case tea.MouseClickMsg:
		if msg.Y < m.editorHeight() {
			m.editing = true
			return m, m.editor.Focus()
		}
		m.editing = false
		m.editor.Blur()
		msg.Y -= m.editorHeight() + 1
		var cmd tea.Cmd
		*grid, cmd = grid.Update(msg)
		return m, cmd
	case tea.MouseWheelMsg:
		var cmd tea.Cmd
		*grid, cmd = grid.Update(msg)
		return m, cmd
	}
	if m.editing {
		var cmd tea.Cmd
		m.editor, cmd = m.editor.Update(msg)
		return m, cmd
	}
	return m, nil
}

// View draws the editor, the run state and (in the rest) the result.
func (m consoleModel) View(th theme, grid gridModel) string {
	mode := th.Faint.Render("read-only") + " "
	if m.writing {
		mode = th.Warn.Render("WRITING") + " "
	}
	var state string
	switch {
	case m.confirm != nil:
		state = th.Warn.Render(m.question)
	case m.running:
		state = m.spin.View() + " running " + formatDuration(time.Since(m.started).Truncate(100*time.Millisecond)) + th.Faint.Render("  ctrl+c or esc cancels")
	case m.err != "":
		state = th.Error.Render(oneLine(m.err, max(10, m.width)))
	case m.status != "":
		state = th.OK.Render(m.status)
	default:
		state = th.Faint.Render("ctrl+r runs the statement under the cursor · ctrl+x runs all · ctrl+o read-only ⇄ writing · alt+↑/↓ history")
	}
	state = ansi.Truncate(mode+state, m.width, "…")
	return m.editor.View() + "\n" + state + "\n" + grid.View(th)
}
