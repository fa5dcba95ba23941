package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
)

func newTagSetCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tagset",
		Short: "List, show, and accept or reject the variants of saved tag sets",
		Long: `A tag set is a seed hashtag and the variants an investigator accepted or
rejected. Create one with "trendlab investigate --tag T --save-as NAME" (the
variants scoring at least --min-score are accepted), then change single
decisions here. "trendlab tagset variants T" lists the candidates without
saving anything.`,
		Example: `  trendlab tagset variants omegle
  trendlab tagset list
  trendlab tagset show omegle
  trendlab tagset reject omegle omeglefunny
  trendlab tagset accept omegle omeggle`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newTagSetVariantsCmd(a), newTagSetListCmd(a), newTagSetShowCmd(a),
		newTagSetDecideCmd(a, analysis.VariantAccepted), newTagSetDecideCmd(a, analysis.VariantRejected))
	return cmd
}

func printVariants(cmd *cobra.Command, vs []analysis.Variant) error {
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TAG\tVIDEOS\tSCORE\tSTATUS\tREASONS")
	for _, v := range vs {
		status := v.Status
		if v.Lookalike {
			status += " (look-alike)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%s\t%s\n", textsafe.Show(v.Tag), v.Videos, v.Score, status,
			textsafe.Show(strings.Join(v.Reasons, "; ")))
	}
	return tw.Flush()
}

func newTagSetVariantsCmd(a *app) *cobra.Command {
	var minScore float64
	cmd := &cobra.Command{
		Use:     "variants TAG",
		Short:   "List the tags in the data that resemble TAG, scored",
		Example: "  trendlab tagset variants omegle --min-score 0.7",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if minScore < 0 || minScore > 1 {
				return usagef("--min-score %v: use a number between 0 and 1", minScore)
			}
			ws, err := a.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			vs, err := analysis.DiscoverVariants(cmd.Context(), ws, args[0], minScore)
			if err != nil {
				return err
			}
			return printVariants(cmd, vs)
		},
	}
	cmd.Flags().Float64Var(&minScore, "min-score", analysis.DefaultMinScore, "accept variants scoring at least this")
	return cmd
}

func newTagSetListCmd(a *app) *cobra.Command {
	return listCmd[analysis.SavedTagSet]{
		short:    "List the saved tag sets",
		header:   "NAME\tSEED\tACCEPTED\tCAPTIONS\tUPDATED",
		empty:    "No saved tag sets: save one with trendlab investigate --tag T --save-as NAME.",
		jsonHelp: "print JSON (with each set's decided variants)",
		load:     analysis.ListTagSets,
		row: func(s analysis.SavedTagSet) string {
			return fmt.Sprintf("%s\t%s\t%s\t%v\t%s", textsafe.Show(s.Name), textsafe.Show(s.Seed),
				textsafe.Show(strings.Join(s.Accepted(), ",")), s.IncludeCaptions, s.UpdatedAt.UTC().Format("2006-01-02 15:04"))
		},
	}.command(a)
}

func newTagSetShowCmd(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a saved tag set's decided variants",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" && format != "csv" {
				return usagef("--format %q: use text, json or csv", format)
			}
			ws, err := a.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			s, err := analysis.LoadTagSet(cmd.Context(), ws, args[0])
			if err != nil {
				return err
			}
			if format != "text" {
				return writeTagSet(cmd, ws, s, format)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Tag set %s: seed #%s, caption mentions %v\n", s.Name, textsafe.Show(s.Seed), s.IncludeCaptions)
			return printVariants(cmd, s.Variants)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text, json or csv (with who decided each variant and when)")
	return cmd
}

func newTagSetDecideCmd(a *app, status string) *cobra.Command {
	verb := strings.TrimSuffix(status, "ed")
	var by string
	cmd := &cobra.Command{
		Use:     verb + " NAME TAG...",
		Short:   fmt.Sprintf("Mark tags %s in a saved tag set", status),
		Example: fmt.Sprintf("  trendlab tagset %s omegle omeglefunny", verb),
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			by, err := resolveWho(by, "--by")
			if err != nil {
				return err
			}
			ws, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			for _, tag := range args[1:] {
				if err := analysis.DecideVariant(cmd.Context(), ws, args[0], tag, status, by); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %s %s\n", args[0], textsafe.Show(tag), status)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&by, "by", "", whoHelp)
	return cmd
}
