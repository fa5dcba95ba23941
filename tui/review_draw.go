package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/review"
)

func (m reviewModel) View(th theme) string {
	switch m.state {
	case reviewForm:
		return m.formView(th)
	case reviewMember:
		return m.memberView(th)
	}
	var lines []string
	lines = append(lines, th.Title.Render("Samples")+th.Faint.Render("  enter resumes a review · n draws a new sample"))
	head := th.Header.Render(pad("name", 28) + " " + padLeft("size", 7) + " " + padLeft("frame", 10) + " " + pad("method", 22) + " " + padLeft("mine", 6) + " " + padLeft("anyone", 7) + "  created")
	lines = append(lines, head)
	items := make([]string, len(m.samples))
	for i, s := range m.samples {
		p := m.prog[s.ID]
		method := s.Definition.Method
		if s.Definition.Strata != "" {
			method += " by " + s.Definition.Strata
		}
		var anyone int64
		for _, n := range p.Reviewers {
			anyone = max(anyone, n)
		}
		items[i] = pad(textsafe.StripLine(s.Name), 28) + " " + padLeft(analysis.GroupDigits(s.Size), 7) + " " + padLeft(analysis.GroupDigits(s.FrameSize), 10) + " " +
			pad(textsafe.StripLine(method), 22) + " " + padLeft(analysis.GroupDigits(p.Labelled), 6) + " " + padLeft(analysis.GroupDigits(anyone), 7) + "  " +
			s.CreatedAt.UTC().Format("2006-01-02 15:04") + " by " + textsafe.StripLine(s.CreatedBy)
	}
	if len(items) == 0 {
		lines = append(lines, th.Faint.Render("no samples yet: press n to draw one"))
	}
	lines = append(lines, renderList(th, items, m.listL, m.width, max(1, m.height-3), true)...)
	if m.err != "" {
		lines = append(lines, th.Error.Render(oneLine(m.err, m.width)))
	}
	return strings.Join(lines, "\n")
}

func (m reviewModel) formView(th theme) string {
	lines := []string{th.Title.Render("New sample") + th.Faint.Render("  drawn reproducibly from frame + seed; members are reviewed in a random order"), ""}
	for i := range m.fields {
		label := pad(fieldLabels[i], 34)
		if i == m.field {
			label = th.Key.Render(label)
		} else {
			label = th.Faint.Render(label)
		}
		lines = append(lines, label+" "+m.fields[i].View())
	}
	lines = append(lines, "", th.Faint.Render("The frame is the tag set's videos (and/or the tags), within the policies; labels: "+labelSummary(m.sess.cfg.Labels)))
	if m.note != "" {
		lines = append(lines, m.note)
	}
	if m.err != "" {
		lines = append(lines, th.Error.Render(oneLine(m.err, m.width)))
	}
	return strings.Join(lines, "\n")
}

func labelSummary(set []review.LabelDef) string {
	parts := make([]string, len(set))
	for i, l := range set {
		parts[i] = l.Key + " " + l.Title
	}
	return strings.Join(parts, ", ")
}

func (m reviewModel) memberView(th theme) string {
	s := m.sample
	leftW := max(30, m.width*3/5)
	rightW := max(10, m.width-leftW-3)
	frac := 0.0
	if s.Size > 0 {
		frac = float64(m.progress.Labelled) / float64(s.Size)
	}
	header := th.Title.Render(fmt.Sprintf("%s · member %d of %d", textsafe.StripLine(s.Name), m.pos, s.Size)) + "  " +
		m.bar.ViewAs(frac) + fmt.Sprintf(" %d/%d labelled by %s", m.progress.Labelled, s.Size, textsafe.StripLine(m.sess.cfg.Reviewer))
	var left []string
	if m.paused {
		left = append(left, "", th.Warn.Render(fmt.Sprintf("You have labelled %d items in this session.", m.given)),
			"Take a short break: look away from the screen, stretch, get some water.",
			"Reviewing harmful content is hard; talk to your lead or wellbeing support if it weighs on you.",
			"", th.Faint.Render("press space or enter to continue"))
	} else if d := m.detail; d == nil {
		left = append(left, th.Faint.Render("loading…"))
	} else {
		kv := func(k, v string) string { return th.Key.Render(pad(k, 10)) + " " + v }
		left = append(left,
			kv("video", textsafe.StripLine(d.VideoID)+th.Faint.Render("  stratum "+textsafe.StripLine(d.Stratum))),
			kv("author", textsafe.StripLine(d.AuthorID)),
			kv("created", d.CreatedAt.UTC().Format("2006-01-02 15:04 UTC")),
			kv("region", textsafe.StripLine(d.Region)+"  language "+textsafe.StripLine(d.Language)+"  age band "+textsafe.StripLine(d.AuthorAgeBand)),
			kv("views", analysis.GroupDigits(d.ViewCount)),
		)
		tags := make([]string, len(d.Tags))
		for i, t := range d.Tags {
			tags[i] = textsafe.StripLine(t)
		}
		left = append(left, kv("tags", ansi.Truncate(strings.Join(tags, " "), leftW-11, "…")))
		if m.revealed || m.sess.captionsShown { // the caption rule, captions.go
			wrapped := strings.Split(ansi.Wordwrap(textsafe.Strip(d.Caption), leftW-11, " "), "\n")
			for i, w := range wrapped {
				if i == 0 {
					left = append(left, kv("caption", w))
				} else {
					left = append(left, pad("", 11)+w)
				}
			}
		} else {
			left = append(left, kv("caption", th.Faint.Render("hidden: press r to reveal")))
		}
		left = append(left, "", th.Header.Render("moderation timeline"))
		if len(d.Events) == 0 {
			left = append(left, th.Faint.Render("no moderation events"))
		}
		for _, e := range d.Events {
			what := textsafe.StripLine(e.EventType + " " + e.Source + " " + e.Policy)
			if e.PolicyTitle != "" {
				what += " (" + textsafe.StripLine(e.PolicyTitle) + ")"
			}
			if e.Decision != "" {
				what += " → " + textsafe.StripLine(e.Decision)
			}
			if e.Action != "" {
				what += " → " + textsafe.StripLine(e.Action)
			}
			left = append(left, th.Faint.Render(e.EventTime.UTC().Format("01-02 15:04"))+" "+what)
		}
		left = append(left, "")
		if rec, ok := m.mine[d.VideoID]; ok {
			left = append(left, th.OK.Render("your label: "+textsafe.StripLine(rec.Label))+th.Faint.Render(" ("+rec.LabelledAt.UTC().Format("15:04:05")+")"))
		} else {
			left = append(left, th.Faint.Render("not labelled by you yet"))
		}
		if n := len(m.history); n > 0 {
			var trail []string
			for _, r := range m.history[max(0, n-3):] {
				e := textsafe.StripLine(r.Label) + " by " + textsafe.StripLine(r.Reviewer) + " " + r.LabelledAt.UTC().Format("01-02 15:04")
				if r.Reason != "" {
					e += " (" + textsafe.StripLine(r.Reason) + ")"
				}
				trail = append(trail, e)
			}
			more := ""
			if n > 3 {
				more = fmt.Sprintf("%d earlier · ", n-3)
			}
			left = append(left, th.Faint.Render(ansi.Truncate("audit trail: "+more+strings.Join(trail, " → "), leftW, "…")))
		}
		var choices []string
		for _, l := range m.labels {
			choices = append(choices, th.Key.Render("["+l.Key+"]")+" "+textsafe.StripLine(l.Title))
		}
		left = append(left, strings.Join(choices, "  "))
		if m.noting {
			left = append(left, m.noteInput.View())
		} else if m.pending != "" {
			left = append(left, th.Faint.Render("note for the next label: "+oneLine(m.pending, leftW-26)))
		}
	}
	right := m.estimatesView(th, rightW)
	body := joinColumns(" │ ", padBlock(left, leftW), right)
	status := ""
	switch {
	case m.err != "":
		status = th.Error.Render(oneLine(m.err, m.width))
	case m.note != "":
		status = th.Faint.Render(oneLine(m.note, m.width))
	}
	return header + "\n" + body + "\n" + status
}

func padBlock(lines []string, w int) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = pad(l, w)
	}
	return out
}

func (m reviewModel) estimatesView(th theme, w int) []string {
	lines := []string{th.Title.Render("Estimates") + th.Faint.Render(" (your labels)")}
	e := m.est
	if e == nil {
		return append(lines, th.Faint.Render("…"))
	}
	if e.Labelled == 0 {
		lines = append(lines, th.Faint.Render("no labels yet"))
	}
	conf := fmt.Sprintf("%g%%", 100*e.Confidence)
	barW := max(5, w-36)
	for _, s := range append(append([]review.LabelShare{}, e.Shares...), e.Violating) {
		name := textsafe.StripLine(s.Label)
		if math.IsNaN(s.Estimate.P) {
			lines = append(lines, pad(name, 16)+" "+padLeft(analysis.GroupDigits(s.Count), 4)+"  –")
			continue
		}
		lines = append(lines, pad(name, 16)+" "+padLeft(analysis.GroupDigits(s.Count), 4)+" "+padLeft(fmt.Sprintf("%.0f%%", 100*s.Estimate.P), 4)+" "+
			intervalBar(s.Estimate.P, s.Estimate.CI.Lo, s.Estimate.CI.Hi, 1, barW))
	}
	lines = append(lines, th.Faint.Render(fmt.Sprintf("%s intervals; %d of %d strata covered", conf, e.StrataCovered, e.Strata)))
	if a := m.agree; a != nil && a.Items > 0 {
		lines = append(lines, "", th.Title.Render("Agreement"),
			fmt.Sprintf("with %s on %d items", textsafe.StripLine(a.ReviewerB), a.Items),
			fmt.Sprintf("agreed %d (%.0f%%)", a.Agreed, 100*a.Observed),
			fmt.Sprintf("Cohen's κ %.2f [%.2f, %.2f]", a.Kappa, a.CI.Lo, a.CI.Hi))
	}
	return lines
}
