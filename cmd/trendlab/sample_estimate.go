package main

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/review"
)

func samplePct(f float64) string {
	if math.IsNaN(f) {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*f)
}

func printSampleEstimates(w io.Writer, est *review.SampleEstimates) {
	who := "latest label of any reviewer"
	if est.Reviewer != "" {
		who = "labels of " + sampleLine(est.Reviewer)
	}
	fmt.Fprintf(w, "Estimates for the frame (%d videos) from %d labelled members (%s), %.3g intervals:\n",
		est.FrameSize, est.Labelled, who, est.Confidence)
	if est.Labelled == 0 {
		fmt.Fprintln(w, "  no labels yet.")
	} else {
		if est.StrataCovered < est.Strata {
			fmt.Fprintf(w, "  only %d of %d strata have a labelled member: the shares describe those strata (%d frame videos)\n",
				est.StrataCovered, est.Strata, est.CoveredFrame)
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  LABEL\tCOUNT\tSHARE\tINTERVAL\tSE")
		rows := append(append([]review.LabelShare{}, est.Shares...), est.Violating)
		for _, s := range rows {
			fmt.Fprintf(tw, "  %s\t%d / %d\t%s\t%s – %s\t%.3g\n", sampleLine(s.Label), s.Count, s.Labelled,
				samplePct(s.Estimate.P), samplePct(s.Estimate.CI.Lo), samplePct(s.Estimate.CI.Hi), s.Estimate.SE)
		}
		tw.Flush()
		fmt.Fprintf(w, "  method: %s\n", est.Violating.Estimate.Method)
	}
	e := est.EscalatedEvents
	fmt.Fprintf(w, "Escalated to law enforcement by the moderation data (an escalation event with action escalated_lert), all members: %d / %d sampled = %s; frame estimate %s (%s – %s)\n  method: %s\n",
		e.Escalated, e.Sampled, samplePct(e.Share), samplePct(e.Estimate.P), samplePct(e.Estimate.CI.Lo), samplePct(e.Estimate.CI.Hi), e.Estimate.Method)
}

func newSampleEstimateCmd(a *app) *cobra.Command {
	var conf float64
	var reviewer string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "estimate NAME",
		Short: "Estimate label shares in the frame from a sample's labels",
		Long: `estimate gives, for each label, the estimated share of the frame with its
interval: Wilson with finite population correction for a simple random
sample, the stratified estimator (stratum weights N_h/N) for a stratified
one. escalate counts as violating. Each member counts once: with --reviewer,
that reviewer's current label; without, the latest label any reviewer gave.
The share of members escalated by the moderation data (an escalation
event with action escalated_lert) is reported beside it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := sampleCheckConf(conf); err != nil {
				return err
			}
			ws, s, err := a.openSample(cmd.Context(), args[0], true)
			if err != nil {
				return err
			}
			defer ws.Close()
			est, err := review.EstimateSample(cmd.Context(), ws, s.ID, reviewer, conf)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), est)
			}
			printSampleEstimates(cmd.OutOrStdout(), est)
			return nil
		},
	}
	f := cmd.Flags()
	f.Float64Var(&conf, "confidence", 0.95, "confidence level of the intervals")
	f.StringVar(&reviewer, "reviewer", "", "use only this reviewer's labels (default: latest of any reviewer)")
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
