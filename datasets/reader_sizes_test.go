package datasets

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// naiveRecords measures text's records by the plain definition: a record
// ends at a line end outside quotes (every line end if !quoted).
func naiveRecords(text string, quoted bool) (records, longest int64, spanning []spanningRecord) {
	in, start, extra := false, 0, int64(0)
	end := func(at int) {
		records++
		longest = max(longest, int64(at-start))
		inner := int64(strings.Count(text[start:at], "\n"))
		if text[at-1] == '\n' {
			inner-- // the record's own line end
		}
		if inner > 0 {
			extra += inner
			spanning = append(spanning, spanningRecord{records, extra})
		}
		start = at
	}
	for i := 0; i < len(text); i++ {
		switch {
		case quoted && text[i] == '"':
			in = !in
		case text[i] == '\n' && !in:
			end(i + 1)
		}
	}
	if start < len(text) {
		end(len(text))
	}
	return records, longest, spanning
}

// TestRecordsLongest: the records and the longest record, fed in chunks
// of every size, are those of the whole text.
func TestRecordsLongest(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		quoted     bool
	}{
		{"plain", "h1,h2\na,b\nlonger,row here\nc,d\n", true},
		{"no last line end", "h\nshort\nthe longest of all", true},
		{"quoted line ends", "h1,h2\n\"a\nvery\nlong\nfield\",b\nx,y\n", true},
		{"doubled quotes", "h\n\"say \"\"hi\"\"\nthere\"\nz\n", true},
		{"crlf", "h\r\na,b\r\n\"q\r\nq\",c\r\n", true},
		{"spanning last record", "h\n\"a\nb\"\nc\n\"d\n\ne\"", true},
		{"jsonl ignores quotes", "{\"a\":\"x\n{\"b\":1}\n", false},
		{"empty", "", true},
	} {
		wantRecords, wantLongest, wantSpanning := naiveRecords(tc.text, tc.quoted)
		for size := 1; size <= max(1, len(tc.text)); size++ {
			c := csvRecords{quoted: tc.quoted}
			for rest := []byte(tc.text); len(rest) > 0; {
				n := min(size, len(rest))
				c.feed(rest[:n])
				rest = rest[n:]
			}
			if got := c.longest(); got != wantLongest {
				t.Errorf("%s, chunks of %d: longest %d, want %d", tc.name, size, got, wantLongest)
			}
			if !tc.quoted {
				continue
			}
			if got := c.total(); got != wantRecords {
				t.Errorf("%s, chunks of %d: %d records, want %d", tc.name, size, got, wantRecords)
			}
			if !slices.Equal(c.spanning, wantSpanning) {
				t.Errorf("%s, chunks of %d: spanning records %v, want %v", tc.name, size, c.spanning, wantSpanning)
			}
		}
	}
}

func TestReaderSizes(t *testing.T) {
	for _, tc := range []struct {
		longest, maxLine, buffer int64
	}{
		{0, maxLineSize, 2 * maxLineSize}, // unknown
		{1, 2 << 20, 8 << 20},
		{200, 2 << 20, 8 << 20},
		{1 << 20, 2 << 20, 8 << 20},
		{1<<20 + 1, 4 << 20, 8 << 20},
		{3 << 20, 8 << 20, 16 << 20},
		{maxLineSize / 2, maxLineSize, 2 * maxLineSize},
		{maxLineSize/2 + 1, maxLineSize, 2 * maxLineSize},
		{3 * maxLineSize, maxLineSize, 2 * maxLineSize}, // rejected by the reader
	} {
		maxLine, buffer := readerSizes(tc.longest)
		if maxLine != tc.maxLine || buffer != tc.buffer {
			t.Errorf("readerSizes(%d) = %d, %d; want %d, %d", tc.longest, maxLine, buffer, tc.maxLine, tc.buffer)
		}
		if tc.longest > 0 && tc.longest <= maxLineSize && maxLine < tc.longest {
			t.Errorf("readerSizes(%d): a line of %d bytes would be rejected", tc.longest, maxLine)
		}
	}
}

// TestImportAcrossReaderBuffers: a CSV file of several of DuckDB's 8 MB
// read buffers, with quoted line ends, commas and quotes in its captions
// and one caption of 3 MB (so the buffers are 16 MB), loads every row as
// written; the rows it rejects (a bad time, a repeated id, a record with
// a field too many, all after captions with line ends) are named by the
// line they start on, not by their record's number.
func TestImportAcrossReaderBuffers(t *testing.T) {
	var b strings.Builder
	b.WriteString(videosHeader)
	var captions []string
	var want []reject
	line, firstLine := 2, map[int]int{}
	for i := 0; b.Len() < 40<<20; i++ {
		switch i {
		case 100000:
			want = append(want, reject{Line: int64(line)})
			fmt.Fprintf(&b, "extra%d,a,2026-06-01T10:00:00Z,plain,#t,,,,,,,,,one too many\n", i)
			line++
			continue
		case 120000:
			want = append(want, reject{Line: int64(line), Reason: fmt.Sprintf("video_id: v%07d repeats line %d", 10, firstLine[10])})
			fmt.Fprintf(&b, "v%07d,a,2026-06-01T10:00:00Z,plain,#t,,,,,,,,\n", 10)
			line++
			continue
		case 150000:
			want = append(want, reject{Line: int64(line), Reason: "created_at: not a time is not an RFC 3339 timestamp"})
			fmt.Fprintf(&b, "bad%d,a,not a time,plain,#t,,,,,,,,\n", i)
			line++
			continue
		}
		c := fmt.Sprintf("caption %d, with \"quotes\"\nand a line end %s", i, strings.Repeat("x", i%300))
		if i == 5000 {
			c = strings.Repeat("a long caption ", 200000) // 3 MB
		}
		firstLine[i] = line
		fmt.Fprintf(&b, "v%07d,a,2026-06-01T10:00:00Z,\"%s\",#t,,,,,,,,\n", i, strings.ReplaceAll(c, `"`, `""`))
		captions = append(captions, c)
		line += 1 + strings.Count(c, "\n")
	}
	if len(want) != 3 {
		t.Fatal("the file ended before the bad rows")
	}
	path := writeFile(t, t.TempDir(), "v.csv", []byte(b.String()))
	ws := memWorkspace(t)
	sum, err := Import(context.Background(), ws, ImportRequest{Videos: []string{path}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.VideosLoaded != int64(len(captions)) || sum.Rejected != 3 {
		t.Fatalf("loaded %d of %d, %d rejected; rejects %+v", sum.VideosLoaded, len(captions), sum.Rejected, rejectsOf(t, ws))
	}
	h := md5.New()
	for _, c := range captions {
		h.Write([]byte(c))
	}
	var got string
	if err := ws.DB.QueryRow(`SELECT md5(string_agg(caption, '' ORDER BY video_id)) FROM videos`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Errorf("captions changed: md5 %s, want %s", got, want)
	}
	rejects := rejectsOf(t, ws)
	if len(rejects) != len(want) {
		t.Fatalf("rejects %+v, want lines %+v", rejects, want)
	}
	for i, r := range rejects {
		if r.Line != want[i].Line || (want[i].Reason != "" && r.Reason != want[i].Reason) {
			t.Errorf("reject %d: line %d %q, want line %d %q", i, r.Line, r.Reason, want[i].Line, want[i].Reason)
		}
	}
}
