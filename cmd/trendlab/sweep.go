package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/terms"
)

func newSweepCmd(a *app) *cobra.Command {
	var q analysis.SweepRequest
	var tagsFile, tagSets, policies, since, until, adjust, format string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "sweep (--related-to T [--top N] | --tags FILE | --tagsets a,b,c)",
		Short: "Compare many tags with the baseline at once: rates, risk ratios, volume, trend, removals",
		Long: `sweep measures many tags in one pass over the data, the follow-up to an
investigation that found related tags. For each tag (with its variants, found
as investigate finds them, or a saved tag set's), per policy: the violation
rate against the baseline with a test, the risk ratio and difference with
intervals; the volume and its trend (share of videos in the last 7 days
against before); and the removal metrics. P-values are adjusted across every
tag and policy (Benjamini-Hochberg, or --adjust holm), and tags are ranked:
` + analysis.SweepOrdering + `.

--related-to sweeps the top related tags of a saved tag set or a hashtag.
The seed's videos are left out of each tag and of the baseline, so a tag is
judged on its own videos, not on those it shares with the seed (--keep-seed
keeps them).`,
		Example: `  trendlab sweep --related-to omegle --top 20
  trendlab sweep --tags tags.txt --policies minor_safety,bullying_harassment --json
  trendlab sweep --tagsets omegle,rooftop --format csv > sweep.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "text", "csv":
			default:
				return usagef("--format %q: use text or csv (or --json)", format)
			}
			switch strings.ToLower(adjust) {
			case "bh", "benjamini-hochberg", "":
				q.Adjust = analysis.AdjustBH
			case "holm":
				q.Adjust = analysis.AdjustHolm
			default:
				return usagef("--adjust %q: use bh or holm", adjust)
			}
			if tagsFile != "" {
				f, err := os.Open(tagsFile)
				if err != nil {
					return err
				}
				q.Tags, err = terms.ReadTerms(f, tagsFile)
				f.Close()
				if err != nil {
					return err
				}
			}
			q.TagSets = splitList(tagSets)
			q.Policies = splitList(policies)
			p, err := datasets.ParsePeriod(since, until)
			if err != nil {
				return usageError{err}
			}
			q.Period = p
			ws, err := a.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			pl := startPhaseLine(cmd.ErrOrStderr())
			q.Progress = stepProgress(pl, "sweep")
			sw, err := analysis.RunSweep(cmd.Context(), ws, q)
			pl.stop()
			if err != nil {
				return err
			}
			switch {
			case asJSON:
				return writeJSON(cmd.OutOrStdout(), sw)
			case format == "csv":
				return writeSweepCSV(cmd.OutOrStdout(), sw)
			}
			printSweep(cmd.OutOrStdout(), sw)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&q.RelatedTo, "related-to", "", "sweep the related tags of this saved tag set or hashtag")
	f.IntVar(&q.Top, "top", 20, "how many related tags to sweep")
	f.BoolVar(&q.KeepSeed, "keep-seed", false, "keep the seed's videos in each related tag and the baseline")
	f.StringVar(&tagsFile, "tags", "", "file of hashtags to sweep, one a line")
	f.StringVar(&tagSets, "tagsets", "", "saved tag sets to sweep, comma-separated")
	f.StringVar(&policies, "policies", "", "policies to report, comma-separated (default: every policy found)")
	f.StringVar(&since, "since", "", "first day, YYYY-MM-DD (default: the data's first)")
	f.StringVar(&until, "until", "", "last day, inclusive (default: the data's last)")
	f.Float64Var(&q.MinScore, "min-score", analysis.DefaultMinScore, "accept each tag's variants scoring at least this")
	f.Float64Var(&q.Alpha, "alpha", 0.05, "significance level after adjustment")
	f.Float64Var(&q.Confidence, "confidence", 0.95, "confidence of every interval")
	f.StringVar(&adjust, "adjust", "bh", "p-value adjustment across tags x policies: bh (Benjamini-Hochberg) or holm")
	f.StringVar(&format, "format", "text", "text or csv")
	f.BoolVar(&asJSON, "json", false, "print the whole sweep as JSON")
	return cmd
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func pct(p float64) string { return strconv.FormatFloat(100*p, 'f', 2, 64) + "%" }

func num(n analysis.Num, prec int) string {
	if !n.Valid() {
		return "-"
	}
	return strconv.FormatFloat(float64(n), 'f', prec, 64)
}

func printSweep(w io.Writer, sw *analysis.Sweep) {
	what := fmt.Sprintf("%d tags", len(sw.Tags))
	if s := sw.Seed; s != nil {
		what = fmt.Sprintf("the %d tags most related to #%s (%d videos)", len(sw.Tags), textsafe.Show(s.Seed), s.Videos)
	}
	fmt.Fprintf(w, "Sweep of %s, %s to %s (%d days)\n", what, sw.Period.Since, sw.Period.Until, sw.Period.Days)
	fmt.Fprintf(w, "Baseline: %s.\n", sw.Baseline)
	fmt.Fprintf(w, "P-values adjusted across %d tests (tags x policies), %s; alpha %g; %g%% intervals (%s; risk ratio Katz log).\n",
		sw.Tests, sw.AdjustMethod, sw.Request.Alpha, 100*sw.Confidence, sw.IntervalMethod)
	fmt.Fprintf(w, "Ranked: %s.\n\n", sw.Ordering)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tTAG\tVARIANTS\tVIDEOS\tTREND (7d)\tFLAGGED\tTOP POLICY\tRATE\tBASELINE\tRISK RATIO [CI]\tP ADJ\tREMOVED <24H")
	for _, t := range sw.Tags {
		flagged := "-"
		if len(t.Flagged) > 0 {
			flagged = strings.Join(t.Flagged, ",")
		}
		// The policy shown is the one the ranking used: the flagged one
		// with the largest lower bound, else the largest risk ratio.
		top := -1
		for i, r := range t.Rates {
			if top < 0 || better(r, t.Rates[top]) {
				top = i
			}
		}
		trend := num(t.Trend.Ratio, 2) + "x"
		if top < 0 {
			fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%s\t-\t-\t-\t-\t-\t-\n", t.Rank, textsafe.Show(t.Tag), len(t.Accepted)-1, t.Videos, trend, flagged)
			continue
		}
		r := t.Rates[top]
		rm := t.Removal[top]
		within := "-"
		if rm.Removals > 0 {
			within = pct(rm.Within24h.P)
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s [%s, %s]\t%.2g\t%s\n", t.Rank, textsafe.Show(t.Tag), len(t.Accepted)-1, t.Videos,
			trend, flagged, r.Policy, pct(r.TagSet.P), pct(r.Baseline.P), num(r.RiskRatio.Estimate, 2), num(r.RiskRatio.CI.Lo, 2),
			num(r.RiskRatio.CI.Hi, 2), r.Test.PAdjusted, within)
	}
	tw.Flush()
	var need []string
	for _, t := range sw.Tags {
		if len(t.Flagged) > 0 {
			need = append(need, textsafe.Show(t.Tag))
		}
	}
	if len(need) > 0 {
		fmt.Fprintf(w, "\nNeed their own investigation: %s (trendlab investigate --tag %s).\n", strings.Join(need, ", "), need[0])
	} else {
		fmt.Fprintln(w, "\nNo tag's rate is significantly above the baseline.")
	}
	for _, n := range sw.Notes {
		fmt.Fprintf(w, "Note: %s\n", textsafe.Show(n))
	}
}

// better orders the policies of a tag as the ranking does.
func better(a, b analysis.PolicyRate) bool {
	ha, hb := a.Finding == "higher", b.Finding == "higher"
	if ha != hb {
		return ha
	}
	if ha {
		return float64(a.RiskRatio.CI.Lo) > float64(b.RiskRatio.CI.Lo)
	}
	return a.RiskRatio.Estimate.Valid() && (!b.RiskRatio.Estimate.Valid() || a.RiskRatio.Estimate > b.RiskRatio.Estimate)
}

// writeSweepCSV writes a row per tag and policy.
func writeSweepCSV(w io.Writer, sw *analysis.Sweep) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"rank", "tag", "source", "variants", "videos", "trend_ratio", "trend_p", "policy", "violating", "rate", "rate_lo", "rate_hi",
		"baseline_violating", "baseline_videos", "baseline_rate", "risk_ratio", "rr_lo", "rr_hi", "risk_difference", "rd_lo", "rd_hi",
		"test", "p_value", "p_adjusted", "adjust_method", "finding", "removals", "proactive_share", "within_24h_share"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', 6, 64) }
	for _, t := range sw.Tags {
		for i, r := range t.Rates {
			rm := t.Removal[i]
			cw.Write([]string{strconv.Itoa(t.Rank), t.Tag, t.Source, strings.Join(t.Accepted, " "), strconv.FormatInt(t.Videos, 10),
				num(t.Trend.Ratio, 4), f(t.Trend.PValue), r.Policy, strconv.FormatInt(r.TagSet.X, 10), f(r.TagSet.P), f(r.TagSet.CI.Lo), f(r.TagSet.CI.Hi),
				strconv.FormatInt(r.Baseline.X, 10), strconv.FormatInt(r.Baseline.N, 10), f(r.Baseline.P),
				num(r.RiskRatio.Estimate, 6), num(r.RiskRatio.CI.Lo, 6), num(r.RiskRatio.CI.Hi, 6),
				num(r.RiskDifference.Estimate, 6), num(r.RiskDifference.CI.Lo, 6), num(r.RiskDifference.CI.Hi, 6),
				r.Test.Method, f(r.Test.PValue), f(r.Test.PAdjusted), r.Test.AdjustMethod, r.Finding,
				strconv.FormatInt(rm.Removals, 10), f(rm.Proactive.P), f(rm.Within24h.P)})
		}
	}
	cw.Flush()
	return cw.Error()
}
