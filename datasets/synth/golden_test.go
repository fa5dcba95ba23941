package synth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/trendlab/trendlab/datasets/synth"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden pins the exact bytes of a small data set in every text format
// and the manifest. A change here means the same seed now gives different
// data: review the diff (go test -update) and bump synth.Version.
func TestGolden(t *testing.T) {
	for _, format := range []string{"csv", "jsonl"} {
		t.Run(format, func(t *testing.T) {
			var videos, events bytes.Buffer
			m, err := synth.Write(context.Background(), synth.Config{Videos: 40, Seed: 2026, Days: 7, Format: format}, &videos, &events)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "videos."+format+".golden", videos.Bytes())
			checkGolden(t, "events."+format+".golden", events.Bytes())
			if format == "csv" {
				var sum bytes.Buffer
				if err := m.WriteSummary(&sum); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, "summary.golden", sum.Bytes())
				js, err := json.MarshalIndent(m, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, "manifest.golden.json", append(js, '\n'))
			}
		})
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update, then review the diff):\ngot:\n%s", path, got)
	}
}
