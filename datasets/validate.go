package datasets

import (
	"fmt"
	"sort"
	"strings"

	"github.com/trendlab/trendlab/internal/sqltext"
)

// check is one validation rule: when cond holds, the row is rejected, blaming
// column, with message (a SQL expression).
type check struct {
	cond, column, message string
}

// plan is how one canonical table is filled from a staged source.
type plan struct {
	values map[string]string // canonical column -> typed SQL expression (NULL when absent)
	checks []check
	extra  string // SQL expression: JSON object of unmapped source columns, or NULL
	// tagsFromCaption: the export has no hashtags column, so they are
	// extracted from the caption.
	tagsFromCaption bool
}

// buildPlan maps the source columns onto the canonical table t.
func buildPlan(t table, s *source, m map[string]ColumnMapping) (*plan, error) {
	p := &plan{values: map[string]string{}}
	used := map[string]bool{}
	if s.jsonOK != "" {
		p.checks = append(p.checks, check{cond: "NOT " + s.jsonOK, message: "'the line is not a JSON object'"})
	}
	for _, c := range t.columns {
		raw, typ, present, err := sourceValue(c, s, m, used)
		if err != nil {
			return nil, err
		}
		if !present {
			if c.required {
				return nil, &FileError{File: s.file.path, Line: 1, Msg: fmt.Sprintf("required column %q is missing; the file has %s. Rename the column, or map it with --mapping (see trendlab mapping check)", c.name, describeColumns(s.names))}
			}
			if c.kind == kTags && t.kind == "videos" {
				p.tagsFromCaption = true
			}
			p.values[c.name] = "NULL::" + c.sqlType()
			continue
		}
		cm := m[c.name]
		p.values[c.name] = typedValue(c, raw, typ, cm, p, s.file.format == "jsonl")
	}
	// Conditional requirements of the contract.
	if t.kind == "events" {
		p.checks = append(p.checks,
			check{cond: "v_event_type = 'review' AND v_decision IS NULL", column: "decision", message: "'a review event needs a decision (violation or no_violation)'"},
			check{cond: "v_event_type IN ('enforcement', 'escalation', 'reinstatement') AND v_action IS NULL", column: "action", message: "'an ' || v_event_type || ' event needs an action'"},
		)
	}
	var extra []string
	for _, name := range s.names {
		if !used[name] {
			extra = append(extra, sqltext.QuoteLiteral(name), fmt.Sprintf("CAST(%s AS VARCHAR)", s.exprs[name]))
		}
	}
	p.extra = "NULL::JSON"
	if len(extra) > 0 {
		p.extra = "json_object(" + strings.Join(extra, ", ") + ")"
	}
	return p, nil
}

func describeColumns(names []string) string {
	if len(names) == 0 {
		return "no columns"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return "columns " + strings.Join(q, ", ")
}

// sourceValue finds where canonical column c comes from.
func sourceValue(c column, s *source, m map[string]ColumnMapping, used map[string]bool) (expr, typ string, present bool, err error) {
	cm, mapped := m[c.name]
	switch {
	case mapped && cm.Const != nil:
		return sqltext.QuoteLiteral(*cm.Const), "VARCHAR", true, nil
	case mapped:
		if !s.has(cm.From) {
			return "", "", false, &FileError{File: s.file.path, Line: 1, Msg: fmt.Sprintf("the mapping takes %s from column %q, which the file does not have; it has %s", c.name, cm.From, describeColumns(s.names))}
		}
		used[cm.From] = true
		return s.exprs[cm.From], s.types[cm.From], true, nil
	case s.has(c.name):
		used[c.name] = true
		return s.exprs[c.name], s.types[c.name], true, nil
	}
	return "", "", false, nil
}

// typedValue returns the expression of c's value, adding its checks to p.
func typedValue(c column, raw, typ string, cm ColumnMapping, p *plan, fromJSON bool) string {
	text := raw
	if typ != "VARCHAR" {
		text = fmt.Sprintf("CAST(%s AS VARCHAR)", raw)
	}
	shown := fmt.Sprintf("left(%s, 80)", text)
	bad := func(v, what string) {
		p.checks = append(p.checks, check{
			cond:    fmt.Sprintf("%s IS NOT NULL AND %s IS NULL", raw, v),
			column:  c.name,
			message: fmt.Sprintf("'%s: ' || %s || ' is not %s'", c.name, shown, what),
		})
	}
	var v string
	switch c.kind {
	case kText, kEnum:
		v = text
		if len(cm.Values) > 0 {
			v = valueMap(text, cm.Values)
		}
		if c.kind == kEnum {
			allowed := make([]string, len(c.values))
			for i, a := range c.values {
				allowed[i] = sqltext.QuoteLiteral(a)
			}
			p.checks = append(p.checks, check{
				cond:    fmt.Sprintf("%s IS NOT NULL AND %s NOT IN (%s)", v, v, strings.Join(allowed, ", ")),
				column:  c.name,
				message: fmt.Sprintf("'%s: ' || %s || ' is not one of %s%s'", c.name, shown, strings.Join(c.values, ", "), enumHint(cm)),
			})
		}
	case kTimestamp:
		v = timestampValue(raw, typ, cm.Format)
		what := "an RFC 3339 timestamp"
		if cm.Format != "" {
			what = "a timestamp in format " + strings.ReplaceAll(cm.Format, "'", "''")
		}
		bad(v, what)
		p.checks = append(p.checks, plausibleTime(c.name, v, shown, cm.Format))
	case kCount:
		v = raw
		if !isInteger(typ) {
			// TRY_CAST to BIGINT rounds 5.5 to 6: a value with a fraction
			// is rejected by comparing it with the number as a DOUBLE.
			v = fmt.Sprintf("TRY_CAST(%s AS BIGINT)", text)
			p.checks = append(p.checks, check{
				cond:    fmt.Sprintf("%s IS NOT NULL AND (%s IS NULL OR TRY_CAST(%s AS DOUBLE) <> %s)", raw, v, text, v),
				column:  c.name,
				message: fmt.Sprintf("'%s: ' || %s || ' is not a whole number'", c.name, shown),
			})
		}
		p.checks = append(p.checks, check{cond: v + " < 0", column: c.name, message: fmt.Sprintf("'%s: ' || %s || ' is negative'", c.name, shown)})
	case kFloat:
		v = raw
		if typ != "DOUBLE" && typ != "FLOAT" {
			v = fmt.Sprintf("TRY_CAST(%s AS DOUBLE)", text)
			bad(v, "a number")
		}
		p.checks = append(p.checks, check{cond: fmt.Sprintf("%s < 0 OR isnan(%s) OR isinf(%s)", v, v, v), column: c.name, message: fmt.Sprintf("'%s: ' || %s || ' is not a finite number >= 0'", c.name, shown)})
	case kTags:
		v = tagsValue(raw, typ, cm.List, fromJSON)
		if cm.List == "json" || fromJSON {
			bad(v, "a list of hashtags") // only JSON can fail to parse
		}
	}
	if c.required {
		missing := fmt.Sprintf("%s IS NULL OR trim(%s) = ''", raw, text)
		if typ != "VARCHAR" {
			missing = raw + " IS NULL" // a typed value is never blank text
		}
		p.checks = append(p.checks, check{
			cond:    missing,
			column:  c.name,
			message: fmt.Sprintf("'%s: missing (required)'", c.name),
		})
	}
	return v
}

func enumHint(cm ColumnMapping) string {
	if len(cm.Values) > 0 {
		return " (nor mapped by the mapping''s values)"
	}
	return " (map other values with --mapping)"
}

func isInteger(typ string) bool {
	switch typ {
	case "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "HUGEINT":
		return true
	}
	return false
}

func valueMap(text string, values map[string]string) string {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("CASE " + text)
	for _, k := range keys {
		fmt.Fprintf(&b, " WHEN %s THEN %s", sqltext.QuoteLiteral(k), sqltext.QuoteLiteral(values[k]))
	}
	b.WriteString(" ELSE " + text + " END")
	return b.String()
}

// plausibleTime rejects a time before 2005 (before the platforms whose
// exports trendlab reads) or more than a day after the import, which is
// almost always a unit or format mistake: its reason says which to suspect.
func plausibleTime(name, v, shown, format string) check {
	early, late := "check the export's dates and the mapping's format", "check the export's time zone and the mapping's format"
	switch format {
	case "epoch_s":
		late = "is it epoch_ms (milliseconds) read as epoch_s (seconds)? check the mapping's format"
	case "epoch_ms":
		early = "is it epoch_s (seconds) read as epoch_ms (milliseconds)? check the mapping's format"
		late = "is it in microseconds read as epoch_ms (milliseconds)? check the mapping's format"
	}
	return check{
		cond:   fmt.Sprintf("%[1]s < TIMESTAMP '2005-01-01' OR %[1]s > CAST(current_timestamp AS TIMESTAMP) + INTERVAL 1 DAY", v),
		column: name,
		message: fmt.Sprintf(`'%[1]s: ' || %[2]s || ' is in the year ' || year(%[3]s) || CASE WHEN %[3]s < TIMESTAMP '2005-01-01'
			THEN %[4]s ELSE %[5]s END`, name, shown, v, sqltext.QuoteLiteral(", before 2005: "+early), sqltext.QuoteLiteral(", after the import: "+late)),
	}
}

// timestampValue parses a timestamp to UTC. A value without offset is UTC
// (every connection has TimeZone = 'UTC').
func timestampValue(raw, typ, format string) string {
	switch {
	case typ == "TIMESTAMP":
		return raw
	case strings.HasPrefix(typ, "TIMESTAMP"): // TIMESTAMP WITH TIME ZONE, _NS, _MS, _S
		return fmt.Sprintf("CAST(%s AS TIMESTAMP)", raw)
	}
	text := raw
	if typ != "VARCHAR" {
		text = fmt.Sprintf("CAST(%s AS VARCHAR)", raw)
	}
	switch format {
	case "", "rfc3339":
		return fmt.Sprintf("CAST(TRY_CAST(%s AS TIMESTAMPTZ) AS TIMESTAMP)", text)
	case "epoch_s":
		return fmt.Sprintf("CAST(to_timestamp(TRY_CAST(%s AS DOUBLE)) AS TIMESTAMP)", text)
	case "epoch_ms":
		return fmt.Sprintf("epoch_ms(TRY_CAST(%s AS BIGINT))", text)
	default:
		v := fmt.Sprintf("try_strptime(%s, %s)", text, sqltext.QuoteLiteral(format))
		if strings.Contains(format, "%z") || strings.Contains(format, "%Z") {
			v = fmt.Sprintf("CAST(%s AS TIMESTAMP)", v)
		}
		return v
	}
}

// tagsValue reads a hashtags column: a list type as is; text as tokens
// separated by white space (the contract's CSV form), by commas, or as a JSON
// array. JSON Lines may hold either an array or a string.
func tagsValue(raw, typ, list string, fromJSON bool) string {
	if strings.HasSuffix(typ, "[]") {
		return fmt.Sprintf("CAST(%s AS VARCHAR[])", raw)
	}
	// Splitting on single spaces is four times faster than on a regular
	// expression; the slow split runs only where white space is unusual.
	split := fmt.Sprintf(`CASE WHEN %[1]s = '' OR regexp_matches(%[1]s, '[\t\n\r\f\v]|\s\s|^\s|\s$')
		THEN list_filter(string_split_regex(%[1]s, '\s+'), x -> x <> '') ELSE string_split(%[1]s, ' ') END`, raw)
	if list == "comma" {
		split = fmt.Sprintf("list_filter(list_transform(string_split(%s, ','), x -> trim(x)), x -> x <> '')", raw)
	}
	asJSON := fmt.Sprintf("CASE WHEN json_valid(%[1]s) AND json_type(%[1]s) = 'ARRAY' THEN from_json(%[1]s, '[\"VARCHAR\"]') END", raw)
	switch {
	case list == "json":
		return asJSON
	case fromJSON && list == "":
		return fmt.Sprintf("CASE WHEN starts_with(%s, '[') THEN %s ELSE %s END", raw, asJSON, split)
	default:
		return split
	}
}

// checkedSQL is the SELECT over tl_stage that types every canonical column,
// names the first failing column and gives every reason a row fails.
func (p *plan) checkedSQL(t table, s *source, from string) string {
	var sel []string
	sel = append(sel, "tl_stage.tl_line")
	for _, c := range t.columns {
		sel = append(sel, fmt.Sprintf("%s AS v_%s", p.values[c.name], c.name))
	}
	sel = append(sel, p.extra+" AS v_extra")
	if len(p.checks) == 0 {
		return "SELECT " + strings.Join(sel, ",\n\t") + ", false AS tl_bad, NULL::VARCHAR AS tl_reason, NULL::VARCHAR AS tl_column, NULL::VARCHAR AS tl_raw FROM " + from
	}
	// tl_bad is cheap (a chain of ORs); the reason, column and raw text are
	// built under CASE WHEN tl_bad, so DuckDB computes them only for the
	// rejected rows, and only in the pass that selects them. A check's
	// condition may be NULL (NULL < 0), which counts as passing.
	var bad, reasons, cols []string
	for _, ch := range p.checks {
		bad = append(bad, fmt.Sprintf("coalesce(%s, false)", ch.cond))
		reasons = append(reasons, fmt.Sprintf("CASE WHEN %s THEN %s END", ch.cond, ch.message))
		col := "NULL"
		if ch.column != "" {
			col = sqltext.QuoteLiteral(ch.column)
		}
		cols = append(cols, fmt.Sprintf("WHEN %s THEN %s", ch.cond, col))
	}
	// Typed values are referred to by alias (v_x) in conditions; DuckDB
	// resolves select-list aliases in later expressions of the same list.
	return "SELECT " + strings.Join(sel, ",\n\t") +
		",\n\t(" + strings.Join(bad, "\n\t OR ") + ") AS tl_bad" +
		",\n\tCASE WHEN tl_bad THEN NULLIF(concat_ws('; ', " + strings.Join(reasons, ", ") + "), '') END AS tl_reason" +
		",\n\tCASE WHEN tl_bad THEN CASE " + strings.Join(cols, " ") + " END END AS tl_column" +
		",\n\tCASE WHEN tl_bad THEN " + s.raw + " END AS tl_raw FROM " + from
}
