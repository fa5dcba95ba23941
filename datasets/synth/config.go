package synth

import (
	"fmt"
	"time"
)

// Formats and compressions the generator writes.
const (
	FormatCSV     = "csv"
	FormatJSONL   = "jsonl"
	FormatParquet = "parquet"

	CompressNone   = "none"
	CompressGzip   = "gzip"
	CompressZstd   = "zstd"
	CompressSnappy = "snappy" // Parquet only
)

// Defaults for the zero values of Config.
const (
	DefaultDays   = 90
	DefaultFormat = FormatCSV
)

// DefaultStart is the first day of the synthetic period when Config.Start is
// zero.
var DefaultStart = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// Config says what to generate. The same Config (Progress aside) always
// gives byte-identical files.
type Config struct {
	Videos int       // number of videos, at least 1
	Seed   uint64    // seed of the random stream
	Days   int       // length of the period in days, at least 2 (0 means DefaultDays)
	Start  time.Time // first day of the period (zero means DefaultStart); truncated to midnight UTC

	// Format is csv, jsonl or parquet ("" means csv).
	Format string
	// Compression is none, gzip or zstd for csv and jsonl (a whole-file
	// stream, with .gz or .zst added to the file names); for parquet it is
	// the codec inside the file: none, snappy, gzip or zstd. "" means none
	// for csv and jsonl, snappy for parquet.
	Compression string

	// Optional also writes the optional exports views_daily, search_daily
	// and interventions (CSV), and plants the truths of the impact
	// analyses (optional.go); it changes the videos and events too.
	Optional bool

	// SweepStory plants tags related to the family, two with raised
	// violation rates of their own and one without (actions.go).
	SweepStory bool
	// FirstID numbers this export's videos and events from FirstID+1, so
	// that a later export's ids follow an earlier one's (0: from 1).
	FirstID int64
	// Evasion, when set, replaces the family spelling of some family
	// videos with this new spelling; Rise, when above 1, multiplies the
	// family's minor_safety rate (actions.go).
	Evasion string
	Rise    float64

	// Dir is the output directory of Generate (created if missing).
	Dir string

	// Progress, if not nil, is called now and then with the rows written
	// so far, and once at the end.
	Progress func(Progress)
}

// Progress counts the rows written so far into each table, for a caller
// that shows how far Generate or Write has gone (the optional exports
// follow the videos and are not counted).
type Progress struct {
	Videos, VideosTotal int64 // videos written, of VideosTotal
	Events              int64 // moderation events written
}

// Validate reports the first setting of cfg that Generate and Write would
// refuse, naming the values allowed.
func (cfg Config) Validate() error {
	_, err := cfg.normalized()
	return err
}

// normalized returns cfg with defaults filled in, or an error that names the
// setting at fault and the values allowed.
func (cfg Config) normalized() (Config, error) {
	if cfg.Videos < 1 {
		return cfg, fmt.Errorf("synth: the number of videos must be at least 1 (got %d)", cfg.Videos)
	}
	if cfg.Days == 0 {
		cfg.Days = DefaultDays
	}
	if cfg.Days < 2 || cfg.Days > 3660 {
		return cfg, fmt.Errorf("synth: days must be between 2 and 3660 (got %d); the spike needs a day before and after it", cfg.Days)
	}
	if err := cfg.checkStories(); err != nil {
		return cfg, err
	}
	if cfg.Start.IsZero() {
		cfg.Start = DefaultStart
	}
	cfg.Start = cfg.Start.UTC().Truncate(24 * time.Hour)
	if cfg.Format == "" {
		cfg.Format = DefaultFormat
	}
	switch cfg.Format {
	case FormatCSV, FormatJSONL:
		switch cfg.Compression {
		case "":
			cfg.Compression = CompressNone
		case CompressNone, CompressGzip, CompressZstd:
		default:
			return cfg, fmt.Errorf("synth: unknown compression %q for %s (expected: none, gzip, zstd)", cfg.Compression, cfg.Format)
		}
	case FormatParquet:
		switch cfg.Compression {
		case "":
			cfg.Compression = CompressSnappy
		case CompressNone, CompressSnappy, CompressGzip, CompressZstd:
		default:
			return cfg, fmt.Errorf("synth: unknown compression %q for parquet (expected: none, snappy, gzip, zstd)", cfg.Compression)
		}
	default:
		return cfg, fmt.Errorf("synth: unknown format %q (expected: csv, jsonl, parquet)", cfg.Format)
	}
	return cfg, nil
}

// extension is the file name extension for the configured format and
// compression, without the leading dot.
func (cfg Config) extension() string {
	ext := cfg.Format
	if cfg.Format != FormatParquet {
		switch cfg.Compression {
		case CompressGzip:
			ext += ".gz"
		case CompressZstd:
			ext += ".zst"
		}
	}
	return ext
}
