package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// tagSetFilter is the SQL filter (on videos) of the tag set's videos in
// the investigated period, by the workspace's one definition of a tag
// set's videos (the tag_set_members macro: tags, and caption mentions when
// the investigation counted them), with its parameters.
func (m tagsModel) tagSetFilter() (string, []any) {
	where := "video_id IN (SELECT video_id FROM tag_set_members('', ?::VARCHAR[], ?))"
	args := []any{m.inv.TagSet.Accepted, m.inv.TagSet.IncludeCaptions}
	if p, err := datasets.ParsePeriod(m.inv.Period.Since, m.inv.Period.Until); err == nil {
		cond, pargs := p.SQL("created_at")
		where += " AND " + cond
		args = append(args, pargs...)
	}
	return where, args
}

func (m tagsModel) drillDown() tea.Cmd {
	c := m.cursor()
	seed := tagText(m.inv.TagSet.Seed)
	switch m.section {
	case secVariants:
		if c < len(m.inv.TagSet.Candidates) {
			v := m.inv.TagSet.Candidates[c]
			return openResult("videos tagged #"+tagText(v.Tag), "videos",
				"video_id IN (SELECT video_id FROM video_tags WHERE tag = ?)", v.Tag)
		}
	case secVolume:
		if c < len(m.inv.Trend.Volume) {
			day := m.inv.Trend.Volume[c].Day
			where, args := m.tagSetFilter()
			return openResult(fmt.Sprintf("#%s videos created %s", seed, day), "videos",
				where+" AND CAST(created_at AS DATE) = CAST(? AS DATE)", append(args, day)...)
		}
	case secRates, secFunnel:
		var policy string
		if m.section == secRates && c < len(m.inv.Rates) {
			policy = m.inv.Rates[c].Policy
		} else if m.section == secFunnel && c < len(m.inv.Funnel) {
			policy = m.inv.Funnel[c].Policy
		}
		if policy != "" {
			where, args := m.tagSetFilter()
			return openResult(fmt.Sprintf("#%s videos violating %s", seed, textsafe.StripLine(policy)), "videos",
				where+" AND video_id IN (SELECT video_id FROM video_outcomes WHERE policy = ? AND violating)", append(args, policy)...)
		}
	case secRelated:
		if c < len(m.inv.Related.Tags) {
			tag := m.inv.Related.Tags[c].Tag
			return func() tea.Msg { return investigateTagMsg{tag: tag} }
		}
	case secSweep:
		if c < m.sweepLen() {
			tag := m.sweep.sw.Tags[c].Tag
			return func() tea.Msg { return investigateTagMsg{tag: tag} }
		}
	}
	return nil
}

// investigateTagMsg starts an investigation of another tag (from Related).
type investigateTagMsg struct{ tag string }
