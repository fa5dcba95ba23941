package tui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/review"
)

// The investigation screens run on a small synthetic platform with the
// planted "omegle" family.

func TestTagExplorer(t *testing.T) {
	ws := synthWorkspace(t, 3000)
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "4")
	tm.Type("omegle")
	send(tm, "enter")
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.inv != nil && !m.tags.busy })
	waitFor(t, tm, "accepted tags")
	// Reject the first candidate after the seed, save, and the set is re-run
	// from the saved tag set without it.
	send(tm, "j", "x", "S")
	waitModel(t, tm, m, func(m *Model) bool {
		return m.tags.savedAs == "omegle" && !m.tags.busy && m.tags.inv.TagSet.Name == "omegle"
	})
	send(tm, "l", "l") // rates
	fm := quit(t, tm)
	inv := fm.tags.inv
	if inv.TagSet.Seed != "omegle" || len(inv.Rates) == 0 || fm.tags.section != secRates {
		t.Fatalf("investigation: seed %q, %d rates, section %d", inv.TagSet.Seed, len(inv.Rates), fm.tags.section)
	}
	saved, err := analysis.LoadTagSet(context.Background(), ws, "omegle")
	if err != nil {
		t.Fatal(err)
	}
	rejected := 0
	for _, v := range saved.Variants {
		if v.Status == analysis.VariantRejected && v.Score >= analysis.DefaultMinScore {
			rejected++
		}
	}
	if rejected != 1 {
		t.Errorf("saved tag set rejects %d high-scoring variants, want the 1 rejected on screen", rejected)
	}
	// The screen shows the numbers analysis computed.
	first := inv.Rates[0]
	want := fmt.Sprintf("%.2f%%", 100*first.TagSet.P)
	if !strings.Contains(screen(fm), first.Policy) || !strings.Contains(screen(fm), want) {
		t.Errorf("rates screen lacks %s %s", first.Policy, want)
	}
	requireGolden(t, fm)
}

func TestTagExplorerDrillDown(t *testing.T) {
	ws := synthWorkspace(t, 3000)
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "4")
	tm.Type("omegle")
	send(tm, "enter")
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.inv != nil && !m.tags.busy })
	send(tm, "enter") // videos of the seed tag
	waitModel(t, tm, m, func(m *Model) bool { return gridReady(m) && m.grid.req == 0 })
	fm := quit(t, tm)
	seed := fm.tags.inv.TagSet.Candidates[0]
	if fm.screen != screenResults || fm.grid.rs.Total != seed.Videos {
		t.Fatalf("drill-down: screen %d, %d rows, want %d videos of #%s", fm.screen, fm.grid.rs.Total, seed.Videos, seed.Tag)
	}
}

func TestSampleReview(t *testing.T) {
	ws := synthWorkspace(t, 3000)
	cfg := testConfig(t, ws)
	cfg.PauseEvery = 2
	if err := analysis.SaveTagSet(context.Background(), ws, "omegle", "omegle", false, nil); err != nil {
		t.Fatal(err)
	}
	m, tm := newTestModel(t, cfg)
	send(tm, "5")
	waitModel(t, tm, m, func(m *Model) bool { return m.review.prog != nil })
	send(tm, "n")
	waitModel(t, tm, m, func(m *Model) bool { return m.review.state == reviewForm })
	// name, tag set, tags, policies, violating, size: 10
	for _, s := range []string{"down", "down", "down", "down", "down"} {
		send(tm, s)
	}
	m2 := func(m *Model) { m.review.fields[fTagSet].SetValue("omegle"); m.review.fields[fSize].SetValue("10") }
	tm.Send(probeMsg{fn: m2})
	send(tm, "ctrl+s")
	var caption string
	waitModel(t, tm, m, func(m *Model) bool {
		if m.review.state == reviewMember && m.review.detail != nil {
			caption = m.review.detail.Caption
			return true
		}
		return false
	})
	if c := caption; c != "" && strings.Contains(screenNow(t, tm), textsafe.StripLine(c)) {
		t.Error("the caption shows before it is revealed")
	}
	send(tm, "r")
	waitModel(t, tm, m, func(m *Model) bool { return m.review.revealed })
	send(tm, ":")
	tm.Type("looks like grooming")
	send(tm, "enter", "v")
	waitModel(t, tm, m, func(m *Model) bool { return m.review.given == 1 && m.review.detail != nil && m.review.pos == 2 })
	send(tm, "n")
	waitModel(t, tm, m, func(m *Model) bool { return m.review.paused })
	send(tm, "v") // ignored while paused
	send(tm, " ")
	waitModel(t, tm, m, func(m *Model) bool { return !m.review.paused && m.review.detail != nil && m.review.pos == 3 })
	send(tm, "[") // back to member 2, change its label
	waitModel(t, tm, m, func(m *Model) bool { return m.review.pos == 2 && m.review.detail != nil })
	send(tm, "e")
	waitModel(t, tm, m, func(m *Model) bool {
		r := m.review
		return r.given == 3 && r.pos == 3 && r.detail != nil && r.est != nil && r.est.Labelled == 2 && r.est.Shares[0].Count == 1
	})
	fm := quit(t, tm)
	s := fm.review.sample
	if s.Size != 10 || s.Definition.Frame.TagSet != "omegle" {
		t.Fatalf("sample: size %d, frame %+v", s.Size, s.Definition.Frame)
	}
	// Two members labelled, the second twice: the audit trail keeps both.
	first, err := review.SampleMemberDetail(context.Background(), ws, s.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	second, err := review.SampleMemberDetail(context.Background(), ws, s.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	h1, _ := review.LabelHistory(context.Background(), ws, s.ID, first.VideoID)
	h2, _ := review.LabelHistory(context.Background(), ws, s.ID, second.VideoID)
	if len(h1) != 1 || h1[0].Label != "violating" || h1[0].Note != "looks like grooming" || h1[0].Reviewer != "ana" {
		t.Errorf("first member's history = %+v", h1)
	}
	if len(h2) != 2 {
		t.Fatalf("second member's history = %+v", h2)
	}
	latest := h2[0]
	if h2[1].LabelledAt.After(latest.LabelledAt) {
		latest = h2[1]
	}
	if latest.Label != "escalate" || !strings.Contains(latest.Reason, "changed from not_violating") {
		t.Errorf("changed label = %+v", latest)
	}
	// Resume: reopening starts at the first member not labelled.
	pos, ok, err := review.NextUnlabelled(context.Background(), ws, s.ID, "ana")
	if err != nil || !ok || pos != 3 {
		t.Errorf("NextUnlabelled = %d, %v, %v", pos, ok, err)
	}
	requireGolden(t, fm)
}

func TestQueryPaletteAndReport(t *testing.T) {
	ws := synthWorkspace(t, 3000)
	if err := analysis.SaveTagSet(context.Background(), ws, "omegle", "omegle", false, nil); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, ws)
	m, tm := newTestModel(t, cfg)
	send(tm, "6")
	waitModel(t, tm, m, func(m *Model) bool { return m.palette.lib != nil })
	tm.Type("dvol") // fuzzy: daily_volume
	waitModel(t, tm, m, func(m *Model) bool { return len(m.palette.matches) > 0 && m.palette.matches[0].Name == "daily_volume" })
	send(tm, "enter")
	var params int
	waitModel(t, tm, m, func(m *Model) bool { params = len(m.palette.params); return m.palette.query != nil })
	tm.Type("omegle")
	for range params {
		send(tm, "enter")
	}
	waitModel(t, tm, m, func(m *Model) bool { return (gridReady(m) && m.grid.req == 0) || m.palette.err != "" })
	// Report of an investigation.
	send(tm, "4")
	tm.Type("omegle")
	send(tm, "enter")
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.inv != nil && !m.tags.busy })
	send(tm, "7", "w")
	waitModel(t, tm, m, func(m *Model) bool { return !m.report.busy && (m.report.path != "" || m.report.err != "") })
	fm := quit(t, tm)
	if fm.report.err != "" || fm.palette.err != "" {
		t.Fatalf("report error %q, palette error %q", fm.report.err, fm.palette.err)
	}
	html, err := os.ReadFile(fm.report.path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), "<html") || !strings.Contains(string(html), "omegle") {
		t.Errorf("report %s does not look like the omegle report", fm.report.path)
	}
	if rs := fm.grid.rs; rs.Title != "saved query daily_volume" || rs.Total == 0 {
		t.Errorf("saved query result: %q, %d rows", rs.Title, rs.Total)
	}
}

func TestFuzzyScore(t *testing.T) {
	tests := []struct {
		pat, s string
		ok     bool
	}{
		{"dvol", "daily_volume", true},
		{"", "anything", true},
		{"xyz", "daily_volume", false},
		{"DAILY", "daily_volume", true},
		{"vd", "daily_volume", false},
	}
	for _, tt := range tests {
		if _, ok := fuzzyScore(tt.pat, tt.s); ok != tt.ok {
			t.Errorf("fuzzyScore(%q, %q) ok = %v", tt.pat, tt.s, ok)
		}
	}
	a, _ := fuzzyScore("dv", "daily_volume")
	b, _ := fuzzyScore("dv", "removal_delivery")
	if a <= b {
		t.Errorf("word-start match scores %d, not above %d", a, b)
	}
}

func TestReviewResumeAndAgreement(t *testing.T) {
	ctx := context.Background()
	ws := synthWorkspace(t, 3000)
	if err := analysis.SaveTagSet(ctx, ws, "omegle", "omegle", false, nil); err != nil {
		t.Fatal(err)
	}
	s, err := review.CreateSample(ctx, ws, "omegle-review", "bo", review.SampleDefinition{
		Frame: review.SampleFrame{TagSet: "omegle"}, Method: review.MethodSimple, Size: 6, Seed: 9,
	})
	if err != nil {
		t.Fatal(err)
	}
	member := func(pos int64) string {
		d, err := review.SampleMemberDetail(ctx, ws, s.ID, pos)
		if err != nil {
			t.Fatal(err)
		}
		return d.VideoID
	}
	// bo labelled members 1-3; ana labelled member 1 in an earlier session.
	for pos, label := range map[int64]string{1: "violating", 2: "not_violating", 3: "violating"} {
		if _, err := review.Label(ctx, ws, s.ID, member(pos), "bo", label, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := review.Label(ctx, ws, s.ID, member(1), "ana", "violating", "", ""); err != nil {
		t.Fatal(err)
	}
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "5")
	waitModel(t, tm, m, func(m *Model) bool { return len(m.review.samples) == 1 })
	send(tm, "enter")
	// The review resumes at member 2, the first ana has not labelled.
	waitModel(t, tm, m, func(m *Model) bool { return m.review.state == reviewMember && m.review.detail != nil })
	var pos int64
	tm.Send(probeMsg{fn: func(m *Model) { pos = m.review.pos }})
	send(tm, "n") // member 2 agrees with bo
	waitModel(t, tm, m, func(m *Model) bool { return m.review.pos == 3 && m.review.detail != nil })
	send(tm, "n") // member 3 does not
	waitModel(t, tm, m, func(m *Model) bool { return m.review.agree != nil && m.review.agree.Items == 3 })
	waitFor(t, tm, "Cohen's κ")
	fm := quit(t, tm)
	if pos != 2 {
		t.Errorf("resumed at member %d, want 2", pos)
	}
	a := fm.review.agree
	want, err := review.SampleAgreement(ctx, ws, s.ID, "ana", "bo", 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if a.ReviewerB != "bo" || a.Agreed != 2 || a.Kappa != want.Kappa {
		t.Errorf("agreement = %+v, want 2 of 3 agreed and kappa %v", *a, want.Kappa)
	}
	if !strings.Contains(screen(fm), fmt.Sprintf("κ %.2f", want.Kappa)) {
		t.Errorf("the screen does not show kappa %.2f", want.Kappa)
	}
}

// TestTagsSaveOnReadOnlyWorkspace: on the read-only workspace the TUI opens
// by default, saving a tag set says how to get write access instead of
// passing DuckDB's error through, and writes nothing.
func TestTagsSaveOnReadOnlyWorkspace(t *testing.T) {
	ws := synthWorkspace(t, 3000)
	ws.ReadOnly = true // as trendlab tui opens it without --write
	t.Cleanup(func() { ws.ReadOnly = false })
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "4")
	tm.Type("omegle")
	send(tm, "enter")
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.inv != nil && !m.tags.busy })
	send(tm, "S")
	waitModel(t, tm, m, func(m *Model) bool { return strings.Contains(m.tags.err, "open read-only") })
	fm := quit(t, tm)
	if fm.tags.savedAs != "" {
		t.Errorf("saved as %q on a read-only workspace", fm.tags.savedAs)
	}
	if _, err := analysis.LoadTagSet(context.Background(), ws, "omegle"); err == nil {
		t.Error("the tag set was saved on a read-only workspace")
	}
}
