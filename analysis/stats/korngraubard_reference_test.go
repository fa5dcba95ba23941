package stats

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestKornGraubardReference checks StratifiedKornGraubard against R's
// survey::svyciprop(method = "beta") (testdata/korngraubard.R, whose output
// is testdata/korngraubard.json).
func TestKornGraubardReference(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "korngraubard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			Strata              []Stratum `json:"strata"`
			Conf, P, SE, Lo, Hi float64
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("no reference cases")
	}
	for _, c := range ref.Cases {
		e := StratifiedKornGraubard(c.Strata, c.Conf)
		for _, v := range []struct {
			name      string
			got, want float64
		}{{"p", e.P, c.P}, {"se", e.SE, c.SE}, {"lo", e.CI.Lo, c.Lo}, {"hi", e.CI.Hi, c.Hi}} {
			if math.Abs(v.got-v.want) > 1e-9*math.Max(1, math.Abs(v.want)) {
				t.Errorf("%v at %g: %s = %.12g, R gives %.12g", c.Strata, c.Conf, v.name, v.got, v.want)
			}
		}
	}
}
