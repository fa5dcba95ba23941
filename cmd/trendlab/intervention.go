package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
)

func newInterventionCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "intervention",
		Short: "Record, list and remove interventions (actions taken against a term or tag set)",
		Long: `Interventions come from an export (trendlab import --interventions) or are
recorded here by hand; trendlab impact intervention uses both alike. Kinds:
` + strings.Join(datasets.InterventionKinds, ", ") + `.`,
		Example: `  trendlab intervention add --id nr-1 --kind not_recommended --target omegle --started 2026-08-30
  trendlab intervention list
  trendlab intervention rm nr-1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newInterventionAddCmd(a), newInterventionListCmd(a), newInterventionRmCmd(a))
	return cmd
}

// parseWhen reads a day (YYYY-MM-DD, midnight UTC) or an RFC 3339 time.
func parseWhen(flag, s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usagef("--%s %q: write a day (2026-08-30) or an RFC 3339 time (2026-08-30T14:00:00Z)", flag, s)
	}
	return t, nil
}

func newInterventionAddCmd(a *app) *cobra.Command {
	var iv datasets.Intervention
	var started, ended, by string
	cmd := &cobra.Command{
		Use:   "add --id ID --kind KIND --target TERM --started WHEN",
		Short: "Record an intervention by hand",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if iv.ID == "" || iv.Kind == "" || iv.Target == "" || started == "" {
				return usagef("give --id, --kind, --target and --started")
			}
			var err error
			if iv.StartedAt, err = parseWhen("started", started); err != nil {
				return err
			}
			if ended != "" {
				e, err := parseWhen("ended", ended)
				if err != nil {
					return err
				}
				iv.EndedAt = &e
			}
			if by, err = resolveWho(by, "--by"); err != nil {
				return err
			}
			ws, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			if err := datasets.AddIntervention(cmd.Context(), ws, iv, by); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "recorded %s (%s on %s from %s)\n", textsafe.Show(iv.ID), iv.Kind, textsafe.Show(iv.Target), iv.StartedAt.UTC().Format(time.RFC3339))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&iv.ID, "id", "", "a unique id, e.g. nr-1")
	f.StringVar(&iv.Kind, "kind", "", "one of "+strings.Join(datasets.InterventionKinds, ", "))
	f.StringVar(&iv.Target, "target", "", "the term, hashtag or tag-set name it applies to")
	f.StringVar(&started, "started", "", "when it took effect: YYYY-MM-DD (UTC) or RFC 3339")
	f.StringVar(&ended, "ended", "", "when it ended, if it did")
	f.StringVar(&iv.Note, "note", "", "a note, e.g. the ticket")
	f.StringVar(&by, "by", "", whoHelp)
	return cmd
}

func newInterventionListCmd(a *app) *cobra.Command {
	return listCmd[datasets.Intervention]{
		short:    "List the interventions, from exports and by hand",
		header:   "ID\tKIND\tTARGET\tSTARTED\tENDED\tSOURCE\tNOTE",
		empty:    "No interventions: import an export with trendlab import --interventions, or record one with trendlab intervention add.",
		jsonHelp: "print JSON",
		load:     datasets.ListInterventions,
		row: func(iv datasets.Intervention) string {
			end := "-"
			if iv.EndedAt != nil {
				end = iv.EndedAt.UTC().Format(time.RFC3339)
			}
			src := iv.Source
			if iv.RecordedBy != "" {
				src += " (" + iv.RecordedBy + ")"
			}
			return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s", textsafe.Show(iv.ID), textsafe.Show(iv.Kind), textsafe.Show(iv.Target),
				iv.StartedAt.UTC().Format(time.RFC3339), end, textsafe.Show(src), textsafe.Show(iv.Note))
		},
	}.command(a)
}

func newInterventionRmCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "rm ID",
		Short: "Remove an intervention recorded by hand",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			if err := datasets.RemoveIntervention(cmd.Context(), ws, args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "removed %s\n", textsafe.Show(args[0]))
			return nil
		},
	}
}
