package notebooks

import (
	"fmt"
	"strings"
)

// Tables: a sql block's result, or an investigation's section, as HTML
// rows for the template's "table".

// table is a result shown as HTML.
type table struct {
	Name    string
	Caption string
	Columns []column
	Rows    [][]cell
	Note    string
	SQL     string
	Params  []ParamValue
}

type column struct {
	Name    string
	Numeric bool
	Note    string // "pseudonymised", "hidden"
}

type cell struct {
	Text  string
	Class string // "num", "null", "redacted"
	Title string // full text when shortened
}

func (res *result) table(name string, maxRows int) *table {
	t := &table{Name: name, SQL: res.SQL, Params: res.ParamsUse}
	for i, c := range res.Columns {
		t.Columns = append(t.Columns, column{Name: c, Numeric: isNumericType(res.Types[i]), Note: res.Redacted[i]})
	}
	for i, row := range res.Rows {
		if i >= maxRows {
			break
		}
		cells := make([]cell, len(row))
		for j, v := range row {
			cells[j] = formatCell(v, t.Columns[j].Numeric)
		}
		t.Rows = append(t.Rows, cells)
	}
	switch {
	case res.More:
		t.Note = fmt.Sprintf("Showing the first %d rows of more than %d; add LIMIT or aggregate to see the rest.", len(t.Rows), len(res.Rows))
	case len(res.Rows) > maxRows:
		t.Note = fmt.Sprintf("Showing the first %d of %d rows (rows=%d on the block shows more).", maxRows, len(res.Rows), maxRows)
	case len(res.Rows) == 0:
		t.Note = "The query returned no rows."
	}
	return t
}

func isNumericType(t string) bool {
	switch strings.ToUpper(t) {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "REAL",
		"INT2", "INT4", "INT8", "FLOAT4", "FLOAT8", "NUMERIC": // PostgreSQL's names
		return true
	}
	return strings.HasPrefix(strings.ToUpper(t), "DECIMAL")
}

const maxCellRunes = 300

func formatCell(v any, numeric bool) cell {
	c := cell{}
	if numeric {
		c.Class = "num"
	}
	switch x := v.(type) {
	case nil:
		return cell{Text: "NULL", Class: "null"}
	case redactedValue:
		return cell{Text: string(x), Class: "redacted"}
	}
	c.Text = formatValue(v)
	if rs := []rune(c.Text); len(rs) > maxCellRunes {
		c.Title = c.Text
		c.Text = string(rs[:maxCellRunes]) + "…"
	}
	return c
}

// newTable is an empty table with a caption ("" for none, when a heading
// above already says what it is) and column names.
func newTable(caption string, cols ...string) *table {
	t := &table{Caption: caption}
	for _, c := range cols {
		t.Columns = append(t.Columns, column{Name: c})
	}
	return t
}

func (t *table) add(cells ...cell) { t.Rows = append(t.Rows, cells) }

func text(s string) cell { return cell{Text: s} }
func num(s string) cell  { return cell{Text: s, Class: "num"} }
