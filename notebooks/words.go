package notebooks

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/trendlab/trendlab/analysis"
)

// Numbers in words: how the report writes percentages, intervals,
// p-values and durations, the same way in every table and sentence.

func pct(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "n/a"
	}
	switch a := math.Abs(f * 100); {
	case a == 0:
		return "0%"
	case a < 0.1:
		return strconv.FormatFloat(f*100, 'g', 2, 64) + "%"
	case a < 10:
		return strconv.FormatFloat(f*100, 'f', 2, 64) + "%"
	}
	return strconv.FormatFloat(f*100, 'f', 1, 64) + "%"
}

func ciText(ci analysis.Interval) string {
	return "[" + pct(ci.Lo) + ", " + pct(ci.Hi) + "]"
}

func propText(p analysis.Proportion) string {
	if p.N == 0 {
		return "0 / 0"
	}
	return fmt.Sprintf("%s / %s = %s %s", analysis.GroupDigits(p.X), analysis.GroupDigits(p.N), pct(p.P), ciText(p.CI))
}

func pval(p float64) string {
	switch {
	case math.IsNaN(p):
		return "n/a"
	case p < 0.0001:
		return "< 0.0001"
	}
	return strconv.FormatFloat(p, 'f', 4, 64)
}

// pEq writes "p = 0.0123" or "p < 0.0001".
func pEq(p float64) string {
	s := pval(p)
	if strings.HasPrefix(s, "<") {
		return "p " + s
	}
	return "p = " + s
}

func numText(n analysis.Num) string {
	if !n.Valid() {
		return "n/a"
	}
	return strconv.FormatFloat(float64(n), 'f', 3, 64)
}

func effectText(e analysis.Effect, asPct bool) string {
	if !e.Estimate.Valid() {
		return "n/a"
	}
	f := func(n analysis.Num) string {
		if !n.Valid() {
			return "n/a"
		}
		if asPct {
			return pct(float64(n))
		}
		return strconv.FormatFloat(float64(n), 'f', 3, 64)
	}
	return fmt.Sprintf("%s [%s, %s]", f(e.Estimate), f(e.CI.Lo), f(e.CI.Hi))
}

func mdeText(m analysis.MDE) string {
	if !m.TagSetRate.Valid() {
		return "n/a"
	}
	return fmt.Sprintf("%s (+%s, h = %.3f)", pct(float64(m.TagSetRate)), pct(float64(m.Difference)), float64(m.CohensH))
}

func durText(n analysis.Num) string {
	if !n.Valid() {
		return "n/a"
	}
	d := time.Duration(float64(n) * float64(time.Second))
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%.0f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%.1f min", d.Minutes())
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	}
	return fmt.Sprintf("%.1f d", d.Hours()/24)
}

// level writes a confidence or power level, e.g. 95% or 99.5%.
func level(f float64) string {
	return strconv.FormatFloat(f*100, 'f', -1, 64) + "%"
}

// plural writes "1 accepted variant", "3 accepted variants".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
