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

// setTouchedRange keeps the range of tl_touched's video ids (the videos an
// import touches) in a variable, for touchedInRange in statements of a
// fixed text: to the planner a variable is a constant, so the range still
// reaches the scans' zone maps. Without it, refreshing the touched videos'
// outcomes read every event's and every outcome's video id (at 10M
// videos, EXPLAIN ANALYZE of the events' pass, load 16: 6.3 -> 3.1 s).
const setTouchedRange = `SET VARIABLE tl_touched_range = (SELECT [min(video_id), max(video_id)] FROM tl_touched)`

const touchedInRange = `video_id BETWEEN getvariable('tl_touched_range')[1] AND getvariable('tl_touched_range')[2]`
