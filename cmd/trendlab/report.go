package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/notebooks"
)

func newReportCmd(a *app) *cobra.Command {
	var (
		out          string
		params       []string
		showCaptions bool
		key          string
		timings      bool
		fullPaths    bool
	)
	cmd := &cobra.Command{
		Use:   "report NOTEBOOK.md -o report.html",
		Short: "Run a notebook on the workspace and write a self-contained HTML report",
		Long: `report runs an investigation notebook (Markdown with front matter and sql,
chart and investigate blocks; see notebooks/omegle-investigation.md) on the
workspace, read-only, and writes one HTML file that opens offline: ECharts is
inlined and the report makes no network request. It prints well and ends with
a Methods section and a provenance appendix (imports with SHA-256, samples and
seeds, every SQL statement with its parameters, versions, time made).

Privacy by default: author ids are replaced by keyed pseudonyms (HMAC-SHA256)
and captions are hidden. The key comes from --pseudonym-key, else from
TRENDLAB_PSEUDONYM_KEY, else a random key made for this report alone; use the
same key for reports whose pseudonyms should match. Local paths are shown as
file names only (--full-paths shows them whole).

The shipped notebook shows the investigators' labelled review when given a
saved sample: --param sample=NAME (trendlab sample list).`,
		Example: `  trendlab report notebooks/omegle-investigation.md -o omegle.html
  trendlab report notebooks/omegle-investigation.md -o omegle.html --param tag=omegle --param sample=omegle-review
  TRENDLAB_PSEUDONYM_KEY=case-1234 trendlab report my.md -o my.html --show-captions`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("report takes one notebook file, e.g. trendlab report notebooks/omegle-investigation.md -o report.html")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("say where to write the report: -o report.html")
			}
			overrides := map[string]string{}
			for _, p := range params {
				k, v, ok := strings.Cut(p, "=")
				if !ok || strings.TrimSpace(k) == "" {
					return usagef("--param %q: write name=value, e.g. --param tag=omegle", p)
				}
				overrides[strings.TrimSpace(k)] = v
			}
			opts := notebooks.Options{Params: overrides, ShowCaptions: showCaptions, FullPaths: fullPaths}
			if timings {
				opts.Trace = func(step string, d time.Duration) {
					fmt.Fprintf(cmd.ErrOrStderr(), "%8.3fs  %s\n", d.Seconds(), step)
				}
			}
			switch {
			case key != "":
				opts.PseudonymKey, opts.PseudonymKeySource = []byte(key), "--pseudonym-key"
			case os.Getenv("TRENDLAB_PSEUDONYM_KEY") != "":
				opts.PseudonymKey, opts.PseudonymKeySource = []byte(os.Getenv("TRENDLAB_PSEUDONYM_KEY")), "TRENDLAB_PSEUDONYM_KEY"
			}
			ctx := cmd.Context()
			ws, err := a.open(ctx, true)
			if err != nil {
				return err
			}
			defer ws.Close()
			var pl *phaseLine
			if !timings { // --timings prints its own lines on stderr
				pl = startPhaseLine(cmd.ErrOrStderr())
				opts.Progress = countProgress(pl, "report", "blocks")
			}
			err = notebooks.WriteFile(out, func(w io.Writer) error {
				return notebooks.Render(ctx, ws, args[0], opts, w)
			})
			pl.stop()
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "", "HTML file to write (required)")
	f.StringArrayVar(&params, "param", nil, "set a notebook parameter, name=value (repeatable)")
	f.BoolVar(&showCaptions, "show-captions", false, "include captions (hidden by default: they are user text)")
	f.StringVar(&key, "pseudonym-key", "", "key for author pseudonyms (env TRENDLAB_PSEUDONYM_KEY; default: random per report)")
	f.BoolVar(&timings, "timings", false, "print how long each block took to stderr")
	f.BoolVar(&fullPaths, "full-paths", false, "show the full paths of the workspace, notebook and imported files (by default only their names)")
	return cmd
}
