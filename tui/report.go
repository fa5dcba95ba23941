package tui

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/notebooks"
	"github.com/trendlab/trendlab/review"
)

// The Report screen writes the shipped notebook (notebooks/
// omegle-investigation.md) for the tag set under investigation and, when
// one is open, the review sample's labels. Everything from the data
// arrives as a notebook parameter, bound as a value, never spliced into
// the notebook's text.

type reportDoneMsg struct {
	path  string
	bytes int64
	err   error
}

var reportKeys = struct{ Write key.Binding }{Write: bind("w", "write the HTML report", "w")}

func reportKeyMap() keyMap {
	return keyMap{short: []key.Binding{reportKeys.Write}, full: [][]key.Binding{{reportKeys.Write}}}
}

// reportModel is the Report screen.
type reportModel struct {
	sess    *session
	spin    spinner.Model
	busy    bool
	path    string
	size    int64
	err     string
	written time.Time

	width, height int
}

func newReport(sess *session) reportModel {
	return reportModel{sess: sess, spin: spinner.New(spinner.WithSpinner(spinner.Dot))}
}

func (m *reportModel) setSize(w, h int) { m.width, m.height = w, h }

// reportDir is where reports go: the configured folder, or the workspace's.
func (m reportModel) reportDir() string {
	if d := m.sess.cfg.ReportDir; d != "" {
		return d
	}
	if p := m.sess.cfg.Workspace.Path; p != "" && p != ":memory:" && !m.sess.server() {
		return filepath.Dir(p)
	}
	return "."
}

// fileSafe keeps letters, digits, - and _ of s, for a file name.
func fileSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "tag"
	}
	return b.String()
}

// write renders the report of the investigation (and sample) to a file.
func (m *reportModel) write(inv *analysis.Investigation, sample *review.Sample) tea.Cmd {
	if inv == nil {
		m.err = "investigate a tag first (screen 4), then write its report here"
		return nil
	}
	m.busy, m.err = true, ""
	ws := m.sess.cfg.Workspace
	dir := m.reportDir()
	now := time.Now().UTC()
	base := fmt.Sprintf("trendlab-report-%s-%s", fileSafe(inv.TagSet.Seed), now.Format("20060102-150405"))
	params := map[string]string{
		"tag":      inv.TagSet.Seed,
		"variants": strings.Join(inv.TagSet.Accepted, ","),
		"policies": strings.Join(inv.Policies, ","),
	}
	if sample != nil {
		params["sample"] = sample.Name
	}
	write := func() tea.Msg {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return reportDoneMsg{err: fmt.Errorf("creating the report folder: %w", err)}
		}
		path := filepath.Join(dir, base+".html")
		size, err := writeReportFile(ws, path, params)
		if err != nil {
			return reportDoneMsg{err: err}
		}
		abs, _ := filepath.Abs(path)
		return reportDoneMsg{path: abs, bytes: size}
	}
	return tea.Batch(write, m.spin.Tick)
}

// writeReportFile renders the shipped notebook with params into path,
// atomically, and returns the report's size.
func writeReportFile(ws *datasets.Workspace, path string, params map[string]string) (int64, error) {
	var size int64
	err := notebooks.WriteFile(path, func(w io.Writer) error {
		cw := &countingWriter{w: w}
		err := notebooks.RenderSource(context.Background(), ws, "omegle-investigation.md", notebooks.OmegleInvestigation,
			notebooks.Options{Params: params}, cw)
		size = cw.n
		return err
	})
	return size, err
}

// countingWriter counts the bytes written through it, for the screen.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (m reportModel) Update(msg tea.Msg) (reportModel, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if !m.busy {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case reportDoneMsg:
		m.busy = false
		if msg.err != nil {
			m.err = textsafe.Strip(msg.err.Error())
			return m, nil
		}
		m.path, m.size, m.written = msg.path, msg.bytes, time.Now()
		return m, nil
	}
	return m, nil
}

func (m reportModel) View(th theme, inv *analysis.Investigation, sample *review.Sample) string {
	kv := func(k, v string) string { return th.Key.Render(pad(k, 12)) + " " + v }
	lines := []string{th.Title.Render("Report") + th.Faint.Render("  one self-contained HTML file: rates with intervals, trend and spikes, related tags, funnel, methods and provenance"), ""}
	if inv == nil {
		lines = append(lines, kv("tag set", th.Faint.Render("none yet: investigate a tag on screen 4")))
	} else {
		tags := make([]string, len(inv.TagSet.Accepted))
		for i, t := range inv.TagSet.Accepted {
			tags[i] = "#" + textsafe.StripLine(t)
		}
		lines = append(lines,
			kv("tag", "#"+textsafe.StripLine(inv.TagSet.Seed)),
			kv("accepted", oneLine(strings.Join(tags, " "), max(10, m.width-14))),
			kv("policies", textsafe.StripLine(strings.Join(inv.Policies, ", "))))
	}
	if sample != nil {
		lines = append(lines, kv("sample", fmt.Sprintf("%s (%d members, seed %d)", textsafe.StripLine(sample.Name), sample.Size, sample.Seed)))
	} else {
		lines = append(lines, kv("sample", th.Faint.Render("none: open one on screen 5 to add its labels")))
	}
	lines = append(lines, kv("folder", textsafe.StripLine(m.reportDir())), "")
	switch {
	case m.busy:
		lines = append(lines, m.spin.View()+" writing the report…")
	case m.err != "":
		lines = append(lines, th.Error.Render(m.err))
	case m.path != "":
		lines = append(lines, th.OK.Render("wrote "+textsafe.StripLine(m.path)), th.Faint.Render(fmt.Sprintf("%s bytes; open it in a browser (it makes no network request)", analysis.GroupDigits(m.size))))
	default:
		lines = append(lines, th.Faint.Render("press w to write the report"))
	}
	return strings.Join(lines, "\n")
}
