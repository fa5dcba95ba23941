package analysis

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/trendlab/trendlab/datasets"
)

// Variant scoring works on skeletons. A tag's skeleton is its normalised
// form (NFKC, case-folded) with diacritics removed, confusable letters from
// other scripts mapped to the Latin letter they look like, leetspeak digits
// and symbols mapped to letters, and separators dropped. Two tags with the
// same skeleton are spellings of one word; a candidate whose skeleton is one
// transposition away is a likely typo; one substitution away is as likely
// another word ("smegle"), so it scores below the default threshold; more
// edits relative to the seed's length ("omega", "omelette") mean another
// word, which is marked a look-alike.

// Scores given by the rules below. DefaultMinScore sits between the typo and
// compound rules (accepted) and the single-substitution and look-alike rules
// (rejected).
const (
	DefaultMinScore = 0.6

	scoreSeed        = 1.0
	scoreSkeleton    = 0.95 // leetspeak, confusables, diacritics, separators
	scoreRepeats     = 0.85 // "omeggle"
	scoreCompound    = 0.8  // "omeglefunny", "funnyomegle"
	scoreInside      = 0.5  // "xomeglex": seed inside a longer word
	scoreTruncation  = 0.3  // "omegl", "omeg": a prefix of the seed
	scoreLookalike   = 0.25 // the ceiling for two or more edits
	minCompoundSeed  = 4    // shorter seeds hide inside too many words
	minEditSeed      = 4    // shorter seeds are one edit from too many words
	minCompoundExtra = 2    // "omeglex" is a typo, not a compound
	scorePrefix      = 0.1  // "homegrown" shares "omeg"
	// maxLookalikeEdits is the largest edit distance, relative to the
	// seed's length, at which a tag is still listed as a look-alike.
	maxLookalikeEdits = 2.0 / 3
)

// sharedPrefix is the length of the seed prefix whose presence inside a
// candidate makes it a look-alike: 4 letters, or L-2 for longer seeds; 0
// for seeds too short for the rule.
func sharedPrefix(L int) int {
	if L < 5 {
		return 0
	}
	return max(4, L-2)
}

// confusables maps letters of other scripts (after case folding) to the
// Latin letter they are drawn like, after Unicode's confusables list
// (UTS #39), restricted to the lower-case letters that survive NFKC.
var confusables = map[rune]rune{
	// Greek
	'α': 'a', 'β': 'b', 'γ': 'y', 'ε': 'e', 'η': 'n', 'ι': 'l', 'κ': 'k',
	'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ω': 'w',
	'ϲ': 'c', 'ϳ': 'j',
	// Cyrillic
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'һ': 'h', 'і': 'l', 'ї': 'l',
	'ј': 'j', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'п': 'n', 'р': 'p',
	'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q',
	'ԝ': 'w', 'ӏ': 'l', 'ɡ': 'g', 'ɑ': 'a', 'ı': 'l', 'ȷ': 'j',
	// Latin letters drawn alike in most fonts: i, l and 1 collapse to l.
	'i': 'l',
}

// leet maps digits and symbols used as letters.
var leet = map[rune]rune{
	'0': 'o', '1': 'l', '3': 'e', '4': 'a', '@': 'a', '5': 's', '$': 's',
	'7': 't', '+': 't', '8': 'b', '9': 'g', '6': 'g', '|': 'l', '!': 'l',
	'€': 'e', '£': 'l',
}

// separators are dropped from skeletons: "omegle_talk" is "omegletalk".
func isSeparator(r rune) bool {
	return r == '_' || r == '-' || r == '.' || r == '·' || r == '\'' || unicode.IsSpace(r)
}

// skeletonTraits says which mappings a skeleton needed.
type skeletonTraits struct {
	leet, confusable, diacritics, separators bool
}

// skeleton returns the skeleton of a normalised tag and what it changed.
func skeleton(tag string) (string, skeletonTraits) {
	var tr skeletonTraits
	decomposed := norm.NFD.String(tag)
	var b strings.Builder
	for _, r := range decomposed {
		switch {
		case unicode.Is(unicode.Mn, r):
			tr.diacritics = true
			continue
		case isSeparator(r):
			tr.separators = true
			continue
		}
		if m, ok := leet[r]; ok {
			tr.leet = true
			r = m
		} else if m, ok := confusables[r]; ok {
			if r != 'i' {
				tr.confusable = true
			}
			r = m
		}
		b.WriteRune(r)
	}
	return b.String(), tr
}

// collapseRepeats turns runs of one letter into one: "omeggle" -> "omegle".
func collapseRepeats(s string) string {
	var b strings.Builder
	var last rune = -1
	for _, r := range s {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// editKind classifies a single edit between two strings.
type editKind int

const (
	editNone editKind = iota
	editTransposition
	editInsertion // candidate has one more letter
	editDeletion  // candidate has one letter fewer
	editSubstitution
	editMany
)

// osaDistance is the optimal string alignment distance (Damerau-Levenshtein
// without repeated edits of a substring) over runes.
func osaDistance(a, b []rune) int {
	n, m := len(a), len(b)
	d := make([][]int, n+1)
	for i := range d {
		d[i] = make([]int, m+1)
		d[i][0] = i
	}
	for j := 0; j <= m; j++ {
		d[0][j] = j
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[n][m]
}

// singleEdit classifies how cand differs from seed when the distance is at
// most one, and the position of the first difference.
func singleEdit(seed, cand []rune) (editKind, int) {
	if slices.Equal(seed, cand) {
		return editNone, -1
	}
	i := 0
	for i < len(seed) && i < len(cand) && seed[i] == cand[i] {
		i++
	}
	switch {
	case len(cand) == len(seed):
		if slices.Equal(seed[i+1:], cand[i+1:]) {
			return editSubstitution, i
		}
		if i+1 < len(seed) && seed[i] == cand[i+1] && seed[i+1] == cand[i] && slices.Equal(seed[i+2:], cand[i+2:]) {
			return editTransposition, i
		}
	case len(cand) == len(seed)+1:
		if slices.Equal(seed[i:], cand[i+1:]) {
			return editInsertion, i
		}
	case len(cand)+1 == len(seed):
		if slices.Equal(seed[i+1:], cand[i:]) {
			return editDeletion, i
		}
	}
	return editMany, i
}

// ScoreVariant scores how likely the normalised tag cand is a spelling of
// the normalised seed, and says why. A score of 0 with no reasons means no
// resemblance. The rules, first match wins (skeletons as described above,
// L the seed skeleton's length in letters):
//
//	same tag                                   1.0   seed
//	same skeleton                              0.95  leetspeak, confusables, diacritics, separators
//	same skeleton after collapsing repeats     0.85  repeated letters
//	seed skeleton as prefix or suffix (L>=4)   0.8   compound
//	one transposition (L>=4)                   0.9*(1-1/L)
//	one insertion or deletion (L>=4)           0.7*(1-1/L); at the first letter 0.4*(1-1/L)
//	one substitution (L>=4)                    0.7*(1-2/L); at the first letter 0.4*(1-1/L)
//	seed skeleton inside a longer word         0.5
//	candidate a prefix of the seed             0.3   truncation
//	d >= 2 edits with d/L <= 1/2 (or <= 2/3 with the same
//	first two letters)                         0.25*(1-d/L)  look-alike
//	contains the seed's first max(4, L-2) letters 0.1  look-alike
func ScoreVariant(seed, cand string) (score float64, reasons []string) {
	if cand == seed {
		return scoreSeed, []string{"seed"}
	}
	ss, _ := skeleton(seed)
	cs, tr := skeleton(cand)
	traitReasons := func() []string {
		var r []string
		if tr.leet {
			r = append(r, "leetspeak")
		}
		if tr.confusable {
			r = append(r, "confusable characters")
		}
		if tr.diacritics {
			r = append(r, "diacritics")
		}
		if tr.separators {
			r = append(r, "separators")
		}
		return r
	}
	if cs == ss {
		r := traitReasons()
		if len(r) == 0 {
			r = []string{"confusable characters"} // i / l / 1
		}
		return scoreSkeleton, r
	}
	if collapseRepeats(cs) == collapseRepeats(ss) {
		return scoreRepeats, append(traitReasons(), "repeated letters")
	}
	sr, cr := []rune(ss), []rune(cs)
	L := float64(len(sr))
	if len(sr) >= minCompoundSeed && len(cr) >= len(sr)+minCompoundExtra {
		if strings.HasPrefix(cs, ss) {
			return scoreCompound, append(traitReasons(), "compound: seed as prefix")
		}
		if strings.HasSuffix(cs, ss) {
			return scoreCompound, append(traitReasons(), "compound: seed as suffix")
		}
	}
	d := osaDistance(sr, cr)
	if d == 1 && len(sr) >= minEditSeed {
		kind, pos := singleEdit(sr, cr)
		rel := 1 - 1/L
		dist := fmt.Sprintf("edit distance 1 of %d", len(sr))
		switch kind {
		case editTransposition:
			return 0.9 * rel, append(traitReasons(), "transposition", dist)
		case editInsertion, editDeletion:
			what := "inserted letter"
			if kind == editDeletion {
				what = "dropped letter"
			}
			if pos == 0 {
				return 0.4 * rel, append(traitReasons(), what+" at the start", dist)
			}
			return 0.7 * rel, append(traitReasons(), what, dist)
		case editSubstitution:
			if pos == 0 {
				return 0.4 * rel, append(traitReasons(), "substituted first letter", dist)
			}
			// Long words survive a changed letter better: 0.47 for 6
			// letters (rejected), 0.61 for 16 (accepted).
			return 0.7 * (1 - 2/L), append(traitReasons(), "substituted letter", dist)
		}
	}
	if len(sr) >= minCompoundSeed && strings.Contains(cs, ss) {
		return scoreInside, append(traitReasons(), "seed inside a longer word")
	}
	if len(cr) >= 3 && len(cr) < len(sr) && strings.HasPrefix(ss, cs) {
		return scoreTruncation, append(traitReasons(), "truncation of the seed")
	}
	// Up to half the seed's length in edits is a look-alike; up to two
	// thirds only when the first two letters agree ("omelette"), so that
	// short unrelated words ("owldiy") are not listed.
	if d >= 2 && (float64(d) <= L/2 || float64(d) <= maxLookalikeEdits*L && len(cr) >= 2 && len(sr) >= 2 && cr[0] == sr[0] && cr[1] == sr[1]) {
		return scoreLookalike * (1 - float64(d)/L), append(traitReasons(), fmt.Sprintf("edit distance %d of %d", d, len(sr)))
	}
	if p := sharedPrefix(len(sr)); p > 0 && strings.Contains(cs, string(sr[:p])) {
		return scorePrefix, append(traitReasons(), fmt.Sprintf("shares %q", string(sr[:p])))
	}
	return 0, nil
}

// rawFormReasons explains why spellings as written normalise to the same
// tag: case folding, width folding and other NFKC compatibility mappings.
func rawFormReasons(forms []RawForm) []string {
	var caseFold, width, nfkc bool
	for _, f := range forms {
		raw := strings.TrimLeft(f.Raw, "#＃")
		if raw == datasets.NormalizeTag(raw) {
			continue
		}
		for _, r := range raw {
			switch {
			case r >= 0xFF01 && r <= 0xFF5E:
				width = true
			case r < utf8.RuneSelf && unicode.IsUpper(r):
				caseFold = true
			case r >= utf8.RuneSelf && unicode.IsUpper(r):
				caseFold = true
			case r >= utf8.RuneSelf && norm.NFKC.String(string(r)) != string(r):
				nfkc = true
			}
		}
	}
	var out []string
	if caseFold {
		out = append(out, "case fold")
	}
	if width {
		out = append(out, "width fold (NFKC)")
	}
	if nfkc {
		out = append(out, "NFKC")
	}
	return out
}

// rankVariants orders candidates: accepted first, then by score, by videos,
// and by tag so the order is stable.
func rankVariants(vs []Variant) {
	slices.SortFunc(vs, func(a, b Variant) int {
		if a.Status != b.Status {
			if a.Status == VariantAccepted {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Videos, a.Videos); c != 0 {
			return c
		}
		return strings.Compare(a.Tag, b.Tag)
	})
}

// Variant statuses as stored in tag_set_variants.status.
const (
	VariantAccepted = "accepted"
	VariantRejected = "rejected"
)
