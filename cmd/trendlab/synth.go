package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/datasets/synth"
)

// synthProgressFrom is the number of videos from which synth shows progress
// on a terminal.
const synthProgressFrom = 500_000

func newSynthCmd(a *app) *cobra.Command {
	var cfg synth.Config
	var start string
	cmd := &cobra.Command{
		Use:   "synth --videos N --out DIR",
		Short: "Write a deterministic synthetic platform's exports, with a manifest of planted truths",
		Long: `synth writes a synthetic platform: DIR/videos.<ext> (the content export),
DIR/moderation_events.<ext> (the moderation events), the optional exports
DIR/views_daily.csv, DIR/search_daily.csv and DIR/interventions.csv (with
the truths of trendlab impact planted; --optional=false leaves them out
and gives the videos and events of the core story alone) and
DIR/manifest.json, which records what was planted and the counts realised
in the data.

Planted: thousands of tags with Zipf-like popularity; the tag family
"omegle" with spelling variants (case, fullwidth, leetspeak, transposition,
compounds, a Greek omicron) and decoys that merely look alike; tags that
co-occur with the family; per-policy base violation rates with the family
raised for minor_safety and bullying_harassment and equal for hate_speech;
one tag whose dangerous_acts violation rate jumps on one day; realistic event
flows (reports, flags, reviews, enforcement, escalations, appeals,
reinstatements) and a few orphan events. All text is invented and benign.

The same flags always give byte-identical files. Memory stays bounded
whatever --videos is: rows are generated and written one at a time.`,
		Example: `  trendlab synth --videos 200000 --out demo
  trendlab synth --videos 10000000 --seed 7 --format parquet --out big
  trendlab synth --videos 20000 --format csv --compress zstd --optional=false --out small
  trendlab import --videos demo/videos.csv --events demo/moderation_events.csv \
    --views demo/views_daily.csv --searches demo/search_daily.csv --interventions demo/interventions.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cfg.Dir == "" {
				return usagef("--out DIR is required: the directory to write the files into")
			}
			if start != "" {
				t, err := time.Parse(time.DateOnly, start)
				if err != nil {
					return usagef("--start %q: want a date like 2026-06-01", start)
				}
				cfg.Start = t
			}
			if err := cfg.Validate(); err != nil {
				return usageError{err}
			}
			var pl *phaseLine // nil: no progress shown
			if cfg.Videos >= synthProgressFrom {
				pl = startPhaseLine(cmd.ErrOrStderr())
				cfg.Progress = synthProgress(pl, "synth")
			}
			began := time.Now()
			m, err := synth.Generate(cmd.Context(), cfg)
			pl.stop() // clear the line before the summary or the error
			if err != nil {
				return err
			}
			took := time.Since(began)
			out := cmd.OutOrStdout()
			files := []string{m.Files.Videos, m.Files.Events, m.Files.Manifest}
			if m.Impact != nil {
				files = append(files, m.Impact.Files.Views, m.Impact.Files.Searches, m.Impact.Files.Interventions)
			}
			for _, f := range files {
				size := int64(-1)
				if st, err := os.Stat(f); err == nil {
					size = st.Size()
				}
				fmt.Fprintf(out, "wrote %s (%s)\n", f, humanBytes(size))
			}
			fmt.Fprintf(out, "in %s (%.0f videos/s)\n\n", took.Round(time.Millisecond), float64(m.Videos)/took.Seconds())
			if err := m.WriteSummary(out); err != nil {
				return err
			}
			if m.Impact != nil {
				fmt.Fprintf(out, "\nnext: trendlab import --videos %s --events %s --views %s --searches %s --interventions %s\n",
					m.Files.Videos, m.Files.Events, m.Impact.Files.Views, m.Impact.Files.Searches, m.Impact.Files.Interventions)
				return nil
			}
			fmt.Fprintf(out, "\nnext: trendlab import --videos %s --events %s\n", m.Files.Videos, m.Files.Events)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Videos, "videos", 200_000, "number of videos")
	f.Uint64Var(&cfg.Seed, "seed", 1, "seed of the random stream (same seed, same files)")
	f.StringVar(&cfg.Dir, "out", "", "output directory (created if missing)")
	f.StringVar(&cfg.Format, "format", synth.FormatCSV, "csv, jsonl or parquet")
	f.StringVar(&cfg.Compression, "compress", "", "csv/jsonl: none, gzip or zstd (whole file); parquet: none, snappy (default), gzip or zstd (inside the file)")
	f.IntVar(&cfg.Days, "days", synth.DefaultDays, "length of the period in days")
	f.BoolVar(&cfg.Optional, "optional", true, "write the optional exports (views_daily, search_daily, interventions) with the impact truths planted; --optional=false: videos and events only")
	f.BoolVar(&cfg.SweepStory, "sweep-story", false, "plant related tags for trendlab sweep: two with raised rates of their own, one without")
	f.Int64Var(&cfg.FirstID, "first-id", 0, "number videos and events after this id (a later export of the same platform)")
	f.StringVar(&cfg.Evasion, "evasion", "", "a new spelling some family videos carry instead of theirs (for trendlab watch), e.g. 0m3gle")
	f.Float64Var(&cfg.Rise, "rise", 0, "multiply the family's minor_safety rate by this (for trendlab watch), e.g. 2")
	f.StringVar(&start, "start", "", "first day of the period, YYYY-MM-DD (default "+synth.DefaultStart.Format(time.DateOnly)+")")
	return cmd
}
