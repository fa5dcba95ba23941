package datasets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/zstd"
)

// FileError is a problem with an input file as a whole, with the position
// where it was found (Line and Column are 0 when they do not apply).
type FileError struct {
	File   string
	Line   int64
	Column int
	Msg    string
	Err    error
}

func (e *FileError) Error() string {
	pos := e.File
	if e.Line > 0 {
		pos += fmt.Sprintf(":%d", e.Line)
		if e.Column > 0 {
			pos += fmt.Sprintf(":%d", e.Column)
		}
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", pos, e.Msg, e.Err)
	}
	return pos + ": " + e.Msg
}

func (e *FileError) Unwrap() error { return e.Err }

// inputFile is one export file about to be imported.
type inputFile struct {
	path        string // absolute
	format      string // csv, jsonl, parquet
	compression string // none, gzip, zstd
	size        int64
	sha256      string
	records     int64 // CSV: data records (after the header), counted while hashing
	// longest is the longest record in bytes, the header's included (a
	// JSON Lines record is a line), measured while hashing; 0 if unknown.
	longest int64
	// multiline lists the CSV records that span several lines (a quoted
	// line end), so that a record's number can become its line.
	multiline []spanningRecord
}

// spanningRecord is a CSV record that spans several lines: its number
// (the header is record 1) and the lines all such records up to and
// including it add beyond one each.
type spanningRecord struct{ record, extra int64 }

// expandFiles resolves the arguments (files or globs) to files, in order,
// without duplicates. A pattern that matches nothing is an error: a typo must
// not import less than the user meant.
func expandFiles(args []string, format string) ([]inputFile, error) {
	var out []inputFile
	seen := map[string]bool{}
	for _, arg := range args {
		matches, err := filepath.Glob(arg)
		if err != nil {
			return nil, fmt.Errorf("bad file pattern %q: %w", arg, err)
		}
		if len(matches) == 0 {
			if _, err := os.Stat(arg); err != nil {
				return nil, fmt.Errorf("%s: no such file (check the path, or quote a glob so the shell leaves it to trendlab)", arg)
			}
			matches = []string{arg}
		}
		sort.Strings(matches)
		for _, m := range matches {
			abs, err := filepath.Abs(m)
			if err != nil {
				return nil, err
			}
			if seen[abs] {
				continue
			}
			seen[abs] = true
			st, err := os.Stat(abs)
			if err != nil {
				return nil, err
			}
			if st.IsDir() {
				return nil, fmt.Errorf("%s is a folder: give the files in it, e.g. %q", m, filepath.Join(m, "*.csv"))
			}
			f, err := detectFormat(abs, format)
			if err != nil {
				return nil, err
			}
			f.size = st.Size()
			out = append(out, f)
		}
	}
	return out, nil
}

// detectFormat reads the format and compression from the file name, unless
// format is given.
func detectFormat(path, format string) (inputFile, error) {
	f := inputFile{path: path, compression: "none"}
	name := strings.ToLower(filepath.Base(path))
	switch {
	case strings.HasSuffix(name, ".gz"):
		f.compression, name = "gzip", strings.TrimSuffix(name, ".gz")
	case strings.HasSuffix(name, ".zst"):
		f.compression, name = "zstd", strings.TrimSuffix(name, ".zst")
	}
	switch ext := filepath.Ext(name); {
	case format != "":
		f.format = format
	case ext == ".csv":
		f.format = "csv"
	case ext == ".jsonl" || ext == ".ndjson" || ext == ".json":
		f.format = "jsonl"
	case ext == ".parquet" || ext == ".pq":
		f.format = "parquet"
	default:
		return f, fmt.Errorf("%s: cannot tell the format from the extension %q: name it .csv, .jsonl or .parquet (optionally .gz or .zst), or give the format explicitly", path, ext)
	}
	switch f.format {
	case "csv", "jsonl":
	case "parquet":
		if f.compression != "none" {
			return f, fmt.Errorf("%s: a Parquet file is compressed inside; do not gzip or zstd it whole", path)
		}
	default:
		return f, fmt.Errorf("format %q: expected csv, jsonl or parquet", f.format)
	}
	return f, nil
}

// hashAndVerify computes the file's SHA-256 and reads it to the end before
// DuckDB does: a compressed stream that is truncated or corrupt fails here
// with the line where it broke, and so does text that is not UTF-8 (DuckDB
// 1.5's CSV reader fails with an internal error on invalid UTF-8, which would
// take the whole workspace connection down).
func hashAndVerify(f *inputFile) error {
	fh, err := os.Open(f.path)
	if err != nil {
		return err
	}
	defer fh.Close()
	h := newAsyncHash()
	defer h.stop()
	var r io.Reader = io.TeeReader(fh, h)
	if f.compression != "none" {
		d, err := decompressor(f.compression, r)
		if err != nil {
			return &FileError{File: f.path, Line: 1, Msg: "not a valid " + f.compression + " file", Err: err}
		}
		if c, ok := d.(io.Closer); ok {
			defer c.Close()
		}
		r = d
	}
	if f.format == "parquet" {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return &FileError{File: f.path, Msg: "reading", Err: err}
		}
	} else if err := checkText(f, r); err != nil {
		return err
	}
	if f.format == "csv" && f.records > 0 {
		f.records-- // the header
	}
	f.sha256 = hex.EncodeToString(h.sum())
	return nil
}

// asyncHash is the SHA-256 of what is written to it, computed on a
// goroutine of its own: hashing a file and checking its text then take
// the time of the slower of the two, not of both (a 10M-video CSV file
// from the page cache: 1.56 s in a row, 1.16 s side by side). Write hands
// over copies, in order.
type asyncHash struct {
	h       hash.Hash
	work    chan []byte
	free    chan []byte
	done    chan struct{}
	stopped bool
}

func newAsyncHash() *asyncHash {
	const buffers = 4
	a := &asyncHash{h: sha256.New(), work: make(chan []byte, buffers), free: make(chan []byte, buffers), done: make(chan struct{})}
	for range buffers {
		a.free <- make([]byte, 0, 1<<20)
	}
	go func() {
		defer close(a.done)
		for b := range a.work {
			a.h.Write(b)
			a.free <- b[:0]
		}
	}()
	return a
}

func (a *asyncHash) Write(p []byte) (int, error) {
	for rest := p; len(rest) > 0; {
		b := <-a.free
		n := min(len(rest), cap(b))
		a.work <- append(b, rest[:n]...)
		rest = rest[n:]
	}
	return len(p), nil
}

// stop ends the hashing goroutine; sum and a deferred stop may both call it.
func (a *asyncHash) stop() {
	if !a.stopped {
		a.stopped = true
		close(a.work)
		<-a.done
	}
}

// sum is the SHA-256 of everything written.
func (a *asyncHash) sum() []byte {
	a.stop()
	return a.h.Sum(nil)
}

// checkText reads text to the end, checking that it is UTF-8 and counting
// lines so that an error can say where.
func checkText(f *inputFile, r io.Reader) error {
	buf := make([]byte, 1<<20)
	line := int64(1)
	var off, lineStart int64 // offsets in the text of buf[0] and of the line's start
	carry := 0
	records := csvRecords{quoted: f.format == "csv"}
	for {
		n, err := r.Read(buf[carry:])
		data := buf[:carry+n]
		end := len(data)
		if err == nil {
			// Keep an incomplete rune at the end for the next read.
			for k := 1; k <= utf8.UTFMax-1 && k <= end; k++ {
				if utf8.RuneStart(data[end-k]) {
					if !utf8.FullRune(data[end-k:]) {
						end -= k
					}
					break
				}
			}
		}
		chunk := data[:end]
		if !utf8.Valid(chunk) {
			for i := 0; i < len(chunk); {
				rn, size := utf8.DecodeRune(chunk[i:])
				if rn == utf8.RuneError && size == 1 {
					at := off + int64(i)
					where := ""
					if name := csvColumnAt(*f, at); name != "" {
						where = name + ": "
					}
					return &FileError{File: f.path, Line: line, Msg: fmt.Sprintf("%sbyte 0x%02X at byte %d is not UTF-8: export the file as UTF-8 (or convert it, e.g. iconv -f WINDOWS-1252 -t UTF-8)", where, chunk[i], at-lineStart+1)}
				}
				if rn == '\n' {
					line, lineStart = line+1, off+int64(i)+1
				}
				i += size
			}
		}
		if nl := bytes.LastIndexByte(chunk, '\n'); nl >= 0 {
			line += int64(bytes.Count(chunk, []byte{'\n'}))
			lineStart = off + int64(nl) + 1
		}
		records.feed(chunk)
		off += int64(len(chunk))
		carry = copy(buf, data[end:])
		if err == io.EOF {
			if f.format == "csv" {
				f.records = records.total()
				f.multiline = records.spanning
			}
			f.longest = records.longest()
			return nil
		}
		if err != nil {
			what := "reading"
			if f.compression != "none" {
				what = fmt.Sprintf("the %s stream is truncated or corrupt after line %d; the file is incomplete: export or download it again", f.compression, line)
			}
			return &FileError{File: f.path, Line: line, Msg: what, Err: err}
		}
	}
}

// csvColumnAt names the header column of the CSV field that holds the
// byte at offset at of f's text, or "" if it cannot tell (not CSV, or
// more fields than the header names). It reads f again: it is called
// only to describe an error.
func csvColumnAt(f inputFile, at int64) string {
	if f.format != "csv" {
		return ""
	}
	header, _, err := readCSVHeader(f)
	if err != nil {
		return ""
	}
	fh, err := os.Open(f.path)
	if err != nil {
		return ""
	}
	defer fh.Close()
	r, err := decompressor(f.compression, fh)
	if err != nil {
		return ""
	}
	br := bufio.NewReader(io.LimitReader(r, at))
	field, inQuote := 0, false
	for {
		b, err := br.ReadByte()
		if err != nil {
			break
		}
		switch {
		case b == '"':
			inQuote = !inQuote
		case inQuote:
		case b == ',':
			field++
		case b == '\n':
			field = 0
		}
	}
	if field < len(header) {
		return header[field]
	}
	return ""
}

// csvRecords counts the records of RFC 4180 text (line ends outside
// quotes; with quoted unset, every line end) and measures the longest. A
// doubled quote inside a quoted field toggles twice, so it needs no care.
type csvRecords struct {
	quoted   bool
	n        int64
	inQuote  bool
	last     byte
	off      int64 // offset of the next byte fed
	start    int64 // offset where the current record starts
	maxBytes int64
	extra    int64 // line ends inside quotes so far
	spanning []spanningRecord
}

func (c *csvRecords) feed(b []byte) {
	if len(b) == 0 {
		return
	}
	c.last = b[len(b)-1]
	for len(b) > 0 {
		i := -1
		if c.quoted {
			i = bytes.IndexByte(b, '"')
		}
		seg := b
		if i >= 0 {
			seg = b[:i+1]
		}
		if c.inQuote {
			c.extra += int64(bytes.Count(seg, []byte{'\n'}))
		} else {
			c.ends(seg)
		}
		c.off += int64(len(seg))
		if i < 0 {
			return
		}
		c.inQuote = !c.inQuote
		b = b[i+1:]
	}
}

// ends counts the record ends in seg, text outside quotes that starts at
// offset c.off.
func (c *csvRecords) ends(seg []byte) {
	for at := 0; ; {
		nl := bytes.IndexByte(seg[at:], '\n')
		if nl < 0 {
			return
		}
		end := c.off + int64(at+nl) + 1
		c.maxBytes = max(c.maxBytes, end-c.start)
		c.start = end
		c.n++
		c.listIfSpanning(c.n)
		at += nl + 1
	}
}

// total counts a last record without a line end too.
func (c *csvRecords) total() int64 {
	if c.last != 0 && c.last != '\n' {
		c.listIfSpanning(c.n + 1)
		return c.n + 1
	}
	return c.n
}

// listIfSpanning lists record, just ended, if line ends inside quotes
// came since the last record listed.
func (c *csvRecords) listIfSpanning(record int64) {
	var listed int64
	if k := len(c.spanning); k > 0 {
		listed = c.spanning[k-1].extra
	}
	if c.extra > listed {
		c.spanning = append(c.spanning, spanningRecord{record, c.extra})
	}
}

// longest is the longest record's length in bytes, its line end included.
func (c *csvRecords) longest() int64 {
	return max(c.maxBytes, c.off-c.start)
}

func decompressor(compression string, r io.Reader) (io.Reader, error) {
	switch compression {
	case "gzip":
		return gzip.NewReader(r)
	case "zstd":
		d, err := zstd.NewReader(r)
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	default:
		return r, nil
	}
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// readCSVHeader reads the header row of a CSV export, and whether its lines
// end in CRLF.
func readCSVHeader(f inputFile) (header []string, crlf bool, err error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return nil, false, err
	}
	defer fh.Close()
	r, err := decompressor(f.compression, fh)
	if err != nil {
		return nil, false, &FileError{File: f.path, Line: 1, Msg: "not a valid " + f.compression + " file", Err: err}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(3); bytes.Equal(b, utf8BOM) {
		br.Discard(3)
	}
	if b, _ := br.Peek(64 << 10); len(b) > 0 {
		if nl := bytes.IndexByte(b, '\n'); nl > 0 && b[nl-1] == '\r' {
			crlf = true
		}
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	header, err = cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, false, &FileError{File: f.path, Line: 1, Column: 1, Msg: "the file is empty: expected a header row naming the columns"}
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, false, &FileError{File: f.path, Line: int64(pe.Line), Column: pe.Column, Msg: "cannot read the header row", Err: pe.Err}
		}
		return nil, false, &FileError{File: f.path, Line: 1, Msg: "cannot read the header row", Err: err}
	}
	seen := map[string]int{}
	for i, h := range header {
		if prev, ok := seen[h]; ok {
			return nil, false, &FileError{File: f.path, Line: 1, Column: i + 1, Msg: fmt.Sprintf("column %q appears twice (columns %d and %d): rename one", h, prev+1, i+1)}
		}
		seen[h] = i
	}
	return header, crlf, nil
}
