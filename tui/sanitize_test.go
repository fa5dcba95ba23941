package tui

import (
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello #fyp", "hello #fyp"},
		{"keeps newline and tab", "a\nb\tc", "a\nb\tc"},
		{"sgr colour", "\x1b[31mred\x1b[0m", "red"},
		{"cursor movement", "a\x1b[2J\x1b[Hb", "ab"},
		{"osc title bel", "x\x1b]0;pwned\x07y", "xy"},
		{"osc 52 clipboard st", "x\x1b]52;c;ZXZpbA==\x1b\\y", "xy"},
		{"osc 8 hyperlink", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"dcs", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"apc", "a\x1b_Gf=100;AAAA\x1b\\b", "ab"},
		{"unterminated osc", "a\x1b]0;never ends", "a"},
		{"two byte escape", "a\x1bcb", "ab"},
		{"charset escape", "a\x1b(Bb", "ab"},
		{"8-bit csi", "a\u009b31mb", "ab"},
		{"8-bit osc", "a\u009d0;t\u009cb", "ab"},
		{"c0 controls", "a\x00\x07\x08\rb\x7f", "ab"},
		{"c1 controls", "a\u0085\u008eb", "ab"},
		{"bidi override", "abc\u202egnp.exe", "abcgnp.exe"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"emoji kept", "🔥 #трend", "🔥 #трend"},
		{"trailing esc", "abc\x1b", "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.in); got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeLine(t *testing.T) {
	if got, want := SanitizeLine("a\nb\tc\r\nd"), "a b c d"; got != want {
		t.Errorf("SanitizeLine = %q, want %q", got, want)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[31mred", "\x1b]0;t\x07", "\u009b1m", "\xff\xfe", "a\u202eb", "\x1bP\x1b\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		if !utf8.ValidString(out) {
			t.Fatalf("Sanitize(%q) = %q: invalid UTF-8", in, out)
		}
		for _, r := range out {
			if r == '\n' || r == '\t' {
				continue
			}
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
				t.Fatalf("Sanitize(%q) = %q: contains control %U", in, out, r)
			}
		}
		if again := Sanitize(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", in, out, again)
		}
		line := SanitizeLine(in)
		for _, r := range line {
			if r == '\n' || r == '\t' || r == '\r' {
				t.Fatalf("SanitizeLine(%q) = %q keeps a line break", in, line)
			}
		}
	})
}
