package datasets

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

var folder = cases.Fold()

// NormalizeTag applies the data contract's hashtag normalisation: Unicode
// NFKC, case folding, leading '#' and trailing punctuation removed. Invalid
// UTF-8 bytes become U+FFFD so the result is always valid text.
//
//	NormalizeTag("#Omegle!!") == "omegle"
//	NormalizeTag("＃ＯＭＥＧＬＥ") == "omegle"
func NormalizeTag(raw string) string {
	if isPlainASCII(raw) {
		return trimTag(strings.ToLower(raw))
	}
	s := strings.ToValidUTF8(raw, "\uFFFD")
	s = norm.NFKC.String(s)
	s = folder.String(s)
	// Folding can produce new compatibility forms; a second NFKC pass makes
	// the result a fixed point.
	s = norm.NFKC.String(s)
	return trimTag(s)
}

func trimTag(s string) string {
	s = strings.TrimLeft(s, "#")
	return strings.TrimRightFunc(s, unicode.IsPunct)
}

// isPlainASCII reports whether s is printable ASCII, for which NFKC and case
// folding reduce to strings.ToLower.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
