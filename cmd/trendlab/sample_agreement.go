package main

import (
	"fmt"
	"math"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/review"
)

func newSampleAgreementCmd(a *app) *cobra.Command {
	var reviewers []string
	var conf float64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "agreement NAME --reviewers A,B",
		Short: "Cohen's kappa between two reviewers on the members both labelled",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(reviewers) != 2 {
				return usagef("--reviewers takes two names, e.g. --reviewers ana,bob")
			}
			if err := sampleCheckConf(conf); err != nil {
				return err
			}
			ws, s, err := a.openSample(cmd.Context(), args[0], true)
			if err != nil {
				return err
			}
			defer ws.Close()
			ag, err := review.SampleAgreement(cmd.Context(), ws, s.ID, reviewers[0], reviewers[1], conf)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, ag)
			}
			fmt.Fprintf(out, "%s and %s both labelled %d members and agree on %d (%.1f%%).\n",
				sampleLine(ag.ReviewerA), sampleLine(ag.ReviewerB), ag.Items, ag.Agreed, 100*ag.Observed)
			if math.IsNaN(ag.Kappa) {
				fmt.Fprintln(out, "Cohen's kappa is undefined: both gave every member one and the same label.")
			} else {
				fmt.Fprintf(out, "Cohen's kappa %.3f (SE %.3f, %.3g interval %.3f – %.3f)\n", ag.Kappa, ag.SE, ag.Confidence, ag.CI.Lo, ag.CI.Hi)
			}
			var labels []string
			seen := map[string]bool{}
			for x, row := range ag.Table {
				for y := range row {
					for _, l := range []string{x, y} {
						if !seen[l] {
							seen[l] = true
							labels = append(labels, l)
						}
					}
				}
			}
			sort.Strings(labels)
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(tw, "%s \\ %s\t", sampleLine(ag.ReviewerA), sampleLine(ag.ReviewerB))
			for _, l := range labels {
				fmt.Fprintf(tw, "%s\t", sampleLine(l))
			}
			fmt.Fprintln(tw)
			for _, x := range labels {
				fmt.Fprintf(tw, "%s\t", sampleLine(x))
				for _, y := range labels {
					fmt.Fprintf(tw, "%d\t", ag.Table[x][y])
				}
				fmt.Fprintln(tw)
			}
			return tw.Flush()
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&reviewers, "reviewers", nil, "the two reviewers, e.g. ana,bob")
	f.Float64Var(&conf, "confidence", 0.95, "confidence level of the interval")
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
