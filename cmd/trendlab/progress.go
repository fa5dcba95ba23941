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
	rows     int64   // rows done, 0 when unknown
}

func newPhaseLine(w io.Writer) *phaseLine {
	p := &phaseLine{w: w, start: time.Now(), phase: time.Now(), done: make(chan struct{})}
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
	p.mu.Lock()
	p.text, p.phase = text, time.Now()
	p.mu.Unlock()
	p.draw()
}

// setProgress records how much of the whole work is done, for the rate
// and the time left.
func (p *phaseLine) setProgress(fraction float64, rows int64) {
	p.mu.Lock()
	p.fraction, p.rows = fraction, rows
	p.mu.Unlock()
}

func (p *phaseLine) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := time.Since(p.start)
	fmt.Fprintf(p.w, "\r\033[K%s  %s (total %s%s)", p.text,
		time.Since(p.phase).Round(100*time.Millisecond), elapsed.Round(time.Second), rateAndLeft(elapsed, p.fraction, p.rows))
}

// rateAndLeft says how fast rows go and, from the share done, how long the
// rest should take: ", 250k rows/s, about 1m20s left". It says nothing
// before the first 2% (or first second), when an estimate would mislead.
func rateAndLeft(elapsed time.Duration, fraction float64, rows int64) string {
	var out string
	if rows > 0 && elapsed >= time.Second {
		out += fmt.Sprintf(", %s rows/s", shortCount(float64(rows)/elapsed.Seconds()))
	}
	if fraction >= 0.02 && fraction < 1 && elapsed >= time.Second {
		left := time.Duration(float64(elapsed) * (1 - fraction) / fraction)
		out += fmt.Sprintf(", about %s left", left.Round(time.Second))
	}
	return out
}

// shortCount writes n as 950, 12.3k or 4.5M.
func shortCount(n float64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1fM", n/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1fk", n/1e3)
	}
	return fmt.Sprintf("%.0f", n)
}

func (p *phaseLine) stop() {
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
