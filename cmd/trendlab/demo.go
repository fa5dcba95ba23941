package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/notebooks"
	"github.com/trendlab/trendlab/review"
)

func newDemoCmd(a *app) *cobra.Command {
	var (
		dir    string
		videos int
		seed   uint64
		format string
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole investigation on a synthetic platform, end to end",
		Long: `demo generates a synthetic platform (about 200,000 videos and their
moderation events, with a planted tag family, related tags and a spike, and
the optional views, searches and interventions exports), imports it into a
workspace in --dir, investigates #omegle and its variants, saves the tag set
and a stratified review sample, measures the tag set's platform-wide
association and what the interventions on it did, and writes the HTML
report of notebooks/omegle-investigation.md. It prints where everything went and
what to try next. Running it again reuses what is there.`,
		Example: `  trendlab demo
  trendlab demo --dir /tmp/demo --videos 1000000 --format parquet`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if videos < 1000 {
				return usagef("--videos %d: the demo needs at least 1000 videos", videos)
			}
			if !cmd.Flags().Changed("workspace") && os.Getenv("TRENDLAB_WORKSPACE") == "" {
				a.workspace = filepath.Join(dir, "trendlab.duckdb")
			}
			return runDemo(cmd.Context(), a, cmd.OutOrStdout(), dir, videos, seed, format)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "dir", "demo", "folder for the generated data, the workspace and the report")
	f.IntVar(&videos, "videos", 200_000, "number of synthetic videos")
	f.Uint64Var(&seed, "seed", 1, "seed of the synthetic platform")
	f.StringVar(&format, "format", "csv", "export format to generate: csv, jsonl or parquet")
	return cmd
}

// demoRun is the state the demo's steps share. A step reads what earlier
// steps left here and adds its own; the next step names what it needs.
type demoRun struct {
	a        *app
	out      io.Writer
	dir      string
	dataDir  string
	videos   int
	seed     uint64
	format   string
	manifest synth.Manifest
	ws       *datasets.Workspace
	report   string
	// tryNext are the commands printed at the end, each with what it shows.
	tryNext []tryLine
}

// tryLine is a command to try after the demo (the arguments after
// trendlab -w WORKSPACE) and what it shows.
type tryLine struct{ args, why string }

// demoStep is one numbered step of the demo.
type demoStep struct {
	title func(d *demoRun) string
	run   func(ctx context.Context, d *demoRun) error
}

// demoSteps are the demo's steps in order. To show a new capability, add
// a step (and a tryNext line) here.
var demoSteps = []demoStep{
	{func(d *demoRun) string {
		return fmt.Sprintf("synthesising %d videos (seed %d, %s) into %s", d.videos, d.seed, d.format, d.dataDir)
	}, demoSynth},
	{func(d *demoRun) string { return "importing into " + d.a.workspace }, demoImport},
	{func(*demoRun) string { return "investigating #omegle (tag set saved as \"omegle\")" }, demoInvestigate},
	{func(*demoRun) string {
		return "drawing a review sample of violating #omegle videos (minor_safety, bullying_harassment)"
	}, demoSample},
	{func(*demoRun) string {
		return "measuring the impact of tag set omegle: on the platform, and of the actions taken against it"
	}, demoImpact},
	{func(d *demoRun) string { return "writing the report " + d.report }, demoReport},
	{func(*demoRun) string { return "exporting and saving the term list of tag set omegle" }, demoTerms},
	{func(*demoRun) string { return "sweeping the tags related to #omegle" }, demoSweep},
	{func(*demoRun) string { return "watching tag set omegle while a later export arrives" }, demoWatch},
}

// demoSampleName is the review sample the demo saves and reports on.
const demoSampleName = "omegle-review"

func runDemo(ctx context.Context, a *app, out io.Writer, dir string, videos int, seed uint64, format string) error {
	start := time.Now()
	d := &demoRun{a: a, out: out, dir: dir, dataDir: filepath.Join(dir, "data"), videos: videos, seed: seed, format: format,
		report: filepath.Join(dir, "omegle-report.html")}
	defer func() {
		if d.ws != nil {
			d.ws.Close()
		}
	}()
	for i, st := range demoSteps {
		fmt.Fprintf(out, "\n== %d/%d %s\n", i+1, len(demoSteps), st.title(d))
		if err := st.run(ctx, d); err != nil {
			return err
		}
	}
	abs, _ := filepath.Abs(d.report)
	fmt.Fprintf(out, "\nDone in %s.\n  data:       %s\n  workspace:  %s\n  report:     %s (open it in a browser; it works offline)\n\nTry next:\n",
		time.Since(start).Round(time.Second), d.dataDir, d.ws.Path, abs)
	self := selfName() + " -w " + shellWord(d.ws.Path)
	width := 0
	for _, l := range d.tryNext {
		width = max(width, len(l.args))
	}
	for _, l := range d.tryNext {
		fmt.Fprintf(out, "  %s %-*s  # %s\n", self, width, l.args, l.why)
	}
	return nil
}

func demoSynth(ctx context.Context, d *demoRun) error {
	m, err := synth.Generate(ctx, synth.Config{Videos: d.videos, Seed: d.seed, Format: d.format, Dir: d.dataDir, SweepStory: true, Optional: true})
	if err != nil {
		return err
	}
	d.manifest = m
	fmt.Fprintf(d.out, "%d videos, %d events; planted: family %q (%d spellings), spike on #%s from %s; manifest %s\n",
		m.Videos, m.Events, m.Family.SeedTag, len(m.Family.Variants), m.Spike.Tag, m.Spike.Day, filepath.Join(d.dataDir, "manifest.json"))
	return nil
}

func demoImport(ctx context.Context, d *demoRun) error {
	ws, err := d.a.open(ctx, false)
	if err != nil {
		return err
	}
	d.ws = ws
	req := datasets.ImportRequest{Videos: []string{d.manifest.Files.Videos}, Events: []string{d.manifest.Files.Events}}
	if imp := d.manifest.Impact; imp != nil {
		req.Views, req.Searches, req.Interventions = []string{imp.Files.Views}, []string{imp.Files.Searches}, []string{imp.Files.Interventions}
	}
	sum, err := importShowingProgress(ctx, ws, req, isTerminal(os.Stderr))
	if err != nil {
		return err
	}
	printImportSummary(d.out, ws.Path, sum)
	d.tryNext = append(d.tryNext, tryLine{"query list", "saved queries"})
	return nil
}

func demoInvestigate(ctx context.Context, d *demoRun) error {
	inv, err := analysis.Investigate(ctx, d.ws, analysis.Request{Tag: "omegle", SaveAs: "omegle", Seed: 1})
	if err != nil {
		return err
	}
	var text bytes.Buffer
	if err := analysis.WriteText(&text, inv); err != nil {
		return err
	}
	reportLines(d.out, text.String(), 40)
	d.tryNext = append(d.tryNext, tryLine{"investigate --tag rooftopchallenge", "the planted spike"})
	return nil
}

func demoSample(ctx context.Context, d *demoRun) error {
	d.tryNext = append(d.tryNext, tryLine{"tui", "explore; label the sample " + demoSampleName},
		tryLine{"sample show " + demoSampleName, "the sample and its review progress"})
	if s, err := review.SampleByName(ctx, d.ws, demoSampleName); err == nil {
		fmt.Fprintf(d.out, "sample %q is there already: %d of %d videos, seed %d\n", s.Name, s.Size, s.FrameSize, s.Seed)
		return nil
	} else if !errors.Is(err, review.ErrNoSample) {
		return err
	}
	s, err := review.CreateSample(ctx, d.ws, demoSampleName, "demo", review.SampleDefinition{
		Frame:  review.SampleFrame{TagSet: "omegle", Policies: []string{"minor_safety", "bullying_harassment"}, Violating: true},
		Method: review.MethodStratified, Strata: review.StrataPolicy, Allocation: review.AllocProportional,
		Size: 200, Seed: 1,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "saved sample %q: %d of %d videos, stratified by policy, seed %d\n", s.Name, s.Size, s.FrameSize, s.Seed)
	return nil
}

// demoReport writes the shipped omegle notebook's report on the demo's
// sample, atomically.
func demoReport(ctx context.Context, d *demoRun) error {
	d.tryNext = append(d.tryNext, tryLine{"report notebooks/omegle-investigation.md -o omegle.html --param sample=" + demoSampleName,
		"the report again, after labelling"})
	return notebooks.WriteFile(d.report, func(w io.Writer) error {
		return notebooks.RenderSource(ctx, d.ws, "omegle-investigation.md", notebooks.OmegleInvestigation,
			notebooks.Options{Params: map[string]string{"sample": demoSampleName}}, w)
	})
}

// selfName is how the user ran trendlab: a path as typed (./bin/trendlab),
// or the bare name when it came from PATH.
func selfName() string {
	if strings.Contains(os.Args[0], "/") {
		return os.Args[0]
	}
	return "trendlab"
}

// reportLines prints the first n lines of text, saying how much was left out.
func reportLines(out io.Writer, text string, n int) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		fmt.Fprintln(out, strings.Join(lines[:n], "\n"))
		fmt.Fprintf(out, "… %d more lines: trendlab investigate --tag omegle\n", len(lines)-n)
		return
	}
	fmt.Fprintln(out, strings.Join(lines, "\n"))
}
