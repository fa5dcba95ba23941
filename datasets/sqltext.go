package datasets

import "strings"

// The import builds SQL from a few names that come from the export itself
// (header names, JSON keys) and from file paths. DuckDB cannot bind table
// function arguments or identifiers as parameters, so these are quoted
// (sqltext.QuoteLiteral, sqltext.QuoteIdent); every other value is bound as
// a parameter.

// jsonPathKey returns the JSON path selecting the top-level key k.
func jsonPathKey(k string) string {
	k = strings.ReplaceAll(k, `\`, `\\`)
	k = strings.ReplaceAll(k, `"`, `\"`)
	return `$."` + k + `"`
}
