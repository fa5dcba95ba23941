package notebooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Privacy by default. A report leaves the investigator's machine, so:
//   - author ids become pseudonyms: "anon-" and the first 16 hex digits of
//     HMAC-SHA256(key, id). The same key gives the same pseudonym, so a key
//     shared across reports links an author between them; the default, a
//     random key per report, does not.
//   - captions are replaced by a note unless ShowCaptions.
// Columns are recognised by name: a column whose name, lower-cased, is or
// ends with "author_id" is pseudonymised; one that is or ends with
// "caption" is hidden. A query that renames them (SELECT author_id AS a)
// defeats this; the methods section says so.

// redactedValue is a value replaced for privacy; tables style it apart.
type redactedValue string

const captionHidden = "[caption hidden]"

// pseudonym returns the keyed pseudonym of an author id.
func pseudonym(key []byte, id string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	return "anon-" + hex.EncodeToString(m.Sum(nil)[:8])
}

func isAuthorColumn(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), "author_id")
}

func isCaptionColumn(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), "caption")
}

// privacyTransforms returns, per column, the function applied to each
// value (nil to keep it), and marks the columns in res.Redacted.
func (r *renderer) privacyTransforms(res *result) []func(any) any {
	out := make([]func(any) any, len(res.Columns))
	for i, c := range res.Columns {
		switch {
		case isAuthorColumn(c):
			res.Redacted[i] = "pseudonymised"
			r.used.pseudonymised = true
			out[i] = func(v any) any {
				if v == nil {
					return nil
				}
				return pseudonym(r.key, formatValue(v))
			}
		case isCaptionColumn(c) && !r.opts.ShowCaptions:
			res.Redacted[i] = "hidden"
			r.used.hiddenCaptions = true
			out[i] = func(v any) any {
				if v == nil {
					return nil
				}
				return redactedValue(captionHidden)
			}
		}
	}
	return out
}

// privacyNote says, in the report, what was done to protect people.
func (r *renderer) privacyNote() []string {
	var notes []string
	if r.opts.PseudonymKeySource != "" {
		notes = append(notes, "Author ids are pseudonymised with HMAC-SHA256 keyed by the key given in "+r.opts.PseudonymKeySource+" (not shown); reports made with the same key give an author the same pseudonym.")
	} else {
		notes = append(notes, "Author ids are pseudonymised with HMAC-SHA256 under a random key made for this report alone and not kept: pseudonyms cannot be linked to other reports or reversed.")
	}
	if r.opts.ShowCaptions {
		notes = append(notes, "Captions are shown (--show-captions): this report contains user text.")
	} else {
		notes = append(notes, "Captions are hidden; make the report with --show-captions to include them.")
	}
	notes = append(notes, "Columns are recognised by name: a column named or ending in author_id is pseudonymised, one named or ending in caption is hidden. All text from the data is HTML-escaped.")
	return notes
}
