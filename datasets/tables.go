package datasets

// TableDescription says in a sentence or two what a workspace table or view
// holds and what to watch for when querying it, for catalogs (the TUI's
// Catalog screen) and documentation. It is "" for a relation trendlab does
// not describe (a user's own table, an internal one).
func TableDescription(name string) string { return tableDescriptions[name] }

var tableDescriptions = map[string]string{
	"videos": "One row per video of the content export (UTC times; extra holds source columns the contract does not name). " +
		"caption is untrusted user text.",
	"video_tags": "One row per hashtag occurrence: tag_raw as written, tag normalised (NFKC, case-folded, # and trailing punctuation removed); " +
		"from_caption when the export had no hashtags column.",
	"moderation_events": "One row per moderation event (report, flag, review, enforcement, escalation, appeal, reinstatement). " +
		"Events whose video is not in videos are in orphan_events.",
	"video_outcomes": "SPARSE: one row per video and policy that has at least one event for that policy, with the contract's outcomes " +
		"(violating, removed_at, proactive, within_24h, escalated, reinstated, reported, flagged, ...). " +
		"A video with no events for a policy has no row: join FROM videos LEFT JOIN video_outcomes and count videos from videos " +
		"(coalesce(o.violating, false)), never count rows of video_outcomes alone, or a set of videos is undercounted. " +
		"first_violating marks a violating video's first violating policy by name: count(*) FILTER (WHERE first_violating) over every policy counts videos.",
	"tag_days":         "Distinct videos per normalised tag, day of creation and import: sum it for exact volumes (video ids are unique).",
	"tags":             "Each normalised tag's integer id, as video_tag_lists holds it.",
	"video_tag_lists":  "One row per video with at least one tag: its creation day and the distinct ids of its normalised tags (join tags for the text).",
	"tag_spellings":    "Hashtag occurrences per import, normalised tag and spelling as written: sum it for a tag's spellings.",
	"video_days":       "Videos per import and day of creation: sum it for the daily totals without reading every video.",
	"orphan_events":    "Moderation events whose video_id is not in videos: kept and counted, never joined away.",
	"imports":          "Provenance of every imported file: path, size, SHA-256, format, rows read, loaded and rejected, time, trendlab version.",
	"rejects":          "Rows an import could not load, with file, line, column, reason and the raw text.",
	"tag_sets":         "Saved tag sets: a seed tag and whether caption mentions count.",
	"tag_set_variants": "An investigator's decisions on a tag set's variants (accepted or rejected), with the reason it matched and the score.",
	"samples":          "Review samples: frame, method, strata, seed; the same definition and workspace give the same members.",
	"sample_members":   "The videos of each sample, in review order, with their stratum and weight.",
	"labels":           "Append-only audit trail of reviewers' labels; a reviewer's current label is their latest row (current_labels).",
	"current_labels":   "Each reviewer's latest label per sample member.",
	"term_lists":       "Saved versions of term lists (trendlab terms save), with who made them, when, and from what.",
	"term_list_terms":  "The terms and spellings of each saved term list version.",
	"watches":          "Saved watches on tag sets (trendlab watch add) and their rules.",
	"alerts":           "What the watches fired, per import and rule, with the numbers.",
	"views_daily":      "Optional export: views per video, day and surface (for_you is recommended reach).",
	"search_daily":     "Optional export: searches per day and query text, and how many came from autocomplete.",
	"interventions":    "What the platform did about a term or tag set and when (imported or recorded by hand).",
}
