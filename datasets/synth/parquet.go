package synth

import (
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// parquetBatchRows is the number of rows per record batch, and so per row
// group: memory stays bounded by one batch per table.
const parquetBatchRows = 64 * 1024

// Parquet timestamps are TIMESTAMP(MICROS) without isAdjustedToUTC: plain
// timestamps that, by the data contract, are UTC (DuckDB reads them as
// TIMESTAMP, not TIMESTAMPTZ).
var parquetTime = &arrow.TimestampType{Unit: arrow.Microsecond}

var (
	videoSchema = arrow.NewSchema([]arrow.Field{
		{Name: "video_id", Type: arrow.BinaryTypes.String},
		{Name: "author_id", Type: arrow.BinaryTypes.String},
		{Name: "created_at", Type: parquetTime},
		{Name: "caption", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "hashtags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		{Name: "region", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "language", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "author_age_band", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "view_count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "like_count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "share_count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "comment_count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "duration_s", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	}, nil)
	eventSchema = arrow.NewSchema([]arrow.Field{
		{Name: "event_id", Type: arrow.BinaryTypes.String},
		{Name: "video_id", Type: arrow.BinaryTypes.String},
		{Name: "event_time", Type: parquetTime},
		{Name: "event_type", Type: arrow.BinaryTypes.String},
		{Name: "source", Type: arrow.BinaryTypes.String},
		{Name: "policy", Type: arrow.BinaryTypes.String},
		{Name: "policy_title", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "decision", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "action", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
)

var parquetCodecs = map[string]compress.Compression{
	CompressNone:   compress.Codecs.Uncompressed,
	CompressSnappy: compress.Codecs.Snappy,
	CompressGzip:   compress.Codecs.Gzip,
	CompressZstd:   compress.Codecs.Zstd,
}

// parquetWriter buffers up to parquetBatchRows rows in Arrow builders and
// writes each full batch as one row group.
type parquetWriter struct {
	fw   *pqarrow.FileWriter
	rb   *array.RecordBuilder
	rows int
	buf  []byte

	str   []*array.StringBuilder // string columns by field index (nil for others)
	ts    *array.TimestampBuilder
	tags  *array.ListBuilder
	tag   *array.StringBuilder
	ints  [4]*array.Int64Builder
	float *array.Float64Builder
}

func newParquetWriter(w io.Writer, schema *arrow.Schema, codec string) (*parquetWriter, error) {
	opts := []parquet.WriterProperty{
		parquet.WithCompression(parquetCodecs[codec]),
		parquet.WithMaxRowGroupLength(parquetBatchRows),
		parquet.WithCreatedBy("trendlab synth"),
	}
	// Ids and captions are (nearly) unique: a dictionary only costs time.
	for _, col := range []string{"video_id", "event_id", "caption"} {
		if schema.HasField(col) {
			opts = append(opts, parquet.WithDictionaryFor(col, false))
		}
	}
	props := parquet.NewWriterProperties(opts...)
	fw, err := pqarrow.NewFileWriter(schema, w, props, pqarrow.NewArrowWriterProperties())
	if err != nil {
		return nil, fmt.Errorf("synth: starting a parquet file: %w", err)
	}
	p := &parquetWriter{fw: fw, rb: array.NewRecordBuilder(memory.DefaultAllocator, schema)}
	p.rb.Reserve(parquetBatchRows)
	p.str = make([]*array.StringBuilder, len(schema.Fields()))
	ints := 0
	for i, f := range p.rb.Fields() {
		switch b := f.(type) {
		case *array.StringBuilder:
			p.str[i] = b
		case *array.TimestampBuilder:
			p.ts = b
		case *array.ListBuilder:
			p.tags = b
			p.tag = b.ValueBuilder().(*array.StringBuilder)
		case *array.Int64Builder:
			p.ints[ints] = b
			ints++
		case *array.Float64Builder:
			p.float = b
		}
	}
	return p, nil
}

func (p *parquetWriter) appendBytes(i int, b []byte) {
	p.str[i].BinaryBuilder.Append(b)
}

func (p *parquetWriter) appendOptional(i int, s string) {
	if s == "" {
		p.str[i].AppendNull()
	} else {
		p.str[i].Append(s)
	}
}

func (p *parquetWriter) writeVideo(v *video) error {
	p.buf = appendPadded(p.buf[:0], 'v', v.num+1, videoIDWidth)
	p.appendBytes(0, p.buf)
	p.buf = appendPadded(p.buf[:0], 'a', v.author+1, authorIDWidth)
	p.appendBytes(1, p.buf)
	p.ts.Append(arrow.Timestamp(v.created * 1e6))
	if v.hasCaption {
		p.appendBytes(3, v.caption)
	} else {
		p.str[3].AppendNull()
	}
	p.tags.Append(true)
	for _, t := range v.tags {
		p.buf = append(append(p.buf[:0], '#'), t...)
		p.tag.BinaryBuilder.Append(p.buf)
	}
	p.appendOptional(5, v.region)
	p.appendOptional(6, v.language)
	p.appendOptional(7, v.ageBand)
	p.ints[0].Append(v.views)
	p.ints[1].Append(v.likes)
	p.ints[2].Append(v.shares)
	p.ints[3].Append(v.comments)
	p.float.Append(float64(v.durationTenths) / 10)
	return p.rowDone()
}

func (p *parquetWriter) writeEvent(e *event, id int64) error {
	p.buf = appendPadded(p.buf[:0], 'e', id, eventIDWidth)
	p.appendBytes(0, p.buf)
	p.buf = appendPadded(p.buf[:0], 'v', e.video+1, videoIDWidth)
	p.appendBytes(1, p.buf)
	p.ts.Append(arrow.Timestamp(e.t * 1e6))
	p.str[3].Append(eventTypeNames[e.typ])
	p.str[4].Append(sourceNames[e.source])
	p.str[5].Append(policies[e.policy])
	p.appendOptional(6, e.title)
	p.appendOptional(7, decisionNames[e.decision])
	p.appendOptional(8, actionNames[e.action])
	return p.rowDone()
}

func (p *parquetWriter) rowDone() error {
	p.rows++
	if p.rows == parquetBatchRows {
		return p.flush()
	}
	return nil
}

func (p *parquetWriter) flush() error {
	if p.rows == 0 {
		return nil
	}
	rec := p.rb.NewRecordBatch()
	defer rec.Release()
	p.rows = 0
	if err := p.fw.Write(rec); err != nil {
		return fmt.Errorf("synth: writing a parquet row group: %w", err)
	}
	return nil
}

func (p *parquetWriter) close() error {
	defer p.rb.Release()
	if err := p.flush(); err != nil {
		p.fw.Close()
		return err
	}
	if err := p.fw.Close(); err != nil {
		return fmt.Errorf("synth: finishing a parquet file: %w", err)
	}
	return nil
}
