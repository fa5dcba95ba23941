package review

// Who is labelling.

import (
	"errors"
	"strings"
)

// ErrNoReviewer means no reviewer name was given and the environment names
// no user either.
var ErrNoReviewer = errors.New("no reviewer name: labels record who gave them, and neither a name was given nor $USER (or $USERNAME) is set")

// ResolveReviewer is the one rule for who labels, used by every front end:
// the name given, or else $USER, or else $USERNAME, spaces trimmed; with
// none of them ErrNoReviewer (a label without a name would break the audit
// trail and the agreement between reviewers, so there is no default).
// getenv is os.Getenv outside tests.
func ResolveReviewer(given string, getenv func(string) string) (string, error) {
	for _, name := range []string{given, getenv("USER"), getenv("USERNAME")} {
		if name = strings.TrimSpace(name); name != "" {
			return name, nil
		}
	}
	return "", ErrNoReviewer
}
