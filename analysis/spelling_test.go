package analysis

import (
	"strings"
	"testing"
)

// Spellings that look the same must not print the same (issue 10.3).
func TestVisibleSpelling(t *testing.T) {
	tests := []struct{ in, want string }{
		{"omegle", "omegle"},
		{"οmegle", "οmegle [1: U+03BF Greek]"},              // Greek omicron
		{"omеgle", "omеgle [3: U+0435 Cyrillic]"},           // Cyrillic ie
		{"ome\u200bgle", "ome\u200bgle [4: U+200B Common]"}, // zero-width space
		{"ｏmegle", "ｏmegle [1: U+FF4F Latin]"},              // fullwidth o is Latin, but not ASCII
		{"オメグル", "オメグル"},                                    // one script: another word, not a disguise
		{"ماریا", "ماریا"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := VisibleSpelling(tt.in); got != tt.want {
			t.Errorf("VisibleSpelling(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
	if VisibleSpelling("οmegle") == VisibleSpelling("omegle") {
		t.Error("a Greek omicron prints like a Latin o")
	}
}

// The CLI's variant table shows the code point of a confusable spelling.
func TestWriteTextShowsConfusable(t *testing.T) {
	inv := &Investigation{TagSet: TagSet{Seed: "omegle", Source: "score", Accepted: []string{"omegle", "οmegle"},
		Candidates: []Variant{
			{Tag: "omegle", Status: VariantAccepted, RawForms: []RawForm{{Raw: "#omegle", Count: 3}}},
			{Tag: "οmegle", Status: VariantAccepted, RawForms: []RawForm{{Raw: "#οmegle", Count: 2}}},
		}}}
	var b strings.Builder
	if err := WriteText(&b, inv); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"οmegle [1: U+03BF Greek]", "#οmegle [2: U+03BF Greek]×2"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the text does not show %q:\n%s", want, b.String())
		}
	}
}
