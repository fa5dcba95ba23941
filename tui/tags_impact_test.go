package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
)

// impactWorkspace imports a small synthetic platform, with its optional
// exports (views, searches, interventions) when optional is set.
func impactWorkspace(t *testing.T, optional bool) *datasets.Workspace {
	t.Helper()
	ctx := context.Background()
	m, err := synth.Generate(ctx, synth.Config{Videos: 3000, Seed: 3, Dir: t.TempDir(), Optional: optional})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := datasets.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	req := datasets.ImportRequest{Videos: []string{m.Files.Videos}, Events: []string{m.Files.Events}}
	if optional {
		f := m.Impact.Files
		req.Views, req.Searches, req.Interventions = []string{f.Views}, []string{f.Searches}, []string{f.Interventions}
	}
	if _, err := datasets.Import(ctx, ws, req); err != nil {
		t.Fatal(err)
	}
	return ws
}

// TestTagExplorerImpact runs the impact analyses from the Tags screen: on
// a workspace without the optional exports the screen says what is
// missing; with them it shows the analyses' statements.
func TestTagExplorerImpact(t *testing.T) {
	for _, optional := range []bool{false, true} {
		ws := impactWorkspace(t, optional)
		m, tm := newTestModel(t, testConfig(t, ws))
		send(tm, "4")
		tm.Type("omegle")
		send(tm, "enter")
		waitModel(t, tm, m, func(m *Model) bool { return m.tags.inv != nil && !m.tags.busy })
		send(tm, "h", "h", "h", "I") // impact before saving
		waitModel(t, tm, m, func(m *Model) bool {
			return m.tags.section == secImpact && strings.Contains(m.tags.note, "save the tag set first")
		})
		send(tm, "S")
		waitModel(t, tm, m, func(m *Model) bool {
			return m.tags.savedAs == "omegle" && !m.tags.busy && m.tags.inv.TagSet.Name == "omegle"
		})
		send(tm, "I")
		waitModel(t, tm, m, func(m *Model) bool { return m.tags.impact.req != 0 && !m.tags.impact.busy })
		fm := quit(t, tm)
		st, s := fm.tags.impact, screen(fm)
		if !optional {
			if st.interv != nil || !strings.Contains(s, "an optional export is missing") || !strings.Contains(s, "interventions") {
				t.Errorf("without optional exports:\n%s", s)
			}
			continue
		}
		if st.platform == nil || st.interv == nil || len(st.interv.Interventions) == 0 {
			t.Fatalf("with optional exports: platform %v (%s), interventions %v (%s)", st.platform != nil, st.platErr, st.interv, st.intErr)
		}
		if !strings.Contains(s, "Platform association (") || !strings.Contains(s, strings.Fields(st.platform.Statement)[0]) ||
			!strings.Contains(s, st.interv.Interventions[0].Started) {
			t.Errorf("impact section lacks the statements:\n%s", s)
		}
	}
}
