package tui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// TestPageDownServedFromMemory holds page down through a table: every
// screen is whole as soon as the key is handled (its rows were fetched
// ahead, while the previous screens were read), each page is read once,
// and one read serves at least a second of a held key (30 presses), since
// a page of a large table costs the same fixed time whatever its rows (at
// 100 million videos about 250 ms; BenchmarkScrollHeld).
func TestPageDownServedFromMemory(t *testing.T) {
	const n = 10000
	m, run, reads := bigGrid(t, n)
	presses := 0
	for m.grid.row < n-1 {
		_, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyPgDown})
		presses++
		if !screenComplete(m) {
			t.Fatalf("page down %d (row %d) waited for its rows: the page was not fetched ahead", presses, m.grid.row+1)
		}
		run(cmd) // what the key asked for arrives while the screen is read
	}
	if pages := (n + pageSize - 1) / pageSize; *reads > pages {
		t.Errorf("%d page reads for the %d pages of the table: a page was read twice", *reads, pages)
	}
	const held = 30
	if presses < held*(*reads) {
		t.Errorf("%d page downs for %d page reads: fewer than %d presses (a second of a held key) per read", presses, *reads, held)
	}
}

// TestJumpFetchesScreenFirst: after a jump, the page on screen is fetched
// alone, so that it never waits for the session's connection behind a page
// fetched ahead; the pages either side follow once it is there.
func TestJumpFetchesScreenFirst(t *testing.T) {
	const n = 10000
	m, run, _ := bigGrid(t, n)
	g := &m.grid
	g.row = n / 2
	g.clamp()
	screen := g.top / pageSize
	if (g.top+g.bodyRows()-1)/pageSize != screen {
		t.Fatalf("rows %d-%d straddle two pages", g.top, g.top+g.bodyRows()-1)
	}
	cmd := g.ensurePages()
	if len(g.loading) != 1 || !g.loading[screen] {
		t.Fatalf("fetching pages %v after a jump to page %d: want the screen's page alone", g.loading, screen)
	}
	run(cmd)
	for _, p := range []int{screen - 1, screen, screen + 1} {
		if _, ok := g.pages[p]; !ok {
			t.Errorf("page %d not fetched after the screen's page %d arrived", p, screen)
		}
	}
}

// bigGrid shows a table of n rows in the grid of a 100×30 screen; run runs
// a command and what its messages lead to, counting the pages read.
func bigGrid(t *testing.T, n int) (m *Model, run func(tea.Cmd), reads *int) {
	ctx := context.Background()
	ws := testWorkspace(t)
	if _, err := ws.DB.ExecContext(ctx, `CREATE TABLE big AS SELECT i, 'row ' || i AS label FROM range(?) t(i)`, n); err != nil {
		t.Fatal(err)
	}
	m, err := New(ctx, testConfig(t, ws))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	m.Update(windowSize(100, 30))
	reads = new(int)
	run = func(cmd tea.Cmd) {
		drainSeeing(m, cmd, func(msg tea.Msg) {
			if _, ok := msg.(pageMsg); ok {
				*reads++
			}
		})
	}
	run(m.openResult(openResultMsg{title: "big", relation: "big"}))
	if m.grid.rs == nil || m.grid.rs.Total != int64(n) {
		t.Fatalf("no result of %d rows: %q", n, m.grid.err)
	}
	return m, run, reads
}
