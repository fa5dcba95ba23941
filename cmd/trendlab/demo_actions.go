package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/terms"
)

// The demo's steps after the report: from findings to actions (issue 12).

// demoTerms exports the omegle tag set's term list and saves it.
func demoTerms(ctx context.Context, d *demoRun) error {
	l, err := terms.Build(ctx, d.ws, "omegle", terms.SpellRaw)
	if err != nil {
		return err
	}
	path := filepath.Join(d.dir, "omegle-terms.txt")
	if err := writeOut(nil, path, func(w io.Writer) error { return l.Write(w, terms.FormatTxt) }); err != nil {
		return err
	}
	v, err := terms.Save(ctx, d.ws, "omegle-blocklist", l, "demo")
	if err != nil {
		return err
	}
	fmt.Fprintf(d.out, "wrote %s (%d lines) and saved it as omegle-blocklist@%d\n", path, len(l.Terms()), v)
	d.tryNext = append(d.tryNext, tryLine{"terms check omegle-blocklist", "what the term list catches, and what else it hits"})
	return nil
}

// demoSweep sweeps the tags related to omegle.
func demoSweep(ctx context.Context, d *demoRun) error {
	sw, err := analysis.RunSweep(ctx, d.ws, analysis.SweepRequest{RelatedTo: "omegle", Top: 10, Policies: []string{"minor_safety", "bullying_harassment"}})
	if err != nil {
		return err
	}
	printSweep(d.out, sw)
	d.tryNext = append(d.tryNext, tryLine{"sweep --related-to omegle --top 20 --json", "the sweep, every policy, as JSON"})
	return nil
}

// demoWatch watches the tag set, then imports a later export with a new
// evasion spelling and a rise of minor_safety: the watch fires.
func demoWatch(ctx context.Context, d *demoRun) error {
	if _, err := analysis.AddWatch(ctx, d.ws, "omegle-watch", "omegle", analysis.WatchDefinition{}, "demo"); err != nil {
		return err
	}
	start, err := time.Parse(time.RFC3339, d.manifest.End)
	if err != nil {
		return err
	}
	m, err := synth.Generate(ctx, synth.Config{Videos: max(20_000, d.videos/5), Seed: d.seed + 1, Days: 7, Start: start,
		Format: d.format, Dir: filepath.Join(d.dir, "later"), FirstID: 1_000_000_000, SweepStory: true, Evasion: "0m3gle", Rise: 4})
	if err != nil {
		return err
	}
	// The report locked this handle out of the file system (reports read
	// nothing outside the workspace): the import takes a new one.
	d.ws.Close()
	if d.ws, err = d.a.open(ctx, false); err != nil {
		return err
	}
	fmt.Fprintf(d.out, "watching tag set omegle; a later export (%d videos) where %d videos spell it 0m3gle and its minor_safety rate is 4x:\n",
		m.Videos, m.Stories.EvasionVideos)
	sum, err := importShowingProgress(ctx, d.ws, datasets.ImportRequest{Videos: []string{m.Files.Videos}, Events: []string{m.Files.Events}}, isTerminal(os.Stderr))
	if err != nil {
		return err
	}
	printImportSummary(d.out, d.ws.Path, sum)
	printWatchRuns(d.out, runWatchesAfterImport(ctx, d.ws, d.a.stderr), false)
	d.tryNext = append(d.tryNext, tryLine{"watch alerts", "the alerts kept in the workspace"})
	return nil
}
