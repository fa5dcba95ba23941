package tui

import (
	"strings"
	"testing"
)

// TestTagExplorerSweep sweeps the related tags from the Tags screen and
// opens a swept tag: the list is analysis.RunSweep's, in its order, and
// enter investigates the tag under the cursor.
func TestTagExplorerSweep(t *testing.T) {
	ws := synthWorkspace(t, 3000)
	m, tm := newTestModel(t, testConfig(t, ws))
	send(tm, "4")
	tm.Type("omegle")
	send(tm, "enter")
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.inv != nil && !m.tags.busy })
	send(tm, "W")
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.sweep.req != 0 && !m.tags.sweep.busy })
	s := screenNow(t, tm)
	var tags []string
	waitModel(t, tm, m, func(m *Model) bool {
		if m.tags.section != secSweep || m.tags.sweep.sw == nil {
			return false
		}
		for _, st := range m.tags.sweep.sw.Tags {
			tags = append(tags, st.Tag)
		}
		return true
	})
	if len(tags) < 2 {
		t.Fatalf("sweep of %d tags:\n%s", len(tags), s)
	}
	// The screen lists the swept tags in the sweep's order.
	at := -1
	for _, tag := range tags[:2] {
		i := strings.Index(s, "#"+tagText(tag)+" ")
		if i <= at {
			t.Fatalf("#%s not listed after the previous tag:\n%s", tag, s)
		}
		at = i
	}
	send(tm, "j", "enter")
	waitModel(t, tm, m, func(m *Model) bool { return m.tags.inv != nil && !m.tags.busy && m.tags.inv.TagSet.Seed == tags[1] })
	quit(t, tm)
}
