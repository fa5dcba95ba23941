package tui

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxHistory is the number of SQL console entries kept.
const maxHistory = 500

// history is the SQL console's list of run statements, oldest first, kept in
// a file as one JSON string a line so multi-line SQL survives.
type history struct {
	path    string
	entries []string
}

// loadHistory reads the history file; a missing file is an empty history.
func loadHistory(path string) (*history, error) {
	h := &history{path: path}
	if path == "" {
		return h, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return h, nil
	}
	if err != nil {
		return h, fmt.Errorf("reading SQL history: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		var s string
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			// A damaged line is skipped, not fatal: the history is a convenience.
			continue
		}
		h.entries = append(h.entries, s)
	}
	if err := sc.Err(); err != nil {
		return h, fmt.Errorf("reading SQL history %s line %d: %w", path, line+1, err)
	}
	if len(h.entries) > maxHistory {
		h.entries = h.entries[len(h.entries)-maxHistory:]
	}
	return h, nil
}

// add appends an entry (unless it repeats the last one) and saves the file.
func (h *history) add(sql string) error {
	sql = strings.TrimSpace(sql)
	if sql == "" || (len(h.entries) > 0 && h.entries[len(h.entries)-1] == sql) {
		return nil
	}
	h.entries = append(h.entries, sql)
	if len(h.entries) > maxHistory {
		h.entries = h.entries[len(h.entries)-maxHistory:]
	}
	if h.path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return fmt.Errorf("saving SQL history: %w", err)
	}
	var b strings.Builder
	for _, e := range h.entries {
		j, _ := json.Marshal(e)
		b.Write(j)
		b.WriteByte('\n')
	}
	tmp := h.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("saving SQL history: %w", err)
	}
	if err := os.Rename(tmp, h.path); err != nil {
		return fmt.Errorf("saving SQL history: %w", err)
	}
	return nil
}
