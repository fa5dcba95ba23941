package analysis

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"

	"github.com/trendlab/trendlab/analysis/stats"
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
// tag is significant when its q-value is below alpha and its lift above 1.
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
	q := `
SELECT rt.tag, rt.nab, count(DISTINCT t.video_id) AS nb
FROM tl_related rt JOIN video_tags t ON t.tag = rt.tag`
	var qargs []any
	if !r.fullSpan {
		q += `
WHERE t.video_id IN (SELECT video_id FROM videos WHERE created_at >= ? AND created_at < ?)`
		qargs = append(qargs, r.lo, r.hi)
	}
	q += `
GROUP BY rt.tag, rt.nab`
	rows, err := r.conn.QueryContext(ctx, q, qargs...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var tags []RelatedTag
	for rows.Next() {
		var t RelatedTag
		if err := rows.Scan(&t.Tag, &t.Together, &t.TagVideos); err != nil {
			return err
		}
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
		t.Support = float64(t.Together) / float64(na)
		t.Lift = Num(stats.Lift(t.Together, na, nb, n))
		t.NPMI = Num(stats.NPMI(t.Together, na, nb, n))
		t.PValue = CompareProportions(t.Together, na, nb-t.Together, n-na).PValue
		ps[i] = t.PValue
	}
	qs := stats.BenjaminiHochberg(ps)
	for i := range tags {
		tags[i].QValue = qs[i]
		tags[i].Significant = qs[i] < r.req.Alpha && float64(tags[i].Lift) > 1
	}
	slices.SortFunc(tags, func(a, b RelatedTag) int {
		if a.Significant != b.Significant {
			if a.Significant {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(float64(b.NPMI), float64(a.NPMI)); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Together, a.Together); c != 0 {
			return c
		}
		return strings.Compare(a.Tag, b.Tag)
	})
	rel.Tested = len(tags)
	if len(tags) > r.req.RelatedLimit {
		tags = tags[:r.req.RelatedLimit]
	}
	rel.Tags = tags
	return nil
}
