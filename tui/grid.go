package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// Messages of the grid. Each carries the result ID it belongs to, so a page
// arriving after the result changed is dropped.
type (
	// resultMsg delivers a new result (or the error making it).
	resultMsg struct {
		req int64
		rs  *resultSet
		err error
	}
	pageMsg struct {
		result int64
		page   int
		rows   [][]cell
		err    error
	}
	exportedMsg struct {
		path string
		rows int64
		err  error
	}
)

// maxCachedPages bounds the pages the grid keeps (pageSize rows each): the
// one or two on screen and the one either side (ensurePages).
const maxCachedPages = 4

// maxColWidth caps the width a column is sized to.
const maxColWidth = 40

var gridKeys = struct {
	Up, Down, Left, Right, PgUp, PgDown, Top, Bottom, Home, End  key.Binding
	Sort, Detail, Copy, CopyRow, Export, Close, Timeline, Reveal key.Binding
}{
	Up:       bind("↑/k", "up", "up", "k"),
	Down:     bind("↓/j", "down", "down", "j"),
	Left:     bind("←/h", "column left", "left", "h"),
	Right:    bind("→/l", "column right", "right", "l"),
	PgUp:     bind("pgup", "page up", "pgup", "ctrl+b"),
	PgDown:   bind("pgdn", "page down", "pgdown", "ctrl+f", " "),
	Top:      bind("g", "first row", "g", "ctrl+home"),
	Bottom:   bind("G", "last row", "G", "ctrl+end"),
	Home:     bind("0", "first column", "0", "home"),
	End:      bind("$", "last column", "$", "end"),
	Sort:     bind("s", "sort by column (asc/desc/off)", "s"),
	Detail:   bind("enter", "row detail", "enter"),
	Copy:     bind("y", "copy cell", "y"),
	CopyRow:  bind("Y", "copy row", "Y"),
	Export:   bind("e", "export csv/json/parquet", "e"),
	Close:    bind("esc", "close", "esc"),
	Timeline: bind("t", "moderation timeline of the row's video", "t"),
	Reveal:   bind("r", "reveal / hide caption", "r"),
}

func gridKeyMap() keyMap {
	k := gridKeys
	return keyMap{
		short: []key.Binding{k.Down, k.Right, k.Detail, k.Reveal, k.Sort, k.Copy, k.Export},
		full: [][]key.Binding{
			{k.Up, k.Down, k.PgUp, k.PgDown, k.Top, k.Bottom},
			{k.Left, k.Right, k.Home, k.End},
			{k.Sort, k.Detail, k.Reveal, k.Copy, k.CopyRow, k.Export, k.Timeline, k.Close},
		},
	}
}

// gridModel pages through a resultSet: it keeps a few pages around the
// cursor and fetches others on demand, so its memory does not grow with the
// result.
type gridModel struct {
	sess *session
	rs   *resultSet
	req  int64 // the request whose result is awaited (0: none)

	pages   map[int][][]cell
	order   []int // pages, least recently used first
	loading map[int]bool

	row, col  int // cursor
	top, left int // first visible row and column
	width     int
	height    int // lines for the whole grid, header and footer included
	widths    []int

	captions captionMask // caption columns, and the rows revealed

	detail    bool
	detailTop int
	exporting bool
	input     textinput.Model
	status    string
	err       string
}

func newGrid(sess *session) gridModel {
	in := newInput("export to: ", "result.csv (.csv .json .jsonl .parquet)")
	return gridModel{sess: sess, pages: map[int][][]cell{}, loading: map[int]bool{}, input: in}
}

// newInput makes a one-line text field with a steady cursor.
func newInput(prompt, placeholder string) textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	in.Placeholder = placeholder
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	return in
}

// typing reports whether keys go to a text field.
func (g gridModel) typing() bool { return g.exporting }

func (g *gridModel) setSize(w, h int) {
	g.width, g.height = w, h
	g.input.SetWidth(max(10, w-20))
	g.clamp()
}

// bodyRows is the number of data rows on screen.
func (g gridModel) bodyRows() int { return max(1, g.height-2) }

// setResult shows a new result, dropping the old one's table.
func (g *gridModel) setResult(rs *resultSet) tea.Cmd {
	old := g.rs
	keepCursor := old != nil && rs != nil && old.SortCol != rs.SortCol && len(old.Cols) == len(rs.Cols)
	g.rs = rs
	g.pages = map[int][][]cell{}
	g.order = nil
	g.loading = map[int]bool{}
	g.detail, g.exporting = false, false
	g.err = ""
	g.row, g.top = 0, 0
	if !keepCursor {
		g.col, g.left = 0, 0
		g.widths = nil
	}
	g.status = describeResult(rs)
	g.captions = captionMask{}
	if rs != nil {
		g.captions = newCaptionMask(rs.Cols)
	}
	var cmds []tea.Cmd
	if old != nil && old != rs {
		sess := g.sess
		cmds = append(cmds, func() tea.Msg {
			sess.withConn(func(c *sqlConn) error { return dropResult(context.Background(), c, old) })
			return nil
		})
	}
	cmds = append(cmds, g.ensurePages())
	return tea.Batch(cmds...)
}

func describeResult(rs *resultSet) string {
	if rs == nil {
		return ""
	}
	s := fmt.Sprintf("%s rows × %d columns in %s", analysis.GroupDigits(rs.Total), len(rs.Cols), formatDuration(rs.Elapsed))
	if rs.Message != "" {
		s = rs.Message + " · " + s
	}
	return s
}

// ensurePages asks for the pages on screen that are neither cached nor on
// their way, and once those are there, for the pages either side of them:
// a page on screen never queues behind one fetched ahead, and scrolling on
// finds its rows fetched while the screen was read.
func (g *gridModel) ensurePages() tea.Cmd {
	if g.rs == nil || g.rs.Total == 0 {
		return nil
	}
	lastPage := int((g.rs.Total - 1) / pageSize)
	first := g.top / pageSize
	last := min((g.top+g.bodyRows()-1)/pageSize, lastPage)
	if cmds, waiting := g.request(first, last); waiting {
		return tea.Batch(cmds...)
	}
	cmds, _ := g.request(max(0, first-1), min(last+1, lastPage))
	return tea.Batch(cmds...)
}

// request fetches the pages from first to last that are not cached or on
// their way; waiting reports whether any of them is not cached yet.
func (g *gridModel) request(first, last int) (cmds []tea.Cmd, waiting bool) {
	for p := first; p <= last; p++ {
		if _, ok := g.pages[p]; ok {
			g.touch(p) // in use: the last to be evicted
			continue
		}
		waiting = true
		if !g.loading[p] {
			g.loading[p] = true
			cmds = append(cmds, g.fetch(p))
		}
	}
	return cmds, waiting
}

func (g gridModel) fetch(p int) tea.Cmd {
	sess, rs := g.sess, g.rs
	return func() tea.Msg {
		var rows [][]cell
		err := sess.withConn(func(c *sqlConn) error {
			var err error
			rows, err = fetchPage(context.Background(), c, rs, p)
			return err
		})
		return pageMsg{result: rs.ID, page: p, rows: rows, err: err}
	}
}

func (g *gridModel) storePage(p int, rows [][]cell) {
	g.pages[p] = rows
	g.touch(p)
	for len(g.order) > maxCachedPages {
		victim := g.order[0]
		g.order = g.order[1:]
		delete(g.pages, victim)
	}
	if g.widths == nil && p == 0 {
		g.widths = fitWidths(g.rs.Cols, rows)
	}
}

func (g *gridModel) touch(p int) {
	for i, q := range g.order {
		if q == p {
			g.order = append(g.order[:i], g.order[i+1:]...)
			break
		}
	}
	g.order = append(g.order, p)
}

// widthRows is how many of the first rows columns are sized to: a number
// of its own, so that widths do not change with pageSize.
const widthRows = 256

// fitWidths sizes columns to their header and the first widthRows values,
// within maxColWidth.
func fitWidths(cols []column, rows [][]cell) []int {
	w := make([]int, len(cols))
	for i, c := range cols {
		w[i] = max(3, min(maxColWidth, ansi.StringWidth(c.Name)+2))
	}
	for _, r := range rows[:min(len(rows), widthRows)] {
		for i := range min(len(r), len(w)) {
			if w[i] < maxColWidth {
				w[i] = max(w[i], min(maxColWidth, ansi.StringWidth(r[i].Line)))
			}
		}
	}
	return w
}

func (g gridModel) colWidth(i int) int {
	if i < len(g.widths) {
		return g.widths[i]
	}
	if g.rs != nil && i < len(g.rs.Cols) {
		return max(3, min(maxColWidth, ansi.StringWidth(g.rs.Cols[i].Name)+2))
	}
	return 10
}

// cellAt returns the cell at (r, c) if its page is cached.
func (g gridModel) cellAt(r, c int) (cell, bool) {
	if r < 0 || c < 0 {
		return cell{}, false
	}
	rows, ok := g.pages[r/pageSize]
	if !ok || r%pageSize >= len(rows) || c >= len(rows[r%pageSize]) {
		return cell{}, false
	}
	return rows[r%pageSize][c], true
}

func (g gridModel) rowAt(r int) ([]cell, bool) {
	rows, ok := g.pages[r/pageSize]
	if !ok || r%pageSize >= len(rows) {
		return nil, false
	}
	return rows[r%pageSize], true
}

func (g *gridModel) clamp() {
	if g.rs == nil {
		return
	}
	total := int(g.rs.Total)
	g.row = max(0, min(g.row, total-1))
	g.col = max(0, min(g.col, len(g.rs.Cols)-1))
	body := g.bodyRows()
	if g.row < g.top {
		g.top = g.row
	}
	if g.row >= g.top+body {
		g.top = g.row - body + 1
	}
	g.top = max(0, min(g.top, total-body))
	if g.col < g.left {
		g.left = g.col
	}
	for g.left < g.col && !g.colVisible(g.col) {
		g.left++
	}
}

// colVisible reports whether column c fits entirely on screen given left.
func (g gridModel) colVisible(c int) bool {
	x := g.gutterWidth()
	for i := g.left; i <= c; i++ {
		x += g.colWidth(i) + 1
	}
	return x <= g.width
}

func (g gridModel) gutterWidth() int {
	if g.rs == nil {
		return 0
	}
	return len(strconv.FormatInt(max(1, g.rs.Total), 10)) + 1
}

func (g gridModel) Update(msg tea.Msg) (gridModel, tea.Cmd) {
	switch msg := msg.(type) {
	case pageMsg:
		if g.rs == nil || msg.result != g.rs.ID {
			return g, nil
		}
		delete(g.loading, msg.page)
		if msg.err != nil {
			g.err = "reading rows: " + textsafe.Strip(msg.err.Error())
			return g, nil
		}
		g.storePage(msg.page, msg.rows)
		g.clamp()
		return g, g.ensurePages() // the screen's pages are there: fetch ahead
	case exportedMsg:
		if msg.err != nil {
			g.err = textsafe.Strip(msg.err.Error())
		} else {
			g.err = ""
			g.status = fmt.Sprintf("exported %s rows to %s", analysis.GroupDigits(msg.rows), textsafe.Strip(msg.path))
		}
		return g, nil
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			g.row -= 3
		case tea.MouseWheelDown:
			g.row += 3
		case tea.MouseWheelLeft:
			g.col--
		case tea.MouseWheelRight:
			g.col++
		}
		g.clamp()
		return g, g.ensurePages()
	case tea.MouseClickMsg:
		// Coordinates are relative to the grid's top-left corner.
		if g.rs == nil || msg.Y < 1 || msg.Y > g.bodyRows() {
			return g, nil
		}
		g.row = g.top + msg.Y - 1
		x := g.gutterWidth()
		for c := g.left; c < len(g.rs.Cols); c++ {
			w := g.colWidth(c) + 1
			if msg.X < x+w {
				g.col = c
				break
			}
			x += w
		}
		g.clamp()
		return g, g.ensurePages()
	case tea.KeyPressMsg:
		return g.updateKey(msg)
	}
	if g.exporting {
		var cmd tea.Cmd
		g.input, cmd = g.input.Update(msg)
		return g, cmd
	}
	return g, nil
}

func (g gridModel) updateKey(msg tea.KeyPressMsg) (gridModel, tea.Cmd) {
	if g.exporting {
		switch msg.String() {
		case "esc":
			g.exporting = false
			g.input.Blur()
			return g, nil
		case "enter":
			g.exporting = false
			g.input.Blur()
			path := strings.TrimSpace(g.input.Value())
			if _, err := exportFormat(path); err != nil {
				g.err = textsafe.Strip(err.Error())
				return g, nil
			}
			sess, rs := g.sess, g.rs
			g.status = "exporting to " + textsafe.Strip(path) + "…"
			return g, func() tea.Msg {
				var n int64
				err := sess.withConn(func(c *sqlConn) error {
					var err error
					n, err = exportResult(context.Background(), c, rs, path)
					return err
				})
				return exportedMsg{path: path, rows: n, err: err}
			}
		}
		var cmd tea.Cmd
		g.input, cmd = g.input.Update(msg)
		return g, cmd
	}
	if g.rs == nil {
		return g, nil
	}
	if g.detail {
		switch {
		case key.Matches(msg, gridKeys.Close, gridKeys.Detail):
			g.detail = false
		case key.Matches(msg, gridKeys.Up):
			g.detailTop = max(0, g.detailTop-1)
		case key.Matches(msg, gridKeys.Down):
			g.detailTop++
		case key.Matches(msg, gridKeys.Left):
			g.row--
			g.detailTop = 0
		case key.Matches(msg, gridKeys.Right):
			g.row++
			g.detailTop = 0
		case key.Matches(msg, gridKeys.Copy):
			return g, g.copyCell()
		case key.Matches(msg, gridKeys.CopyRow):
			return g, g.copyRow()
		case key.Matches(msg, gridKeys.Reveal):
			g.reveal()
		}
		g.clamp()
		return g, g.ensurePages()
	}
	body := g.bodyRows()
	switch {
	case key.Matches(msg, gridKeys.Up):
		g.row--
	case key.Matches(msg, gridKeys.Down):
		g.row++
	case key.Matches(msg, gridKeys.PgUp):
		g.row -= body
		g.top -= body
	case key.Matches(msg, gridKeys.PgDown):
		g.row += body
		g.top += body
	case key.Matches(msg, gridKeys.Top):
		g.row = 0
	case key.Matches(msg, gridKeys.Bottom):
		g.row = int(g.rs.Total) - 1
	case key.Matches(msg, gridKeys.Left):
		g.col--
	case key.Matches(msg, gridKeys.Right):
		g.col++
	case key.Matches(msg, gridKeys.Home):
		g.col = 0
	case key.Matches(msg, gridKeys.End):
		g.col = len(g.rs.Cols) - 1
	case key.Matches(msg, gridKeys.Detail):
		if g.rs.Total > 0 {
			g.detail, g.detailTop = true, 0
		}
	case key.Matches(msg, gridKeys.Copy):
		return g, g.copyCell()
	case key.Matches(msg, gridKeys.CopyRow):
		return g, g.copyRow()
	case key.Matches(msg, gridKeys.Export):
		g.exporting = true
		g.input.SetValue("")
		return g, g.input.Focus()
	case key.Matches(msg, gridKeys.Sort):
		return g, g.sortCmd()
	case key.Matches(msg, gridKeys.Timeline):
		return g, g.timeline()
	case key.Matches(msg, gridKeys.Reveal):
		g.reveal()
		return g, nil
	default:
		return g, nil
	}
	g.clamp()
	return g, g.ensurePages()
}

// sortCmd cycles the current column through ascending, descending and the
// original order (the last needs the query re-run, so it only clears the
// mark on a sorted copy: pressing s again sorts afresh).
func (g *gridModel) sortCmd() tea.Cmd {
	if len(g.rs.Cols) == 0 || g.req != 0 {
		return nil // nothing to sort, or a sort is on its way
	}
	desc := false
	if g.rs.SortCol == g.col {
		desc = !g.rs.SortDesc
	}
	rs, c := g.rs, g.col
	sess := g.sess
	req := sess.newID()
	g.req = req
	g.status = fmt.Sprintf("sorting by %s…", rs.Cols[c].Name)
	return func() tea.Msg {
		var out *resultSet
		err := sess.withConn(func(conn *sqlConn) error {
			var err error
			out, err = sortResult(context.Background(), conn, sess.spill, rs, req, c, desc)
			return err
		})
		return resultMsg{req: req, rs: out, err: err}
	}
}

// timeline opens the moderation events of the video on the cursor's row,
// when the result has a video_id column.
func (g *gridModel) timeline() tea.Cmd {
	vc := -1
	for i, c := range g.rs.Cols {
		if c.Name == "video_id" {
			vc = i
		}
	}
	if vc < 0 {
		g.err = "no video here: the moderation timeline needs a result with a video_id column"
		return nil
	}
	c, ok := g.cellAt(g.row, vc)
	if !ok || c.Null {
		g.err = "no video here: the moderation timeline needs a result with a video_id column"
		return nil
	}
	title, id := "moderation timeline of "+c.Line, c.Full
	return func() tea.Msg {
		return openResultMsg{title: title, relation: "moderation_events", where: "video_id = ?", order: "event_time, event_id", args: []any{id}}
	}
}

// reveal shows or hides the captions of the cursor's row.
func (g *gridModel) reveal() {
	if !g.captions.any {
		g.err = "no caption here: r reveals a row's caption column"
		return
	}
	g.err = ""
	g.captions.toggle(g.row)
}

// hidden reports whether the cell at (r, c) is a caption to hide.
func (g gridModel) hidden(r, c int) bool { return g.captions.hidden(g.sess.captionsShown, r, c) }

func (g *gridModel) copyCell() tea.Cmd {
	c, ok := g.cellAt(g.row, g.col)
	if !ok {
		return nil
	}
	if g.hidden(g.row, g.col) && !c.Null {
		g.err = "caption hidden: r reveals it before copying"
		return nil
	}
	return tea.SetClipboard(c.Full)
}

func (g gridModel) copyRow() tea.Cmd {
	r, ok := g.rowAt(g.row)
	if !ok {
		return nil
	}
	parts := make([]string, len(r))
	for i, c := range r {
		parts[i] = c.Line
		if g.hidden(g.row, i) && !c.Null {
			parts[i] = hiddenCell
		}
	}
	return tea.SetClipboard(strings.Join(parts, "\t"))
}
