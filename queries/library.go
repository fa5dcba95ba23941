package queries

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// shipped holds the queries built into trendlab.
//
//go:embed sql/*.sql
var shipped embed.FS

// EnvQueries names the environment variable that lists folders of user
// queries, separated like PATH (":" on Unix).
const EnvQueries = "TRENDLAB_QUERIES"

// Library is a set of saved queries by name: the shipped ones and those in
// user folders.
type Library struct {
	byName map[string]*Query
}

// Load reads the shipped queries and then the *.sql files of each folder in
// dirs. Where two have the same name, the one in the earlier folder wins
// and the shipped query loses to any user query; the winner's Shadows lists
// the files it hides. A file that does not parse is left out and its error
// is returned, joined with the others, beside a Library that holds every
// query that did parse, so that one bad file does not hide the rest.
func Load(dirs ...string) (*Library, error) {
	lib := &Library{byName: map[string]*Query{}}
	var errs []error
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			errs = append(errs, fmt.Errorf("reading query folder: %w", err))
			continue
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
				continue
			}
			file := filepath.Join(dir, e.Name())
			src, err := os.ReadFile(file)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			q, err := Parse(file, src)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			lib.add(q)
		}
	}
	names, err := fs.Glob(shipped, "sql/*.sql")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		src, err := shipped.ReadFile(name)
		if err != nil {
			return nil, err
		}
		q, err := Parse("shipped/"+path.Base(name), src)
		if err != nil {
			// A shipped query that does not parse is a bug in trendlab.
			panic("queries: " + err.Error())
		}
		q.Shipped = true
		lib.add(q)
	}
	return lib, errors.Join(errs...)
}

// DirsFromEnv splits the value of TRENDLAB_QUERIES into folders.
func DirsFromEnv(value string) []string {
	var dirs []string
	for _, d := range filepath.SplitList(value) {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// add keeps the first query of each name and records what it shadows.
func (l *Library) add(q *Query) {
	if have, ok := l.byName[q.Name]; ok {
		have.Shadows = append(have.Shadows, q.File)
		return
	}
	l.byName[q.Name] = q
}

// Queries returns every query, sorted by name.
func (l *Library) Queries() []*Query {
	out := make([]*Query, 0, len(l.byName))
	for _, q := range l.byName {
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ErrUnknownQuery is wrapped by Lookup's error for a name that is not in the
// library.
var ErrUnknownQuery = errors.New("no such query")

// Lookup returns the query with the given name. The error for an unknown
// name suggests the closest names.
func (l *Library) Lookup(name string) (*Query, error) {
	if q, ok := l.byName[name]; ok {
		return q, nil
	}
	var close []string
	for n := range l.byName {
		if strings.Contains(n, name) || strings.Contains(name, n) || editDistance(n, name) <= 3 {
			close = append(close, n)
		}
	}
	sort.Strings(close)
	hint := "run `trendlab query list` to see them all"
	if len(close) > 0 {
		hint = "did you mean " + strings.Join(close, ", ") + "? (`trendlab query list` shows them all)"
	}
	return nil, fmt.Errorf("%w %q: %s", ErrUnknownQuery, name, hint)
}

// editDistance is the Levenshtein distance, for suggestions.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
