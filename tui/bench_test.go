package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/trendlab/trendlab/datasets"
)

// Benchmarks of the TUI's speed. The lead runs them at 10 million rows:
//
//	TRENDLAB_BENCH_ROWS=10000000 go test -tags duckdb_arrow ./tui -run '^$' -bench . -benchtime 2000x
//
// and at 100 million on the workspace of issue 15 (browsing videos; the
// query result's materialisation takes minutes there):
//
//	TRENDLAB_BENCH_WORKSPACE=/work/data/h100/ws.duckdb TRENDLAB_BENCH_MEMORY_LIMIT=200MB \
//	  go test -tags duckdb_arrow ./tui -run '^$' -bench 'FirstScreen|Scroll/table' -benchtime 400x
//
// or on an existing workspace file (TRENDLAB_BENCH_WORKSPACE=big.duckdb), or
// a workspace on a PostgreSQL server (TRENDLAB_BENCH_WORKSPACE=postgres://...:
// results in cursors, tables browsed by LIMIT/OFFSET; result_pg.go).
// TRENDLAB_BENCH_MEMORY_LIMIT (e.g. 300MB) sets DuckDB's memory_limit, as
// --memory-limit does. RSS-MB is the process's resident memory after the
// frames, DuckDB included.

func benchRows(b *testing.B) int {
	if s := os.Getenv("TRENDLAB_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("TRENDLAB_BENCH_ROWS=%q: give a positive number of rows", s)
		}
		return n
	}
	return 200_000
}

// benchWorkspace is TRENDLAB_BENCH_WORKSPACE, or a workspace file written
// in the benchmark's folder with n synthetic videos; either is opened
// read-only, as an investigator browsing it would (a fresh process: the
// writing connection is closed first, so its memory is not counted).
func benchWorkspace(b *testing.B, n int) *datasets.Workspace {
	ctx := context.Background()
	path := os.Getenv("TRENDLAB_BENCH_WORKSPACE")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.duckdb")
		ws, err := datasets.Open(ctx, path, datasets.Options{})
		if err != nil {
			b.Fatal(err)
		}
		_, err = ws.DB.ExecContext(ctx, fmt.Sprintf(`
			INSERT INTO videos (video_id, author_id, created_at, caption, hashtags, region, language, view_count, import_id, source_line)
			SELECT 'v' || lpad(i::VARCHAR, 10, '0'), 'a' || (i %% 5000), TIMESTAMP '2026-06-01' + INTERVAL (i %% 7776000) SECOND,
			       'caption number ' || i || ' with some words #omegle #fyp', ['#omegle', '#fyp'], ['US','BR','IN','DE'][1 + i %% 4],
			       'en', i %% 100000, 1, i + 2
			FROM range(%d) t(i)`, n))
		if err != nil {
			b.Fatal(err)
		}
		if err := ws.Close(); err != nil {
			b.Fatal(err)
		}
	}
	ws, err := datasets.Open(ctx, path, datasets.Options{ReadOnly: true, MemoryLimit: os.Getenv("TRENDLAB_BENCH_MEMORY_LIMIT")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	runtime.GC()
	return ws
}

// drain runs a command and every command its messages lead to, feeding the
// messages to the model, as the Bubble Tea loop would (without its timers).
func drain(m *Model, cmd tea.Cmd) { drainSeeing(m, cmd, nil) }

// drainSeeing is drain that shows seen (when not nil) each message before
// the model has it.
func drainSeeing(m *Model, cmd tea.Cmd, seen func(tea.Msg)) {
	if cmd == nil {
		return
	}
	msg := cmd()
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			drainSeeing(m, c, seen)
		}
	default:
		if seen != nil {
			seen(msg)
		}
		_, next := m.Update(msg)
		drainSeeing(m, next, seen)
	}
}

func newBenchModel(b *testing.B, ws *datasets.Workspace) *Model {
	cfg := Config{Workspace: ws, Reviewer: "bench", Background: BackgroundDark, HistoryFile: b.TempDir() + "/history", ReportDir: b.TempDir()}
	m, err := New(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
	return m
}

// rssMB is the process's resident set size now (DuckDB included), from
// /proc/self/statm; 0 where there is no /proc.
func rssMB() float64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseFloat(f[1], 64)
	return pages * float64(os.Getpagesize()) / (1 << 20)
}

func reportFrames(b *testing.B, frames []time.Duration) {
	slices.Sort(frames)
	q := func(p float64) float64 {
		return float64(frames[min(len(frames)-1, int(p*float64(len(frames))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms/frame")
	b.ReportMetric(q(0.95), "p95-ms/frame")
	b.ReportMetric(float64(frames[len(frames)-1].Microseconds())/1000, "max-ms/frame")
	b.ReportMetric(rssMB(), "RSS-MB")
}

// BenchmarkScroll measures keypress -> Update -> (page fetch when the key
// scrolls past the cached pages) -> View, per frame, on the workspace's
// videos table browsed in place ("table") and on a query's result
// materialised ("query"). Every command a key leads to runs before the
// frame ends, the page fetched ahead included: the cost of a key when the
// user outruns the fetching (BenchmarkScrollHeld measures the keys at a
// person's pace).
func BenchmarkScroll(b *testing.B) { benchScroll(b, 0) }

// BenchmarkScrollHeld measures the same keys as a person holding them
// down: one every TRENDLAB_BENCH_KEY_INTERVAL (33ms, a keyboard's repeat
// rate, unless set), commands running in the background as in Bubble Tea's
// event loop. A frame is the time from the key to the first View that shows
// every visible row: a page fetched ahead while the user reads costs the
// frame nothing; a page not there yet costs the wait for it.
func BenchmarkScrollHeld(b *testing.B) {
	interval := 33 * time.Millisecond
	if s := os.Getenv("TRENDLAB_BENCH_KEY_INTERVAL"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			b.Fatalf("TRENDLAB_BENCH_KEY_INTERVAL=%q: give a duration such as 33ms", s)
		}
		interval = d
	}
	benchScroll(b, interval)
}

// benchScroll presses each key b.N times, one every interval through an
// event loop, or (interval 0) back to back with every command drained.
func benchScroll(b *testing.B, interval time.Duration) {
	ws := benchWorkspace(b, benchRows(b))
	for _, src := range []string{"table", "query"} {
		b.Run(src, func(b *testing.B) {
			m := newBenchModel(b, ws)
			start := time.Now()
			if src == "table" {
				drain(m, m.openResult(openResultMsg{title: "videos", relation: "videos"}))
			} else {
				drain(m, m.runQuery(runQueryMsg{title: "bench", sql: `SELECT video_id, created_at, caption, region, view_count FROM videos WHERE view_count >= 0`}))
			}
			if m.grid.rs == nil {
				b.Fatalf("no result: %s", m.grid.err)
			}
			total := m.grid.rs.Total
			b.Logf("%s: %d rows, open in %s, mode %d", src, total, time.Since(start), m.grid.rs.Mode)
			for _, tc := range []struct {
				name string
				key  tea.KeyPressMsg
			}{
				{"down", tea.KeyPressMsg{Code: tea.KeyDown}},
				{"pgdown", tea.KeyPressMsg{Code: tea.KeyPgDown}},
				{"right", tea.KeyPressMsg{Code: tea.KeyRight}},
			} {
				b.Run(tc.name, func(b *testing.B) {
					l := newEventLoop(m)
					if interval == 0 {
						drain(m, func() tea.Msg { return tea.KeyPressMsg{Code: 'g', Text: "g"} })
					} else {
						l.key(tea.KeyPressMsg{Code: 'g', Text: "g"})
						l.settle()
					}
					frames := make([]time.Duration, 0, b.N)
					for b.Loop() {
						t0 := time.Now()
						if m.grid.row >= int(total)-1 || (tc.name == "right" && m.grid.col >= len(m.grid.rs.Cols)-1) {
							m.grid.row, m.grid.col, m.grid.left = 0, 0, 0
							m.grid.clamp()
						}
						if interval == 0 {
							_, cmd := m.Update(tc.key)
							drain(m, cmd)
						} else {
							l.key(tc.key)
							for !screenComplete(m) {
								l.handle(<-l.msgs)
							}
						}
						_ = m.View()
						frames = append(frames, time.Since(t0))
						if interval > 0 {
							l.until(t0.Add(interval)) // the user reads
						}
					}
					l.settle()
					reportFrames(b, frames)
				})
			}
			m.Close()
		})
	}
}

// eventLoop runs a model as Bubble Tea's event loop does: each command in
// a goroutine of its own, its message handled by Update on this one.
type eventLoop struct {
	m       *Model
	msgs    chan tea.Msg
	pending int // commands running
}

func newEventLoop(m *Model) *eventLoop { return &eventLoop{m: m, msgs: make(chan tea.Msg)} }

func (l *eventLoop) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	l.pending++
	go func() { l.msgs <- cmd() }()
}

func (l *eventLoop) key(k tea.KeyPressMsg) {
	_, cmd := l.m.Update(k)
	l.run(cmd)
}

// handle takes a command's message.
func (l *eventLoop) handle(msg tea.Msg) {
	l.pending--
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			l.run(c)
		}
	default:
		_, next := l.m.Update(msg)
		l.run(next)
	}
}

// until handles messages until t.
func (l *eventLoop) until(t time.Time) {
	for wait := time.Until(t); wait > 0; wait = time.Until(t) {
		select {
		case msg := <-l.msgs:
			l.handle(msg)
		case <-time.After(wait):
		}
	}
}

// settle waits for every command running.
func (l *eventLoop) settle() {
	for l.pending > 0 {
		l.handle(<-l.msgs)
	}
}

// screenComplete reports whether the grid shows a result and every row on
// screen.
func screenComplete(m *Model) bool {
	g := &m.grid
	if g.rs == nil || g.req != 0 {
		return false
	}
	for r := g.top; r < min(g.top+g.bodyRows(), int(g.rs.Total)); r++ {
		if _, ok := g.rowAt(r); !ok {
			return false
		}
	}
	return true
}

// BenchmarkJumpRandom jumps to random far rows (the worst case: every frame
// needs a fresh page). A frame is the time from the jump to the first View
// that shows every visible row, through the event loop; what the jump
// fetches ahead finishes before the next jump, untimed, as while the user
// reads.
func BenchmarkJumpRandom(b *testing.B) {
	ws := benchWorkspace(b, benchRows(b))
	m := newBenchModel(b, ws)
	drain(m, m.openResult(openResultMsg{title: "videos", relation: "videos"}))
	total := int(m.grid.rs.Total)
	l := newEventLoop(m)
	frames := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		i++
		t0 := time.Now()
		m.grid.row = (i * 7919 * 1009) % total
		m.grid.clamp()
		l.run(m.grid.ensurePages())
		for !screenComplete(m) {
			l.handle(<-l.msgs)
		}
		_ = m.View()
		frames = append(frames, time.Since(t0))
		b.StopTimer()
		l.settle()
		b.StartTimer()
	}
	reportFrames(b, frames)
}

// BenchmarkFirstScreen measures New + Init (catalog with exact row counts,
// samples, saved queries) + the first View: the time to a usable screen.
func BenchmarkFirstScreen(b *testing.B) {
	ws := benchWorkspace(b, benchRows(b))
	var times []time.Duration
	for b.Loop() {
		t0 := time.Now()
		cfg := Config{Workspace: ws, Reviewer: "bench", Background: BackgroundDark, HistoryFile: b.TempDir() + "/history"}
		m, err := New(context.Background(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		m.Update(tea.WindowSizeMsg{Width: 160, Height: 50})
		drain(m, m.Init())
		if !m.catalog.loaded {
			b.Fatalf("catalog not loaded: %s", m.catalog.err)
		}
		_ = m.View()
		times = append(times, time.Since(t0))
		m.Close()
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-first-screen")
}
