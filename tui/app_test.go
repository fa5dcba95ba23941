package tui

import (
	"bytes"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCatalogScreen(t *testing.T) {
	ws := testWorkspace(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	waitFor(t, tm, "videos", "moderation_events")
	selectRelation(t, tm, m, "videos")
	send(tm, "enter", "j", "j", "j", "j", "j", "enter") // region
	waitModel(t, tm, m, func(m *Model) bool { return m.catalog.summary != nil })
	fm := quit(t, tm)
	if fm.screen != screenCatalog || fm.catalog.summary == nil {
		t.Fatalf("screen %d, summary %v", fm.screen, fm.catalog.summary)
	}
	s := fm.catalog.summary
	if s.Col != "region" || s.Count != 4 || s.Nulls != 1 || s.Distinct != 2 || s.Min != "BR" || s.Max != "US" {
		t.Errorf("summary = %+v", *s)
	}
	if len(s.Freq) != 3 || s.Freq[0].Value != "US" || s.Freq[0].N != 2 {
		t.Errorf("frequency table = %+v", s.Freq)
	}
	requireGolden(t, fm)
}

func TestCatalogDrillDown(t *testing.T) {
	ws := testWorkspace(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	waitFor(t, tm, "videos")
	selectRelation(t, tm, m, "videos")
	send(tm, "enter", "j", "j", "j", "j", "j", "enter") // region: US 2, BR 1, NULL 1
	waitModel(t, tm, m, func(m *Model) bool { return m.catalog.summary != nil })
	send(tm, "enter") // rows where region = US
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) && m.grid.rs.Total == 2 })
	send(tm, "l", "l", "l", "enter") // caption of v1, in the detail view
	waitFor(t, tm, "Row 1 of 2")
	waitModel(t, tm, m, func(m *Model) bool { return m.grid.detail && m.grid.col == 3 && gridReady(m) })
	fm := quit(t, tm)
	if fm.screen != screenResults || fm.grid.rs.Title != "videos where region = US" || !fm.grid.detail {
		t.Fatalf("screen %d, title %q, detail %v", fm.screen, fm.grid.rs.Title, fm.grid.detail)
	}
	requireGolden(t, fm)
}

func TestCatalogImports(t *testing.T) {
	ws := testWorkspace(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	waitFor(t, tm, "videos")
	send(tm, "i")
	waitFor(t, tm, "Provenance", "abc123")
	send(tm, "enter") // rejects of import 1
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) })
	send(tm, "l", "l", "l", "l")
	waitModel(t, tm, m, func(m *Model) bool { return m.grid.col == 4 && gridReady(m) })
	fm := quit(t, tm)
	rs := fm.grid.rs
	if rs.Total != 1 || rs.Title != "rejects of import 1" {
		t.Fatalf("rejects result: %d rows, %q", rs.Total, rs.Title)
	}
	c, ok := fm.grid.cellAt(0, 4)
	if !ok || c.Full != `not a timestamp: "yesterday"` {
		t.Errorf("reason cell = %+v", c)
	}
	requireGolden(t, fm)
}

func TestConsoleRunAndHistory(t *testing.T) {
	ws := testWorkspace(t)
	cfg := testConfig(t, ws)
	m, tm := newTestModel(t, cfg)
	send(tm, "2")
	tm.Type("SELECT video_id, caption FROM videos ORDER BY video_id;")
	send(tm, "enter")
	tm.Type("SELECT 42 AS answer")
	send(tm, "up") // back to the first statement
	send(tm, "ctrl+r")
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) && !m.console.running })
	fm := quit(t, tm)
	if fm.console.err != "" {
		t.Fatalf("console error: %s", fm.console.err)
	}
	rs := fm.grid.rs
	if rs.Total != 4 || len(rs.Cols) != 2 || rs.Cols[1].Name != "caption" {
		t.Fatalf("result: %d rows, columns %+v", rs.Total, rs.Cols)
	}
	// The hostile caption is drawn without its escape sequences.
	c, _ := fm.grid.cellAt(1, 1)
	if c.Line != "evil  caption red" {
		t.Errorf("sanitised caption = %q", c.Line)
	}
	if strings.Contains(fm.View().Content, "pwned") {
		t.Error("the OSC title payload reached the screen")
	}
	hist := readFile(t, cfg.HistoryFile)
	if hist != `"SELECT video_id, caption FROM videos ORDER BY video_id"` {
		t.Errorf("history file = %q", hist)
	}
	requireGolden(t, fm)
}

func TestConsoleRunAllAndErrors(t *testing.T) {
	ws := testWorkspace(t)
	cfg := testConfig(t, ws)
	// History from an earlier run is there to recall.
	if err := os.WriteFile(cfg.HistoryFile, []byte(`"SELECT 1"`+"\n"+`"SELECT 2 AS two"`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m, tm := newTestModel(t, cfg)
	send(tm, "2", "alt+up") // recalls SELECT 2 AS two
	send(tm, "ctrl+x")
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) && !m.console.running })
	send(tm, "esc", "alt+down") // back to the editor, emptied by moving past the history
	tm.Type("CREATE TEMP TABLE t AS SELECT 1 AS x; INSERT INTO t VALUES (2), (3); SELECT * FROM t ORDER BY x DESC; SELECT nope")
	send(tm, "ctrl+o", "ctrl+x") // writing, and run all: two statements change data
	waitModel(t, tm, m, func(m *Model) bool { return m.console.confirm != nil })
	send(tm, "y")
	waitModel(t, tm, m, func(m *Model) bool { return m.console.err != "" && gridReady(m) })
	fm := quit(t, tm)
	if !strings.Contains(fm.console.err, "statement 4") || !strings.Contains(fm.console.err, "nope") {
		t.Errorf("error = %q, want statement 4 naming the bad column", fm.console.err)
	}
	// The last successful statement's rows stay in the grid.
	if rs := fm.grid.rs; rs == nil || rs.Total != 3 {
		t.Fatalf("grid result = %+v", rs)
	}
	if c, _ := fm.grid.cellAt(0, 0); c.Line != "3" {
		t.Errorf("first row = %q, want 3", c.Line)
	}
	requireGolden(t, fm)
}

func TestConsoleCancel(t *testing.T) {
	ws := testWorkspace(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "2")
	tm.Type("SELECT count(*) FROM range(100000000000) a, range(10) b")
	send(tm, "ctrl+r")
	waitModel(t, tm, m, func(m *Model) bool { return m.console.running })
	waitFor(t, tm, "running")
	send(tm, "ctrl+c") // cancels the query, not the app
	waitModel(t, tm, m, func(m *Model) bool { return !m.console.running })
	// The app is still open, and (below) the connection still works.
	fm := quit(t, tm)
	if !strings.HasPrefix(fm.console.err, "cancelled after") {
		t.Fatalf("console error = %q, want cancelled", fm.console.err)
	}
	var n int
	if err := fm.sess.withConn(func(c *sqlConn) error {
		return c.QueryRowContext(t.Context(), "SELECT count(*) FROM videos").Scan(&n)
	}); err != nil || n != 4 {
		t.Errorf("after cancel: %d, %v", n, err)
	}
}

func TestResultsGridSortExportDetail(t *testing.T) {
	ws := testWorkspace(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "2")
	tm.Type("SELECT i, 'row ' || i AS label, i % 7 AS bucket FROM range(1000) t(i)")
	send(tm, "ctrl+r")
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) && !m.console.running })
	send(tm, "3", "G") // last row: page 3 is fetched on demand
	waitModel(t, tm, m, func(m *Model) bool { _, ok := m.grid.cellAt(999, 0); return ok })
	send(tm, "g", "l", "l", "s") // sort by bucket
	waitModel(t, tm, m, func(m *Model) bool { return m.grid.rs.SortCol == 2 })
	send(tm, "s") // and again, descending
	waitModel(t, tm, m, func(m *Model) bool {
		c, ok := m.grid.cellAt(0, 2)
		return m.grid.rs.SortCol == 2 && m.grid.rs.SortDesc && ok && c.Line == "6"
	})
	dir := t.TempDir()
	for _, name := range []string{"out.csv", "out.json", "out.parquet"} {
		send(tm, "e")
		tm.Type(filepath.Join(dir, name))
		send(tm, "enter")
		waitModel(t, tm, m, func(m *Model) bool {
			if strings.HasPrefix(m.grid.status, "exported 1,000 rows to "+filepath.Join(dir, name)) {
				m.grid.status = ""
				return true
			}
			return false
		})
	}
	send(tm, "e")
	tm.Type(filepath.Join(dir, "out.txt"))
	send(tm, "enter")
	waitModel(t, tm, m, func(m *Model) bool { return strings.Contains(m.grid.err, "name a file ending in .csv, .json, .jsonl") })
	// y copies the cell through the terminal's clipboard (OSC 52).
	send(tm, "y")
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("\x1b]52;c;")) },
		teatest.WithDuration(5*time.Second))
	send(tm, "enter") // detail of the first row
	waitModel(t, tm, m, func(m *Model) bool { return m.grid.detail && gridReady(m) })
	fm := quit(t, tm)
	if !fm.grid.detail || fm.grid.row != 0 {
		t.Fatalf("detail %v at row %d", fm.grid.detail, fm.grid.row)
	}
	if len(fm.grid.pages) > maxCachedPages {
		t.Errorf("%d pages cached, at most %d", len(fm.grid.pages), maxCachedPages)
	}
	csv := readFile(t, filepath.Join(dir, "out.csv"))
	lines := strings.Split(csv, "\n")
	if len(lines) != 1001 || lines[0] != "i,label,bucket" || !strings.HasSuffix(lines[1], ",6") {
		t.Errorf("csv: %d lines, header %q, first %q", len(lines), lines[0], lines[1])
	}
	if j := readFile(t, filepath.Join(dir, "out.json")); !strings.HasPrefix(j, "[") {
		t.Errorf("json export does not start an array: %.40q", j)
	}
	if st, err := os.Stat(filepath.Join(dir, "out.parquet")); err != nil || st.Size() == 0 {
		t.Errorf("parquet export: %v", err)
	}
	requireGolden(t, fm)
}

func TestHelpOverlay(t *testing.T) {
	ws := testWorkspace(t)
	_, tm := newTestModel(t, testConfig(t, ws))
	waitFor(t, tm, "videos")
	send(tm, "?")
	waitFor(t, tm, "Keys · 1 Catalog")
	fm := quit(t, tm)
	if !fm.showHelp {
		t.Fatal("help overlay not shown")
	}
	requireGolden(t, fm)
}

func TestConsoleStatementsWithoutRows(t *testing.T) {
	ws := testWorkspace(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "2")
	tm.Type("CREATE TEMP TABLE y (x INTEGER)")
	send(tm, "ctrl+o", "ctrl+r", "y")
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) && !m.console.running })
	// Every grid key on a result without rows or columns is harmless.
	send(tm, "j", "G", "l", "t", "y", "Y", "enter", "3", "j", "t", "2")
	waitModel(t, tm, m, func(m *Model) bool { return m.screen == screenConsole && !m.console.editing && !m.grid.detail })
	send(tm, "s")
	waitModel(t, tm, m, func(m *Model) bool { return m.grid.req == 0 && m.grid.rs.SortCol == 0 })
	send(tm, "esc", "alt+down")
	waitModel(t, tm, m, func(m *Model) bool { return m.console.editing && m.console.editor.Value() == "" })
	tm.Type("CREATE TEMP TABLE z AS SELECT range AS n FROM range(3); SELECT * FROM range(0) t(x)")
	send(tm, "ctrl+x", "y")
	waitModel(t, tm, m, func(m *Model) bool {
		return gridReady(m) && m.grid.rs.Total == 0 && len(m.grid.rs.Cols) == 1 && !m.console.running
	})
	send(tm, "j", "s", "t", "y", "enter", "G")
	waitModel(t, tm, m, func(m *Model) bool { return m.grid.req == 0 && m.grid.rs.SortCol == 0 })
	fm := quit(t, tm)
	if fm.console.err != "" {
		t.Errorf("console error: %s", fm.console.err)
	}
	if !strings.Contains(fm.grid.status, "0 rows × 1 columns") {
		t.Errorf("grid status %q", fm.grid.status)
	}
}

// TestCatalogTableDescription: the catalog says what a table holds, and warns
// that video_outcomes is sparse (a naive join undercounts), before any column
// is summarised.
func TestCatalogTableDescription(t *testing.T) {
	ws := testWorkspace(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	waitFor(t, tm, "video_outcomes")
	selectRelation(t, tm, m, "video_outcomes")
	waitFor(t, tm, "SPARSE")
	quit(t, tm)
}

// TestConsoleReadOnlyUntilSwitched: the console refuses a statement that
// changes data until switched to writing, then asks before running it; a
// statement that reaches outside the workspace is refused in either mode,
// before DuckDB sees it (nothing is created).
func TestConsoleReadOnlyUntilSwitched(t *testing.T) {
	ws := testWorkspace(t)
	dir := t.TempDir()
	m, tm := newTestModel(t, testConfig(t, ws))
	count := func() int {
		var n int
		if err := ws.DB.QueryRow("SELECT count(*) FROM videos").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	send(tm, "2")
	tm.Type("DELETE FROM videos")
	send(tm, "ctrl+r")
	waitModel(t, tm, m, func(m *Model) bool { return strings.Contains(m.console.err, "read-only") })
	if n := count(); n != 4 {
		t.Fatalf("read-only console deleted videos: %d left", n)
	}
	if s := screenNow(t, tm); !strings.Contains(s, "read-only") {
		t.Errorf("the console does not show its mode:\n%s", s)
	}
	send(tm, "ctrl+o", "ctrl+r") // writing: it asks first
	waitModel(t, tm, m, func(m *Model) bool { return m.console.writing && m.console.confirm != nil })
	if s := screenNow(t, tm); !strings.Contains(s, "WRITING") || !strings.Contains(s, "Run it? y/n") {
		t.Errorf("the question is not on screen:\n%s", s)
	}
	send(tm, "n")
	waitModel(t, tm, m, func(m *Model) bool { return m.console.confirm == nil && m.console.status != "" })
	if n := count(); n != 4 {
		t.Fatalf("answering n deleted videos: %d left", n)
	}
	send(tm, "ctrl+r", "y")
	waitModel(t, tm, m, func(m *Model) bool {
		return !m.console.running && m.console.status != "" && m.console.confirm == nil && count() == 0
	})
	// Outside the workspace: refused in writing mode too, nothing created.
	waitModel(t, tm, m, func(m *Model) bool { return !m.console.editing })
	send(tm, "esc") // from the result back to the editor
	waitModel(t, tm, m, func(m *Model) bool { return m.console.editing })
	for _, stmt := range []string{
		"COPY (SELECT 1) TO '" + filepath.Join(dir, "out.csv") + "'",
		"EXPORT DATABASE '" + filepath.Join(dir, "exported") + "'",
	} {
		send(tm, "alt+down") // an empty editor
		tm.Type(stmt)
		send(tm, "ctrl+r")
		waitModel(t, tm, m, func(m *Model) bool { return strings.Contains(m.console.err, "outside the workspace") })
		tm.Send(probeMsg{fn: func(m *Model) { m.console.err = ""; m.console.editor.SetValue("") }})
	}
	fm := quit(t, tm)
	if fm.console.running {
		t.Error("still running")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("refused statements created %v", entries)
	}
}

// TestConsoleOnReadOnlyWorkspace: on a workspace opened read-only the
// console stays read-only and says why.
func TestConsoleOnReadOnlyWorkspace(t *testing.T) {
	ws := testWorkspace(t)
	ws.ReadOnly = true // as trendlab tui opens it by default
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "2", "ctrl+o")
	waitModel(t, tm, m, func(m *Model) bool { return strings.Contains(m.console.err, "open read-only") })
	if fm := quit(t, tm); fm.console.writing {
		t.Error("the console switched to writing on a read-only workspace")
	}
}
