// Package analysis turns a workspace into numbers an investigator can
// defend: the hashtag investigation (tag sets and their variants, violation
// rates against a baseline, trends and spikes, related tags, removal metrics
// and the moderation funnel) and reproducible review samples.
//
// Aggregation runs in the workspace's engine (package engine: DuckDB, or
// PostgreSQL/Citus for a workspace on a server); only aggregates (counts per
// day, per policy, per tag, removal-time histograms) come into Go, where
// package stats does the inference. The entry point of an investigation is
// Investigate:
//
//	inv, err := analysis.Investigate(ctx, ws, analysis.Request{Tag: "omegle"})
//
// It opens one engine session, fixes the tag set's videos (the cohort), and
// then answers every section with a few grouped aggregates over
// video_outcomes and videos (see investigate.go for the query plan), the
// same numbers on either engine. The result is an Investigation: plain values with stable
// snake_case JSON names, documented field by field in JSON.md.
//
// ScanSpikes looks the other way round: across every tag with enough
// videos, which one's daily violation rate rose, and on which day.
//
// The costliest aggregate would be the number of distinct videos per tag
// (video_tags may repeat a (video_id, tag) pair: a video that writes
// #Omegle and #omegle). The import keeps it per tag and day in tag_days, so
// related tags and the spike scan sum that table instead.
//
// Variants of a seed tag are found among the tags that occur in the data and
// scored by how they resemble the seed (variants.go): case and width folding,
// NFKC, leetspeak, confusable characters, edit distance relative to length,
// and the seed as prefix or suffix of a compound. Look-alike words that are
// not variants ("omega" for "omegle") score low and are rejected unless the
// investigator accepts them.
package analysis
