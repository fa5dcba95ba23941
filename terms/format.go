package terms

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Formats a list is written in.
const (
	FormatTxt   = "txt"   // one term a line: what a blocklist takes
	FormatCSV   = "csv"   // a row per spelling, with counts and decisions
	FormatJSON  = "json"  // the whole List, its lines and its pattern
	FormatRegex = "regex" // one pattern, checked against the decoys
)

// ParseFormat checks a format name.
func ParseFormat(s string) (string, error) {
	switch s {
	case FormatTxt, FormatCSV, FormatJSON, FormatRegex:
		return s, nil
	}
	return "", fmt.Errorf("format %q: use txt, csv, json or regex", s)
}

// Write writes the list in a format.
func (l *List) Write(w io.Writer, format string) error {
	switch format {
	case FormatTxt:
		for _, t := range l.Terms() {
			if _, err := fmt.Fprintln(w, t); err != nil {
				return err
			}
		}
		return nil
	case FormatRegex:
		p, err := l.Regex()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, p)
		return err
	case FormatJSON:
		doc := struct {
			*List
			Terms []string `json:"terms"`
			Regex string   `json:"regex"`
		}{List: l, Terms: l.Terms()}
		p, err := l.Regex()
		if err != nil {
			return err
		}
		doc.Regex = p
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	case FormatCSV:
		return l.writeCSV(w)
	}
	_, err := ParseFormat(format)
	return err
}

// writeCSV writes a row per spelling: the normalised term (raw false) and
// each spelling as written (raw true), accepted then rejected; in_list says
// whether the row is a line of the list.
func (l *List) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"term", "spelling", "raw", "in_list", "occurrences", "videos", "status", "score", "reason", "decided_by", "decided_at", "tag_set"})
	inList := map[string]bool{}
	for _, t := range l.Terms() {
		inList[t] = true
	}
	row := func(e Entry, spelling string, raw bool, occ int64) {
		cw.Write([]string{e.Term, spelling, strconv.FormatBool(raw), strconv.FormatBool(e.Status == "accepted" && inList[spelling]),
			strconv.FormatInt(occ, 10), strconv.FormatInt(e.Videos, 10), e.Status, strconv.FormatFloat(e.Score, 'f', 3, 64),
			e.Reason, e.DecidedBy, e.DecidedAt.UTC().Format(time.RFC3339), l.TagSet})
	}
	for _, es := range [][]Entry{l.Accepted, l.Rejected} {
		for _, e := range es {
			row(e, e.Term, false, e.Occurrences)
			for _, s := range e.Spellings {
				if s.Raw != e.Term {
					row(e, s.Raw, true, s.Occurrences)
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
