//go:build !duckdb_arrow

package main

// trendlab needs duckdb-go's Arrow interface, which compiles only with the
// build tag duckdb_arrow. Build and test through the Makefile (make build,
// make test), which sets it, or pass -tags duckdb_arrow yourself.
var _ = build_with_tags_duckdb_arrow__use_make_build_or_make_test
