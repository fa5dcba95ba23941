package main

import (
	"testing"
	"time"
)

func TestRateAndLeft(t *testing.T) {
	for _, tt := range []struct {
		elapsed  time.Duration
		fraction float64
		rows     int64
		want     string
	}{
		{10 * time.Second, 0.25, 2_500_000, ", 250.0k rows/s, about 30s left"},
		{10 * time.Second, 0.5, 0, ", about 10s left"},
		{10 * time.Second, 0.01, 0, ""},                   // too early to tell
		{500 * time.Millisecond, 0.5, 900, ""},            // the first second
		{4 * time.Second, 1, 18_000_000, ", 4.5M rows/s"}, // done: nothing left
		{2 * time.Second, 0.98, 1900, ", 950 rows/s, about 0s left"},
	} {
		if got := rateAndLeft(tt.elapsed, tt.fraction, tt.rows); got != tt.want {
			t.Errorf("rateAndLeft(%v, %v, %d) = %q, want %q", tt.elapsed, tt.fraction, tt.rows, got, tt.want)
		}
	}
}
