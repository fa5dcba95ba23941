package datasets

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
