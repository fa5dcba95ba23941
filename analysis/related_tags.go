package analysis

import (
	"context"
	"fmt"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/engine"
)

// TagSetRelated is a tag set's related tags found on their own: what
// Investigate reports as Period, TagSet and Related, without its rates,
// trend, removal and funnel.
type TagSetRelated struct {
	Period  Period   `json:"period"`
	TagSet  TagSet   `json:"tag_set"`
	Related Related  `json:"related"`
	Notes   []string `json:"notes"`
}

// RelatedTags finds the tags related to a tag set as Investigate does (the
// same steps, so the same answer), running only the steps related tags
// need: the period, the tag set, its videos, the videos per day, and the
// co-occurrence counts from video_tags and tag_days. Sweeps and watches use
// it, so they do not pay for the outcome scans of a whole investigation.
// The request is Investigate's; the fields about rates, baselines and
// saving are not used.
func RelatedTags(ctx context.Context, ws *datasets.Workspace, req Request) (*TagSetRelated, error) {
	eng, err := engine.Connect(ctx, ws)
	if err != nil {
		return nil, fmt.Errorf("related tags: %w", err)
	}
	defer eng.Close()
	return relatedTagsOn(ctx, eng, req)
}

// relatedTagsOn is RelatedTags on a session the caller keeps, which is
// left with the tag set's videos as its cohort (a watch's counts read
// them).
func relatedTagsOn(ctx context.Context, eng engine.Session, req Request) (rel *TagSetRelated, err error) {
	defer func() {
		if p := recover(); p != nil {
			rel, err = nil, fmt.Errorf("related tags: internal error (please report it with the workspace's provenance): %v", p)
		}
	}()
	r, err := relatedTags(ctx, eng, req)
	if err != nil {
		return nil, err
	}
	return &TagSetRelated{Period: r.inv.Period, TagSet: r.inv.TagSet, Related: r.inv.Related, Notes: r.inv.Notes}, nil
}

// relatedTags runs RelatedTags' steps on eng and leaves the tag set's
// videos as eng's cohort, for a sweep to go on with.
func relatedTags(ctx context.Context, eng engine.Session, req Request) (*run, error) {
	req.SaveAs, req.Baseline = "", ""
	req, err := req.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &run{req: req, eng: eng, inv: &Investigation{Request: req, Notes: []string{}}}
	for _, s := range []struct {
		name string
		fn   func(context.Context) error
	}{
		{"resolving the period", r.period},
		{"resolving the tag set", r.tagSet},
		{"collecting the tag set's videos", r.members},
		{"counting videos per day", r.volumes},
		{"finding related tags", r.related},
	} {
		start := time.Now()
		if err := s.fn(ctx); err != nil {
			return nil, fmt.Errorf("related tags of %s: %s: %w", r.describe(), s.name, err)
		}
		if stepTimer != nil {
			stepTimer("related tags: "+s.name, time.Since(start))
		}
	}
	return r, nil
}
