package synth

import (
	"bufio"
	"strconv"
)

// Column names, exactly as the data contract names them.
var (
	videoColumns = []string{
		"video_id", "author_id", "created_at", "caption", "hashtags", "region", "language",
		"author_age_band", "view_count", "like_count", "share_count", "comment_count", "duration_s",
	}
	eventColumns = []string{
		"event_id", "video_id", "event_time", "event_type", "source", "policy", "policy_title",
		"decision", "action",
	}
)

// Widths of the zero-padded numbers in ids.
const (
	videoIDWidth  = 10
	authorIDWidth = 9
	eventIDWidth  = 12
)

// rowWriter writes the rows of one table; close flushes what it buffers
// (but does not close the underlying writer).
type rowWriter interface {
	writeVideo(v *video) error
	writeEvent(e *event, id int64) error
	close() error
}

// csvWriter writes RFC 4180 CSV with a header row and LF line ends. A
// field is quoted when it holds a comma, a quote, CR or LF.
type csvWriter struct {
	w   *bufio.Writer
	buf []byte
}

func newCSVWriter(w *bufio.Writer, columns []string) (*csvWriter, error) {
	c := &csvWriter{w: w, buf: make([]byte, 0, 1024)}
	for i, col := range columns {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		c.buf = append(c.buf, col...)
	}
	c.buf = append(c.buf, '\n')
	_, err := w.Write(c.buf)
	return c, err
}

func appendCSVField(b []byte, s []byte) []byte {
	quote := false
	for _, ch := range s {
		if ch == ',' || ch == '"' || ch == '\n' || ch == '\r' {
			quote = true
			break
		}
	}
	if !quote {
		return append(b, s...)
	}
	b = append(b, '"')
	for _, ch := range s {
		if ch == '"' {
			b = append(b, '"')
		}
		b = append(b, ch)
	}
	return append(b, '"')
}

func (c *csvWriter) writeVideo(v *video) error {
	b := c.buf[:0]
	b = appendPadded(b, 'v', v.num+1, videoIDWidth)
	b = append(b, ',')
	b = appendPadded(b, 'a', v.author+1, authorIDWidth)
	b = append(b, ',')
	b = appendTime(b, v.created, v.style, v.off)
	b = append(b, ',')
	if v.hasCaption {
		b = appendCSVField(b, v.caption)
	}
	b = append(b, ',')
	for i, t := range v.tags {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, '#')
		b = append(b, t...)
	}
	b = append(b, ',')
	b = append(b, v.region...)
	b = append(b, ',')
	b = append(b, v.language...)
	b = append(b, ',')
	b = append(b, v.ageBand...)
	b = append(b, ',')
	b = strconv.AppendInt(b, v.views, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, v.likes, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, v.shares, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, v.comments, 10)
	b = append(b, ',')
	b = appendTenths(b, v.durationTenths)
	b = append(b, '\n')
	c.buf = b
	_, err := c.w.Write(b)
	return err
}

func (c *csvWriter) writeEvent(e *event, id int64) error {
	b := c.buf[:0]
	b = appendPadded(b, 'e', id, eventIDWidth)
	b = append(b, ',')
	b = appendPadded(b, 'v', e.video+1, videoIDWidth)
	b = append(b, ',')
	b = appendTime(b, e.t, e.style, e.off)
	b = append(b, ',')
	b = append(b, eventTypeNames[e.typ]...)
	b = append(b, ',')
	b = append(b, sourceNames[e.source]...)
	b = append(b, ',')
	b = append(b, policies[e.policy]...)
	b = append(b, ',')
	b = append(b, e.title...)
	b = append(b, ',')
	b = append(b, decisionNames[e.decision]...)
	b = append(b, ',')
	b = append(b, actionNames[e.action]...)
	b = append(b, '\n')
	c.buf = b
	_, err := c.w.Write(b)
	return err
}

func (c *csvWriter) close() error { return c.w.Flush() }

// appendTenths formats a non-negative number of tenths with one decimal.
func appendTenths(b []byte, tenths int64) []byte {
	b = strconv.AppendInt(b, tenths/10, 10)
	return append(b, '.', byte('0'+tenths%10))
}

// jsonlWriter writes one JSON object per line, keys in the contract's
// order; absent optional values are null.
type jsonlWriter struct {
	w   *bufio.Writer
	buf []byte
}

func (j *jsonlWriter) writeVideo(v *video) error {
	b := j.buf[:0]
	b = append(b, `{"video_id":"`...)
	b = appendPadded(b, 'v', v.num+1, videoIDWidth)
	b = append(b, `","author_id":"`...)
	b = appendPadded(b, 'a', v.author+1, authorIDWidth)
	b = append(b, `","created_at":"`...)
	b = appendTime(b, v.created, v.style, v.off)
	b = append(b, `","caption":`...)
	if v.hasCaption {
		b = appendJSONString(b, v.caption)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"hashtags":[`...)
	for i, t := range v.tags {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `"#`...)
		b = appendJSONBody(b, t)
		b = append(b, '"')
	}
	b = append(b, `],"region":`...)
	b = appendJSONOptional(b, v.region)
	b = append(b, `,"language":`...)
	b = appendJSONOptional(b, v.language)
	b = append(b, `,"author_age_band":`...)
	b = appendJSONOptional(b, v.ageBand)
	b = append(b, `,"view_count":`...)
	b = strconv.AppendInt(b, v.views, 10)
	b = append(b, `,"like_count":`...)
	b = strconv.AppendInt(b, v.likes, 10)
	b = append(b, `,"share_count":`...)
	b = strconv.AppendInt(b, v.shares, 10)
	b = append(b, `,"comment_count":`...)
	b = strconv.AppendInt(b, v.comments, 10)
	b = append(b, `,"duration_s":`...)
	b = appendTenths(b, v.durationTenths)
	b = append(b, "}\n"...)
	j.buf = b
	_, err := j.w.Write(b)
	return err
}

func (j *jsonlWriter) writeEvent(e *event, id int64) error {
	b := j.buf[:0]
	b = append(b, `{"event_id":"`...)
	b = appendPadded(b, 'e', id, eventIDWidth)
	b = append(b, `","video_id":"`...)
	b = appendPadded(b, 'v', e.video+1, videoIDWidth)
	b = append(b, `","event_time":"`...)
	b = appendTime(b, e.t, e.style, e.off)
	b = append(b, `","event_type":"`...)
	b = append(b, eventTypeNames[e.typ]...)
	b = append(b, `","source":"`...)
	b = append(b, sourceNames[e.source]...)
	b = append(b, `","policy":"`...)
	b = append(b, policies[e.policy]...)
	b = append(b, `","policy_title":`...)
	b = appendJSONOptional(b, e.title)
	b = append(b, `,"decision":`...)
	b = appendJSONOptional(b, decisionNames[e.decision])
	b = append(b, `,"action":`...)
	b = appendJSONOptional(b, actionNames[e.action])
	b = append(b, "}\n"...)
	j.buf = b
	_, err := j.w.Write(b)
	return err
}

func (j *jsonlWriter) close() error { return j.w.Flush() }

func appendJSONOptional(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = appendJSONBody(b, s)
	return append(b, '"')
}

func appendJSONString[S ~string | ~[]byte](b []byte, s S) []byte {
	b = append(b, '"')
	b = appendJSONBody(b, s)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendJSONBody appends s escaped for a JSON string (without the quotes).
// s is valid UTF-8 (the generator writes only its own text).
func appendJSONBody[S ~string | ~[]byte](b []byte, s S) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return b
}
