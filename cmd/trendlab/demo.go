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
moderation events, with a planted tag family, related tags and a spike),
imports it into a workspace in --dir, investigates #omegle and its variants,
saves the tag set and a stratified review sample, and writes the HTML report
of notebooks/omegle-investigation.md. It prints where everything went and
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

func runDemo(ctx context.Context, a *app, out io.Writer, dir string, videos int, seed uint64, format string) error {
	start := time.Now()
	step := func(n int, what string) { fmt.Fprintf(out, "\n== %d/5 %s\n", n, what) }
	dataDir := filepath.Join(dir, "data")

	step(1, fmt.Sprintf("synthesising %d videos (seed %d, %s) into %s", videos, seed, format, dataDir))
	m, err := synth.Generate(ctx, synth.Config{Videos: videos, Seed: seed, Format: format, Dir: dataDir})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d videos, %d events; planted: family %q (%d spellings), spike on #%s from %s; manifest %s\n",
		m.Videos, m.Events, m.Family.SeedTag, len(m.Family.Variants), m.Spike.Tag, m.Spike.Day, filepath.Join(dataDir, "manifest.json"))

	step(2, "importing into "+a.workspace)
	ws, err := a.open(ctx, false)
	if err != nil {
		return err
	}
	defer ws.Close()
	req := datasets.ImportRequest{Videos: []string{m.Files.Videos}, Events: []string{m.Files.Events}}
	sum, err := importShowingProgress(ctx, ws, req, isTerminal(os.Stderr))
	if err != nil {
		return err
	}
	printImportSummary(out, ws.Path, sum)

	step(3, "investigating #omegle (tag set saved as \"omegle\")")
	inv, err := analysis.Investigate(ctx, ws, analysis.Request{Tag: "omegle", SaveAs: "omegle", Seed: 1})
	if err != nil {
		return err
	}
	var text bytes.Buffer
	if err := analysis.WriteText(&text, inv); err != nil {
		return err
	}
	reportLines(out, text.String(), 40)

	step(4, "drawing a review sample of violating #omegle videos (minor_safety, bullying_harassment)")
	const sampleName = "omegle-review"
	if s, err := review.SampleByName(ctx, ws, sampleName); err == nil {
		fmt.Fprintf(out, "sample %q is there already: %d of %d videos, seed %d\n", s.Name, s.Size, s.FrameSize, s.Seed)
	} else if errors.Is(err, review.ErrNoSample) {
		s, err := review.CreateSample(ctx, ws, sampleName, "demo", review.SampleDefinition{
			Frame:  review.SampleFrame{TagSet: "omegle", Policies: []string{"minor_safety", "bullying_harassment"}, Violating: true},
			Method: review.MethodStratified, Strata: review.StrataPolicy, Allocation: review.AllocProportional,
			Size: 200, Seed: 1,
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "saved sample %q: %d of %d videos, stratified by policy, seed %d\n", s.Name, s.Size, s.FrameSize, s.Seed)
	} else {
		return err
	}

	report := filepath.Join(dir, "omegle-report.html")
	step(5, "writing the report "+report)
	if err := writeReport(ctx, ws, report); err != nil {
		return err
	}
	abs, _ := filepath.Abs(report)
	fmt.Fprintf(out, `
Done in %[1]s.
  data:       %[2]s
  workspace:  %[3]s
  report:     %[4]s (open it in a browser; it works offline)

Try next:
  %[6]s -w %[3]s tui                                  # explore; label the sample %[5]s
  %[6]s -w %[3]s investigate --tag rooftopchallenge    # the planted spike
  %[6]s -w %[3]s query list                            # saved queries
  %[6]s -w %[3]s sample show %[5]s
`, time.Since(start).Round(time.Second), dataDir, ws.Path, abs, sampleName, selfName())
	return nil
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

// writeReport renders the shipped omegle notebook into path, atomically.
func writeReport(ctx context.Context, ws *datasets.Workspace, path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".report-*.html")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := notebooks.RenderSource(ctx, ws, "notebooks/omegle-investigation.md", notebooks.OmegleInvestigation, notebooks.Options{}, tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
