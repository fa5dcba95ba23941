package tui

import (
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// keyMap is a screen's bindings: the short list feeds the key bar, the full
// list the help overlay.
type keyMap struct {
	short []key.Binding
	full  [][]key.Binding
}

func (k keyMap) ShortHelp() []key.Binding  { return k.short }
func (k keyMap) FullHelp() [][]key.Binding { return k.full }

func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// globalKeys work on every screen (the alt forms also while typing).
var globalKeys = struct {
	Help, Quit, Next, Prev, Cancel, Captions key.Binding
}{
	Help:     bind("?", "help", "?"),
	Quit:     bind("q", "quit", "q"),
	Next:     bind("tab", "next screen", "tab"),
	Prev:     bind("shift+tab", "previous screen", "shift+tab"),
	Cancel:   bind("ctrl+c", "cancel query / quit", "ctrl+c"),
	Captions: bind("C", "show / hide every caption this session", "C"),
}

// reservedReviewKeys are taken by the sample-review screen, so a label set
// cannot use them.
var reservedReviewKeys = map[string]bool{
	"r": true, "C": true, "?": true, "q": true, "[": true, "]": true, ":": true, " ": true,
	"1": true, "2": true, "3": true, "4": true, "5": true, "6": true, "7": true, "8": true, "9": true,
}

func reservedKeyList() string {
	var ks []string
	for k := range reservedReviewKeys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, " ")
}
