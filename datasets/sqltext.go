package datasets

import "strings"

// The import builds SQL from a few names that come from the export itself
// (header names, JSON keys) and from file paths. DuckDB cannot bind table
// function arguments or identifiers as parameters, so these are quoted here;
// every other value is bound as a parameter.

// quoteLiteral quotes s as a SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// quoteIdent quotes s as a SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// jsonPathKey returns the JSON path selecting the top-level key k.
func jsonPathKey(k string) string {
	k = strings.ReplaceAll(k, `\`, `\\`)
	k = strings.ReplaceAll(k, `"`, `\"`)
	return `$."` + k + `"`
}
