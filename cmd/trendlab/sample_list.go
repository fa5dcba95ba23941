package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/review"
)

func newSampleListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the saved samples with their review progress",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			list, err := review.ListSamples(cmd.Context(), ws)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(list) == 0 {
				fmt.Fprintln(out, "No samples yet: draw one with `trendlab sample create`.")
				return nil
			}
			tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tID\tSIZE\tFRAME\tDESIGN\tSEED\tLABELLED\tCREATED\tBY")
			for _, s := range list {
				p, err := review.SampleProgress(cmd.Context(), ws, s.ID, "")
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%d\t%d (%.0f%%)\t%s\t%s\n", sampleLine(s.Name), s.ID, s.Size, s.FrameSize,
					sampleDesign(s.Definition), s.Seed, p.Labelled, 100*p.Fraction(), s.CreatedAt.Format("2006-01-02 15:04"), sampleLine(s.CreatedBy))
			}
			return tw.Flush()
		},
	}
}

func sampleDesign(d review.SampleDefinition) string {
	if d.Method == review.MethodStratified {
		return "stratified by " + d.Strata + ", " + d.Allocation
	}
	return "simple random"
}
