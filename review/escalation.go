package review

// Escalations by the moderation data among a sample's members.

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
// members): not correlated, since Citus cannot correlate a
// subquery over a distributed table with a reference table's rows; it runs
// this one once, as a distributed subplan.
func escalatedIn(alias string) string {
	return alias + `.video_id IN (` + escalatedVideos + `)`
}
