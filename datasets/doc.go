// Package datasets owns the trendlab workspace: one DuckDB file that holds the
// imported exports, their provenance, rejects, tag sets, samples and labels.
//
// The flow of an import is
//
//	export files -> staging (all text) -> validation in SQL -> videos / moderation_events
//	                                          \-> rejects (file, line, column, reason, raw text)
//
// and every import runs in one transaction, so a killed import leaves nothing
// behind. Rows stream through DuckDB; Go only sees the header of each file,
// counts, and the distinct raw hashtags that it normalises (NormalizeTag).
//
// All timestamps are stored as UTC in TIMESTAMP columns; every connection the
// workspace hands out has TimeZone set to UTC.
package datasets
