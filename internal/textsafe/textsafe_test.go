package textsafe

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// Moved here from tui/sanitize_test.go (TestSanitize), where Strip was
// tui.Sanitize.
func TestStrip(t *testing.T) {
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
		{"bidi isolate and marks", "a\u2066b\u2069\u200e\u200f\u061cc", "abc"},
		{"zero width space", "zero\u200bwidth", "zerowidth"},
		{"line separator", "a\u2028b", "ab"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"emoji kept", "🔥 #трend 👩‍💻", "🔥 #трend 👩‍💻"},
		{"trailing esc", "abc\x1b", "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Strip(tt.in); got != tt.want {
				t.Errorf("Strip(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestStripLine(t *testing.T) {
	if got, want := StripLine("a\nb\tc\r\nd\x1b[1m"), "a b c d"; got != want {
		t.Errorf("StripLine = %q, want %q", got, want)
	}
}

// Moved here from queries/export_test.go (TestSanitize), where Show was
// queries.Sanitize.
func TestShow(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ascii", "plain ascii", "plain ascii"},
		{"emoji and combining", "emoji 👩‍💻 é ́", "emoji 👩‍💻 é ́"},
		{"escape and bell", "\x1b[2J\x07", `\x1b[2J\x07`},
		{"line breaks", "a\nb\tc\r", `a\nb\tc\r`},
		{"bidi", "\u202eevil\u2066", `\u202eevil\u2066`},
		{"zero width space", "zero\u200bwidth", `zero\u200bwidth`},
		{"invalid byte", "bad \xff byte", `bad \xff byte`},
		{"c1 csi", "c1 \u009b31m", `c1 \u009b31m`},
		{"line separator", "line\u2028sep", `line\u2028sep`},
		{"full width", "中文 full width ＡＢ", "中文 full width ＡＢ"},
		{"del", "a\x7fb", `a\x7fb`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Show(tt.in); got != tt.want {
				t.Errorf("Show(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestShowLines(t *testing.T) {
	in := "SELECT 1\r\n\tFROM t -- \x1b]0;title\x07\n"
	want := "SELECT 1\n\tFROM t -- \\x1b]0;title\\x07\n"
	if got := ShowLines(in); got != want {
		t.Errorf("ShowLines(%q) = %q, want %q", in, got, want)
	}
}

func TestJSON(t *testing.T) {
	in := map[string]string{"caption": "a\x1b]0;t\x07 \u009b31m \u202egnp \u2066x\u2069 é 👩‍💻"}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	got := string(JSON(b))
	want := `{"caption":"a\u001b]0;t\u0007 \u009b31m \u202egnp \u2066x\u2069 é 👩‍💻"}`
	if got != want {
		t.Errorf("JSON = %s, want %s", got, want)
	}
	var back map[string]string
	if err := json.Unmarshal([]byte(got), &back); err != nil || back["caption"] != in["caption"] {
		t.Errorf("escaped JSON reads back as %q, %v", back["caption"], err)
	}
}

// FuzzTextsafe: whatever the input, every mode writes valid UTF-8 without
// an unsafe character (Strip and ShowLines keep newline and tab), Strip is
// idempotent, clean text passes every mode unchanged, and JSON escaping
// keeps a JSON string's value.
func FuzzTextsafe(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[31mred", "\x1b]0;t\x07", "\u009b1m", "\xff\xfe", "a\u202eb",
		"\x1bP\x1b\\", "\u200d\u200b", "a\u0300", "x\r\ny\tz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		check := func(mode, out string, keep func(rune) bool) {
			if !utf8.ValidString(out) {
				t.Fatalf("%s(%q) = %q: invalid UTF-8", mode, in, out)
			}
			for _, r := range out {
				if Unsafe(r) && !keep(r) {
					t.Fatalf("%s(%q) = %q keeps %U", mode, in, out, r)
				}
			}
		}
		strip := Strip(in)
		check("Strip", strip, newlineOrTab)
		check("StripLine", StripLine(in), nothing)
		check("Show", Show(in), nothing)
		check("ShowLines", ShowLines(in), newlineOrTab)
		if again := Strip(strip); again != strip {
			t.Fatalf("Strip not idempotent: %q -> %q -> %q", in, strip, again)
		}
		if strings.ContainsRune(strip, 0x1b) {
			t.Fatalf("Strip(%q) = %q keeps ESC", in, strip)
		}
		if clean(in, nothing) {
			for mode, out := range map[string]string{"Strip": strip, "StripLine": StripLine(in), "Show": Show(in), "ShowLines": ShowLines(in)} {
				if out != in {
					t.Fatalf("clean %q changed by %s to %q", in, mode, out)
				}
			}
		}
		b, _ := json.Marshal(in)
		esc := JSON(b)
		check("JSON", string(esc), nothing)
		var back string
		if err := json.Unmarshal(esc, &back); err != nil {
			t.Fatalf("JSON(%s) = %s does not parse: %v", b, esc, err)
		}
		if want := strings.ToValidUTF8(in, "\uFFFD"); utf8.ValidString(in) && back != want {
			t.Fatalf("JSON changed the value: %q -> %q", in, back)
		}
	})
}

// TestWriter: written in pieces of every size, the output equals ShowLines
// of the whole, so a character or a CRLF split across writes is shown as
// one.
func TestWriter(t *testing.T) {
	in := "id,caption\r\n1,\"a\x1b]0;title\x07 é\u202e 👩‍💻\"\r\n2,\xff\n"
	want := ShowLines(in)
	for size := 1; size <= len(in); size++ {
		var b strings.Builder
		w := NewWriter(&b)
		for i := 0; i < len(in); i += size {
			if n, err := w.Write([]byte(in[i:min(i+size, len(in))])); err != nil || n != min(size, len(in)-i) {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Fatalf("pieces of %d: %q, want %q", size, b.String(), want)
		}
	}
}
