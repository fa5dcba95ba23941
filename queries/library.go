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
		folder := map[string]*Query{}
		variants := map[string]string{} // query name -> .pg.sql file
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
				continue
			}
			file := filepath.Join(dir, e.Name())
			if name, ok := strings.CutSuffix(e.Name(), postgresSuffix); ok {
				variants[name] = file
				continue
			}
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
			folder[q.Name] = q
			lib.add(q)
		}
		for name, file := range variants {
			src, err := os.ReadFile(file)
			if err == nil {
				err = attachVariant(folder, name, file, src)
			}
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	names, err := fs.Glob(shipped, "sql/*.sql")
	if err != nil {
		return nil, err
	}
	builtIn := map[string]*Query{}
	for _, name := range names {
		if strings.HasSuffix(name, postgresSuffix) {
			continue
		}
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
		builtIn[q.Name] = q
		lib.add(q)
	}
	for _, name := range names {
		if base, ok := strings.CutSuffix(path.Base(name), postgresSuffix); ok {
			src, err := shipped.ReadFile(name)
			if err == nil {
				err = attachVariant(builtIn, base, "shipped/"+path.Base(name), src)
			}
			if err != nil {
				panic("queries: " + err.Error())
			}
		}
	}
	return lib, errors.Join(errs...)
}

// postgresSuffix ends the file name of a query's PostgreSQL variant:
// NAME.pg.sql beside NAME.sql.
const postgresSuffix = ".pg.sql"

// attachVariant gives the query name of one folder its PostgreSQL text.
func attachVariant(folder map[string]*Query, name, file string, src []byte) error {
	q, ok := folder[name]
	if !ok {
		return &ParseError{File: file, Line: 1, Msg: fmt.Sprintf("a PostgreSQL variant of query %q, but no %s.sql beside it holds that query (its header and parameters)", name, name)}
	}
	if strings.TrimSpace(stripLineComments(strings.Split(string(src), "\n"))) == "" {
		return &ParseError{File: file, Line: 1, Msg: "no SQL in the PostgreSQL variant"}
	}
	q.PostgresSQL = string(src)
	return nil
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
