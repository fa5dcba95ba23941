package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/datasets/synth"
)

// sampleTestWorkspace imports a small synthetic platform into a workspace.
func sampleTestWorkspace(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ws := filepath.Join(dir, "ws.duckdb")
	data := filepath.Join(dir, "data")
	if _, err := synth.Generate(context.Background(), synth.Config{Videos: 4000, Seed: 5, Format: "csv", Dir: data}); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := cli(t, "-w", ws, "import", "--videos", filepath.Join(data, "videos.csv"), "--events", filepath.Join(data, "moderation_events.csv")); code != exitOK {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	return ws
}

// TestInvestigateSample: investigate --sample draws the review sample after
// investigating (review.DrawSample), prints it below the investigation and
// puts it, with the definition that draws it again, in the JSON.
func TestInvestigateSample(t *testing.T) {
	ws := sampleTestWorkspace(t)
	args := []string{"-w", ws, "--read-only", "investigate", "--tag", "omegle", "--related", "3", "--sample", "3", "--seed", "3"}
	code, stdout, stderr := cli(t, args...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Review sample: 3 of ") || !regexp.MustCompile(`#\s+VIDEO\s+STRATUM\s+WEIGHT`).MatchString(stdout) {
		t.Errorf("no review sample below the investigation:\n%s", stdout)
	}
	code, stdout, stderr = cli(t, append(args, "--json")...)
	if code != exitOK {
		t.Fatalf("--json: exit %d: %s", code, stderr)
	}
	var got struct {
		TagSet struct {
			Seed string `json:"seed"`
		} `json:"tag_set"`
		Sample struct {
			Definition struct {
				Method string `json:"method"`
				Seed   int64  `json:"seed"`
			} `json:"definition"`
			Size    int64             `json:"size"`
			Members []json.RawMessage `json:"members"`
		} `json:"sample"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.TagSet.Seed == "" || got.Sample.Size != 3 || len(got.Sample.Members) != 3 ||
		got.Sample.Definition.Method != "simple" || got.Sample.Definition.Seed != 3 {
		t.Errorf("JSON: tag set %q, sample %+v", got.TagSet.Seed, got.Sample)
	}
}

// samplePlanFrame runs sample plan over a period and returns the frame size.
func samplePlanFrame(t *testing.T, ws, since, until string) int64 {
	t.Helper()
	code, stdout, stderr := cli(t, "-w", ws, "--read-only", "sample", "plan", "--since", since, "--until", until)
	if code != exitOK {
		t.Fatalf("sample plan --since %s --until %s: exit %d: %s", since, until, code, stderr)
	}
	var n int64
	if _, err := fmt.Sscanf(stdout, "Frame: %d videos.", &n); err != nil {
		t.Fatalf("sample plan output %q: %v", stdout, err)
	}
	return n
}

// TestSamplePeriodInclusive: --until is the last day, inclusive, as in
// investigate (issue 10.4): a one-day period holds that day's videos (it
// was empty when sample plan took --until as exclusive), and the frame of
// two days is the sum of the frames of each.
func TestSamplePeriodInclusive(t *testing.T) {
	ws := sampleTestWorkspace(t)
	d1 := samplePlanFrame(t, ws, "2026-06-10", "2026-06-10")
	d2 := samplePlanFrame(t, ws, "2026-06-11", "2026-06-11")
	both := samplePlanFrame(t, ws, "2026-06-10", "2026-06-11")
	if d1 == 0 || d2 == 0 || both != d1+d2 {
		t.Errorf("frames: 06-10 %d, 06-11 %d, both days %d; want two non-empty days that add up", d1, d2, both)
	}
	code, _, stderr := cli(t, "-w", ws, "--read-only", "sample", "plan", "--since", "2026-06-11", "--until", "2026-06-10")
	if code != exitUsage || !strings.Contains(stderr, "before") {
		t.Errorf("a period that ends before it starts: exit %d, %s", code, stderr)
	}
}

// TestSampleReviewerUnset: with no --reviewer and neither $USER nor
// $USERNAME, sample label refuses with the same rule and message as the
// TUI's review screen (who.Resolve), and nothing is labelled.
func TestSampleReviewerUnset(t *testing.T) {
	ws := sampleTestWorkspace(t)
	t.Setenv("USER", "")
	t.Setenv("USERNAME", "")
	code, _, stderr := cli(t, "-w", ws, "sample", "create", "--name", "s1", "--tag", "omegle", "--size", "3", "--seed", "1")
	if code != exitUsage || !strings.Contains(stderr, "no name for who") || !strings.Contains(stderr, "--by NAME") {
		t.Fatalf("sample create without a name: exit %d, %s", code, stderr)
	}
	code, _, stderr = cli(t, "-w", ws, "sample", "create", "--name", "s1", "--tag", "omegle", "--size", "3", "--seed", "1", "--by", "ana")
	if code != exitOK {
		t.Fatalf("sample create --by ana: exit %d, %s", code, stderr)
	}
	code, _, stderr = cli(t, "-w", ws, "sample", "label", "s1", "--video", "x", "--label", "violating")
	if code != exitUsage || !strings.Contains(stderr, "no name for who") || !strings.Contains(stderr, "--reviewer NAME") {
		t.Errorf("sample label without a name: exit %d, %s", code, stderr)
	}
	t.Setenv("USERNAME", "bob")
	code, _, stderr = cli(t, "-w", ws, "sample", "label", "s1", "--video", "x", "--label", "violating")
	if code == exitOK || strings.Contains(stderr, "no name for who") {
		t.Errorf("with $USERNAME the reviewer is known (the label fails only for the unknown video): exit %d, %s", code, stderr)
	}
}
