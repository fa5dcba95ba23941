package analysis

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/trendlab/trendlab/analysis/stats"
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
	args := make([]any, 0, len(r.accepted)+1)
	for _, t := range r.accepted {
		args = append(args, t)
	}
	args = append(args, minNab)
	if _, err := r.conn.ExecContext(ctx, `
CREATE OR REPLACE TEMP TABLE tl_related AS
SELECT t.tag, count(DISTINCT t.video_id) AS nab
FROM video_tags t JOIN tl_members m ON t.video_id = m.video_id
WHERE m.grp = 1 AND t.tag NOT IN (`+placeholders(len(r.accepted))+`)
GROUP BY t.tag HAVING count(DISTINCT t.video_id) >= ?`, args...); err != nil {
		return err
	}
	// How many videos carry each tag: summed from tag_days, which the
	// import keeps per tag, creation day and import as exact distinct
	// counts (counting them here from video_tags took 4 s at 10M videos).
	q := `
SELECT tag, sum(videos)::BIGINT AS nb FROM tag_days
WHERE tag IN (SELECT tag FROM tl_related)`
	var qargs []any
	if !r.fullSpan {
		q += `
  AND day >= CAST(? AS DATE) AND day < CAST(? AS DATE)`
		qargs = append(qargs, r.lo, r.hi)
	}
	q += `
GROUP BY tag`
	nab := map[string]int64{}
	nabRows, err := r.conn.QueryContext(ctx, `SELECT tag, nab FROM tl_related`)
	if err != nil {
		return err
	}
	for nabRows.Next() {
		var t string
		var n int64
		if err := nabRows.Scan(&t, &n); err != nil {
			nabRows.Close()
			return err
		}
		nab[t] = n
	}
	nabRows.Close()
	if err := nabRows.Err(); err != nil {
		return err
	}
	rows, err := r.conn.QueryContext(ctx, q, qargs...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var tags []RelatedTag
	for rows.Next() {
		var t RelatedTag
		if err := rows.Scan(&t.Tag, &t.TagVideos); err != nil {
			return err
		}
		t.Together = nab[t.Tag]
		tags = append(tags, t)
	}
	if err := rows.Err(); err != nil {
		return err
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
