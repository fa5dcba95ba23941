package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// The Impact section runs the two impact analyses (analysis.ImpactPlatform
// and analysis.ImpactIntervention) for the saved tag set on demand: they
// read optional exports and take longer than an investigation, so they do
// not run with it.

var impactKey = bind("I", "measure the platform association and the interventions' effect", "I")

// impactState is the Impact section's last run.
type impactState struct {
	req      int64
	busy     bool
	policy   string
	platform *analysis.Platform
	platErr  string
	interv   *analysis.InterventionReport
	intErr   string
}

type impactMsg struct {
	req      int64
	platform *analysis.Platform
	platErr  error
	interv   *analysis.InterventionReport
	intErr   error
}

// impactPolicy is the policy the platform association is measured for:
// the one under the cursor on the rates, else the first.
func (m tagsModel) impactPolicy() string {
	if c := m.lists[secRates].cursor; c < len(m.inv.Rates) {
		return m.inv.Rates[c].Policy
	}
	if len(m.inv.Policies) > 0 {
		return m.inv.Policies[0]
	}
	return ""
}

// runImpact starts both analyses for the saved tag set.
func (m *tagsModel) runImpact() tea.Cmd {
	if m.savedAs == "" {
		m.note = "save the tag set first (S): the impact analyses read a saved tag set"
		return nil
	}
	id, ws, set, policy := m.sess.newID(), m.sess.cfg.Workspace, m.savedAs, m.impactPolicy()
	m.impact = impactState{req: id, busy: true, policy: policy}
	return func() tea.Msg {
		ctx := context.Background()
		p, perr := analysis.ImpactPlatform(ctx, ws, analysis.PlatformRequest{TagSet: set, Policy: policy})
		r, ierr := analysis.ImpactIntervention(ctx, ws, analysis.InterventionRequest{TagSet: set})
		return impactMsg{req: id, platform: p, platErr: perr, interv: r, intErr: ierr}
	}
}

func (m tagsModel) onImpact(msg impactMsg) tagsModel {
	if msg.req != m.impact.req {
		return m
	}
	m.impact.busy = false
	m.impact.platform, m.impact.interv = msg.platform, msg.interv
	m.impact.platErr, m.impact.intErr = impactErrText(msg.platErr), impactErrText(msg.intErr)
	return m
}

// impactErrText says plainly when an optional export is missing.
func impactErrText(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, analysis.ErrNoOptionalExport):
		return "not measured, an optional export is missing: " + textsafe.StripLine(err.Error())
	}
	return textsafe.StripLine(err.Error())
}

// impactView shows the two analyses' statements, scrolled by the
// section's cursor (one line per step).
func (m tagsModel) impactView(th theme) []string {
	lines := m.impactLines(th)
	return renderList(th, lines, m.lists[secImpact], m.width, m.listHeight()+1, false)
}

// impactLines are the Impact section's lines, wrapped to the width.
func (m tagsModel) impactLines(th theme) []string {
	st := m.impact
	w := max(10, m.width)
	lines := []string{th.Faint.Render(oneLine("I measures, for the saved tag set, whether its volume goes with the platform's rate of the policy under the Rates cursor, and what each intervention did", w))}
	switch {
	case st.busy:
		return append(lines, "measuring… (it can take a while on a large workspace)")
	case st.req == 0:
		if m.savedAs == "" {
			return append(lines, "save the tag set (S), then press I")
		}
		return append(lines, "press I to measure #"+tagText(m.savedAs))
	}
	add := func(s string) { lines = append(lines, wrapWords(s, w)...) }
	warn := func(s string) {
		for _, l := range wrapWords(s, w) {
			lines = append(lines, th.Warn.Render(l))
		}
	}
	lines = append(lines, th.Header.Render("Platform association ("+textsafe.StripLine(st.policy)+")"))
	if p := st.platform; p != nil {
		add(textsafe.StripLine(p.Statement))
		if p.SpikeText != "" {
			add(textsafe.StripLine(p.SpikeText))
		}
		for _, n := range p.Notes {
			warn("note: " + textsafe.StripLine(n))
		}
	} else {
		warn(st.platErr)
	}
	lines = append(lines, "", th.Header.Render("Interventions"))
	r := st.interv
	if r == nil {
		warn(st.intErr)
		return lines
	}
	if len(r.Interventions) == 0 {
		add("no intervention on this tag set in the period")
	}
	for _, e := range r.Interventions {
		add(fmt.Sprintf("%s %s on %s (%s):", textsafe.StripLine(e.Kind), tagText(e.Target), e.Started, textsafe.StripLine(e.Source)))
		for _, s := range e.Series {
			add("  " + textsafe.StripLine(s.Statement))
		}
		if len(e.Evasion) > 0 {
			var sp []string
			for _, ev := range e.Evasion {
				sp = append(sp, "#"+tagText(ev.Spelling)+" ("+textsafe.StripLine(ev.Where)+", "+textsafe.StripLine(ev.Status)+")")
			}
			add("  spellings first seen since: " + strings.Join(sp, ", "))
		}
	}
	for _, n := range r.Notes {
		warn("note: " + textsafe.StripLine(n))
	}
	return lines
}

// wrapWords breaks s into lines of at most w cells at spaces.
func wrapWords(s string, w int) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case textWidth(line)+1+textWidth(word) <= w:
			line += " " + word
		default:
			out = append(out, line)
			line = word
		}
	}
	return append(out, line)
}
