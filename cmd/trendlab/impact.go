package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/internal/textsafe"
)

func newImpactCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "impact",
		Short: "Did the tag set go with harm on the platform, and did the actions against it work?",
		Long: `impact platform tests whether the tag set's daily volume goes with the
platform-wide rate of a policy among the other videos (prewhitened
cross-correlation, regression with Newey-West errors and day-of-week terms,
changepoint and spike scans). impact intervention measures each intervention
on the tag set (segmented regression of the daily series, alone and against
comparison tags of similar volume; new spellings after a restriction). Both
need a saved tag set; reach and searches need the optional views and search
exports (trendlab import --views, --searches, --interventions).`,
		Example: `  trendlab impact platform --tagset omegle --policy minor_safety
  trendlab impact intervention --tagset omegle
  trendlab impact intervention --tagset omegle --intervention int-nr-1 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newImpactPlatformCmd(a), newImpactInterventionCmd(a))
	return cmd
}

func newImpactPlatformCmd(a *app) *cobra.Command {
	var req analysis.PlatformRequest
	var since, until string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "platform --tagset T --policy P",
		Short: "Test the association of the tag set's volume with a policy's platform-wide rate",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if req.TagSet == "" || req.Policy == "" {
				return usagef("give --tagset and --policy")
			}
			if req.Lag < 0 || req.Lag > 60 {
				return usagef("--lag %d: use 0 to 60 days", req.Lag)
			}
			period, err := periodFlags(since, until)
			if err != nil {
				return err
			}
			req.Period = period
			ws, err := a.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			p, err := analysis.ImpactPlatform(cmd.Context(), ws, req)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), p)
			}
			printPlatform(cmd.OutOrStdout(), p)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.TagSet, "tagset", "", "saved tag set (trendlab tagset list)")
	f.StringVar(&req.Policy, "policy", "", "policy whose platform-wide rate to test, e.g. minor_safety")
	f.IntVar(&req.Lag, "lag", 0, "days by which the platform rate follows the tag set in the regression (choose it beforehand)")
	f.StringVar(&since, "since", "", "first day, YYYY-MM-DD (default: the data's first)")
	f.StringVar(&until, "until", "", "last day, YYYY-MM-DD (default: the data's last)")
	f.Uint64Var(&req.Seed, "seed", 1, "seed of the scans' permutations")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newImpactInterventionCmd(a *app) *cobra.Command {
	var req analysis.InterventionRequest
	var since, until string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "intervention --tagset T [--intervention ID]",
		Short: "Measure what each intervention on the tag set did",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if req.TagSet == "" {
				return usagef("give --tagset")
			}
			period, err := periodFlags(since, until)
			if err != nil {
				return err
			}
			req.Period = period
			ws, err := a.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			rep, err := analysis.ImpactIntervention(cmd.Context(), ws, req)
			if errors.Is(err, analysis.ErrNoOptionalExport) {
				return fmt.Errorf("%w (trendlab import --interventions FILE, or trendlab intervention add)", err)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			printInterventions(cmd.OutOrStdout(), rep)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.TagSet, "tagset", "", "saved tag set (trendlab tagset list)")
	f.StringVar(&req.ID, "intervention", "", "one intervention (default: every one on the tag set)")
	f.StringSliceVar(&req.Comparison, "compare", nil, "comparison tags (default: the 5 tags closest in volume, not on the tag set's videos)")
	f.StringVar(&since, "since", "", "first day, YYYY-MM-DD (default: the data's first)")
	f.StringVar(&until, "until", "", "last day, YYYY-MM-DD (default: the data's last)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printPlatform(w io.Writer, p *analysis.Platform) {
	fmt.Fprintf(w, "Tag set %s (%s) and the platform's %s rate among other videos, %s to %s (%d days)\n\n",
		textsafe.Show(p.TagSet), textsafe.Show(strings.Join(p.Tags, ", ")), textsafe.Show(p.Policy), p.Days[0], p.Days[len(p.Days)-1], len(p.Days))
	fmt.Fprintln(w, textsafe.Show(p.Statement))
	fmt.Fprintln(w, textsafe.Show(p.SpikeText))
	fmt.Fprintln(w)
	for _, a := range []analysis.AssociationResult{p.Volume1, p.Share} {
		fmt.Fprintf(w, "  regression on %s (lag %d): slope %s, p = %s; per rise of %s: %s [%s, %s]; detectable %s\n",
			a.Regressor, a.Lag, impactNum(a.Slope), impactNum(a.PValue), a.RiseText, signedPP(a.Change), signedPP(a.ChangeCI.Lo), signedPP(a.ChangeCI.Hi), strings.TrimPrefix(signedPP(a.MDE), "+"))
	}
	if len(p.CCF.Lags) > 0 {
		fmt.Fprintf(w, "  cross-correlation (prewhitened; band ±%.3f): ", float64(p.CCF.Band))
		if len(p.CCF.Outside) == 0 {
			fmt.Fprintln(w, "no lag outside the band")
		} else {
			var parts []string
			for _, k := range p.CCF.Outside {
				parts = append(parts, fmt.Sprintf("lag %+d r = %.3f", k, float64(p.CCF.R[k-p.CCF.Lags[0]])))
			}
			fmt.Fprintln(w, strings.Join(parts, ", "))
		}
		fmt.Fprintf(w, "  %s\n", p.CCF.Method)
	}
	fmt.Fprintf(w, "  %s\n", p.Volume1.Method)
	for _, n := range p.Notes {
		fmt.Fprintf(w, "  note: %s\n", textsafe.Show(n))
	}
}

func printInterventions(w io.Writer, rep *analysis.InterventionReport) {
	fmt.Fprintf(w, "Interventions on tag set %s (%s), %s to %s\n", textsafe.Show(rep.TagSet), textsafe.Show(strings.Join(rep.Tags, ", ")), rep.Days[0], rep.Days[len(rep.Days)-1])
	for _, n := range rep.Notes {
		fmt.Fprintf(w, "note: %s\n", textsafe.Show(n))
	}
	for _, e := range rep.Interventions {
		fmt.Fprintf(w, "\n%s: %s on %s from %s (%s)\n", textsafe.Show(e.ID), textsafe.Show(e.Kind), textsafe.Show(e.Target), e.Started, e.Source)
		for _, s := range e.Series {
			fmt.Fprintf(w, "  %s\n", textsafe.Show(s.Statement))
		}
		if len(e.Evasion) > 0 {
			fmt.Fprintln(w, "  new spellings since it started:")
			for _, ev := range e.Evasion {
				unit, where := "videos", "hashtags"
				if ev.Where == "search" {
					unit, where = "searches", "searches"
				}
				fmt.Fprintf(w, "    %s in %s from %s: %d %s (score %.2f; %s in the tag set)\n", textsafe.Show(ev.Spelling), where, ev.FirstDay, ev.Volume, unit, ev.Score, ev.Status)
			}
		}
		for _, n := range e.Notes {
			fmt.Fprintf(w, "  note: %s\n", textsafe.Show(n))
		}
	}
}

func impactNum(v analysis.Num) string {
	if !v.Valid() {
		return "n/a"
	}
	return fmt.Sprintf("%.3g", float64(v))
}

func signedPP(v analysis.Num) string {
	if !v.Valid() || math.IsNaN(float64(v)) {
		return "n/a"
	}
	return fmt.Sprintf("%+.2f pp", 100*float64(v))
}
