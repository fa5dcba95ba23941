package synth_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/datasets/synth"
)

// TestStories: a later export numbers its ids after FirstID, carries the
// evasion spelling on some family videos, and counts what it planted; the
// story settings are checked.
func TestStories(t *testing.T) {
	var videos, events bytes.Buffer
	cfg := synth.Config{Videos: 5000, Seed: 3, Days: 7, FirstID: 2_000_000, Evasion: "0m3gle", Rise: 4, SweepStory: true}
	m, err := synth.Write(context.Background(), cfg, &videos, &events)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(videos.String(), "\n")
	if !strings.HasPrefix(lines[1], "v0002000001,") {
		t.Errorf("first video row %q: want id v0002000001", lines[1])
	}
	if strings.Contains(events.String(), "\ne000000000001,") || !strings.Contains(events.String(), "\ne000002000001,") {
		t.Error("event ids should follow FirstID too")
	}
	s := m.Stories
	if s == nil || s.EvasionVideos == 0 || strings.Count(videos.String(), "0m3gle") < int(s.EvasionVideos) {
		t.Fatalf("stories %+v: want videos with the evasion spelling", s)
	}
	if s.SweepRaised["anonchat"] != "minor_safety" || s.SweepVideos["anonchat"] == 0 || s.RisePolicy != "minor_safety" {
		t.Errorf("stories %+v", s)
	}
	// The same config gives the same bytes.
	var again bytes.Buffer
	if _, err := synth.Write(context.Background(), cfg, &again, &bytes.Buffer{}); err != nil || !bytes.Equal(again.Bytes(), videos.Bytes()) {
		t.Errorf("not deterministic: %v", err)
	}
	for _, bad := range []synth.Config{
		{Videos: 10, FirstID: -1}, {Videos: 10, Rise: -2}, {Videos: 10, Evasion: "two words"}, {Videos: 10, Evasion: "#x"},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v: want an error", bad)
		}
	}
}
