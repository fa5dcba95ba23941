// Package who names the person a record is attributed to: a review label,
// a tag-set decision, a term list, a watch, an intervention recorded by
// hand. Every front end resolves the name by the one rule here, so that
// every record stays attributable the same way.
package who

import (
	"errors"
	"strings"
)

// ErrUnknown means no name was given and the environment names no user.
var ErrUnknown = errors.New("no name for who is doing this: trendlab records who made each label and decision, and none was given and neither $USER nor $USERNAME is set")

// Resolve is the rule: the name given, or else $USER, or else $USERNAME,
// spaces trimmed; with none of them ErrUnknown. There is no default name:
// a label or decision by "someone" would break the audit trail (and the
// agreement between reviewers). getenv is os.Getenv outside tests.
func Resolve(given string, getenv func(string) string) (string, error) {
	for _, name := range []string{given, getenv("USER"), getenv("USERNAME")} {
		if name = strings.TrimSpace(name); name != "" {
			return name, nil
		}
	}
	return "", ErrUnknown
}
