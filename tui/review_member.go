package tui

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/review"
)

// label` (who.Resolve); the review screen refuses without one.
var errNoReviewer = fmt.Errorf("%w; start the terminal UI with --reviewer NAME", review.ErrNoReviewer)

// openSample loads a sample and the reviewer's labels and finds where the
// review resumes.
func openSample(w *datasets.Workspace, s *review.Sample, me string) sampleOpenedMsg {
	if me == "" {
		return sampleOpenedMsg{err: errNoReviewer}
	}
	ctx := context.Background()
	mine, err := review.CurrentLabels(ctx, w, s.ID, me)
	if err != nil {
		return sampleOpenedMsg{err: err}
	}
	pos, ok, err := review.NextUnlabelled(ctx, w, s.ID, me)
	if err != nil {
		return sampleOpenedMsg{err: err}
	}
	if !ok {
		pos = 1
	}
	return sampleOpenedMsg{sample: s, pos: pos, done: !ok, mine: mine}
}

func (m reviewModel) loadMember() tea.Cmd {
	ws, id, pos := m.sess.cfg.Workspace, m.sample.ID, m.pos
	return func() tea.Msg {
		ctx := context.Background()
		d, err := review.SampleMemberDetail(ctx, ws, id, pos)
		if err != nil {
			return memberMsg{sample: id, pos: pos, err: err}
		}
		h, err := review.LabelHistory(ctx, ws, id, d.VideoID)
		return memberMsg{sample: id, pos: pos, detail: d, history: h, err: err}
	}
}

func (m reviewModel) loadStats() tea.Cmd {
	ws, id, me := m.sess.cfg.Workspace, m.sample.ID, m.sess.cfg.Reviewer
	return func() tea.Msg {
		ctx := context.Background()
		prog, err := review.SampleProgress(ctx, ws, id, me)
		if err != nil {
			return reviewStatsMsg{sample: id, err: err}
		}
		est, err := review.EstimateSample(ctx, ws, id, me, 0.95)
		if err != nil {
			return reviewStatsMsg{sample: id, err: err}
		}
		// Agreement with the other reviewer who labelled most.
		other, most := "", int64(0)
		for _, r := range sortedKeys(prog.Reviewers) {
			if n := prog.Reviewers[r]; r != me && n > most {
				other, most = r, n
			}
		}
		var agree *review.Agreement
		if other != "" {
			agree, err = review.SampleAgreement(ctx, ws, id, me, other, 0.95)
			if err != nil {
				agree = nil // no members in common yet
			}
		}
		return reviewStatsMsg{sample: id, prog: prog, est: est, agree: agree}
	}
}

// label saves a label at once (so a crash loses nothing); a changed label
// gets a reason in the audit trail.
func (m *reviewModel) label(name string) tea.Cmd {
	ws, id, me, video := m.sess.cfg.Workspace, m.sample.ID, m.sess.cfg.Reviewer, m.detail.VideoID
	note := m.pending
	m.pending = ""
	reason := ""
	if prev, ok := m.mine[video]; ok && prev.Label != name {
		reason = "changed from " + prev.Label + " in review"
	}
	return func() tea.Msg {
		rec, err := review.Label(context.Background(), ws, id, video, me, name, note, reason)
		return labelledMsg{rec: rec, err: err}
	}
}
