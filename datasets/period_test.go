package datasets

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func utcDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		name, since, until string
		want               Period
		wantErr            string // substring; "" for none
		bound              string // DayError.Bound
		empty              bool   // errors.Is ErrPeriodEmpty
	}{
		{name: "open", want: Period{}},
		{name: "closed", since: "2021-02-01", until: "2021-02-28", want: Period{utcDay(2021, 2, 1), utcDay(2021, 2, 28)}},
		{name: "one day", since: "2021-02-01", until: "2021-02-01", want: Period{utcDay(2021, 2, 1), utcDay(2021, 2, 1)}},
		{name: "since only", since: "2021-02-01", want: Period{Since: utcDay(2021, 2, 1)}},
		{name: "until only, spaces", until: " 2021-02-28 ", want: Period{Until: utcDay(2021, 2, 28)}},
		{name: "leap day", since: "2024-02-29", want: Period{Since: utcDay(2024, 2, 29)}},
		{name: "no leap day", since: "2023-02-29", wantErr: `since "2023-02-29" is not a day: day out of range`, bound: "since"},
		{name: "month 13", until: "2021-13-01", wantErr: "month out of range", bound: "until"},
		{name: "slashes", since: "2021/02/01", wantErr: "expected YYYY-MM-DD", bound: "since"},
		{name: "timestamp", until: "2021-02-01T00:00:00Z", wantErr: "expected YYYY-MM-DD", bound: "until"},
		{name: "short", since: "2021-2-1", wantErr: "expected YYYY-MM-DD", bound: "since"},
		{name: "reversed", since: "2021-03-01", until: "2021-02-28", wantErr: "2021-02-28 is before 2021-03-01", empty: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePeriod(tt.since, tt.until)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Fatalf("ParsePeriod(%q, %q) = %v, %v; want %v", tt.since, tt.until, got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ParsePeriod(%q, %q) error %v; want it to contain %q", tt.since, tt.until, err, tt.wantErr)
			}
			var de *DayError
			if tt.bound != "" && (!errors.As(err, &de) || de.Bound != tt.bound) {
				t.Errorf("error %v: want a *DayError for %s", err, tt.bound)
			}
			if tt.empty != errors.Is(err, ErrPeriodEmpty) {
				t.Errorf("errors.Is(%v, ErrPeriodEmpty) = %v", err, !tt.empty)
			}
		})
	}
}

// The last day is inclusive: a video created at 23:59:59 on Until is in
// the period, one at midnight after it is not.
func TestPeriodBoundsIncludeLastDay(t *testing.T) {
	p := Period{utcDay(2021, 2, 1), utcDay(2021, 2, 28)}
	lo, hi := p.Bounds()
	if !lo.Equal(utcDay(2021, 2, 1)) || !hi.Equal(utcDay(2021, 3, 1)) {
		t.Fatalf("Bounds = [%v, %v); want [2021-02-01, 2021-03-01)", lo, hi)
	}
	for _, c := range []struct {
		t    time.Time
		want bool
	}{
		{utcDay(2021, 1, 31).Add(24*time.Hour - time.Nanosecond), false},
		{utcDay(2021, 2, 1), true},
		{utcDay(2021, 2, 28).Add(23*time.Hour + 59*time.Minute + 59*time.Second), true},
		{utcDay(2021, 3, 1), false},
	} {
		if got := p.Contains(c.t); got != c.want {
			t.Errorf("Contains(%v) = %v; want %v", c.t, got, c.want)
		}
	}
	if got := p.Days(); got != 28 {
		t.Errorf("Days = %d; want 28", got)
	}
	if got := p.Describe(); got != "2021-02-01 to 2021-02-28" {
		t.Errorf("Describe = %q", got)
	}
}

func TestPeriodSQL(t *testing.T) {
	tests := []struct {
		name  string
		p     Period
		cond  string
		nargs int
	}{
		{"open", Period{}, "true", 0},
		{"since", Period{Since: utcDay(2021, 2, 1)}, "created_at >= ?", 1},
		{"until", Period{Until: utcDay(2021, 2, 28)}, "created_at < ?", 1},
		{"closed", Period{utcDay(2021, 2, 1), utcDay(2021, 2, 28)}, "created_at >= ? AND created_at < ?", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cond, args := tt.p.SQL("created_at")
			if cond != tt.cond || len(args) != tt.nargs {
				t.Fatalf("SQL = %q %v; want %q with %d args", cond, args, tt.cond, tt.nargs)
			}
			if tt.name == "until" && !args[0].(time.Time).Equal(utcDay(2021, 3, 1)) {
				t.Errorf("until bound %v; want the midnight after the last day", args[0])
			}
		})
	}
}

// A period built from instants covers their whole days.
func TestNewPeriodTruncates(t *testing.T) {
	p := NewPeriod(time.Date(2021, 2, 1, 13, 0, 0, 0, time.UTC), time.Date(2021, 2, 28, 23, 0, 0, 0, time.FixedZone("x", -3600)))
	if p.Since != utcDay(2021, 2, 1) || p.Until != utcDay(2021, 3, 1) {
		t.Fatalf("NewPeriod = %v; want 2021-02-01 to 2021-03-01 (the last instant is on 1 March in UTC)", p)
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range [][2]string{{"2021-02-01", "2021-02-28"}, {"", "2024-02-29"}, {"2023-02-29", ""}, {"2021-13-01", "x"}, {" 2021-01-01", "2020-12-31"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, since, until string) {
		p, err := ParsePeriod(since, until)
		if err != nil {
			var de *DayError
			if !errors.As(err, &de) && !errors.Is(err, ErrPeriodEmpty) {
				t.Fatalf("error %v is neither a *DayError nor ErrPeriodEmpty", err)
			}
			return
		}
		// A parsed bound is a UTC midnight that prints back as the input.
		for _, b := range []struct {
			in string
			t  time.Time
		}{{since, p.Since}, {until, p.Until}} {
			if b.t.IsZero() {
				if strings.TrimSpace(b.in) != "" {
					t.Fatalf("%q parsed as an open bound", b.in)
				}
				continue
			}
			if b.t != TruncDay(b.t) || Day(b.t) != strings.TrimSpace(b.in) {
				t.Fatalf("%q parsed as %v", b.in, b.t)
			}
		}
		lo, hi := p.Bounds()
		if !lo.IsZero() && !hi.IsZero() && !hi.After(lo) {
			t.Fatalf("bounds [%v, %v) are empty for %v", lo, hi, p)
		}
	})
}
