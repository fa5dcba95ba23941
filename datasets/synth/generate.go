package synth

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/klauspost/compress/zstd"
)

// Version names the generator in the manifest. It changes whenever the same
// Config would give different data.
const Version = "trendlab-synth/2"

// File names inside Config.Dir (before the format's extension).
const (
	VideosBase   = "videos"
	EventsBase   = "moderation_events"
	ManifestName = "manifest.json"
)

// Generate writes Dir/videos.<ext>, Dir/moderation_events.<ext> and
// Dir/manifest.json, and returns the manifest. Files are written under a
// temporary name and renamed when complete, so an interrupted run leaves
// no file that looks finished.
func Generate(ctx context.Context, cfg Config) (Manifest, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return Manifest{}, err
	}
	if cfg.Dir == "" {
		return Manifest{}, errors.New("synth: no output directory given")
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return Manifest{}, fmt.Errorf("synth: creating the output directory: %w", err)
	}
	ext := cfg.extension()
	files := Files{
		Videos:   filepath.Join(cfg.Dir, VideosBase+"."+ext),
		Events:   filepath.Join(cfg.Dir, EventsBase+"."+ext),
		Manifest: filepath.Join(cfg.Dir, ManifestName),
	}
	vf, err := createTemp(files.Videos)
	if err != nil {
		return Manifest{}, err
	}
	defer removeIfLeft(vf)
	ef, err := createTemp(files.Events)
	if err != nil {
		return Manifest{}, err
	}
	defer removeIfLeft(ef)

	var opt OptionalWriters
	var optFiles []*os.File
	var optNames OptionalFiles
	if cfg.Optional {
		csv := cfg
		csv.Format = FormatCSV
		if cfg.Format == FormatParquet {
			csv.Compression = CompressNone
		}
		optNames = OptionalFiles{
			Views:         filepath.Join(cfg.Dir, ViewsBase+"."+csv.extension()),
			Searches:      filepath.Join(cfg.Dir, SearchesBase+"."+csv.extension()),
			Interventions: filepath.Join(cfg.Dir, InterventionsBase+"."+csv.extension()),
		}
		for _, name := range []string{optNames.Views, optNames.Searches, optNames.Interventions} {
			f, err := createTemp(name)
			if err != nil {
				return Manifest{}, err
			}
			defer removeIfLeft(f)
			optFiles = append(optFiles, f)
		}
		opt = OptionalWriters{Views: optFiles[0], Searches: optFiles[1], Interventions: optFiles[2]}
	}

	m, err := WriteAll(ctx, cfg, vf, ef, opt)
	if err != nil {
		return Manifest{}, err
	}
	m.Files = files
	renames := [][2]string{{vf.Name(), files.Videos}, {ef.Name(), files.Events}}
	if m.Impact != nil {
		m.Impact.Files = optNames
		for i, name := range []string{optNames.Views, optNames.Searches, optNames.Interventions} {
			renames = append(renames, [2]string{optFiles[i].Name(), name})
		}
	}
	for _, f := range append([]*os.File{vf, ef}, optFiles...) {
		if err := f.Close(); err != nil {
			return Manifest{}, fmt.Errorf("synth: writing %s: %w", f.Name(), err)
		}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, fmt.Errorf("synth: encoding the manifest: %w", err)
	}
	data = append(data, '\n')
	if err := os.WriteFile(files.Manifest+".tmp", data, 0o644); err != nil {
		return Manifest{}, fmt.Errorf("synth: writing the manifest: %w", err)
	}
	for _, rn := range append(renames, [2]string{files.Manifest + ".tmp", files.Manifest}) {
		if err := os.Rename(rn[0], rn[1]); err != nil {
			return Manifest{}, fmt.Errorf("synth: %w", err)
		}
	}
	return m, nil
}

func createTemp(final string) (*os.File, error) {
	f, err := os.Create(final + ".tmp")
	if err != nil {
		return nil, fmt.Errorf("synth: %w (is the output directory writable?)", err)
	}
	return f, nil
}

// removeIfLeft removes a temporary file that was not renamed (after an
// error or cancellation).
func removeIfLeft(f *os.File) {
	f.Close()
	if _, err := os.Stat(f.Name()); err == nil {
		os.Remove(f.Name())
	}
}

// Write generates the data set of cfg into two writers (the videos table
// and the moderation events table) in cfg's format and compression, and
// returns the manifest (with Files empty). cfg.Dir is not used.
func Write(ctx context.Context, cfg Config, videos, events io.Writer) (Manifest, error) {
	cfg.Optional = false
	return WriteAll(ctx, cfg, videos, events, OptionalWriters{})
}

// WriteAll is Write that also writes the optional exports into opt when
// cfg.Optional is set (all three writers are then required).
func WriteAll(ctx context.Context, cfg Config, videos, events io.Writer, opt OptionalWriters) (Manifest, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return Manifest{}, err
	}
	vs, err := newStream(cfg, videos)
	if err != nil {
		return Manifest{}, err
	}
	es, err := newStream(cfg, events)
	if err != nil {
		return Manifest{}, err
	}
	vw, err := newRowWriter(cfg, vs.w, videoColumns, videoSchema)
	if err != nil {
		return Manifest{}, err
	}
	ew, err := newRowWriter(cfg, es.w, eventColumns, eventSchema)
	if err != nil {
		return Manifest{}, err
	}

	m := newManifest(cfg)
	g := newGenerator(cfg, &m)
	if cfg.Optional {
		if opt.Views == nil || opt.Searches == nil || opt.Interventions == nil {
			return Manifest{}, errors.New("synth: the optional exports need three writers")
		}
		m.Impact = &Impact{}
		if g.imp, err = newImpact(cfg, g.vocab, opt, m.Impact); err != nil {
			return Manifest{}, err
		}
	}
	n := int64(cfg.Videos)
	eventID := cfg.FirstID // a later export's ids follow the earlier one's
	m.Stories = newStories(cfg)
	for i := int64(0); i < n; i++ {
		if i&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return Manifest{}, fmt.Errorf("synth: stopped after %d of %d videos: %w", i, n, err)
			}
			if cfg.Progress != nil && i > 0 && i&(1<<16-1) == 0 {
				cfg.Progress(Progress{Videos: i, VideosTotal: n, Events: eventID - cfg.FirstID})
			}
		}
		g.nextVideo(i, n)
		if err := vw.writeVideo(&g.v); err != nil {
			return Manifest{}, fmt.Errorf("synth: writing the videos: %w", err)
		}
		g.drawEvents(n)
		for k := range g.evs {
			eventID++
			if err := ew.writeEvent(&g.evs[k], eventID); err != nil {
				return Manifest{}, fmt.Errorf("synth: writing the events: %w", err)
			}
		}
		for k := range g.orphans {
			eventID++
			if err := ew.writeEvent(&g.orphans[k], eventID); err != nil {
				return Manifest{}, fmt.Errorf("synth: writing the events: %w", err)
			}
		}
		if g.imp != nil {
			if err := g.imp.writeViews(&g.v); err != nil {
				return Manifest{}, fmt.Errorf("synth: writing the views: %w", err)
			}
		}
		g.tally()
	}
	if g.imp != nil {
		if err := g.imp.finish(opt); err != nil {
			return Manifest{}, fmt.Errorf("synth: writing the optional exports: %w", err)
		}
	}
	for _, c := range []func() error{vw.close, ew.close, vs.close, es.close} {
		if err := c(); err != nil {
			return Manifest{}, fmt.Errorf("synth: finishing the output: %w", err)
		}
	}
	if cfg.Progress != nil {
		cfg.Progress(Progress{Videos: n, VideosTotal: n, Events: eventID - cfg.FirstID})
	}
	g.finish()
	m.Events = eventID - cfg.FirstID
	return m, nil
}

// stream is the byte stream of one table: a buffer over an optional
// compressor over the destination.
type stream struct {
	w     *bufio.Writer
	comp  io.WriteCloser // nil when not compressed
	under *bufio.Writer  // buffer between the compressor and the destination
}

func newStream(cfg Config, dst io.Writer) (*stream, error) {
	s := &stream{}
	if cfg.Format == FormatParquet || cfg.Compression == CompressNone {
		s.w = bufio.NewWriterSize(dst, 1<<20)
		return s, nil
	}
	s.under = bufio.NewWriterSize(dst, 256<<10)
	switch cfg.Compression {
	case CompressGzip:
		// BestSpeed: the default level is three times slower for a few
		// per cent smaller files. No name, zero mod time: deterministic.
		z, err := gzip.NewWriterLevel(s.under, gzip.BestSpeed)
		if err != nil {
			return nil, fmt.Errorf("synth: starting gzip: %w", err)
		}
		s.comp = z
	case CompressZstd:
		z, err := zstd.NewWriter(s.under, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedDefault))
		if err != nil {
			return nil, fmt.Errorf("synth: starting zstd: %w", err)
		}
		s.comp = z
	}
	s.w = bufio.NewWriterSize(s.comp, 1<<20)
	return s, nil
}

func (s *stream) close() error {
	if err := s.w.Flush(); err != nil {
		return err
	}
	if s.comp != nil {
		if err := s.comp.Close(); err != nil {
			return err
		}
		return s.under.Flush()
	}
	return nil
}

func newRowWriter(cfg Config, w *bufio.Writer, columns []string, schema *arrow.Schema) (rowWriter, error) {
	switch cfg.Format {
	case FormatCSV:
		return newCSVWriter(w, columns)
	case FormatJSONL:
		return &jsonlWriter{w: w, buf: make([]byte, 0, 1024)}, nil
	default:
		// The parquet writer must not close w's destination: wrap it so
		// that only Write is visible.
		return newParquetWriter(writerOnly{w}, schema, cfg.Compression)
	}
}

// writerOnly hides every method but Write (pqarrow closes an io.Closer).
type writerOnly struct{ w io.Writer }

func (w writerOnly) Write(p []byte) (int, error) { return w.w.Write(p) }

func newManifest(cfg Config) Manifest {
	m := Manifest{
		Generator:   Version,
		Seed:        cfg.Seed,
		Videos:      int64(cfg.Videos),
		Days:        cfg.Days,
		Start:       cfg.Start.Format(time.RFC3339),
		End:         cfg.Start.AddDate(0, 0, cfg.Days).Format(time.RFC3339),
		Format:      cfg.Format,
		Compression: cfg.Compression,
		Timestamps:  map[string]int64{"utc": 0, "naive": 0, "offset": 0},
		Family: Family{
			SeedTag:       familySeed,
			Rate:          familyRate,
			VariantVideos: map[string]int64{},
			Outcomes:      map[string]PolicyOutcome{},
		},
		DecoyVideos:    map[string]int64{},
		Policies:       policies,
		BaseRates:      map[string]float64{},
		RaisedPolicies: map[string]float64{},
		EventsByType:   map[string]int64{},
		Outcomes:       map[string]PolicyOutcome{},
		OrdinaryTags:   ordinaryTagCount,
	}
	for _, v := range familyVariants {
		m.Family.Variants = append(m.Family.Variants, v.raw)
		m.Family.VariantKinds = append(m.Family.VariantKinds, v.kind)
		if !contains(m.Family.Normalised, v.norm) {
			m.Family.Normalised = append(m.Family.Normalised, v.norm)
			m.Family.VariantVideos[v.norm] = 0
		}
	}
	for _, d := range decoys {
		m.Decoys = append(m.Decoys, d.tag)
		m.DecoyVideos[d.tag] = 0
	}
	for _, r := range relatedTags {
		m.RelatedTags = append(m.RelatedTags, r.tag)
		m.Related = append(m.Related, RelatedTag{Tag: r.tag, FamilyShare: r.familyShare, BackgroundRate: r.background})
	}
	for p, name := range policies {
		m.BaseRates[name] = baseRates[p]
		if mult, ok := familyMultipliers[p]; ok {
			m.RaisedPolicies[name] = mult
		}
	}
	for _, p := range equalPolicies {
		m.EqualPolicies = append(m.EqualPolicies, policies[p])
	}
	for _, t := range eventTypeNames {
		m.EventsByType[t] = 0
	}
	m.Flows = map[string]float64{
		"proactive_share":             proactiveShare,
		"report_at_removal_share":     reportTieShare,
		"minor_safety_escalate_share": escalateShare,
		"appeal_share":                appealShare,
		"reinstate_share":             reinstateShare,
		"benign_flow_share":           benignFlowShare,
		"benign_review_share":         benignReviewShare,
		"orphan_per_event":            orphanPerEvent,
		"family_drift_window":         familyDriftWindow,
	}
	spikeDay := max(1, cfg.Days*2/3)
	m.Spike = Spike{
		Tag:         spikeTag,
		Policy:      policies[spikePolicy],
		Day:         cfg.Start.AddDate(0, 0, spikeDay).Format(time.DateOnly),
		DayIndex:    spikeDay,
		RateBefore:  spikeRateBefore,
		RateAfter:   spikeRateAfter,
		VolumeShare: spikeShare,
	}
	return m
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

var styleNames = [...]string{tsUTC: "utc", tsNaive: "naive", tsOffset: "offset"}

// counts are the realised counts kept in arrays while generating (map
// updates per row would cost more than the row); finish copies them into
// the manifest.
type counts struct {
	styles   [len(styleNames)]int64
	types    [len(eventTypeNames)]int64
	all, fam [8]PolicyOutcome
}

// tally adds the current video and its events to the realised counts.
func (g *generator) tally() {
	m := g.m
	c := &g.counts
	v := &g.v
	c.styles[v.style]++
	for i := range g.evs {
		c.styles[g.evs[i].style]++
		c.types[g.evs[i].typ]++
	}
	for i := range g.orphans {
		c.styles[g.orphans[i].style]++
		c.types[g.orphans[i].typ]++
		if len(m.OrphanVideoIDs) < 10 {
			m.OrphanVideoIDs = append(m.OrphanVideoIDs, string(appendPadded(nil, 'v', g.orphans[i].video+1, videoIDWidth)))
		}
	}
	m.OrphanEvents += int64(len(g.orphans))
	for k, d := range decoys {
		if v.decoyHit[k] {
			m.DecoyVideos[d.tag]++
		}
	}
	for k := range relatedTags {
		if v.relHit[k] {
			m.Related[k].Videos++
			if v.family {
				m.Related[k].FamilyVideos++
			}
		}
	}
	if v.family {
		m.Family.Videos++
		for _, k := range v.variants {
			if k < 0 {
				break
			}
			m.Family.VariantVideos[g.familyNorms[k]]++
		}
	}
	for p := range policies {
		o := g.outcome(uint8(p))
		c.all[p].add(o)
		if v.family {
			c.fam[p].add(o)
		}
		if p == spikePolicy && v.spiked {
			if v.day >= g.spikeDay {
				m.Spike.VideosAfter++
				m.Spike.ViolatingAfter += o.Violating
			} else {
				m.Spike.VideosBefore++
				m.Spike.ViolatingBefore += o.Violating
			}
		}
	}
}

// finish copies the realised counts into the manifest.
func (g *generator) finish() {
	m := g.m
	c := &g.counts
	for i, n := range c.styles {
		m.Timestamps[styleNames[i]] = n
	}
	for i, n := range c.types {
		m.EventsByType[eventTypeNames[i]] = n
	}
	for p, name := range policies {
		m.Outcomes[name] = c.all[p]
		m.Family.Outcomes[name] = c.fam[p]
	}
}
