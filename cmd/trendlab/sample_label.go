package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/review"
)

func newSampleLabelCmd(a *app) *cobra.Command {
	var video, label, note, reason, reviewer string
	cmd := &cobra.Command{
		Use:   "label NAME --video ID --label LABEL [--note TEXT] [--reason TEXT] [--reviewer R]",
		Short: "Label one member of a sample (for scripts; the TUI is the usual way)",
		Long: `label appends a label to the sample's audit trail at once. Labelling a member
again changes the reviewer's current label and keeps the earlier one in the
history; --reason says why it changed.`,
		Example: `  trendlab sample label omegle-ms --video v123 --label violating
  trendlab sample label omegle-ms --video v123 --label escalate --reason "second look at the caption"`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if video == "" || label == "" {
				return usagef("give --video ID and --label LABEL")
			}
			reviewer, err := resolveWho(reviewer, "--reviewer")
			if err != nil {
				return err
			}
			ws, s, err := a.openSample(cmd.Context(), args[0], false)
			if errors.Is(err, datasets.ErrLocked) {
				// Another trendlab (a TUI in review) has the workspace open
				// read-only: label through the journal, as the TUI does.
				ws, s, err = a.openSample(cmd.Context(), args[0], true)
			}
			if err != nil {
				return err
			}
			defer ws.Close()
			r, err := review.Label(cmd.Context(), ws, s.ID, video, reviewer, label, note, reason)
			if err != nil {
				return err
			}
			p, err := review.SampleProgress(cmd.Context(), ws, s.ID, r.Reviewer)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s labelled %s %s at %s; %d of %d labelled by %s.\n", sampleLine(r.Reviewer), sampleLine(r.VideoID),
				r.Label, r.LabelledAt.Format(time.RFC3339), p.Labelled, p.Size, sampleLine(r.Reviewer))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&video, "video", "", "video id of the member")
	f.StringVar(&label, "label", "", "label from the sample's label set (see sample show)")
	f.StringVar(&note, "note", "", "optional note about the video")
	f.StringVar(&reason, "reason", "", "optional reason, e.g. for changing a label")
	f.StringVar(&reviewer, "reviewer", "", "reviewer name (default $USER, else $USERNAME)")
	return cmd
}
