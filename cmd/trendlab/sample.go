package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/review"
)

func newSampleCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sample",
		Short: "Draw reproducible review samples, label them, estimate from the labels",
		Long: `A sample is drawn from a frame of videos (a tag or tag set, policies, only
violating videos, a period, regions). Selection ranks the frame by
md5(seed || ':' || video_id) and takes the smallest, per stratum when the
sample is stratified by policy, ISO week or region (proportional or Neyman
allocation), so the same workspace, frame and seed always give the same
members, whatever the order of the rows. The definition is saved with the
sample; labels are appended to an audit trail, and estimates from the labels
carry intervals with the strata weighted.

Labels are usually given in the terminal UI (trendlab tui, Sample review);
"sample label" gives one from a script.`,
		Example: `  trendlab sample plan --tagset omegle --violating --margin 0.05
  trendlab sample create --name omegle-ms --tagset omegle --policies minor_safety,bullying_harassment \
      --violating --margin 0.05 --seed 7 --strata policy
  trendlab sample label omegle-ms --video v123 --label escalate --note "asks for age"
  trendlab sample estimate omegle-ms
  trendlab sample agreement omegle-ms --reviewers ana,bob
  trendlab sample export omegle-ms -o omegle-ms.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newSamplePlanCmd(a), newSampleCreateCmd(a), newSampleListCmd(a), newSampleShowCmd(a),
		newSampleLabelCmd(a), newSampleEstimateCmd(a), newSampleAgreementCmd(a), newSampleExportCmd(a))
	return cmd
}

// sampleFrameFlags are the flags that define a sample frame.
type sampleFrameFlags struct {
	tags      []string
	tagSet    string
	policies  []string
	violating bool
	since     string
	until     string
	regions   []string
}

func (ff *sampleFrameFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringSliceVar(&ff.tags, "tag", nil, "hashtag(s) in the frame, with or without # (repeat or comma-separate)")
	f.StringVar(&ff.tagSet, "tagset", "", "saved tag set: its seed tag and accepted variants")
	f.StringSliceVar(&ff.policies, "policies", nil, "policies, in priority order for policy strata, e.g. minor_safety,bullying_harassment")
	f.BoolVar(&ff.violating, "violating", false, "only videos violating one of --policies (or any policy)")
	f.StringVar(&ff.since, "since", "", "first day of the frame, YYYY-MM-DD (UTC)")
	f.StringVar(&ff.until, "until", "", "last day of the frame, inclusive, YYYY-MM-DD (UTC)")
	f.StringSliceVar(&ff.regions, "regions", nil, "region codes, e.g. US,BR")
}

func (ff *sampleFrameFlags) frame() (review.SampleFrame, error) {
	fr := review.SampleFrame{TagSet: ff.tagSet, Policies: ff.policies, Violating: ff.violating, Regions: ff.regions}
	for _, t := range ff.tags {
		n := datasets.NormalizeTag(t)
		if n == "" {
			return fr, usagef("--tag %q is empty once normalised", t)
		}
		fr.Tags = append(fr.Tags, n)
	}
	// One period type for every command: --until is the last day, inclusive.
	p, err := periodFlags(ff.since, ff.until)
	if err != nil {
		return fr, err
	}
	fr.SetPeriod(p)
	return fr, nil
}

// parseDay reads YYYY-MM-DD (midnight UTC) or RFC 3339.

func sampleCheckConf(conf float64) error {
	if !(conf > 0 && conf < 1) {
		return usagef("--confidence %g must be between 0 and 1, e.g. 0.95", conf)
	}
	return nil
}

// line makes untrusted text safe for one line of terminal output.
func sampleLine(s string) string { return textsafe.Show(s) }

func newSamplePlanCmd(a *app) *cobra.Command {
	var ff sampleFrameFlags
	var margin, conf, p float64
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "How many videos to sample for a margin at a confidence",
		Long: `plan counts the frame and gives the sample size that estimates a share in it
to within ±margin at the confidence, with the finite population correction:
n0 = z² p(1-p) / margin², n = n0 / (1 + (n0-1)/N). p is the anticipated share;
0.5 (the default) needs the most and is safe when nothing is known.`,
		Example: `  trendlab sample plan --tagset omegle --violating --margin 0.05
  trendlab sample plan --tag omegle --margin 0.03 --confidence 0.99 --p 0.2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fr, err := ff.frame()
			if err != nil {
				return err
			}
			if err := sampleCheckConf(conf); err != nil {
				return err
			}
			ws, err := a.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			plan, err := review.PlanSampleSize(cmd.Context(), ws, fr, margin, conf, p)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Frame: %d videos. Sample %d for ±%.3g at %.3g confidence (anticipated share %.3g; %s).\n",
				plan.FrameSize, plan.Size, plan.Margin, plan.Confidence, plan.P, plan.Method)
			return nil
		},
	}
	ff.register(cmd)
	f := cmd.Flags()
	f.Float64Var(&margin, "margin", 0.05, "half-width of the interval, e.g. 0.05 for ±5 points")
	f.Float64Var(&conf, "confidence", 0.95, "confidence level")
	f.Float64Var(&p, "p", 0.5, "anticipated share (0.5 is the most conservative)")
	return cmd
}

func newSampleCreateCmd(a *app) *cobra.Command {
	var ff sampleFrameFlags
	var name, labels, createdBy string
	var def review.SampleDefinition
	var seedSet, dryRun bool
	cmd := &cobra.Command{
		Use:   "create --name NAME [frame flags] (--size N | --margin M) [--seed S] [--strata policy|week|region]",
		Short: "Draw a sample from a frame and save it",
		Long: `create draws a sample and saves it with its definition, in one transaction.
The size is --size, or planned from --margin and --confidence (see "sample
plan"). Without --seed a random seed is chosen, printed and saved, so the
sample can still be drawn again.

Stratified samples (--strata) give every stratum at least one member.
--allocation neyman allocates n_h in proportion to N_h·sqrt(p_h(1-p_h)); p_h
is a prior share per stratum taken from --prior: violation_rate (the
stratum's share of violating videos), escalation_rate (its share escalated to
law enforcement; the default for --violating frames, whose violation rate is
1), or guess (--prior-guess). Priors are clamped to [0.01, 0.99] and saved
with the sample.

The label set (--labels) is name:key pairs, '!' marking labels that count as
violating; the default is escalate:e!,violating:v!,not_violating:n,unsure:u.`,
		Example: `  trendlab sample create --name omegle-ms --tagset omegle --policies minor_safety --violating --size 200 --seed 7
  trendlab sample create --name weekly --tag omegle --strata week --margin 0.05 --seed 1
  trendlab sample create --name ney --tagset omegle --violating --strata policy --allocation neyman --size 300`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(name) == "" && !dryRun {
				return usagef("give the sample a --name")
			}
			fr, err := ff.frame()
			if err != nil {
				return err
			}
			def.Frame = fr
			if def.Size < 0 {
				return usagef("--size %d is negative", def.Size)
			}
			if def.Size > 0 && cmd.Flags().Changed("margin") {
				return usagef("give either --size or --margin, not both")
			}
			if def.Size == 0 && def.Margin == 0 {
				return usagef("give --size N, or --margin (e.g. 0.05) to plan the size")
			}
			if def.Size == 0 {
				if err := sampleCheckConf(def.Confidence); err != nil {
					return err
				}
			} else {
				def.Margin, def.Confidence, def.PlanP = 0, 0, 0
			}
			switch def.Strata {
			case "", review.StrataPolicy, review.StrataWeek, review.StrataRegion:
			default:
				return usagef("--strata %q: expected policy, week or region", def.Strata)
			}
			if def.Allocation != review.AllocProportional && def.Allocation != review.AllocNeyman {
				return usagef("--allocation %q: expected proportional or neyman", def.Allocation)
			}
			switch def.PriorSource {
			case "", review.PriorViolationRate, review.PriorEscalationRate, review.PriorGuess:
			default:
				return usagef("--prior %q: expected violation_rate, escalation_rate or guess", def.PriorSource)
			}
			if def.Strata != "" {
				def.Method = review.MethodStratified
			} else if cmd.Flags().Changed("allocation") {
				return usagef("--allocation needs --strata (policy, week or region)")
			}
			if labels != "" {
				set, err := review.ParseLabelSet(labels)
				if err != nil {
					return usagef("--labels: %v", err)
				}
				def.Labels = set
			}
			if !seedSet {
				var b [8]byte
				if _, err := rand.Read(b[:]); err != nil {
					return err
				}
				def.Seed = int64(binary.LittleEndian.Uint64(b[:]) >> 33) // a short, printable seed
			}
			ws, err := a.open(cmd.Context(), dryRun)
			if err != nil {
				return err
			}
			defer ws.Close()
			out := cmd.OutOrStdout()
			if dryRun {
				d, err := review.DrawSample(cmd.Context(), ws, def)
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "Would draw %d of %d videos (seed %d):\n", len(d.Members), d.FrameSize, d.Definition.Seed)
				printSampleAllocation(out, d.Definition)
				return nil
			}
			by, err := resolveWho(createdBy, "--by")
			if err != nil {
				return err
			}
			s, err := review.CreateSample(cmd.Context(), ws, name, by, def)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "Saved sample %q (id %d): %d of %d videos, seed %d.\n", sampleLine(s.Name), s.ID, s.Size, s.FrameSize, s.Seed)
			printSampleAllocation(out, s.Definition)
			fmt.Fprintf(out, "Review it in the terminal UI (trendlab tui), or label from a script with\n  trendlab sample label %s --video ID --label %s\n",
				shellWord(s.Name), s.Definition.Labels[0].Name)
			return nil
		},
	}
	ff.register(cmd)
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "name of the sample (unique in the workspace)")
	f.Int64Var(&def.Size, "size", 0, "number of videos to sample")
	f.Float64Var(&def.Margin, "margin", 0, "plan the size for this margin instead of --size, e.g. 0.05")
	f.Float64Var(&def.Confidence, "confidence", 0.95, "confidence level for --margin")
	f.Float64Var(&def.PlanP, "p", 0, "anticipated share for --margin (default 0.5, the most conservative)")
	f.Int64Var(&def.Seed, "seed", 0, "seed of the selection (default: random, printed and saved)")
	f.StringVar(&def.Strata, "strata", "", "stratify by policy, week (ISO week of created_at) or region")
	f.StringVar(&def.Allocation, "allocation", review.AllocProportional, "proportional or neyman (with --strata)")
	f.StringVar(&def.PriorSource, "prior", "", "Neyman prior per stratum: violation_rate, escalation_rate or guess")
	f.Float64Var(&def.PriorGuess, "prior-guess", 0, "prior share for --prior guess")
	f.StringVar(&labels, "labels", "", "label set, e.g. escalate:e!,violating:v!,not_violating:n,unsure:u")
	f.StringVar(&createdBy, "by", "", "who draws the sample (default $USER, else $USERNAME)")
	f.BoolVar(&dryRun, "dry-run", false, "show the allocation without saving anything")
	cmd.PreRun = func(cmd *cobra.Command, args []string) { seedSet = cmd.Flags().Changed("seed") }
	return cmd
}

// shellWord quotes a name for a command line the user may copy.
func shellWord(s string) string {
	s = sampleLine(s)
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.:/", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func printSampleAllocation(w io.Writer, def review.SampleDefinition) {
	if def.Method != review.MethodStratified {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "STRATUM\tFRAME\tSAMPLE\tWEIGHT\t"
	if def.Allocation == review.AllocNeyman {
		head += "PRIOR\t"
	}
	fmt.Fprintln(tw, head)
	for _, a := range def.Allocated {
		weight := "-"
		if a.SampleSize > 0 {
			weight = fmt.Sprintf("%.3g", float64(a.FrameSize)/float64(a.SampleSize))
		}
		row := fmt.Sprintf("%s\t%d\t%d\t%s\t", sampleLine(a.Stratum), a.FrameSize, a.SampleSize, weight)
		if def.Allocation == review.AllocNeyman {
			row += fmt.Sprintf("%.3g\t", a.Prior)
		}
		fmt.Fprintln(tw, row)
	}
	tw.Flush()
}

// openSample opens the workspace (read-only when forceRead) and finds the
// saved sample name in it; on error nothing is left open.
func (a *app) openSample(ctx context.Context, name string, forceRead bool) (*datasets.Workspace, *review.Sample, error) {
	ws, err := a.open(ctx, forceRead)
	if err != nil {
		return nil, nil, err
	}
	s, err := review.SampleByName(ctx, ws, name)
	if err != nil {
		ws.Close()
		return nil, nil, err
	}
	return ws, s, nil
}
