package datasets

import (
	"testing"
	"unicode/utf8"
)

func TestNormalizeTag(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"plain", "omegle", "omegle"},
		{"hash and case", "#OMEGLE", "omegle"},
		{"trailing punctuation", "#omegle!!?", "omegle"},
		{"inner punctuation kept", "#o.megle", "o.megle"},
		{"fullwidth", "＃ＯＭＥＧＬＥ", "omegle"},
		{"german sharp s folds", "STRAßE", "strasse"},
		{"ligature", "ﬁre", "fire"},
		{"leetspeak untouched", "0megle", "0megle"},
		{"emoji", "#🔥", "🔥"},
		{"several hashes", "##tag", "tag"},
		{"empty", "", ""},
		{"only hash", "#", ""},
		{"invalid utf8", "ab\xffc", "ab\uFFFDc"},
		{"turkish dotted I", "İstanbul", "i̇stanbul"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeTag(tt.raw); got != tt.want {
				t.Errorf("NormalizeTag(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func FuzzNormalizeTag(f *testing.F) {
	for _, s := range []string{"#Omegle", "＃ＯＭＥＧＬＥ", "ab\xffc", "e\u0301", "\u202etag", "🔥🔥", "#!!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := NormalizeTag(raw)
		if !utf8.ValidString(got) {
			t.Fatalf("NormalizeTag(%q) = %q: not valid UTF-8", raw, got)
		}
		if again := NormalizeTag(got); again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, got, again)
		}
	})
}
