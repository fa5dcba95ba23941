package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/review"
)

func newSampleExportCmd(a *app) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export NAME [-o FILE]",
		Short: "Write a sample's members and current labels as CSV",
		Long: `export writes one row per member and reviewer (a member nobody labelled has
one row with empty label columns): position, video_id, stratum, weight,
reviewer, label, note, reason, labelled_at, earlier_notes (the notes given
with the reviewer's earlier labels of the member, which a re-label keeps in
the audit trail). Values are written as stored;
video ids and notes are untrusted text, so open the file as data, not as a
spreadsheet with formulas enabled.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, s, err := a.openSample(cmd.Context(), args[0], true)
			if err != nil {
				return err
			}
			defer ws.Close()
			if output == "" || output == "-" {
				w, flush := terminalSafe(cmd.OutOrStdout())
				if err := review.ExportSampleCSV(cmd.Context(), ws, s.ID, w); err != nil {
					return err
				}
				return flush()
			}
			f, err := os.Create(output)
			if err != nil {
				return fmt.Errorf("writing the export: %w", err)
			}
			if err := review.ExportSampleCSV(cmd.Context(), ws, s.ID, f); err != nil {
				f.Close()
				os.Remove(output)
				return err
			}
			if err := f.Close(); err != nil {
				return fmt.Errorf("writing %s: %w", output, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Wrote %d members of %q to %s.\n", s.Size, sampleLine(s.Name), output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "output file (default: standard output)")
	return cmd
}
