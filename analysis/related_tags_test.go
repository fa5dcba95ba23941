package analysis

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// TestRelatedTagsMatchesInvestigate: RelatedTags, the related tags found on
// their own, gives what a whole investigation gives as its period, tag set
// and related tags, for a tag, a saved tag set, explicit variants, caption
// mentions and a period.
func TestRelatedTagsMatchesInvestigate(t *testing.T) {
	ws, _ := sweepWorkspace(t)
	ctx := context.Background()
	period := datasets.NewPeriod(time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC))
	for name, req := range map[string]Request{
		"tag":              {Tag: "omegle"},
		"tag set, top 50":  {TagSet: "omegle", RelatedLimit: 50},
		"variants":         {Tag: "omegle", Variants: []string{"0megle"}},
		"captions, period": {Tag: "omegle", IncludeCaptions: true, Period: period},
		"thresholds":       {Tag: "anonchat", RelatedMinVideos: 20, RelatedMinSupport: 0.05, Alpha: 0.01},
	} {
		t.Run(name, func(t *testing.T) {
			inv, err := Investigate(ctx, ws, func() Request { r := req; r.Permutations = 1; return r }())
			if err != nil {
				t.Fatal(err)
			}
			got, err := RelatedTags(ctx, ws, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				what      string
				got, want any
			}{{"period", got.Period, inv.Period}, {"tag set", got.TagSet, inv.TagSet}, {"related", got.Related, inv.Related}} {
				g, _ := json.Marshal(c.got)
				w, _ := json.Marshal(c.want)
				if string(g) != string(w) {
					t.Errorf("%s:\n got  %s\n want %s", c.what, g, w)
				}
			}
			if len(got.Related.Tags) == 0 {
				t.Error("no related tag: the comparison proves nothing")
			}
		})
	}
	if _, err := RelatedTags(ctx, ws, Request{}); err != ErrNoTag {
		t.Errorf("no tag: %v, want ErrNoTag", err)
	}
}
