package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/analysis"
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

// sampleReviewer resolves who labels (or draws) by review.ResolveReviewer,
// as the TUI does, with the flag to pass when there is no name.
func sampleReviewer(given, flag string) (string, error) {
	name, err := review.ResolveReviewer(given, os.Getenv)
	if err != nil {
		return "", usagef("%v: pass %s NAME", err, flag)
	}
	return name, nil
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
			by, err := sampleReviewer(createdBy, "--by")
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
				sampleShellWord(s.Name), s.Definition.Labels[0].Name)
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
func sampleShellWord(s string) string {
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

func samplePct(f float64) string {
	if math.IsNaN(f) {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*f)
}

func printSampleEstimates(w io.Writer, est *review.SampleEstimates) {
	who := "latest label of any reviewer"
	if est.Reviewer != "" {
		who = "labels of " + sampleLine(est.Reviewer)
	}
	fmt.Fprintf(w, "Estimates for the frame (%d videos) from %d labelled members (%s), %.3g intervals:\n",
		est.FrameSize, est.Labelled, who, est.Confidence)
	if est.Labelled == 0 {
		fmt.Fprintln(w, "  no labels yet.")
	} else {
		if est.StrataCovered < est.Strata {
			fmt.Fprintf(w, "  only %d of %d strata have a labelled member: the shares describe those strata (%d frame videos)\n",
				est.StrataCovered, est.Strata, est.CoveredFrame)
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  LABEL\tCOUNT\tSHARE\tINTERVAL\tSE")
		rows := append(append([]review.LabelShare{}, est.Shares...), est.Violating)
		for _, s := range rows {
			fmt.Fprintf(tw, "  %s\t%d / %d\t%s\t%s – %s\t%.3g\n", sampleLine(s.Label), s.Count, s.Labelled,
				samplePct(s.Estimate.P), samplePct(s.Estimate.CI.Lo), samplePct(s.Estimate.CI.Hi), s.Estimate.SE)
		}
		tw.Flush()
		fmt.Fprintf(w, "  method: %s\n", est.Violating.Estimate.Method)
	}
	e := est.EscalatedEvents
	fmt.Fprintf(w, "Escalated to law enforcement by the moderation data (escalated_lert), all members: %d / %d sampled = %s; frame estimate %s (%s – %s)\n  method: %s\n",
		e.Escalated, e.Sampled, samplePct(e.Share), samplePct(e.Estimate.P), samplePct(e.Estimate.CI.Lo), samplePct(e.Estimate.CI.Hi), e.Estimate.Method)
}

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
			reviewer, err := sampleReviewer(reviewer, "--reviewer")
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

func newSampleEstimateCmd(a *app) *cobra.Command {
	var conf float64
	var reviewer string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "estimate NAME",
		Short: "Estimate label shares in the frame from a sample's labels",
		Long: `estimate gives, for each label, the estimated share of the frame with its
interval: Wilson with finite population correction for a simple random
sample, the stratified estimator (stratum weights N_h/N) for a stratified
one. escalate counts as violating. Each member counts once: with --reviewer,
that reviewer's current label; without, the latest label any reviewer gave.
The share of members escalated by the moderation data (escalated_lert) is
reported beside it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := sampleCheckConf(conf); err != nil {
				return err
			}
			ws, s, err := a.openSample(cmd.Context(), args[0], true)
			if err != nil {
				return err
			}
			defer ws.Close()
			est, err := review.EstimateSample(cmd.Context(), ws, s.ID, reviewer, conf)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), est)
			}
			printSampleEstimates(cmd.OutOrStdout(), est)
			return nil
		},
	}
	f := cmd.Flags()
	f.Float64Var(&conf, "confidence", 0.95, "confidence level of the intervals")
	f.StringVar(&reviewer, "reviewer", "", "use only this reviewer's labels (default: latest of any reviewer)")
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

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
