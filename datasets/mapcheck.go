package datasets

import (
	"context"
	"database/sql"
	"fmt"
)

// MappingCheck is what an export would become under a mapping: the first
// rows as they would load, and every problem found, grouped.
type MappingCheck struct {
	Summary  *ImportSummary
	Columns  []string
	Preview  [][]string // the first rows as loaded, values as text ("" for NULL)
	Problems []Problem
}

// Problem is one kind of reject: a column and reason, how many rows, and the
// first lines where it happens.
type Problem struct {
	Column     string
	Reason     string // the first such reason, with its value
	Rows       int64
	FirstLines []int64
}

// CheckMapping imports files of the given kind ("videos" or "events") with
// mapping m into a throwaway in-memory workspace and reports the result.
// Nothing is written to any workspace.
func CheckMapping(ctx context.Context, m *Mapping, kind string, files []string, previewRows int) (*MappingCheck, error) {
	ws, err := OpenMemory(ctx)
	if err != nil {
		return nil, err
	}
	defer ws.Close()
	req := ImportRequest{Mapping: m}
	t := videosTable
	switch kind {
	case "videos":
		req.Videos = files
	case "events":
		req.Events = files
		t = eventsTable
	default:
		return nil, fmt.Errorf("kind %q: expected videos or events", kind)
	}
	sum, err := Import(ctx, ws, req)
	if err != nil {
		return nil, err
	}
	mc := &MappingCheck{Summary: sum}
	cols := append(t.columnNames(), "extra")
	mc.Columns = cols
	q := "SELECT "
	for i, c := range cols {
		if i > 0 {
			q += ", "
		}
		q += "CAST(" + c + " AS VARCHAR)"
	}
	q += fmt.Sprintf(" FROM %s ORDER BY source_line LIMIT ?", t.name)
	rows, err := ws.DB.QueryContext(ctx, q, previewRows)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		mc.Preview = append(mc.Preview, row)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Group rejects by column and the reason's wording without its value.
	prob, err := ws.DB.QueryContext(ctx, `
		SELECT coalesce(column_name, '(row)'), min(reason), count(*), list(line ORDER BY line)[1:5]
		FROM rejects GROUP BY 1, regexp_replace(reason, ': .* (is|repeats) ', ': … \1 ') ORDER BY 3 DESC, 1`)
	if err != nil {
		return nil, err
	}
	defer prob.Close()
	for prob.Next() {
		var p Problem
		var lines any
		if err := prob.Scan(&p.Column, &p.Reason, &p.Rows, &lines); err != nil {
			return nil, err
		}
		list, _ := lines.([]any)
		for _, l := range list {
			if n, ok := l.(int64); ok {
				p.FirstLines = append(p.FirstLines, n)
			}
		}
		mc.Problems = append(mc.Problems, p)
	}
	return mc, prob.Err()
}
