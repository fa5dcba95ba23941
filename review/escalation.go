package review

// Escalations by the moderation data among a sample's members.

import (
	"context"
	"fmt"
	"strings"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
)

// escalatedVideos are the videos escalated to law enforcement: one of
// their video_outcomes rows (any policy) has escalated, the workspace's one
// definition (datasets/outcomes.go). video_outcomes is sparse: a video
// without moderation events has no row there and is not escalated.
const escalatedVideos = `SELECT eo.video_id FROM video_outcomes eo WHERE eo.escalated`

// escalated is the SQL condition "the video of alias.video_id was
// escalated", for rows of a table distributed by video_id (the frame, over
// videos): correlated on video_id, so that Citus runs it shard by shard.
func escalated(alias string) string {
	return `EXISTS (` + escalatedVideos + ` AND eo.video_id = ` + alias + `.video_id)`
}

// escalatedIn is the same condition for rows of a small table (a sample's
// members, a list of ids): not correlated, since Citus cannot correlate a
// subquery over a distributed table with a reference table's rows; it runs
// this one once, as a distributed subplan.
func escalatedIn(alias string) string {
	return alias + `.video_id IN (` + escalatedVideos + `)`
}

// DrawEscalations are the escalations among the members of a drawn (not
// saved) sample, and the estimated share of the frame escalated.
type DrawEscalations struct {
	// IsEscalated holds the ids of the escalated members.
	IsEscalated map[string]bool
	// PerStratum counts the escalated members per stratum.
	PerStratum map[string]int64
	EscalationShare
}

// EscalationsInDraw finds which members of a draw the moderation data
// escalated and estimates the frame's escalated share at confidence conf,
// with the same estimator as EstimateSample.
func EscalationsInDraw(ctx context.Context, ws *datasets.Workspace, d *Draw, conf float64) (*DrawEscalations, error) {
	if !(conf > 0 && conf < 1) {
		return nil, fmt.Errorf("confidence %g must be between 0 and 1, e.g. 0.95", conf)
	}
	out := &DrawEscalations{IsEscalated: map[string]bool{}, PerStratum: map[string]int64{}}
	if len(d.Members) > 0 {
		ids := make([]string, len(d.Members))
		for i, m := range d.Members {
			ids[i] = m.VideoID
		}
		// The ids travel as one parameter, separated by U+001F (no id holds it).
		split := "string_split"
		if ws.Dialect == datasets.Postgres {
			split = "string_to_array"
		}
		rows, err := ws.Params(ws.DB).QueryContext(ctx, `SELECT m.video_id FROM (SELECT unnest(`+split+`(?, chr(31))) AS video_id) m
			WHERE `+escalatedIn("m"), strings.Join(ids, "\x1f"))
		if err != nil {
			return nil, fmt.Errorf("counting escalated sample members: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			out.IsEscalated[id] = true
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, m := range d.Members {
		if out.IsEscalated[m.VideoID] {
			out.PerStratum[m.Stratum]++
			out.Escalated++
		}
	}
	var strata []stats.Stratum
	for _, a := range d.Definition.Allocated {
		if a.SampleSize > 0 {
			strata = append(strata, stats.Stratum{N: a.FrameSize, N_sampled: a.SampleSize, X: out.PerStratum[a.Stratum]})
		}
	}
	out.Sampled = int64(len(d.Members))
	if out.Sampled > 0 {
		out.Share = float64(out.Escalated) / float64(out.Sampled)
	}
	out.Estimate = estimateProportion(strata, d.Definition.Method == MethodStratified, conf)
	return out, nil
}
