package tui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/notebooks"
	"github.com/trendlab/trendlab/review"
)

// reportNotebook is the notebook the Report screen writes: the
// investigation of the tag set and, when there is one, the review sample's
// labels. Everything that comes from the data arrives as a notebook
// parameter, bound as a value, never spliced into the notebook's text.
const reportNotebook = `---
title: "trendlab investigation"
description: Written from the terminal UI.
params:
  - {name: tag, type: string, default: ""}
  - {name: variants, type: strings, default: ""}
  - {name: policies, type: strings, default: ""}
  - {name: sample, type: int, default: "0"}
---

## The tag set and its rates

` + "```investigate" + `
tag: $tag
variants: [$variants]
policies: [$policies]
baseline: rest
` + "```" + `
`

const reportSampleSection = `
## The review sample

Current labels of the review sample, by reviewer and label.

` + "```sql name=labels" + `
SELECT reviewer, label, count(*) AS members
FROM current_labels WHERE sample_id = $sample
GROUP BY reviewer, label ORDER BY reviewer, members DESC
` + "```" + `

` + "```chart" + `
type: stacked_bar
data: labels
x: reviewer
y: members
series: label
` + "```" + `
`

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
	if p := m.sess.cfg.Workspace.Path; p != "" && p != ":memory:" {
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
	text := reportNotebook
	if sample != nil {
		text += reportSampleSection
		params["sample"] = strconv.FormatInt(sample.ID, 10)
	}
	write := func() tea.Msg {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return reportDoneMsg{err: fmt.Errorf("creating the report folder: %w", err)}
		}
		mdPath := filepath.Join(dir, base+".md")
		if err := os.WriteFile(mdPath, []byte(text), 0o644); err != nil {
			return reportDoneMsg{err: fmt.Errorf("writing the report's notebook: %w", err)}
		}
		nb, err := notebooks.Parse(mdPath, []byte(text))
		if err != nil {
			return reportDoneMsg{err: err}
		}
		sum := sha256.Sum256([]byte(text))
		var buf bytes.Buffer
		if err := notebooks.RenderNotebook(context.Background(), ws, nb,
			notebooks.Source{Path: mdPath, SHA256: hex.EncodeToString(sum[:])},
			notebooks.Options{Params: params}, &buf); err != nil {
			return reportDoneMsg{err: err}
		}
		path := filepath.Join(dir, base+".html")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return reportDoneMsg{err: fmt.Errorf("writing the report: %w", err)}
		}
		abs, _ := filepath.Abs(path)
		return reportDoneMsg{path: abs, bytes: int64(buf.Len())}
	}
	return tea.Batch(write, m.spin.Tick)
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
