package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
)

func newInvestigateCmd(a *app) *cobra.Command {
	var (
		req                      analysis.Request
		since, until, changeDate string
		asJSON, scan             bool
		scanMinVideos            int64
		sampleSize               int64
		seed                     uint64
		margin                   []float64
	)
	cmd := &cobra.Command{
		Use:   "investigate",
		Short: "Investigate a hashtag and its variants against a baseline",
		Long: `Investigate a hashtag: find its variants in the data (case and width
folding, leetspeak, confusable characters, typos, compounds) and accept those
scoring at least --min-score, or exactly the --variants given; then compare
each monitoring metric of the tag set per policy (report, automated-flag,
reported-or-flagged, violation, removal, escalation and reinstatement
rate) with the baseline (the rest of the platform, or another saved tag
set), with intervals, the test used and why, risk difference and ratio,
p-values adjusted across every comparison (Holm) and the minimum
detectable effect; say whether each difference is material, by two
one-sided tests of the risk ratio against --margin (default 0.8,1.25);
scan the daily trend for changepoints; list related tags; report removal
metrics (proactive share, within 24 h, time to action) and the
moderation funnel.

--scan-spikes instead scans every tag with enough videos for a day on which
its daily violation rate rose, per policy (Benjamini-Hochberg across all the
series scanned).

Every rate is printed as "x/n = p% [lo, hi]" (Wilson interval). --json writes
the whole result as one JSON document (fields described in the README).`,
		Example: `  trendlab investigate --tag omegle
  trendlab investigate --tag omegle --variants 0megle,omegel,omeglefunny --policies minor_safety
  trendlab investigate --tag omegle --save-as omegle          # save the tag set
  trendlab investigate --tagset omegle --baseline tagset:chatroulette --since 2026-06-01 --until 2026-06-30
  trendlab investigate --tag rooftopchallenge --change-date 2026-07-01 --json > result.json
  trendlab investigate --scan-spikes --policies dangerous_acts   # which tag's rate jumped?`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if scan {
				if req.Tag != "" || req.TagSet != "" {
					return usagef("--scan-spikes scans every tag: leave out --tag and --tagset")
				}
				return runSpikeScan(cmd, a, req, since, until, scanMinVideos, asJSON)
			}
			if req.Tag == "" && req.TagSet == "" {
				return usagef("give a hashtag with --tag (e.g. --tag omegle) or a saved tag set with --tagset NAME")
			}
			var err error
			if req.Period, err = periodFlags(since, until); err != nil {
				return err
			}
			if len(margin) != 2 || !(margin[0] > 0 && margin[0] < 1 && margin[1] > 1) {
				return usagef("--margin %v: give two risk ratios around 1, e.g. --margin 0.8,1.25", margin)
			}
			req.Margin = analysis.Margin{Lo: margin[0], Hi: margin[1]}
			if changeDate != "" {
				if req.ChangeDate, err = datasets.ParseDay(changeDate); err != nil {
					return usagef("--change-date %q: %v", changeDate, err)
				}
			}
			if req.Baseline != "rest" && !strings.HasPrefix(req.Baseline, "tagset:") {
				return usagef("--baseline %q: use rest or tagset:NAME", req.Baseline)
			}
			if cmd.Flags().Changed("sample") && sampleSize <= 0 {
				return usagef("--sample %d: give the number of videos to draw, e.g. --sample 200", sampleSize)
			}
			req.Seed = seed
			ctx := cmd.Context()
			ws, err := a.open(ctx, req.SaveAs == "")
			if err != nil {
				return err
			}
			defer ws.Close()
			inv, err := analysis.Investigate(ctx, ws, req)
			if err != nil {
				return err
			}
			// The sample is review's job: drawn after investigating, from
			// the investigation's tag set, period and policies.
			var sample *investigationSample
			if sampleSize > 0 {
				if sample, err = drawInvestigationSample(ctx, ws, inv, req.SaveAs, sampleSize, seed); err != nil {
					return err
				}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, struct {
					*analysis.Investigation
					Sample *investigationSample `json:"sample,omitempty"`
				}{inv, sample})
			}
			if err := analysis.WriteText(out, inv); err != nil {
				return err
			}
			if sample != nil {
				printInvestigationSample(out, sample)
			}
			if req.SaveAs != "" {
				fmt.Fprintf(out, "\nSaved tag set %q; change a decision with `trendlab tagset accept|reject %s TAG`.\n", req.SaveAs, req.SaveAs)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.Tag, "tag", "", "seed hashtag, with or without #")
	f.StringSliceVar(&req.Variants, "variants", nil, "exactly these variants (comma-separated) instead of those scoring >= --min-score")
	f.StringVar(&req.TagSet, "tagset", "", "use a saved tag set (its accepted variants)")
	f.StringVar(&req.SaveAs, "save-as", "", "save the tag set definition under this name (needs a writable workspace)")
	f.Float64Var(&req.MinScore, "min-score", analysis.DefaultMinScore, "accept discovered variants scoring at least this (0..1)")
	f.BoolVar(&req.IncludeCaptions, "captions", false, "also count videos whose caption mentions the tag or a variant as a word")
	f.StringSliceVar(&req.Policies, "policies", nil, "policies to report (comma-separated; default: all in the data)")
	f.StringVar(&since, "since", "", "first day of the period, YYYY-MM-DD (default: first day in the data)")
	f.StringVar(&until, "until", "", "last day of the period, inclusive, YYYY-MM-DD (default: last day in the data)")
	f.StringVar(&req.Baseline, "baseline", "rest", "comparison group: rest (every other video) or tagset:NAME")
	f.StringVar(&changeDate, "change-date", "", "day for the before/after comparison (default: the most significant changepoint)")
	f.Float64Var(&req.Confidence, "confidence", 0.95, "confidence level of every interval")
	f.Float64Var(&req.Alpha, "alpha", 0.05, "significance level after adjustment")
	f.Float64SliceVar(&margin, "margin", []float64{analysis.DefaultMargin.Lo, analysis.DefaultMargin.Hi},
		"equivalence margin of the risk ratio: a difference inside it is not material (TOST)")
	f.IntVar(&req.Permutations, "permutations", 999, "permutations for the changepoint p-values")
	f.Int64Var(&sampleSize, "sample", 0, "draw a review sample of N violating tag-set videos (not saved)")
	f.Uint64Var(&seed, "seed", 1, "seed of the sample and of the permutations")
	f.IntVar(&req.RelatedLimit, "related", 20, "number of related tags to list (with --scan-spikes: rises to list)")
	f.BoolVar(&asJSON, "json", false, "write the result as JSON")
	f.BoolVar(&scan, "scan-spikes", false, "scan every tag for a rise in its daily violation rate instead")
	f.Int64Var(&scanMinVideos, "min-videos", 100, "with --scan-spikes: least videos a tag needs in the period")
	return cmd
}

// runSpikeScan runs investigate --scan-spikes.
func runSpikeScan(cmd *cobra.Command, a *app, req analysis.Request, since, until string, minVideos int64, asJSON bool) error {
	sr := analysis.ScanRequest{Policies: req.Policies, MinVideos: minVideos, Alpha: req.Alpha, Limit: req.RelatedLimit}
	var err error
	if sr.Period, err = periodFlags(since, until); err != nil {
		return err
	}
	if minVideos <= 0 {
		return usagef("--min-videos %d: give a positive number, e.g. 100", minVideos)
	}
	ctx := cmd.Context()
	ws, err := a.open(ctx, true)
	if err != nil {
		return err
	}
	defer ws.Close()
	res, err := analysis.ScanSpikes(ctx, ws, sr)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if asJSON {
		return writeJSON(out, res)
	}
	fmt.Fprintf(out, "Spike scan, videos created %s to %s: %d (tag, policy) series scanned\n%s\n\n",
		res.Period.Since, res.Period.Until, res.Series, res.Method)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TAG\tPOLICY\tFROM\tVIDEOS\tBEFORE\tAFTER\tP\tQ\tSIGNIFICANT")
	for _, r := range res.Rises {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.2f%%\t%.2f%%\t%.3g\t%.3g\t%v\n", textsafe.Show(r.Tag), textsafe.Show(r.Policy),
			r.Day, r.Videos, 100*r.Before, 100*r.After, r.PValue, r.QValue, r.Significant)
	}
	return tw.Flush()
}

// periodFlags reads --since and --until (both inclusive days) into the
// shared period type, naming the flag in a usage error.
func periodFlags(since, until string) (datasets.Period, error) {
	p, err := datasets.ParsePeriod(since, until)
	var de *datasets.DayError
	switch {
	case errors.As(err, &de):
		return p, usagef("--%s %q: %v", de.Bound, de.Value, de.Err)
	case err != nil:
		return p, usagef("--since %s --until %s: %v", since, until, err)
	}
	return p, nil
}
