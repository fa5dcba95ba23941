package main

import (
	"context"
	"encoding/json"
	"path/filepath"
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
	if !strings.Contains(stdout, "Review sample: 3 of ") || !strings.Contains(stdout, "#  VIDEO  STRATUM  WEIGHT") {
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
