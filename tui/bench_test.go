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
func drain(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			drain(m, c)
		}
	default:
		_, next := m.Update(msg)
		drain(m, next)
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
// materialised as a temporary table ("query").
func BenchmarkScroll(b *testing.B) {
	ws := benchWorkspace(b, benchRows(b))
	for _, src := range []string{"table", "query"} {
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
			b.Run(src+"/"+tc.name, func(b *testing.B) {
				drain(m, func() tea.Msg { return tea.KeyPressMsg{Code: 'g', Text: "g"} })
				frames := make([]time.Duration, 0, b.N)
				for b.Loop() {
					t0 := time.Now()
					if m.grid.row >= int(total)-1 || (tc.name == "right" && m.grid.col >= len(m.grid.rs.Cols)-1) {
						m.grid.row, m.grid.col, m.grid.left = 0, 0, 0
						m.grid.clamp()
					}
					_, cmd := m.Update(tc.key)
					drain(m, cmd)
					_ = m.View()
					frames = append(frames, time.Since(t0))
				}
				reportFrames(b, frames)
			})
		}
		m.Close()
	}
}

// BenchmarkJumpRandom jumps to random far rows (the worst case: every frame
// needs a fresh page).
func BenchmarkJumpRandom(b *testing.B) {
	ws := benchWorkspace(b, benchRows(b))
	m := newBenchModel(b, ws)
	drain(m, m.openResult(openResultMsg{title: "videos", relation: "videos"}))
	total := int(m.grid.rs.Total)
	frames := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		i++
		t0 := time.Now()
		m.grid.row = (i * 7919 * 1009) % total
		m.grid.clamp()
		drain(m, m.grid.ensurePages())
		_ = m.View()
		frames = append(frames, time.Since(t0))
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
