package datasets

import "fmt"

// inRange is the condition "col BETWEEN ? AND ?", bound to the smallest
// and largest id an import brings or touches. A check such as col IN
// (the import's ids) reads every row of a large table: DuckDB builds no
// filter for the scan from the subquery, and may even hash the large side.
// Constants in a range are pushed into the scan, whose zone maps skip each
// row group whose ids all lie outside it; when ids grow with time, as
// platforms' ids do, a daily import reads about its own share of the
// workspace (at 3M videos the check against existing video ids took 4.6 s
// and built its hash table of the workspace's 3M ids; with the range,
// 0.02 s). Rows outside the range cannot match, so the result is the same.
func inRange(col string) string { return col + " BETWEEN ? AND ?" }

// setRange keeps the range of a table's video ids in a variable, for
// inVarRange in statements of a fixed text: to the planner a variable is a
// constant, so the range still reaches the scans' zone maps. Without it,
// refreshing the touched videos' outcomes read every event's and every
// outcome's video id (at 10M videos, EXPLAIN ANALYZE of the events' pass,
// load 16: 6.3 -> 3.1 s). An empty table's range is NULL, which matches
// nothing.
func setRange(variable, table string) string {
	return fmt.Sprintf(`SET VARIABLE %s = (SELECT [min(video_id), max(video_id)] FROM %s)`, variable, table)
}

// inVarRange is the condition that video_id lies in the range setRange
// kept in variable.
func inVarRange(variable string) string {
	return fmt.Sprintf(`video_id BETWEEN getvariable('%[1]s')[1] AND getvariable('%[1]s')[2]`, variable)
}
