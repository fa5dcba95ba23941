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
// with elapsed time, redrawn a few times a second.
type phaseLine struct {
	w     io.Writer
	mu    sync.Mutex
	text  string
	start time.Time
	phase time.Time
	done  chan struct{}
	wg    sync.WaitGroup
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

func (p *phaseLine) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\033[K%s  %s (total %s)", p.text,
		time.Since(p.phase).Round(100*time.Millisecond), time.Since(p.start).Round(time.Second))
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
