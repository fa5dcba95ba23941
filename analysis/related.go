package analysis

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/engine"
)

// strongLift is the least lift of a "strong" association: the tag is at
// least twice as common among the tag set's videos as among all videos.
const strongLift = 2

// The associations of a related tag.
const (
	associationStrong = "strong"
	associationWeak   = "weak"
	associationNone   = "none"
)

// related finds the tags that co-occur with the tag set more than chance.
//
// For each tag other than the accepted ones, Together (nab) counts the
// tag-set videos carrying it and TagVideos (nb) all videos in the period
// carrying it; with na tag-set videos among n videos, lift = nab·n/(na·nb)
// and NPMI = ln(lift)/-ln(nab/n). Only tags with nab >= max(MinVideos,
// MinSupport·na) are tested: the share of tag-set videos with the tag
// against the share of other videos with it (CompareProportions: Fisher or
// z by the expected counts), Benjamini-Hochberg across the tested tags. A
// tag is significant when its q-value is below alpha and its lift above 1;
// its association is "strong" when it is also at least strongLift times as
// common in the tag set as in all videos, else "weak"; others "none". They
// are listed strong first, then weak, then the rest, each by NPMI, so that
// a planted companion tag (lift 174) is not read like a platform-wide one
// that is merely significant at scale (lift 1.48).
func (r *run) related(ctx context.Context) error {
	rel := &r.inv.Related
	rel.MinVideos, rel.MinSupport = r.req.RelatedMinVideos, r.req.RelatedMinSupport
	rel.TestMethod = "Fisher's exact test or two-proportion z test by expected counts (tag share in the tag set against the other videos)"
	rel.AdjustMethod = "Benjamini-Hochberg"
	rel.Tags = []RelatedTag{}
	na := r.inv.TagSet.Videos
	n := sum(r.total)
	if na == 0 || n == na {
		return nil
	}
	minNab := max(r.req.RelatedMinVideos, int64(math.Ceil(r.req.RelatedMinSupport*float64(na))), 1)
	// How many videos carry each tag comes from tag_days, the import's
	// exact distinct counts per tag and day (see engine.Session.Related).
	counts, err := r.db().Related(ctx, engine.RelatedQuery{Exclude: r.accepted, MinTogether: minNab,
		Lo: r.lo, Hi: r.hi, FullSpan: r.fullSpan})
	if err != nil {
		return err
	}
	tags := make([]RelatedTag, 0, len(counts))
	for _, c := range counts {
		tags = append(tags, RelatedTag{Tag: c.Tag, Together: c.Together, TagVideos: c.Videos})
	}
	ps := make([]float64, len(tags))
	for i := range tags {
		t := &tags[i]
		nb := max(t.TagVideos, t.Together)
		t.TagVideos = nb
		if nb > n || na+nb-t.Together > n {
			return fmt.Errorf("tag %q: %d videos with it, %d in the tag set, %d together, but %d videos in all; "+
				"tag_days is out of step with video_tags: run datasets.RefreshOutcomes (it rebuilds the derived tables)", t.Tag, nb, na, t.Together, n)
		}
		t.Support = float64(t.Together) / float64(na)
		t.Lift = Num(stats.Lift(t.Together, na, nb, n))
		t.NPMI = Num(stats.NPMI(t.Together, na, nb, n))
		t.PValue = CompareProportions(t.Together, na, nb-t.Together, n-na).PValue
		ps[i] = t.PValue
	}
	rankRelated(tags, stats.BenjaminiHochberg(ps), r.req.Alpha)
	rel.Tested = len(tags)
	if len(tags) > r.req.RelatedLimit {
		tags = tags[:r.req.RelatedLimit]
	}
	rel.Tags = tags
	return nil
}

// rankRelated sets each tag's q-value, significance and association, and
// sorts them: strong, weak, then the rest, each by NPMI then count.
func rankRelated(tags []RelatedTag, qs []float64, alpha float64) {
	for i := range tags {
		tags[i].QValue = qs[i]
		tags[i].Significant = qs[i] < alpha && float64(tags[i].Lift) > 1
		tags[i].Association = associationNone
		if tags[i].Significant {
			tags[i].Association = associationWeak
			if float64(tags[i].Lift) >= strongLift {
				tags[i].Association = associationStrong
			}
		}
	}
	rank := map[string]int{associationStrong: 0, associationWeak: 1, associationNone: 2}
	slices.SortFunc(tags, func(a, b RelatedTag) int {
		if c := cmp.Compare(rank[a.Association], rank[b.Association]); c != 0 {
			return c
		}
		if c := cmp.Compare(float64(b.NPMI), float64(a.NPMI)); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Together, a.Together); c != 0 {
			return c
		}
		return strings.Compare(a.Tag, b.Tag)
	})
}
