package synth

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestOptionalExports generates the optional exports and checks them
// against the manifest: views at most two rows per video and day, the
// for_you drop for the family after not_recommended, the autocomplete
// share falling after the restriction, and the evasion spelling only
// after it.
func TestOptionalExports(t *testing.T) {
	dir := t.TempDir()
	m, err := Generate(context.Background(), Config{Videos: 20_000, Seed: 3, Days: 60, Dir: dir, Optional: true})
	if err != nil {
		t.Fatal(err)
	}
	imp := m.Impact
	if imp == nil {
		t.Fatal("no impact section in the manifest")
	}
	for _, f := range []string{imp.Files.Views, imp.Files.Searches, imp.Files.Interventions} {
		if _, err := os.Stat(f); err != nil {
			t.Fatal(err)
		}
	}
	var fam int64
	for _, n := range imp.FamilyByDay {
		fam += n
	}
	if fam != m.Family.Videos {
		t.Errorf("family by day sums to %d, manifest family videos %d", fam, m.Family.Videos)
	}
	early, late := imp.FamilyByDay[0]+imp.FamilyByDay[1]+imp.FamilyByDay[2], imp.FamilyByDay[57]+imp.FamilyByDay[58]+imp.FamilyByDay[59]
	if late < 2*early {
		t.Errorf("family volume does not rise: first three days %d, last three %d", early, late)
	}

	rows := readCSV(t, imp.Files.Views)
	perVideoDay := map[string]int{}
	for _, r := range rows {
		perVideoDay[r[0]+r[1]]++
	}
	for k, n := range perVideoDay {
		if n > 2 {
			t.Fatalf("%s has %d view rows on one day, want at most 2", k, n)
		}
	}
	if int64(len(rows)) != imp.ViewRows {
		t.Errorf("%d view rows, manifest %d", len(rows), imp.ViewRows)
	}

	var before, after [2]float64 // searches, via autocomplete for the terms
	evasionFirst := ""
	for _, r := range readCSV(t, imp.Files.Searches) {
		s, _ := strconv.ParseFloat(r[2], 64)
		a, _ := strconv.ParseFloat(r[3], 64)
		if r[1] == imp.EvasionTag && (evasionFirst == "" || r[0] < evasionFirst) {
			evasionFirst = r[0]
		}
		if r[1] != "omegle" {
			continue
		}
		if r[0] < imp.Autocomplete.Day {
			before[0], before[1] = before[0]+s, before[1]+a
		} else {
			after[0], after[1] = after[0]+s, after[1]+a
		}
	}
	if sb, sa := before[1]/before[0], after[1]/after[0]; !(sb > 0.4 && sb < 0.5 && sa < 0.07) {
		t.Errorf("autocomplete share before %.3f after %.3f, planted %.2f and %.2f", sb, sa, imp.ACShareBefore, imp.ACShareAfter)
	}
	if evasionFirst != imp.EvasionFirstDay {
		t.Errorf("evasion spelling first searched %s, manifest %s", evasionFirst, imp.EvasionFirstDay)
	}
	if imp.EvasionVideos == 0 {
		t.Error("no video carries the evasion spelling")
	}
	iv := readCSV(t, imp.Files.Interventions)
	if len(iv) != 3 || iv[1][0] != imp.NotRecommended.ID || !strings.HasPrefix(iv[1][3], imp.NotRecommended.Day) {
		t.Errorf("interventions %v", iv)
	}
}

// TestOptionalOffKeepsOutput: without Optional the main files are the
// same bytes as before the optional exports existed (Write ignores it).
func TestOptionalOffKeepsOutput(t *testing.T) {
	var a, b strings.Builder
	var ea, eb strings.Builder
	if _, err := Write(context.Background(), Config{Videos: 500, Seed: 9}, &a, &ea); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(context.Background(), Config{Videos: 500, Seed: 9, Optional: true}, &b, &eb); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() || ea.String() != eb.String() {
		t.Error("Write with Optional set changed the output; Write never writes the optional exports")
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		rows = append(rows, strings.Split(sc.Text(), ","))
	}
	return rows
}
