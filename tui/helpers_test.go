package tui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/internal/testws"
)

// Terminal size of every teatest test.
const termW, termH = 100, 30

// fixtureSQL is a tiny workspace written by hand: enough rows to summarise,
// drill down and page, and a caption that tries to take over the terminal.
const fixtureSQL = `
INSERT INTO imports VALUES
 (1, 'videos', '/data/videos.csv', 1234, 'abc123', 'csv', 'none', NULL, 5, 4, 1, TIMESTAMP '2026-01-02 03:04:05', 120, 'test'),
 (2, 'events', '/data/events.csv', 99, 'def456', 'csv', 'gzip', NULL, 3, 3, 0, TIMESTAMP '2026-01-02 03:05:00', 40, 'test');
INSERT INTO videos (video_id, author_id, created_at, caption, hashtags, region, language, view_count, import_id, source_line) VALUES
 ('v1', 'a1', TIMESTAMP '2026-03-01 10:00:00', 'hello #omegle', ['#omegle'], 'US', 'en', 10, 1, 2),
 ('v2', 'a2', TIMESTAMP '2026-03-01 11:00:00', E'evil \x1b]0;pwned\x07 caption \x1b[31mred', ['#Omegle', '#fyp'], 'US', 'en', 20, 1, 3),
 ('v3', 'a1', TIMESTAMP '2026-03-02 09:30:00', 'multi
line caption', ['#fyp'], 'BR', 'pt', 30, 1, 4),
 ('v4', 'a3', TIMESTAMP '2026-03-03 08:00:00', NULL, NULL, NULL, NULL, NULL, 1, 5);
INSERT INTO rejects VALUES (1, '/data/videos.csv', 6, 'created_at', 'not a timestamp: "yesterday"', 'v5,a4,yesterday');
INSERT INTO moderation_events (event_id, video_id, event_time, event_type, source, policy, decision, action, import_id, source_line) VALUES
 ('e1', 'v1', TIMESTAMP '2026-03-01 12:00:00', 'report', 'user', 'minor_safety', NULL, NULL, 2, 2),
 ('e2', 'v1', TIMESTAMP '2026-03-01 13:00:00', 'review', 'moderator', 'minor_safety', 'violation', NULL, 2, 3),
 ('e3', 'v9', TIMESTAMP '2026-03-01 14:00:00', 'flag', 'model', 'hate_speech', NULL, NULL, 2, 4);
`

// testWorkspace opens an in-memory workspace with the hand-written fixture.
func testWorkspace(t testing.TB) *datasets.Workspace {
	t.Helper()
	ctx := context.Background()
	ws, err := datasets.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	if _, err := ws.DB.ExecContext(ctx, strings.ReplaceAll(fixtureSQL, `E'evil \x1b]0;pwned\x07 caption \x1b[31mred'`,
		`'evil ' || chr(27) || ']0;pwned' || chr(7) || ' caption ' || chr(27) || '[31mred'`)); err != nil {
		t.Fatal(err)
	}
	return ws
}

// synthWorkspace imports a small synthetic platform (with the planted
// "omegle" family) into an in-memory workspace.
func synthWorkspace(t testing.TB, videos int) *datasets.Workspace {
	t.Helper()
	ws, _ := testws.New(t, synth.Config{Videos: videos, Seed: 3})
	return ws
}

// testConfig is a configuration that needs no terminal: dark colours, no
// background query, history in the test's folder.
func testConfig(t testing.TB, ws *datasets.Workspace) Config {
	return Config{
		Workspace:   ws,
		Reviewer:    "ana",
		PauseEvery:  3,
		Background:  BackgroundDark,
		HistoryFile: filepath.Join(t.TempDir(), "history"),
		ReportDir:   t.TempDir(),
	}
}

func newTestModel(t *testing.T, cfg Config) (*Model, *teatest.TestModel) {
	t.Helper()
	m, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(termW, termH),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	return m, tm
}

// waitFor waits until the output shows all the strings.
func waitFor(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		s := ansi.Strip(string(b))
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

// waitModel polls the model (through a no-op message round trip) until cond
// holds; for states the screen shows only in part.
func waitModel(t *testing.T, tm *teatest.TestModel, m *Model, cond func(*Model) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ch := make(chan bool, 1)
		tm.Send(probeMsg{fn: func(m *Model) { ch <- cond(m) }})
		select {
		case ok := <-ch:
			if ok {
				return
			}
		case <-time.After(time.Second):
		}
		time.Sleep(20 * time.Millisecond)
	}
	ch := make(chan string, 1)
	tm.Send(probeMsg{fn: func(m *Model) { ch <- screen(m) + "\ngrid status: " + m.grid.status + "\ngrid error: " + m.grid.err }})
	select {
	case s := <-ch:
		t.Fatalf("condition on the model not met in 10s; screen:\n%s", s)
	case <-time.After(time.Second):
		t.Fatal("condition on the model not met in 10s")
	}
}

func keyMsg(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	case "ctrl+x":
		return tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl}
	case "ctrl+o":
		return tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl}
	}
	switch s {
	case "alt+up":
		return tea.KeyPressMsg{Code: tea.KeyUp, Mod: tea.ModAlt}
	case "alt+down":
		return tea.KeyPressMsg{Code: tea.KeyDown, Mod: tea.ModAlt}
	}
	if strings.HasPrefix(s, "alt+") {
		r := []rune(s[4:])[0]
		return tea.KeyPressMsg{Code: r, Mod: tea.ModAlt}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func send(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(keyMsg(k))
	}
}

// quit ends the program and returns the final model.
func quit(t *testing.T, tm *teatest.TestModel) *Model {
	t.Helper()
	tm.Send(keyMsg("ctrl+c"))
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second))
	return fm.(*Model)
}

// screen is the model's frame as plain text (no escape sequences).
func screen(m *Model) string {
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return durations.ReplaceAllString(strings.Join(lines, "\n")+"\n", "<t>")
}

// durations matches the timings a frame shows, which vary run to run.
var durations = regexp.MustCompile(`\b\d+(\.\d+)?(µs|ms|s)\b`)

// requireGolden compares the frame with testdata/<test name>.golden
// (go test -update rewrites it).
func requireGolden(t *testing.T, m *Model) {
	t.Helper()
	golden.RequireEqual(t, []byte(screen(m)))
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSpace(b))
}

// screenNow is the current frame, read inside the event loop.
func screenNow(t *testing.T, tm *teatest.TestModel) string {
	t.Helper()
	ch := make(chan string, 1)
	tm.Send(probeMsg{fn: func(m *Model) { ch <- screen(m) }})
	select {
	case s := <-ch:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no frame in 5s")
	}
	return ""
}

// gridReady: the grid shows a result whose visible page has arrived and no
// page or result is on its way.
func gridReady(m *Model) bool {
	g := m.grid
	if g.rs == nil || g.req != 0 || len(g.loading) > 0 {
		return false
	}
	if g.rs.Total == 0 {
		return true
	}
	_, ok := g.pages[g.top/pageSize]
	return ok
}

func analysisRequest(tag string) analysis.Request { return analysis.Request{Tag: tag} }

func windowSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }
