package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/review"
)

func describeSampleFrame(f review.SampleFrame) string {
	var parts []string
	if f.TagSet != "" {
		desc := "tag set " + sampleLine(f.TagSet)
		if n := len(f.TagSetTags); n > 0 {
			shown := f.TagSetTags[:min(n, 8)]
			desc += " (#" + sampleLine(strings.Join(shown, ", #"))
			if n > len(shown) {
				desc += fmt.Sprintf(" and %d more", n-len(shown))
			}
			if f.CaptionMentions {
				desc += "; caption mentions"
			}
			desc += ")"
		}
		parts = append(parts, desc)
	}
	if len(f.Tags) > 0 {
		parts = append(parts, "tags "+sampleLine(strings.Join(f.Tags, ", ")))
	}
	if f.Violating {
		if len(f.Policies) > 0 {
			parts = append(parts, "violating "+sampleLine(strings.Join(f.Policies, " or ")))
		} else {
			parts = append(parts, "violating any policy")
		}
	} else if len(f.Policies) > 0 {
		parts = append(parts, "with an outcome for "+sampleLine(strings.Join(f.Policies, " or ")))
	}
	if p, whole := f.Period(); whole {
		if !p.Since.IsZero() {
			parts = append(parts, "created from "+datasets.Day(p.Since))
		}
		if !p.Until.IsZero() {
			parts = append(parts, "created until "+datasets.Day(p.Until)+" (inclusive)")
		}
	} else {
		if f.Since != nil {
			parts = append(parts, "created from "+f.Since.Format(time.RFC3339))
		}
		if f.Until != nil {
			parts = append(parts, "created before "+f.Until.Format(time.RFC3339))
		}
	}
	if len(f.Regions) > 0 {
		parts = append(parts, "regions "+sampleLine(strings.Join(f.Regions, ", ")))
	}
	if len(parts) == 0 {
		return "all videos"
	}
	return strings.Join(parts, "; ")
}

func newSampleShowCmd(a *app) *cobra.Command {
	var conf float64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a sample: definition, size, review progress and estimates",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := sampleCheckConf(conf); err != nil {
				return err
			}
			ws, s, err := a.openSample(cmd.Context(), args[0], true)
			if err != nil {
				return err
			}
			defer ws.Close()
			ctx := cmd.Context()
			p, err := review.SampleProgress(ctx, ws, s.ID, "")
			if err != nil {
				return err
			}
			est, err := review.EstimateSample(ctx, ws, s.ID, "", conf)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, map[string]any{"sample": sampleJSON(s), "progress": p, "estimates": est})
			}
			fmt.Fprintf(out, "Sample %q (id %d), created %s by %s\n", sampleLine(s.Name), s.ID, s.CreatedAt.Format(time.RFC3339), sampleLine(s.CreatedBy))
			fmt.Fprintf(out, "Frame:   %s (%d videos when drawn)\n", describeSampleFrame(s.Definition.Frame), s.FrameSize)
			fmt.Fprintf(out, "Design:  %s, %d members, seed %d, ranked by %s\n", sampleDesign(s.Definition), s.Size, s.Seed, s.Definition.Hash)
			if s.Definition.Margin > 0 {
				fmt.Fprintf(out, "Planned: ±%.3g at %.3g confidence\n", s.Definition.Margin, s.Definition.Confidence)
			}
			var labels []string
			for _, l := range s.Definition.Labels {
				labels = append(labels, l.Key+" "+l.Name)
			}
			fmt.Fprintf(out, "Labels:  %s\n", strings.Join(labels, ", "))
			printSampleAllocation(out, s.Definition)
			fmt.Fprintf(out, "Progress: %d of %d members labelled (%.0f%%)", p.Labelled, p.Size, 100*p.Fraction())
			var who []string
			for r, n := range p.Reviewers {
				who = append(who, fmt.Sprintf("%s %d", sampleLine(r), n))
			}
			sort.Strings(who)
			if len(who) > 0 {
				fmt.Fprintf(out, "; by reviewer: %s", strings.Join(who, ", "))
			}
			fmt.Fprintln(out)
			fmt.Fprintln(out)
			printSampleEstimates(out, est)
			return nil
		},
	}
	cmd.Flags().Float64Var(&conf, "confidence", 0.95, "confidence level of the intervals")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func sampleJSON(s *review.Sample) map[string]any {
	return map[string]any{"id": s.ID, "name": s.Name, "definition": s.Definition, "seed": s.Seed,
		"size": s.Size, "frame_size": s.FrameSize, "created_at": s.CreatedAt, "created_by": s.CreatedBy}
}
