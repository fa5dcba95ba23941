package who

import (
	"errors"
	"testing"
)

func TestResolve(t *testing.T) {
	env := func(user, username string) func(string) string {
		return func(k string) string { return map[string]string{"USER": user, "USERNAME": username}[k] }
	}
	for _, tc := range []struct {
		name, given, user, username, want string
	}{
		{"given wins", "ana", "bob", "carl", "ana"},
		{"given trimmed", "  ana ", "", "", "ana"},
		{"then $USER", "", "bob", "carl", "bob"},
		{"then $USERNAME", "", " ", "carl", "carl"},
		{"nobody", " ", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(tc.given, env(tc.user, tc.username))
			if got != tc.want || (tc.want == "") != errors.Is(err, ErrUnknown) {
				t.Errorf("Resolve(%q) with USER %q, USERNAME %q = %q, %v; want %q", tc.given, tc.user, tc.username, got, err, tc.want)
			}
		})
	}
}
