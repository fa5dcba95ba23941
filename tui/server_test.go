package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/internal/pgtest"
	"github.com/trendlab/trendlab/review"
)

// The TUI on a workspace on a PostgreSQL server (issue 14): every screen,
// on a fresh database of the test server. Where a screen shows the same
// rows as on DuckDB, its frame is compared with the DuckDB test's golden
// file, so that the two engines are held to one picture.

// serverFixture is the hand-written fixture (fixtureSQL) in a new server
// workspace, opened read-only as `trendlab tui` opens it.
func serverFixture(t *testing.T) *datasets.Workspace {
	t.Helper()
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	w, err := datasets.Open(ctx, url, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// PostgreSQL spells a list ARRAY[...]; the rest is the same SQL.
	fixture := strings.NewReplacer("['#omegle']", "ARRAY['#omegle']", "['#Omegle', '#fyp']", "ARRAY['#Omegle', '#fyp']", "['#fyp']", "ARRAY['#fyp']").Replace(fixtureSQL)
	if _, err := w.DB.ExecContext(ctx, fixture); err != nil {
		t.Fatal(err)
	}
	w.Close()
	ws, err := datasets.Open(ctx, url, datasets.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// serverSynth imports a small synthetic platform into a new server
// workspace, opened for writing (tag sets, samples, labels).
func serverSynth(t *testing.T, videos int) *datasets.Workspace {
	t.Helper()
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	ws, err := datasets.Open(ctx, url, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	m, err := synth.Generate(ctx, synth.Config{Videos: videos, Seed: 3, Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := datasets.Import(ctx, ws, datasets.ImportRequest{Videos: []string{m.Files.Videos}, Events: []string{m.Files.Events}}); err != nil {
		t.Fatal(err)
	}
	return ws
}

// sameFrames compares a scenario's frame on DuckDB with its frame on the
// server, but for the header's workspace name.
func sameFrames(t *testing.T, duck, server string) {
	t.Helper()
	first := func(s string) string { _, rest, _ := strings.Cut(s, "\n"); return rest }
	if first(duck) != first(server) {
		t.Errorf("the frames differ.\nDuckDB:\n%s\nPostgreSQL:\n%s", duck, server)
	}
}

// catalogSummary selects videos.region on the Catalog screen.
func catalogSummary(t *testing.T, ws *datasets.Workspace) (*colSummary, string) {
	m, tm := newTestModel(t, testConfig(t, ws))
	waitFor(t, tm, "videos", "moderation_events")
	selectRelation(t, tm, m, "videos")
	send(tm, "enter", "j", "j", "j", "j", "j", "enter") // region
	waitModel(t, tm, m, func(m *Model) bool {
		return m.catalog.summary != nil && !m.catalog.sumBusy && m.catalog.counting == ""
	})
	fm := quit(t, tm)
	return fm.catalog.summary, screen(fm)
}

func TestServerCatalogScreen(t *testing.T) {
	s, frame := catalogSummary(t, serverFixture(t))
	if s == nil || s.Col != "region" || s.Count != 4 || s.Nulls != 1 || s.Distinct != 2 || s.Min != "BR" || s.Max != "US" {
		t.Fatalf("summary = %+v", s)
	}
	if len(s.Freq) != 3 || s.Freq[0].Value != "US" || s.Freq[0].N != 2 {
		t.Errorf("frequency table = %+v", s.Freq)
	}
	_, duck := catalogSummary(t, testWorkspace(t))
	sameFrames(t, duck, frame)
}

// catalogDrill opens the rows where region = US from the summary and a
// caption's detail, then the rejects of import 1.
func catalogDrill(t *testing.T, ws *datasets.Workspace) (drill, rejects string, reason cell) {
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
	drill = screenNow(t, tm)
	send(tm, "esc", "1", "i")
	waitFor(t, tm, "Provenance", "abc123")
	send(tm, "enter") // rejects of import 1
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) && m.grid.rs.Title == "rejects of import 1" })
	send(tm, "l", "l", "l", "l")
	waitModel(t, tm, m, func(m *Model) bool { return m.grid.col == 4 && gridReady(m) })
	fm := quit(t, tm)
	reason, _ = fm.grid.cellAt(0, 4)
	return drill, screen(fm), reason
}

func TestServerCatalogDrillDownAndImports(t *testing.T) {
	drill, rejects, reason := catalogDrill(t, serverFixture(t))
	if reason.Full != `not a timestamp: "yesterday"` {
		t.Errorf("reason cell = %+v", reason)
	}
	duckDrill, duckRejects, _ := catalogDrill(t, testWorkspace(t))
	sameFrames(t, duckDrill, drill)
	sameFrames(t, duckRejects, rejects)
}

// TestServerResultsGrid: a console result kept in a cursor pages to its
// last row, sorts, exports to CSV and JSON, and says that Parquet needs a
// DuckDB file.
func TestServerResultsGrid(t *testing.T) {
	ws := serverFixture(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "2")
	tm.Type("SELECT i, 'row ' || i AS label, i % 7 AS bucket FROM generate_series(0, 999) AS t(i)")
	send(tm, "ctrl+r")
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) && !m.console.running })
	if rs := m.grid.rs; rs.Mode != modeCursor || rs.Total != 1000 {
		t.Fatalf("result: mode %d, %d rows", rs.Mode, rs.Total)
	}
	send(tm, "3", "G") // last row: page 3 is fetched on demand
	waitModel(t, tm, m, func(m *Model) bool { c, ok := m.grid.cellAt(999, 1); return ok && c.Line == "row 999" })
	send(tm, "g", "l", "l", "s") // by bucket
	waitModel(t, tm, m, func(m *Model) bool { return m.grid.rs.SortCol == 2 && gridReady(m) })
	send(tm, "s") // and again, descending
	waitModel(t, tm, m, func(m *Model) bool {
		c, ok := m.grid.cellAt(0, 2)
		return m.grid.rs.SortCol == 2 && m.grid.rs.SortDesc && ok && c.Line == "6" && gridReady(m)
	})
	dir := t.TempDir()
	for _, name := range []string{"out.csv", "out.json"} {
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
	tm.Type(filepath.Join(dir, "out.parquet"))
	send(tm, "enter")
	waitModel(t, tm, m, func(m *Model) bool {
		if strings.Contains(m.grid.err, "needs a DuckDB workspace") {
			m.grid.err, m.grid.status = "", "" // they name the test's temporary folder
			return true
		}
		return false
	})
	fm := quit(t, tm)
	lines := strings.Split(readFile(t, filepath.Join(dir, "out.csv")), "\n")
	if len(lines) != 1001 || lines[0] != "i,label,bucket" || !strings.HasSuffix(lines[1], ",6") {
		t.Errorf("csv: %d lines, header %q, first %q", len(lines), lines[0], lines[1])
	}
	golden.RequireEqual(t, []byte(screen(fm)))
}

// TestServerConsoleReadOnly: the console refuses a write on a server
// workspace opened read-only, and the server refuses it too.
func TestServerConsoleReadOnly(t *testing.T) {
	ws := serverFixture(t)
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "2")
	tm.Type("DELETE FROM videos")
	send(tm, "ctrl+r")
	waitModel(t, tm, m, func(m *Model) bool { return strings.Contains(m.console.err, "read-only") })
	quit(t, tm)
	var n int
	if err := ws.DB.QueryRow("SELECT count(*) FROM videos").Scan(&n); err != nil || n != 4 {
		t.Fatalf("videos: %d, %v", n, err)
	}
}

// TestServerScreens: investigate a tag, drill down, save the tag set, draw
// and label a sample, run a saved query and write the report, all on a
// server workspace.
func TestServerScreens(t *testing.T) {
	ws := serverSynth(t, 3000)
	cfg := testConfig(t, ws)
	m, tm := newTestModel(t, cfg)
	send(tm, "4")
	tm.Type("omegle")
	send(tm, "enter")
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.inv != nil && !m.tags.busy })
	waitFor(t, tm, "accepted tags")
	send(tm, "j", "x", "S")
	waitModel(t, tm, m, func(m *Model) bool {
		return m.tags.savedAs == "omegle" && !m.tags.busy && m.tags.inv.TagSet.Name == "omegle"
	})
	send(tm, "l", "l") // rates
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.section == secRates })
	golden.RequireEqual(t, []byte(screenNow(t, tm)))
	send(tm, "j", "enter") // the tag set's videos violating bullying_harassment: 7.41% of 27
	waitModel(t, tm, m, func(m *Model) bool {
		return gridReady(m) && m.screen == screenResults && strings.Contains(m.grid.rs.Title, "bullying_harassment") && m.grid.rs.Total == 2
	})

	// Review: draw a sample of the saved tag set and label two members.
	send(tm, "5")
	waitModel(t, tm, m, func(m *Model) bool { return m.review.prog != nil })
	send(tm, "n")
	waitModel(t, tm, m, func(m *Model) bool { return m.review.state == reviewForm })
	tm.Send(probeMsg{fn: func(m *Model) { m.review.fields[fTagSet].SetValue("omegle"); m.review.fields[fSize].SetValue("10") }})
	send(tm, "ctrl+s")
	waitModel(t, tm, m, func(m *Model) bool { return m.review.state == reviewMember && m.review.detail != nil })
	send(tm, "v")
	waitModel(t, tm, m, func(m *Model) bool { return m.review.given == 1 && m.review.detail != nil && m.review.pos == 2 })
	send(tm, "n")
	waitModel(t, tm, m, func(m *Model) bool { return m.review.given == 2 && m.review.est != nil && m.review.est.Labelled == 2 })

	// A saved query, in its PostgreSQL text where it has one.
	send(tm, "esc", "6")
	waitModel(t, tm, m, func(m *Model) bool { return m.palette.lib != nil })
	tm.Type("dvol")
	waitModel(t, tm, m, func(m *Model) bool { return len(m.palette.matches) > 0 && m.palette.matches[0].Name == "daily_volume" })
	send(tm, "enter")
	var params int
	waitModel(t, tm, m, func(m *Model) bool { params = len(m.palette.params); return m.palette.query != nil })
	tm.Type("omegle")
	for range params {
		send(tm, "enter")
	}
	waitModel(t, tm, m, func(m *Model) bool {
		return (gridReady(m) && m.grid.rs.Title == "saved query daily_volume") || m.palette.err != ""
	})

	// The report of the investigation with the sample's labels.
	send(tm, "7", "l", "enter", "w")
	waitModel(t, tm, m, func(m *Model) bool { return !m.report.busy && (m.report.path != "" || m.report.err != "") })
	fm := quit(t, tm)
	if fm.report.err != "" || fm.palette.err != "" {
		t.Fatalf("report error %q, palette error %q", fm.report.err, fm.palette.err)
	}
	if rs := fm.grid.rs; rs.Total == 0 {
		t.Errorf("saved query daily_volume: no rows")
	}
	html, err := os.ReadFile(fm.report.path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "<html") || !strings.Contains(string(html), "omegle") {
		t.Errorf("report %s does not look like the omegle report", fm.report.path)
	}
	// Labels are rows on the server, with who labelled them.
	s, err := review.SampleByName(context.Background(), ws, fm.review.sample.Name)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := review.CurrentLabels(context.Background(), ws, s.ID, "ana")
	if err != nil || len(labels) != 2 {
		t.Errorf("labels on the server: %d, %v", len(labels), err)
	}
	if _, err := analysis.LoadTagSet(context.Background(), ws, "omegle"); err != nil {
		t.Errorf("the saved tag set: %v", err)
	}
}
