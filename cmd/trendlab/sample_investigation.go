package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/review"
)

// investigationSample is the review sample `investigate --sample N` draws
// after investigating: a simple random sample of the tag set's videos that
// violate one of the investigated policies in the period. It is not saved.
type investigationSample struct {
	// Definition draws the same members again (review.DrawSample).
	Definition review.SampleDefinition `json:"definition"`
	FrameSize  int64                   `json:"frame_size"`
	Size       int64                   `json:"size"`
	Members    []review.SampleMember   `json:"members"`
	Notes      []string                `json:"notes,omitempty"`
}

// drawInvestigationSample draws size members from the investigation's tag
// set (by name when it is saved, by its accepted tags otherwise); nil when
// the frame is empty, with the reason in notes.
func drawInvestigationSample(ctx context.Context, ws *datasets.Workspace, inv *analysis.Investigation, savedAs string, size int64, seed uint64) (*investigationSample, error) {
	period, err := datasets.ParsePeriod(inv.Period.Since, inv.Period.Until)
	if err != nil || period.Since.IsZero() || period.Until.IsZero() {
		return nil, fmt.Errorf("the investigation has no period to draw a sample from (%q to %q)", inv.Period.Since, inv.Period.Until)
	}
	frame := review.SampleFrame{Policies: inv.Policies, Violating: true}
	frame.SetPeriod(period)
	var notes []string
	if inv.TagSet.Name != "" && savedAs == "" {
		frame.TagSet = inv.TagSet.Name
	} else {
		frame.Tags = inv.TagSet.Accepted
		if inv.TagSet.IncludeCaptions {
			notes = append(notes, "the sample's frame holds the videos tagged with the accepted tags; caption mentions count in it only for a saved tag set (--tagset)")
		}
	}
	d, err := review.DrawSample(ctx, ws, review.SampleDefinition{Frame: frame, Method: review.MethodSimple, Size: size, Seed: int64(seed)})
	if errors.Is(err, review.ErrEmptyFrame) {
		return &investigationSample{Notes: append(notes, "no sample drawn: the tag set has no violating videos in the period")}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("drawing the sample: %w", err)
	}
	s := &investigationSample{Definition: d.Definition, FrameSize: d.FrameSize, Size: int64(len(d.Members)), Members: d.Members, Notes: notes}
	if s.Size < size {
		s.Notes = append(s.Notes, fmt.Sprintf("the sample holds all %d violating tag-set videos, fewer than the %d asked for", s.Size, size))
	}
	return s, nil
}

// printInvestigationSample writes the sample below the investigation's text.
func printInvestigationSample(w io.Writer, s *investigationSample) {
	if s.Size > 0 {
		fmt.Fprintf(w, "\nReview sample: %d of %d violating tag-set videos (%s, seed %d; redraw with the definition in --json)\n",
			s.Size, s.FrameSize, s.Definition.Method, s.Definition.Seed)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "#\tVIDEO\tSTRATUM\tWEIGHT")
		for _, m := range s.Members {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%.3g\n", m.Position, sampleLine(m.VideoID), sampleLine(m.Stratum), m.Weight)
		}
		tw.Flush()
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "  - %s\n", n)
	}
}
