package stats

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
	"time"
)

// Tolerance for the time-series vectors in testdata/reference_ts.json
// (computed by testdata/reference_ts.py with statsmodels; versions in the
// file). The fits go through a matrix inverse on both sides, so agreement
// is to about 1e-9 relative, not to the last bit.
const (
	tsAbsTol = 1e-9
	tsRelTol = 1e-8
)

type tsReference struct {
	OLS struct {
		Cases []struct {
			Y, X             []float64
			First            int `json:"first_weekday_mon0"`
			MaxLags          int
			Coef, SE, Lo, Hi []float64
		}
	} `json:"ols_hac"`
	ITS struct {
		Cases []struct {
			Y                []float64
			At               int
			First            int `json:"first_weekday_mon0"`
			MaxLags          int
			Coef, SE, Lo, Hi []float64
		}
	} `json:"its"`
	CCF struct {
		Cases []struct {
			X, Y          []float64
			AR            map[string][]float64
			SelectedOrder int `json:"selected_order"`
			Lags          []int
			R             []float64
		}
	} `json:"ccf"`
	MDE struct {
		Cases []struct{ SE, Alpha, Power, MDE float64 }
	} `json:"mde_coef"`
}

func loadTSReference(t *testing.T) tsReference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference_ts.json")
	if err != nil {
		t.Fatal(err)
	}
	var r tsReference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func closeTS(got, want float64) bool {
	return math.Abs(got-want) <= tsAbsTol+tsRelTol*math.Abs(want)
}

func checkVec(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if !closeTS(got[i], want[i]) {
			t.Errorf("%s[%d] = %.12g, want %.12g (statsmodels)", what, i, got[i], want[i])
		}
	}
}

// goWeekday converts Python's weekday() (Monday = 0) to time.Weekday.
func goWeekday(mon0 int) time.Weekday { return time.Weekday((mon0 + 1) % 7) }

func checkFit(t *testing.T, name string, r Regression, coef, se, lo, hi []float64) {
	t.Helper()
	checkVec(t, name+" coef", r.Coef, coef)
	checkVec(t, name+" se", r.SE, se)
	var l, h []float64
	for j := range r.Coef {
		iv := r.CI(j, 0.95)
		l, h = append(l, iv.Lo), append(h, iv.Hi)
	}
	checkVec(t, name+" ci lo", l, lo)
	checkVec(t, name+" ci hi", h, hi)
}

func TestOLSHACReference(t *testing.T) {
	ref := loadTSReference(t)
	if len(ref.OLS.Cases) == 0 {
		t.Fatal("no ols_hac cases")
	}
	for i, c := range ref.OLS.Cases {
		n := len(c.Y)
		names, dow := DayOfWeekColumns(goWeekday(c.First), n)
		r, err := OLSHAC(c.Y, append([][]float64{Ones(n), c.X}, dow...), append([]string{"const", "x"}, names...), c.MaxLags)
		if err != nil {
			t.Fatal(err)
		}
		checkFit(t, fmt.Sprint("ols_hac case ", i), r, c.Coef, c.SE, c.Lo, c.Hi)
	}
}

func TestInterruptedTimeSeriesReference(t *testing.T) {
	ref := loadTSReference(t)
	for i, c := range ref.ITS.Cases {
		r, err := InterruptedTimeSeries(c.Y, goWeekday(c.First), c.At, -1)
		if err != nil {
			t.Fatal(err)
		}
		if r.MaxLags != c.MaxLags {
			t.Errorf("case %d: NeweyWestLags gave %d, script %d", i, r.MaxLags, c.MaxLags)
		}
		checkFit(t, fmt.Sprint("its case ", i), r.Regression, c.Coef, c.SE, c.Lo, c.Hi)
	}
}

func TestCrossCorrelationReference(t *testing.T) {
	ref := loadTSReference(t)
	for i, c := range ref.CCF.Cases {
		for p, want := range c.AR {
			ar, err := FitAR(c.X, int(p[0]-'0'))
			if err != nil {
				t.Fatal(err)
			}
			checkVec(t, fmt.Sprint("AR(", p, ") case ", i), append([]float64{ar.Const}, ar.Phi...), want)
		}
		got, err := CrossCorrelation(c.X, c.Y, 7, 7, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.AR.Phi) != c.SelectedOrder {
			t.Errorf("case %d: AR order %d, ar_select_order %d", i, len(got.AR.Phi), c.SelectedOrder)
		}
		checkVec(t, fmt.Sprint("ccf case ", i), got.R, c.R)
	}
}

func TestMinimumDetectableCoefReference(t *testing.T) {
	ref := loadTSReference(t)
	for _, c := range ref.MDE.Cases {
		got := MinimumDetectableCoef(c.SE, c.Alpha, c.Power)
		if math.Abs(got-c.MDE) > rootAbsTol+rootRelTol*c.MDE {
			t.Errorf("MinimumDetectableCoef(%v, %v, %v) = %.12g, want %.12g", c.SE, c.Alpha, c.Power, got, c.MDE)
		}
	}
}
