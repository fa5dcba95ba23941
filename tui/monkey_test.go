package tui

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestMonkey presses random keys (a fixed seed) across every screen, running
// every command to completion: nothing may panic, and every frame must fit.
func TestMonkey(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds of random keys; not in -short")
	}
	ws := synthWorkspace(t, 1500)
	for seed := range uint64(4) {
		monkey(t, testConfig(t, ws), seed, 1000)
	}
}

func monkey(t *testing.T, cfg Config, seed uint64, keys int) {
	m, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	drain(m, m.Init())
	vocab := []string{"j", "k", "h", "l", "enter", "esc", "tab", "down", "up", "left", "right", "pgdown",
		"1", "2", "3", "4", "5", "6", "7", "alt+1", "alt+3", "alt+5", "s", "t", "y", "Y", "e", "r", "v", "n", "u",
		"[", "]", ":", "a", "x", "S", "?", "G", "g", "0", "$", "ctrl+r", "ctrl+x", "ctrl+s", "/", "w", "b", "i",
		"o", "m", "g", "l", "e", " ", ";", "'", "*"}
	rng := rand.New(rand.NewPCG(seed, 2))
	visits := map[screenID]int{}
	defer func() { t.Logf("seed %d: frames per screen %v", seed, visits) }()
	for i := range keys {
		visits[m.screen]++
		k := vocab[rng.IntN(len(vocab))]
		if i%97 == 0 {
			m.Update(windowSize(20+rng.IntN(150), 3+rng.IntN(50)))
		}
		_, cmd := m.Update(keyMsg(k))
		drain(m, cmd)
		out := m.View().Content
		lines := strings.Split(out, "\n")
		if len(lines) > max(1, m.height) {
			t.Fatalf("after key %d (%q) on %s: %d lines in a %d-line window", i, k, screenNames[m.screen], len(lines), m.height)
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > m.width {
				t.Fatalf("after key %d (%q) on %s: a %d-cell line in a %d-cell window: %q", i, k, screenNames[m.screen], w, m.width, ansi.Strip(l))
			}
		}
	}
}
