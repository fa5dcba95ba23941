package queries

import (
	"strings"
	"testing"
)

// TestNegativeZeroPrintsAsZero: a rate rounded to zero from below
// (round(-0.0001, 2)) is -0.0 in IEEE arithmetic, which a reader takes for
// a sign error; CSV and the table print it as 0.
func TestNegativeZeroPrintsAsZero(t *testing.T) {
	db := fixture(t)
	rows, err := db.Query(`SELECT round(-0.0001::DOUBLE, 2) AS daily_violation_rate, -0.0::DOUBLE AS z, CAST(-0.0 AS FLOAT) AS f, -0.5::DOUBLE AS neg`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	if _, err := WriteCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	if want := "daily_violation_rate,z,f,neg\n0,0,0,-0.5\n"; b.String() != want {
		t.Errorf("CSV = %q, want %q", b.String(), want)
	}
}
