package queries

import (
	"context"
	"database/sql"
)

// CheckResult is the outcome of preparing one saved query.
type CheckResult struct {
	Query *Query
	Err   error // nil when the query prepared
}

// Check prepares every query of the library against the workspace db
// without running it: each must be one SELECT that DuckDB can plan on this
// schema, using exactly its declared parameters.
func Check(ctx context.Context, db *sql.DB, lib *Library) []CheckResult {
	var out []CheckResult
	for _, q := range lib.Queries() {
		out = append(out, CheckResult{Query: q, Err: Prepare(ctx, db, q.checkStatement())})
	}
	return out
}

// checkStatement binds defaults, and NULL for required parameters, which is
// enough to prepare the statement.
func (q *Query) checkStatement() Statement {
	st := Statement{Name: q.Name, SQL: q.SQL, pgSQL: q.PostgresSQL, declared: map[string]bool{}}
	for _, p := range q.Params {
		st.Args = append(st.Args, sql.Named(p.Name, p.Default))
		st.declared[p.Name] = true
	}
	return st
}
