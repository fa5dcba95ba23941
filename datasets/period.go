package datasets

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Period is a span of whole UTC days by video creation: Since is the first
// day and Until the last day, both inclusive, because that is what people
// mean by "--since 2021-02-01 --until 2021-02-28". A zero bound is open
// (the data's first or last day). Every command that takes a period uses
// this type, so a sample frame and an investigation of the same period hold
// the same videos.
//
// In SQL the period is the half-open range [Since, Until+1 day) on a
// timestamp (Bounds, SQL), which counts the whole last day whatever the
// time of day.
//
// Request types embed it, so their JSON keeps "since" and "until".
type Period struct {
	Since time.Time `json:"since,omitzero"` // first day, UTC midnight; zero: open
	Until time.Time `json:"until,omitzero"` // last day, inclusive, UTC midnight; zero: open
}

// ErrPeriodEmpty is returned when a period ends before it starts.
var ErrPeriodEmpty = errors.New("the period ends before it starts")

// DayError is a bound of a period that is not a day.
type DayError struct {
	Bound string // "since" or "until"
	Value string
	Err   error
}

func (e *DayError) Error() string {
	return fmt.Sprintf("%s %q is not a day: %v", e.Bound, e.Value, e.Err)
}

func (e *DayError) Unwrap() error { return e.Err }

// errDayFormat says what a day looks like.
var errDayFormat = errors.New("expected YYYY-MM-DD, e.g. 2026-06-30")

// ParseDay reads a day written YYYY-MM-DD (surrounding spaces ignored) as
// its UTC midnight. Impossible dates (2021-02-30) are refused.
func ParseDay(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) != len(time.DateOnly) {
		return time.Time{}, errDayFormat
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		var pe *time.ParseError
		if errors.As(err, &pe) && pe.Message != "" {
			// e.g. ": day out of range"
			return time.Time{}, fmt.Errorf("%s (%s)", strings.TrimPrefix(pe.Message, ": "), errDayFormat)
		}
		return time.Time{}, errDayFormat
	}
	return t, nil
}

// ParsePeriod reads the two bounds of a period, each YYYY-MM-DD or empty
// (open). The error is a *DayError naming the bound, or ErrPeriodEmpty.
func ParsePeriod(since, until string) (Period, error) {
	var p Period
	for _, b := range []struct {
		name, value string
		dst         *time.Time
	}{{"since", since, &p.Since}, {"until", until, &p.Until}} {
		if strings.TrimSpace(b.value) == "" {
			continue
		}
		t, err := ParseDay(b.value)
		if err != nil {
			return Period{}, &DayError{Bound: b.name, Value: b.value, Err: err}
		}
		*b.dst = t
	}
	return p, p.Check()
}

// NewPeriod is the period of the days holding since and until (either
// zero: open), truncated to UTC days.
func NewPeriod(since, until time.Time) Period {
	return Period{Since: TruncDay(since), Until: TruncDay(until)}
}

// Check returns ErrPeriodEmpty (wrapped with the two days) when the period
// ends before it starts.
func (p Period) Check() error {
	if !p.Since.IsZero() && !p.Until.IsZero() && p.Until.Before(p.Since) {
		return fmt.Errorf("%w: %s is before %s", ErrPeriodEmpty, Day(p.Until), Day(p.Since))
	}
	return nil
}

// IsZero reports whether both bounds are open.
func (p Period) IsZero() bool { return p.Since.IsZero() && p.Until.IsZero() }

// Bounds is the half-open timestamp range [lo, hi) of the period: lo is
// Since, hi the midnight after Until. An open bound is the zero time.
func (p Period) Bounds() (lo, hi time.Time) {
	if !p.Since.IsZero() {
		lo = TruncDay(p.Since)
	}
	if !p.Until.IsZero() {
		hi = TruncDay(p.Until).AddDate(0, 0, 1)
	}
	return lo, hi
}

// Contains reports whether the instant t falls on a day of the period.
func (p Period) Contains(t time.Time) bool {
	lo, hi := p.Bounds()
	return (lo.IsZero() || !t.Before(lo)) && (hi.IsZero() || t.Before(hi))
}

// Days is the number of days of a closed period (0 when a bound is open).
func (p Period) Days() int {
	if p.Since.IsZero() || p.Until.IsZero() || p.Check() != nil {
		return 0
	}
	lo, hi := p.Bounds()
	return int(hi.Sub(lo).Hours()/24 + 0.5)
}

// SQL is the period as a condition on a timestamp column, with its
// parameters: "col >= ? AND col < ?" for a closed period, one side for a
// half-open one, "true" for an open one. column is trusted SQL (a name
// chosen by the program, never user text).
func (p Period) SQL(column string) (string, []any) {
	lo, hi := p.Bounds()
	var conds []string
	var args []any
	if !lo.IsZero() {
		conds = append(conds, column+" >= ?")
		args = append(args, lo)
	}
	if !hi.IsZero() {
		conds = append(conds, column+" < ?")
		args = append(args, hi)
	}
	if len(conds) == 0 {
		return "true", nil
	}
	return strings.Join(conds, " AND "), args
}

// Describe is "2021-02-01 to 2021-02-28", with "start" or "end" for an
// open bound. (Not String: types that embed a Period would print as it.)
func (p Period) Describe() string {
	since, until := "start", "end"
	if !p.Since.IsZero() {
		since = Day(p.Since)
	}
	if !p.Until.IsZero() {
		until = Day(p.Until)
	}
	return since + " to " + until
}

// Day formats an instant as its UTC day, YYYY-MM-DD.
func Day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// TruncDay is the UTC midnight of the day holding t (zero stays zero).
func TruncDay(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
