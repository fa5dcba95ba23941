package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// The Sweep section runs analysis.RunSweep over the investigation's
// related tags (W) and lists them riskiest first; enter investigates the
// swept tag under the cursor.

var sweepKey = bind("W", "sweep the related tags (rates of each against the baseline)", "W")

// sweepTop is how many related tags a sweep from the screen covers.
const sweepTop = 20

type sweepMsg struct {
	req int64
	sw  *analysis.Sweep
	err error
}

// sweepState is the Sweep section's last run.
type sweepState struct {
	req  int64
	busy bool
	sw   *analysis.Sweep
	err  string
}

// runSweep sweeps the related tags of the saved tag set, or of the seed.
func (m *tagsModel) runSweep() tea.Cmd {
	of := m.savedAs
	if of == "" {
		of = m.inv.TagSet.Seed
	}
	id, ws := m.sess.newID(), m.sess.cfg.Workspace
	req := analysis.SweepRequest{RelatedTo: of, Top: sweepTop}
	if p, err := datasets.ParsePeriod(m.inv.Period.Since, m.inv.Period.Until); err == nil {
		req.Period = p
	}
	m.sweep = sweepState{req: id, busy: true}
	m.section = secSweep
	return func() tea.Msg {
		sw, err := analysis.RunSweep(context.Background(), ws, req)
		return sweepMsg{req: id, sw: sw, err: err}
	}
}

func (m tagsModel) onSweep(msg sweepMsg) tagsModel {
	if msg.req != m.sweep.req {
		return m
	}
	m.sweep.busy, m.sweep.sw = false, msg.sw
	m.lists[secSweep] = listState{}
	if msg.err != nil {
		m.sweep.err = textsafe.StripLine(msg.err.Error())
		if errors.Is(msg.err, context.Canceled) {
			m.sweep.err = "sweep cancelled"
		}
	}
	return m
}

func (m tagsModel) sweepLen() int {
	if m.sweep.sw == nil {
		return 0
	}
	return len(m.sweep.sw.Tags)
}

// sweepView lists the swept tags in the sweep's order (flagged first).
func (m tagsModel) sweepView(th theme) []string {
	st := m.sweep
	switch {
	case st.busy:
		return []string{"sweeping the related tags…"}
	case st.err != "":
		return []string{th.Error.Render(oneLine(st.err, max(10, m.width)))}
	case st.sw == nil:
		return []string{th.Faint.Render(oneLine(fmt.Sprintf("press W to sweep the top %d related tags: each tag's rates against the baseline, riskiest first; enter investigates a swept tag", sweepTop), max(10, m.width)))}
	}
	head := th.Header.Render(pad("#", 3) + " " + pad("tag", 26) + " " + padLeft("videos", 8) + " " + padLeft("risk", 6) + "  flagged (rate significantly above the baseline)")
	items := make([]string, len(st.sw.Tags))
	for i, t := range st.sw.Tags {
		flagged := "–"
		if len(t.Flagged) > 0 {
			flagged = "▲ " + textsafe.StripLine(strings.Join(t.Flagged, ", "))
		}
		items[i] = pad(fmt.Sprint(t.Rank), 3) + " " + pad("#"+tagText(t.Tag), 26) + " " + padLeft(analysis.GroupDigits(t.Videos), 8) + " " +
			padLeft(formatNum(t.Risk, 2), 6) + "  " + flagged
		if len(t.Flagged) == 0 {
			items[i] = th.Faint.Render(items[i])
		}
	}
	foot := th.Faint.Render(oneLine(fmt.Sprintf("%d tests, p adjusted by %s; order: %s", st.sw.Tests, st.sw.AdjustMethod, st.sw.Ordering), max(10, m.width)))
	return append(append([]string{head}, renderList(th, items, m.lists[secSweep], m.width, m.listHeight()-1, true)...), foot)
}
