package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
)

// phaseLine shows the current phase of long work on one terminal line,
// with elapsed time, and, once some of the work is done, its rate and the
// time left, redrawn a few times a second.
type phaseLine struct {
	w     io.Writer
	mu    sync.Mutex
	text  string
	start time.Time
	phase time.Time
	done  chan struct{}
	wg    sync.WaitGroup

	fraction float64 // of the whole work, 0 when unknown
	rows     int64   // units done, 0 when unknown
	unit     string  // what rows counts: "rows" unless setUnit says
}

// startPhaseLine returns a phase line drawing on w when w is a terminal
// (writesToTerminal, which tests replace), else nil: every method of a nil
// phase line does nothing, so that off a terminal nothing reaches stderr
// and callers need no check of their own.
func startPhaseLine(w io.Writer) *phaseLine {
	if !writesToTerminal(w) {
		return nil
	}
	return newPhaseLine(w)
}

func newPhaseLine(w io.Writer) *phaseLine {
	p := &phaseLine{w: w, start: time.Now(), phase: time.Now(), done: make(chan struct{}), unit: "rows"}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.done:
				return
			case <-t.C:
				p.draw()
			}
		}
	}()
	return p
}

func (p *phaseLine) set(text string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.text, p.phase = text, time.Now()
	p.mu.Unlock()
	p.draw()
}

// setProgress records how much of the whole work is done, for the rate
// and the time left.
func (p *phaseLine) setProgress(fraction float64, rows int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.fraction, p.rows = fraction, rows
	p.mu.Unlock()
}

// setUnit names what setProgress's count counts ("blocks", "runs").
func (p *phaseLine) setUnit(unit string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.unit = unit
	p.mu.Unlock()
}

// above clears the line, runs print (which writes whole lines to the same
// terminal, e.g. on stdout) and lets the next tick redraw the line below.
func (p *phaseLine) above(print func()) {
	if p == nil {
		print()
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r\033[K")
	print()
}

func (p *phaseLine) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := time.Since(p.start)
	fmt.Fprintf(p.w, "\r\033[K%s  %s (total %s%s)", p.text,
		time.Since(p.phase).Round(100*time.Millisecond), elapsed.Round(time.Second), rateAndLeft(elapsed, p.fraction, p.rows, p.unit))
}

// rateAndLeft says how fast the units (rows, blocks) go and, from the
// share done, how long the rest should take: ", 250k rows/s, about 1m20s
// left". It says nothing before the first 2% (or first second), when an
// estimate would mislead.
func rateAndLeft(elapsed time.Duration, fraction float64, done int64, unit string) string {
	var out string
	if done > 0 && elapsed >= time.Second {
		out += fmt.Sprintf(", %s %s/s", shortCount(float64(done)/elapsed.Seconds()), unit)
	}
	if fraction >= 0.02 && fraction < 1 && elapsed >= time.Second {
		left := time.Duration(float64(elapsed) * (1 - fraction) / fraction)
		out += fmt.Sprintf(", about %s left", left.Round(time.Second))
	}
	return out
}

// shortCount writes n as 0.4, 950, 12.3k or 4.5M.
func shortCount(n float64) string {
	switch {
	case n < 10:
		return fmt.Sprintf("%.1f", n)
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", n/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fk", n/1e3)
	}
	return fmt.Sprintf("%.0f", n)
}

func (p *phaseLine) stop() {
	if p == nil {
		return
	}
	close(p.done)
	p.wg.Wait()
	fmt.Fprint(p.w, "\r\033[K")
}

// importShowingProgress runs the import, drawing its progress on stderr when
// show is set, and clears the line before returning so that the summary or
// the error starts on a clean line.
func importShowingProgress(ctx context.Context, ws *datasets.Workspace, req datasets.ImportRequest, show bool) (*datasets.ImportSummary, error) {
	if !show {
		return datasets.Import(ctx, ws, req)
	}
	pl := newPhaseLine(os.Stderr)
	req.Progress = importProgress(pl)
	sum, err := datasets.Import(ctx, ws, req)
	pl.stop()
	return sum, err
}

// importProgress adapts datasets.Progress to a phase line.
func importProgress(p *phaseLine) func(datasets.Progress) {
	return func(pr datasets.Progress) {
		p.setProgress(pr.Fraction, pr.Rows)
		bar := progressBar(pr.Fraction, 20)
		if pr.File == "" {
			p.set(fmt.Sprintf("%s import: %s", bar, pr.Phase))
			return
		}
		p.set(fmt.Sprintf("%s [%d/%d] %s (%s): %s", bar, pr.Index, pr.Files, filepath.Base(pr.File), humanBytes(pr.SizeBytes), pr.Phase))
	}
}

// progressBar draws f in [0, 1] as a bar of width cells and a percentage.
func progressBar(f float64, width int) string {
	f = min(max(f, 0), 1)
	full := int(f * float64(width))
	return "[" + strings.Repeat("=", full) + strings.Repeat(" ", width-full) + fmt.Sprintf("] %3.0f%%", 100*f)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// synthProgress adapts synth's row counts to a phase line: the bar is the
// share of videos written, the rate counts the rows of both files.
func synthProgress(p *phaseLine, what string) func(synth.Progress) {
	if p == nil {
		return nil
	}
	return func(pr synth.Progress) {
		f := float64(pr.Videos) / float64(max(pr.VideosTotal, 1))
		p.setProgress(f, pr.Videos+pr.Events)
		p.set(fmt.Sprintf("%s %s: videos %s of %s rows, moderation_events %s rows", progressBar(f, 20), what,
			shortCount(float64(pr.Videos)), shortCount(float64(pr.VideosTotal)), shortCount(float64(pr.Events))))
	}
}

// countProgress adapts a library's "done of total" callback (report
// blocks) to a phase line, with the rate and the time left.
func countProgress(p *phaseLine, what, unit string) func(step string, done, total int) {
	if p == nil {
		return nil
	}
	p.setUnit(unit)
	return func(step string, done, total int) {
		f := float64(done) / float64(max(total, 1))
		p.setProgress(f, int64(done))
		p.set(fmt.Sprintf("%s %s: %d of %d %s, %s", progressBar(f, 20), what, done, total, unit, step))
	}
}

// stepProgress adapts a callback of unequal steps (the sweep's queries) to a
// phase line: the step and the time it has taken, but no rate or time left,
// which a count of unequal steps would get wrong.
func stepProgress(p *phaseLine, what string) func(step string, done, total int) {
	if p == nil {
		return nil
	}
	return func(step string, done, total int) {
		p.set(fmt.Sprintf("%s: [%d/%d] %s", what, min(done+1, total), total, step))
	}
}
