package synth_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/klauspost/compress/zstd"

	"github.com/trendlab/trendlab/datasets/synth"
)

// videoRow and eventRow are the rows as a reader of any format sees them;
// "" stands for an absent (empty or null) value.
type videoRow struct {
	ID, Author       string
	Created          time.Time
	CreatedText      string // as written (CSV and JSONL); "" for Parquet
	Caption          string
	Tags             []string
	Region, Language string
	AgeBand          string
	Views, Likes     int64
	Shares, Comments int64
	Duration         float64
}

type eventRow struct {
	ID, Video     string
	Time          time.Time
	TimeText      string
	Type, Source  string
	Policy, Title string
	Decision      string
	Action        string
}

var (
	wantVideoColumns = []string{"video_id", "author_id", "created_at", "caption", "hashtags", "region", "language",
		"author_age_band", "view_count", "like_count", "share_count", "comment_count", "duration_s"}
	wantEventColumns = []string{"event_id", "video_id", "event_time", "event_type", "source", "policy",
		"policy_title", "decision", "action"}
)

// generate runs synth.Generate into a fresh temporary directory.
func generate(t testing.TB, cfg synth.Config) synth.Manifest {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	m, err := synth.Generate(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return m
}

// openDecompressed opens path and undoes its whole-file compression.
func openDecompressed(t testing.TB, path string) io.Reader {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	switch filepath.Ext(path) {
	case ".gz":
		z, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return z
	case ".zst":
		z, err := zstd.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		t.Cleanup(z.Close)
		return z
	}
	return bufio.NewReader(f)
}

// parseTime accepts the three timestamp styles the generator writes.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Parse("2006-01-02T15:04:05", s)
}

func readVideos(t testing.TB, m synth.Manifest) []videoRow {
	t.Helper()
	switch m.Format {
	case synth.FormatCSV:
		return readVideosCSV(t, m.Files.Videos)
	case synth.FormatJSONL:
		return readVideosJSONL(t, m.Files.Videos)
	default:
		return readVideosParquet(t, m.Files.Videos)
	}
}

func readEvents(t testing.TB, m synth.Manifest) []eventRow {
	t.Helper()
	switch m.Format {
	case synth.FormatCSV:
		return readEventsCSV(t, m.Files.Events)
	case synth.FormatJSONL:
		return readEventsJSONL(t, m.Files.Events)
	default:
		return readEventsParquet(t, m.Files.Events)
	}
}

func readCSV(t testing.TB, path string, header []string) [][]string {
	t.Helper()
	r := csv.NewReader(openDecompressed(t, path))
	r.ReuseRecord = false
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != strings.Join(header, ",") {
		t.Fatalf("%s: header %q, want %q", path, recs[0], header)
	}
	return recs[1:]
}

func mustTime(t testing.TB, where, s string) time.Time {
	t.Helper()
	ts, err := parseTime(s)
	if err != nil {
		t.Fatalf("%s: timestamp %q: %v", where, s, err)
	}
	return ts
}

func mustInt(t testing.TB, where, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	return n
}

func readVideosCSV(t testing.TB, path string) []videoRow {
	var out []videoRow
	for i, r := range readCSV(t, path, wantVideoColumns) {
		where := fmt.Sprintf("%s row %d", path, i+1)
		dur, err := strconv.ParseFloat(r[12], 64)
		if err != nil {
			t.Fatalf("%s: duration: %v", where, err)
		}
		var tags []string
		for _, tok := range strings.Fields(r[4]) {
			if !strings.HasPrefix(tok, "#") {
				t.Fatalf("%s: hashtag token %q without '#'", where, tok)
			}
			tags = append(tags, tok)
		}
		out = append(out, videoRow{
			ID: r[0], Author: r[1], Created: mustTime(t, where, r[2]), CreatedText: r[2], Caption: r[3], Tags: tags,
			Region: r[5], Language: r[6], AgeBand: r[7],
			Views: mustInt(t, where, r[8]), Likes: mustInt(t, where, r[9]), Shares: mustInt(t, where, r[10]), Comments: mustInt(t, where, r[11]),
			Duration: dur,
		})
	}
	return out
}

func readEventsCSV(t testing.TB, path string) []eventRow {
	var out []eventRow
	for i, r := range readCSV(t, path, wantEventColumns) {
		where := fmt.Sprintf("%s row %d", path, i+1)
		out = append(out, eventRow{ID: r[0], Video: r[1], Time: mustTime(t, where, r[2]), TimeText: r[2],
			Type: r[3], Source: r[4], Policy: r[5], Title: r[6], Decision: r[7], Action: r[8]})
	}
	return out
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// decodeLines decodes each line of a JSON Lines file into a fresh T,
// rejecting unknown keys, and checks the keys appear in the given order.
func decodeLines[T any](t testing.TB, path string, keys []string, each func(where string, v *T)) {
	t.Helper()
	sc := bufio.NewScanner(openDecompressed(t, path))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		where := fmt.Sprintf("%s line %d", path, line)
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		var v T
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		if dec.More() {
			t.Fatalf("%s: more than one JSON value on the line", where)
		}
		got, err := objectKeys(sc.Text())
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		if strings.Join(got, ",") != strings.Join(keys, ",") {
			t.Fatalf("%s: keys %v, want %v", where, got, keys)
		}
		each(where, &v)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// objectKeys returns the keys of the JSON object in line, in order.
func objectKeys(line string) ([]string, error) {
	dec := json.NewDecoder(strings.NewReader(line))
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

type jsonVideo struct {
	VideoID       *string   `json:"video_id"`
	AuthorID      *string   `json:"author_id"`
	CreatedAt     *string   `json:"created_at"`
	Caption       *string   `json:"caption"`
	Hashtags      *[]string `json:"hashtags"`
	Region        *string   `json:"region"`
	Language      *string   `json:"language"`
	AuthorAgeBand *string   `json:"author_age_band"`
	ViewCount     *int64    `json:"view_count"`
	LikeCount     *int64    `json:"like_count"`
	ShareCount    *int64    `json:"share_count"`
	CommentCount  *int64    `json:"comment_count"`
	DurationS     *float64  `json:"duration_s"`
}

type jsonEvent struct {
	EventID     *string `json:"event_id"`
	VideoID     *string `json:"video_id"`
	EventTime   *string `json:"event_time"`
	EventType   *string `json:"event_type"`
	Source      *string `json:"source"`
	Policy      *string `json:"policy"`
	PolicyTitle *string `json:"policy_title"`
	Decision    *string `json:"decision"`
	Action      *string `json:"action"`
}

func readVideosJSONL(t testing.TB, path string) []videoRow {
	var out []videoRow
	decodeLines(t, path, wantVideoColumns, func(where string, v *jsonVideo) {
		if v.VideoID == nil || v.AuthorID == nil || v.CreatedAt == nil || v.Hashtags == nil || v.ViewCount == nil ||
			v.LikeCount == nil || v.ShareCount == nil || v.CommentCount == nil || v.DurationS == nil {
			t.Fatalf("%s: a required or always-written value is null", where)
		}
		var tags []string
		if len(*v.Hashtags) > 0 {
			tags = *v.Hashtags
		}
		out = append(out, videoRow{
			ID: *v.VideoID, Author: *v.AuthorID, Created: mustTime(t, where, *v.CreatedAt), CreatedText: *v.CreatedAt,
			Caption: str(v.Caption), Tags: tags, Region: str(v.Region), Language: str(v.Language), AgeBand: str(v.AuthorAgeBand),
			Views: *v.ViewCount, Likes: *v.LikeCount, Shares: *v.ShareCount, Comments: *v.CommentCount, Duration: *v.DurationS,
		})
	})
	return out
}

func readEventsJSONL(t testing.TB, path string) []eventRow {
	var out []eventRow
	decodeLines(t, path, wantEventColumns, func(where string, e *jsonEvent) {
		if e.EventID == nil || e.VideoID == nil || e.EventTime == nil || e.EventType == nil || e.Source == nil || e.Policy == nil {
			t.Fatalf("%s: a required value is null", where)
		}
		out = append(out, eventRow{ID: *e.EventID, Video: *e.VideoID, Time: mustTime(t, where, *e.EventTime), TimeText: *e.EventTime,
			Type: *e.EventType, Source: *e.Source, Policy: *e.Policy, Title: str(e.PolicyTitle), Decision: str(e.Decision), Action: str(e.Action)})
	})
	return out
}

// readParquet reads a whole Parquet file with the pqarrow reader and calls
// each for every record batch.
func readParquet(t testing.TB, path string, wantCols []string, each func(rec arrow.RecordBatch)) {
	t.Helper()
	rdr, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer rdr.Close()
	fr, err := pqarrow.NewFileReader(rdr, pqarrow.ArrowReadProperties{BatchSize: 1 << 16}, memory.DefaultAllocator)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer tbl.Release()
	var names []string
	for _, f := range tbl.Schema().Fields() {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != strings.Join(wantCols, ",") {
		t.Fatalf("%s: columns %v, want %v", path, names, wantCols)
	}
	tr := array.NewTableReader(tbl, 1<<16)
	defer tr.Release()
	for tr.Next() {
		each(tr.RecordBatch())
	}
}

func pqString(a arrow.Array, i int) string {
	s := a.(*array.String)
	if s.IsNull(i) {
		return ""
	}
	return s.Value(i)
}

func pqTime(a arrow.Array, i int) time.Time {
	return time.UnixMicro(int64(a.(*array.Timestamp).Value(i))).UTC()
}

func readVideosParquet(t testing.TB, path string) []videoRow {
	var out []videoRow
	readParquet(t, path, wantVideoColumns, func(rec arrow.RecordBatch) {
		c := rec.Columns()
		list := c[4].(*array.List)
		vals := list.ListValues().(*array.String)
		for i := 0; i < int(rec.NumRows()); i++ {
			var tags []string
			lo, hi := list.ValueOffsets(i)
			for k := lo; k < hi; k++ {
				tags = append(tags, vals.Value(int(k)))
			}
			out = append(out, videoRow{
				ID: pqString(c[0], i), Author: pqString(c[1], i), Created: pqTime(c[2], i), Caption: pqString(c[3], i),
				Tags: tags, Region: pqString(c[5], i), Language: pqString(c[6], i), AgeBand: pqString(c[7], i),
				Views: c[8].(*array.Int64).Value(i), Likes: c[9].(*array.Int64).Value(i),
				Shares: c[10].(*array.Int64).Value(i), Comments: c[11].(*array.Int64).Value(i),
				Duration: c[12].(*array.Float64).Value(i),
			})
		}
	})
	return out
}

func readEventsParquet(t testing.TB, path string) []eventRow {
	var out []eventRow
	readParquet(t, path, wantEventColumns, func(rec arrow.RecordBatch) {
		c := rec.Columns()
		for i := 0; i < int(rec.NumRows()); i++ {
			out = append(out, eventRow{ID: pqString(c[0], i), Video: pqString(c[1], i), Time: pqTime(c[2], i),
				Type: pqString(c[3], i), Source: pqString(c[4], i), Policy: pqString(c[5], i), Title: pqString(c[6], i),
				Decision: pqString(c[7], i), Action: pqString(c[8], i)})
		}
	})
	return out
}
