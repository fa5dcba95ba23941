package tui

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/sqltext"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// relation is a table or view of the workspace.
type relation struct {
	Schema, Name, Kind string // Kind: "table" or "view"
	Rows               int64
	RowsKnown          bool
	Cols               []column
}

// qualified is the relation's quoted name for SQL.
func (r relation) qualified() string {
	return sqltext.QuoteIdent(r.Schema) + "." + sqltext.QuoteIdent(r.Name)
}

// colSummary describes one column's values.
type colSummary struct {
	Rel, Col, Type         string
	Count, Nulls, Distinct int64
	Min, Max               string
	Quantiles              []string // at quantileLevels
	QuantileErr            string
	Freq                   []freqRow
}

var quantileLevels = []string{"5%", "25%", "50%", "75%", "95%"}

// freqRow is one value of a frequency table.
type freqRow struct {
	Value string // cast to text, sanitised for one line
	Raw   string // cast to text, as stored (for the drill-down filter)
	Null  bool
	N     int64
}

// importRow is one import's provenance.
type importRow struct {
	ID                                        int64
	Kind, File, Format, Compression, SHA, Ver string
	Mapping                                   sql.NullString
	Size, Read, Loaded, Rejected, DurationMS  int64
	Started                                   time.Time
}

type (
	catalogMsg struct {
		rels []relation
		err  error
	}
	relCountMsg struct {
		name string
		n    int64
		err  error
	}
	summaryMsg struct {
		req int64
		s   colSummary
		err error
	}
	importsMsg struct {
		rows []importRow
		err  error
	}
	// openResultMsg asks the root to open a table or view (filtered) in
	// the results grid.
	openResultMsg struct {
		title, relation, where, order string
		args                          []any
	}
)

var catalogKeys = struct {
	Up, Down, Left, Right, Enter, Browse, Imports, Refresh, Reveal key.Binding
}{
	Up:      bind("↑/k", "up", "up", "k"),
	Down:    bind("↓/j", "down", "down", "j"),
	Left:    bind("←/h", "previous pane", "left", "h"),
	Right:   bind("→/l", "next pane", "right", "l"),
	Enter:   bind("enter", "open / summarise / drill down", "enter"),
	Browse:  bind("b", "browse rows in the grid", "b"),
	Imports: bind("i", "imports and rejects ⇄ tables", "i"),
	Refresh: bind("R", "refresh", "R"),
	Reveal:  bind("r", "reveal / hide a caption value", "r"),
}

func catalogKeyMap() keyMap {
	k := catalogKeys
	return keyMap{
		short: []key.Binding{k.Down, k.Right, k.Enter, k.Browse, k.Imports},
		full:  [][]key.Binding{{k.Up, k.Down, k.Left, k.Right}, {k.Enter, k.Browse, k.Reveal, k.Imports, k.Refresh}},
	}
}

// catalogModel is the Catalog screen: relations, their columns, a column's
// summary and frequency table; and the imports with their rejects.
type catalogModel struct {
	sess    *session
	rels    []relation
	loaded  bool
	err     string
	pane    int // 0 relations, 1 columns, 2 frequency table
	relL    listState
	colL    listState
	freqL   listState
	summary *colSummary
	// freqShown are the frequency-table rows of a caption column revealed
	freqShown captionMask
	sumReq    int64
	sumBusy   bool

	imports  bool
	impRows  []importRow
	impL     listState
	impErr   string
	counting string

	width, height int
}

func newCatalog(sess *session) catalogModel { return catalogModel{sess: sess} }

func (m catalogModel) Init() tea.Cmd { return m.load() }

func (m catalogModel) load() tea.Cmd {
	db, server := m.sess.db, m.sess.server()
	return func() tea.Msg {
		load := loadCatalog
		if server {
			load = loadCatalogServer
		}
		rels, err := load(context.Background(), db)
		return catalogMsg{rels: rels, err: err}
	}
}

func (m catalogModel) listHeight() int { return max(1, m.height-1) }

func (m *catalogModel) setSize(w, h int) { m.width, m.height = w, h }

func (m catalogModel) selectedRel() (relation, bool) {
	if m.relL.cursor < len(m.rels) {
		return m.rels[m.relL.cursor], true
	}
	return relation{}, false
}

func (m catalogModel) Update(msg tea.Msg) (catalogModel, tea.Cmd) {
	h := m.listHeight() - 1
	switch msg := msg.(type) {
	case catalogMsg:
		if msg.err != nil {
			m.err = textsafe.Strip(msg.err.Error())
			return m, nil
		}
		m.rels, m.loaded, m.err = msg.rels, true, ""
		m.relL.move(0, len(m.rels), h)
		return m, m.countSelected()
	case relCountMsg:
		m.counting = ""
		for i := range m.rels {
			if m.rels[i].Name == msg.name && msg.err == nil {
				m.rels[i].Rows, m.rels[i].RowsKnown = msg.n, true
			}
		}
		if msg.err != nil {
			m.err = textsafe.Strip(msg.err.Error())
		}
		return m, nil
	case summaryMsg:
		if msg.req != m.sumReq {
			return m, nil
		}
		m.sumBusy = false
		if msg.err != nil {
			m.err = textsafe.Strip(msg.err.Error())
			return m, nil
		}
		s := msg.s
		m.summary, m.err = &s, ""
		m.freqL = listState{}
		m.freqShown = newCaptionMask([]column{{Name: s.Col}})
		return m, nil
	case importsMsg:
		if msg.err != nil {
			m.impErr = textsafe.Strip(msg.err.Error())
			return m, nil
		}
		m.impRows, m.impErr = msg.rows, ""
		m.impL.move(0, len(m.impRows), h)
		return m, nil
	case tea.MouseClickMsg:
		if m.imports {
			m.impL.cursor = m.impL.top + msg.Y - 1
			m.impL.move(0, len(m.impRows), h)
			return m, nil
		}
		relW, colW := m.paneWidths()
		switch {
		case msg.X < relW:
			m.pane = 0
			m.relL.cursor = m.relL.top + msg.Y - 1
			m.relL.move(0, len(m.rels), h)
			m.colL = listState{}
			return m, m.countSelected()
		case msg.X < relW+colW+3:
			m.pane = 1
			m.colL.cursor = m.colL.top + msg.Y - 1
			if r, ok := m.selectedRel(); ok {
				m.colL.move(0, len(r.Cols), h)
			}
		default:
			if m.summary != nil {
				m.pane = 2
				m.freqL.cursor = m.freqL.top + msg.Y - m.freqTop()
				m.freqL.move(0, len(m.summary.Freq), m.freqHeight())
			}
		}
		return m, nil
	case tea.MouseWheelMsg:
		d := 0
		switch msg.Button {
		case tea.MouseWheelUp:
			d = -1
		case tea.MouseWheelDown:
			d = 1
		}
		return m.moveCursor(d)
	case tea.KeyPressMsg:
		return m.updateKey(msg)
	}
	return m, nil
}

func (m catalogModel) moveCursor(d int) (catalogModel, tea.Cmd) {
	h := m.listHeight() - 1
	if m.imports {
		m.impL.move(d, len(m.impRows), h)
		return m, nil
	}
	switch m.pane {
	case 0:
		before := m.relL.cursor
		m.relL.move(d, len(m.rels), h)
		if m.relL.cursor != before {
			m.colL = listState{}
			return m, m.countSelected()
		}
	case 1:
		if r, ok := m.selectedRel(); ok {
			m.colL.move(d, len(r.Cols), h)
		}
	case 2:
		if m.summary != nil {
			m.freqL.move(d, len(m.summary.Freq), m.freqHeight())
		}
	}
	return m, nil
}

func (m catalogModel) updateKey(msg tea.KeyPressMsg) (catalogModel, tea.Cmd) {
	k := catalogKeys
	switch {
	case key.Matches(msg, k.Up):
		return m.moveCursor(-1)
	case key.Matches(msg, k.Down):
		return m.moveCursor(1)
	case key.Matches(msg, k.Refresh):
		m.summary = nil
		if m.imports {
			return m, m.loadImports()
		}
		return m, m.load()
	case key.Matches(msg, k.Imports):
		m.imports = !m.imports
		if m.imports {
			return m, m.loadImports()
		}
		return m, nil
	}
	if m.imports {
		if key.Matches(msg, k.Enter) && m.impL.cursor < len(m.impRows) {
			r := m.impRows[m.impL.cursor]
			return m, openResult(fmt.Sprintf("rejects of import %d", r.ID), "rejects", "import_id = ?", r.ID)
		}
		if key.Matches(msg, k.Browse) {
			return m, openResult("imports", "imports", "")
		}
		return m, nil
	}
	rel, ok := m.selectedRel()
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(msg, k.Left):
		m.pane = max(0, m.pane-1)
	case key.Matches(msg, k.Right):
		if m.pane == 0 {
			m.pane = 1
		} else if m.pane == 1 && m.summary != nil {
			m.pane = 2
		}
	case key.Matches(msg, k.Browse):
		return m, openResult(rel.Name, rel.qualified(), "")
	case key.Matches(msg, k.Reveal):
		if m.pane != 2 || m.summary == nil || !m.freqShown.any {
			m.err = "no caption here: r reveals a value in the top values of a caption column"
			return m, nil
		}
		m.err = ""
		m.freqShown.toggle(m.freqL.cursor)
	case key.Matches(msg, k.Enter):
		switch m.pane {
		case 0:
			m.pane = 1
		case 1:
			if m.colL.cursor < len(rel.Cols) {
				m.pane = 2
				return m, m.summarize(rel, rel.Cols[m.colL.cursor])
			}
		case 2:
			if m.summary != nil && m.freqL.cursor < len(m.summary.Freq) {
				f := m.summary.Freq[m.freqL.cursor]
				c := sqltext.QuoteIdent(m.summary.Col)
				if f.Null {
					return m, openResult(fmt.Sprintf("%s where %s is NULL", rel.Name, m.summary.Col), rel.qualified(), c+" IS NULL")
				}
				return m, openResult(fmt.Sprintf("%s where %s = %s", rel.Name, m.summary.Col, m.freqValue(m.freqL.cursor, 40)),
					rel.qualified(), c+"::VARCHAR = ?", f.Raw)
			}
		}
	}
	return m, nil
}

func openResult(title, relation, where string, args ...any) tea.Cmd {
	return func() tea.Msg { return openResultMsg{title: title, relation: relation, where: where, args: args} }
}

func (m *catalogModel) summarize(rel relation, col column) tea.Cmd {
	m.sumReq = m.sess.newID()
	m.sumBusy = true
	req, db, server := m.sumReq, m.sess.db, m.sess.server()
	return func() tea.Msg {
		sum := summarize
		if server {
			sum = summarizeServer
		}
		s, err := sum(context.Background(), db, rel, col)
		return summaryMsg{req: req, s: s, err: err}
	}
}

func (m catalogModel) loadImports() tea.Cmd {
	db := m.sess.db
	return func() tea.Msg {
		rows, err := loadImports(context.Background(), db)
		return importsMsg{rows: rows, err: err}
	}
}

func (m *catalogModel) countSelected() tea.Cmd {
	rel, ok := m.selectedRel()
	if !ok || rel.RowsKnown {
		return nil
	}
	m.counting = rel.Name
	db := m.sess.db
	return func() tea.Msg {
		var n int64
		err := db.QueryRowContext(context.Background(), "SELECT count(*) FROM "+rel.qualified()).Scan(&n)
		return relCountMsg{name: rel.Name, n: n, err: err}
	}
}

func (m catalogModel) paneWidths() (int, int) {
	relW := max(20, min(34, m.width/4))
	colW := max(20, min(40, m.width/4))
	return relW, colW
}

// freqTop is the line (within the screen) where the frequency table starts.
func (m catalogModel) freqTop() int { return 9 }

func (m catalogModel) freqHeight() int { return max(1, m.height-m.freqTop()-1) }

func (m catalogModel) View(th theme) string {
	if m.imports {
		return m.importsView(th)
	}
	if !m.loaded {
		if m.err != "" {
			return th.Error.Render(m.err)
		}
		return th.Faint.Render("reading the catalog…")
	}
	relW, colW := m.paneWidths()
	sumW := max(10, m.width-relW-colW-6)
	h := m.listHeight() - 1

	items := make([]string, len(m.rels))
	for i, r := range m.rels {
		count := "?"
		if r.RowsKnown {
			count = analysis.GroupDigits(r.Rows)
		} else if m.counting == r.Name {
			count = "…"
		}
		kind := ""
		if r.Kind == "view" {
			kind = "·v"
		}
		name := r.Name + kind
		items[i] = pad(name, relW-len(count)-1) + " " + count
	}
	relBlock := append([]string{th.Title.Render(pad("Tables and views", relW))}, renderList(th, items, m.relL, relW, h, m.pane == 0)...)

	var colBlock []string
	rel, _ := m.selectedRel()
	colItems := make([]string, len(rel.Cols))
	for i, c := range rel.Cols {
		colItems[i] = pad(c.Name, colW-min(14, len(c.Type))-1) + " " + th.Faint.Render(pad(c.Type, min(14, len(c.Type))))
	}
	colBlock = append([]string{th.Title.Render(pad("Columns of "+rel.Name, colW))}, renderList(th, colItems, m.colL, colW, h, m.pane == 1)...)

	sumBlock := m.summaryBlock(th, sumW)
	out := joinColumns(" │ ", relBlock, colBlock, sumBlock)
	status := th.Faint.Render("enter opens · b browses rows · i imports and rejects")
	if m.err != "" {
		status = th.Error.Render(oneLine(m.err, m.width))
	}
	return out + "\n" + status
}

func (m catalogModel) summaryBlock(th theme, w int) []string {
	lines := []string{th.Title.Render(pad("Summary", w))}
	switch {
	case m.sumBusy:
		return append(lines, "summarising…")
	case m.summary == nil:
		// What the table holds, and the traps of querying it (a sparse table).
		if rel, ok := m.selectedRel(); ok {
			if d := datasets.TableDescription(rel.Name); d != "" {
				lines = append(lines, strings.Split(lipgloss.Wrap(d, w, " "), "\n")...)
				lines = append(lines, "")
			}
		}
		return append(lines, th.Faint.Render("enter on a column"), th.Faint.Render("summarises it"))
	}
	s := m.summary
	kv := func(k, v string) string { return pad(th.Key.Render(pad(k, 9))+" "+v, w) }
	// A caption column's extremes and quantiles are captions too.
	hide := func(v string) string {
		if m.freqShown.any && !m.sess.captionsShown {
			return th.Faint.Render(hiddenCell + " C shows captions")
		}
		return v
	}
	lines = append(lines,
		kv("column", s.Rel+"."+s.Col+" "+th.Faint.Render(s.Type)),
		kv("rows", analysis.GroupDigits(s.Count)),
		kv("nulls", fmt.Sprintf("%s (%s)", analysis.GroupDigits(s.Nulls), pct(s.Nulls, s.Count))),
		kv("distinct", analysis.GroupDigits(s.Distinct)),
		kv("min", hide(s.Min)),
		kv("max", hide(s.Max)),
	)
	switch {
	case m.freqShown.any && !m.sess.captionsShown:
		lines = append(lines, kv("quantiles", hide("")))
	case s.QuantileErr != "":
		lines = append(lines, kv("quantiles", th.Faint.Render(s.QuantileErr)))
	default:
		parts := make([]string, len(s.Quantiles))
		for i, q := range s.Quantiles {
			parts[i] = quantileLevels[i] + " " + q
		}
		lines = append(lines, kv("quantiles", strings.Join(parts, " · ")))
	}
	lines = append(lines, th.Header.Render(pad(fmt.Sprintf("Top values (%d)", len(s.Freq)), w)))
	items := make([]string, len(s.Freq))
	nw := 0
	for _, f := range s.Freq {
		nw = max(nw, len(analysis.GroupDigits(f.N)))
	}
	barW := max(0, min(20, w-nw-40))
	top := int64(1)
	if len(s.Freq) > 0 {
		top = max(1, s.Freq[0].N)
	}
	for i, f := range s.Freq {
		bar := strings.Repeat("█", int(int64(barW)*f.N/top))
		items[i] = padLeft(analysis.GroupDigits(f.N), nw) + " " + pad(pct(f.N, s.Count), 6) + " " + pad(bar, barW) + " " + m.freqValue(i, w)
	}
	return append(lines, renderList(th, items, m.freqL, w, m.freqHeight(), m.pane == 2)...)
}

// freqValue is row i of the frequency table as shown (n runes at most): a
// caption value stays hidden until revealed.
func (m catalogModel) freqValue(i, n int) string {
	f := m.summary.Freq[i]
	if !f.Null && m.freqShown.hidden(m.sess.captionsShown, i, 0) {
		return hiddenCell
	}
	return oneLine(f.Value, n)
}

func (m catalogModel) importsView(th theme) string {
	h := m.listHeight() - 1
	listW := max(30, min(60, m.width/2))
	detW := max(10, m.width-listW-3)
	items := make([]string, len(m.impRows))
	for i, r := range m.impRows {
		rej := ""
		if r.Rejected > 0 {
			rej = fmt.Sprintf(" %s rejected", analysis.GroupDigits(r.Rejected))
		}
		items[i] = fmt.Sprintf("#%d %-6s %s%s", r.ID, r.Kind, textsafe.StripLine(baseName(r.File)), rej)
	}
	left := append([]string{th.Title.Render(pad("Imports", listW))}, renderList(th, items, m.impL, listW, h, true)...)
	right := []string{th.Title.Render(pad("Provenance", detW))}
	switch {
	case m.impErr != "":
		right = append(right, th.Error.Render(m.impErr))
	case len(m.impRows) == 0:
		right = append(right, th.Faint.Render("no imports yet: run `trendlab import`"))
	default:
		r := m.impRows[m.impL.cursor]
		kv := func(k, v string) string { return pad(th.Key.Render(pad(k, 11))+" "+v, detW) }
		right = append(right,
			kv("file", textsafe.StripLine(r.File)),
			kv("kind", r.Kind),
			kv("format", r.Format+" ("+r.Compression+")"),
			kv("size", analysis.GroupDigits(r.Size)+" bytes"),
			kv("sha256", r.SHA),
			kv("rows read", analysis.GroupDigits(r.Read)),
			kv("loaded", analysis.GroupDigits(r.Loaded)),
			kv("rejected", analysis.GroupDigits(r.Rejected)),
			kv("started", r.Started.UTC().Format("2006-01-02 15:04:05 UTC")),
			kv("took", formatDuration(time.Duration(r.DurationMS)*time.Millisecond)),
			kv("trendlab", r.Ver),
		)
		if r.Mapping.Valid {
			right = append(right, kv("mapping", oneLine(r.Mapping.String, detW-13)))
		}
		right = append(right, "", th.Faint.Render("enter shows this import's rejects · b browses all imports"))
	}
	return joinColumns(" │ ", left, right)
}

// workspaceName is how the screens name the workspace: a file's name, or a
// server database's name (its URL can be long and is not a path).
func workspaceName(ws *datasets.Workspace) string {
	if ws.Dialect == datasets.Postgres {
		if u, err := url.Parse(ws.Path); err == nil && strings.Trim(u.Path, "/") != "" {
			return "postgres: " + strings.Trim(u.Path, "/")
		}
		return "postgres"
	}
	return baseName(ws.Path)
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func pct(n, d int64) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(d))
}
