// Package datasets owns the trendlab workspace: one DuckDB file that holds the
// imported exports, their provenance, rejects, tag sets, samples and labels.
//
// The flow of an import is
//
//	export files -> staging (all text) -> validation in SQL -> videos / moderation_events
//	                                          \-> rejects (file, line, column, reason, raw text)
//
// then video_tags, tag_days and video_outcomes are derived from the committed
// rows in a second transaction. An import is all or nothing: the imports
// between the two commits are listed in unfinished_imports, and whatever
// stops an import there (an error, a cancellation, a killed process) leads
// to their rows being removed, by Import itself or by the next Open. Rows
// stream through DuckDB; Go only sees the header of each file,
// counts, and the distinct raw hashtags that it normalises (NormalizeTag).
//
// All timestamps are stored as UTC in TIMESTAMP columns; every connection the
// workspace hands out has TimeZone set to UTC.
package datasets
