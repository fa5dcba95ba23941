package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets/synth"
)

func TestRateAndLeft(t *testing.T) {
	for _, tt := range []struct {
		elapsed  time.Duration
		fraction float64
		done     int64
		unit     string
		want     string
	}{
		{10 * time.Second, 0.25, 2_500_000, "rows", ", 250.0k rows/s, about 30s left"},
		{10 * time.Second, 0.5, 0, "rows", ", about 10s left"},
		{10 * time.Second, 0.01, 0, "rows", ""},                   // too early to tell
		{500 * time.Millisecond, 0.5, 900, "rows", ""},            // the first second
		{4 * time.Second, 1, 18_000_000, "rows", ", 4.5M rows/s"}, // done: nothing left
		{2 * time.Second, 0.98, 1900, "rows", ", 950 rows/s, about 0s left"},
		{20 * time.Second, 0.25, 2, "blocks", ", 0.1 blocks/s, about 1m0s left"}, // slow units keep a decimal
		{4 * time.Second, 0.5, 30, "blocks", ", 7.5 blocks/s, about 4s left"},
		{90 * time.Second, 0.75, 12_345, "rows", ", 137 rows/s, about 30s left"},
	} {
		if got := rateAndLeft(tt.elapsed, tt.fraction, tt.done, tt.unit); got != tt.want {
			t.Errorf("rateAndLeft(%v, %v, %d, %q) = %q, want %q", tt.elapsed, tt.fraction, tt.done, tt.unit, got, tt.want)
		}
	}
}

// TestProgressOnlyOnTerminal drives each progress adapter as its command
// does, with the terminal check injected: off a terminal nothing at all
// reaches stderr; on one the line names the work and is cleared at the end.
func TestProgressOnlyOnTerminal(t *testing.T) {
	defer func(f func(io.Writer) bool) { writesToTerminal = f }(writesToTerminal)
	for _, tt := range []struct {
		name string
		run  func(p *phaseLine)
		want string
	}{
		{"synth", func(p *phaseLine) {
			_, err := synth.Write(context.Background(), synth.Config{Videos: 70_000, Progress: synthProgress(p, "synth")}, io.Discard, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
		}, "synth: videos 70.0k of 70.0k rows, moderation_events "},
		{"report", func(p *phaseLine) {
			if f := countProgress(p, "report", "blocks"); f != nil {
				f("line 7: sql block", 1, 4)
			}
		}, " 25% report: 1 of 4 blocks, line 7: sql block"},
		{"sweep", func(p *phaseLine) {
			if f := stepProgress(p, "sweep"); f != nil {
				f("counting the outcomes of 50 tags", 3, 4)
			}
		}, "sweep: [4/4] counting the outcomes of 50 tags"},
		{"bench", func(p *phaseLine) {
			if f := stepProgress(p, "bench"); f != nil {
				f("csv floor", 1, 6)
			}
		}, "bench: [2/6] csv floor"},
	} {
		for _, terminal := range []bool{false, true} {
			writesToTerminal = func(io.Writer) bool { return terminal }
			var stderr bytes.Buffer
			p := startPhaseLine(&stderr)
			tt.run(p)
			p.stop()
			got := stderr.String()
			switch {
			case !terminal && got != "":
				t.Errorf("%s off a terminal wrote %q to stderr, want nothing", tt.name, got)
			case terminal && (!strings.Contains(got, tt.want) || !strings.HasSuffix(got, "\r\033[K")):
				t.Errorf("%s on a terminal wrote %q, want %q and a cleared line at the end", tt.name, got, tt.want)
			}
		}
	}
}
