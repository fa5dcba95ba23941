package queries

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/internal/pgtest"
)

// engineSynth is small: the server's import is the slower.
var engineSynth = synth.Config{Videos: 6_000, Seed: 23, Days: 20, Optional: true}

// sharedRows are written into both workspaces with the same SQL text: a
// saved tag set with an accepted and a rejected variant, and a labelled
// sample, which no import makes.
var sharedRows = []string{
	`INSERT INTO tag_sets (name, seed_tag, include_caption_mentions, created_at, updated_at)
	 VALUES ('family', '{seed}', true, TIMESTAMP '2026-01-02 03:04:05', TIMESTAMP '2026-01-02 03:04:05')`,
	`INSERT INTO tag_set_variants (tag_set, tag, status, reason, score, videos, decided_at, decided_by)
	 VALUES ('family', '{variant}', 'accepted', 'listed', 0.9, 1, TIMESTAMP '2026-01-02 03:04:05', 'ana'),
	        ('family', '{decoy}', 'rejected', 'decoy', 0.2, 1, TIMESTAMP '2026-01-02 03:04:05', 'ana')`,
	`INSERT INTO samples (sample_id, name, definition, seed, size, frame_size, created_at, created_by)
	 VALUES (1, 'review', '{}', 7, 3, 100, TIMESTAMP '2026-01-03 00:00:00', 'ana')`,
	`INSERT INTO labels (sample_id, video_id, reviewer, label, labelled_at)
	 SELECT 1, video_id, r.reviewer, CASE WHEN n % 3 = 0 THEN 'violating' ELSE 'fine' END, TIMESTAMP '2026-01-04 00:00:00'
	 FROM (SELECT video_id, row_number() OVER (ORDER BY video_id) AS n FROM videos ORDER BY video_id LIMIT 3) v
	 CROSS JOIN (VALUES ('ana'), ('ben')) r(reviewer)`,
}

// TestEnginesAgree: every shipped query gives the same result on a DuckDB
// workspace and on a PostgreSQL one holding the same synthetic exports,
// imported by datasets.Import into each, with the parameters of
// engineParams (tag sets, tag lists, periods, policies, limits).
//
// Compared is the CSV that query run writes: the same columns, in the same
// order, the same rows in the same order, the same text in every cell but
// one representation: a number is compared as the value it spells, to 12
// significant digits (DuckDB rounds a DOUBLE with round(x, 6) and writes
// 0.5; PostgreSQL rounds a NUMERIC and writes 0.500000, and its float8 to
// numeric conversion keeps 15 digits).
func TestEnginesAgree(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	cfg := engineSynth
	cfg.Dir = t.TempDir()
	m, err := synth.Generate(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	req := datasets.ImportRequest{Videos: []string{m.Files.Videos}, Events: []string{m.Files.Events},
		Views: []string{m.Impact.Files.Views}, Searches: []string{m.Impact.Files.Searches}, Interventions: []string{m.Impact.Files.Interventions}}
	duck, err := datasets.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer duck.Close()
	pg, err := datasets.Open(ctx, url, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	orphans := orphanEvents(t, m.Files.Events, filepath.Join(cfg.Dir, "orphans.csv"))
	for _, ws := range []*datasets.Workspace{duck, pg} {
		if _, err := datasets.Import(ctx, ws, req); err != nil {
			t.Fatalf("%s: %v", ws.Dialect, err)
		}
		if _, err := datasets.Import(ctx, ws, datasets.ImportRequest{Events: []string{orphans}}); err != nil {
			t.Fatalf("%s: %v", ws.Dialect, err)
		}
		fill := strings.NewReplacer("{seed}", m.Family.SeedTag, "{variant}", m.Family.Normalised[len(m.Family.Normalised)-1], "{decoy}", m.Decoys[0])
		for _, s := range sharedRows {
			if _, err := ws.DB.ExecContext(ctx, fill.Replace(s)); err != nil {
				t.Fatalf("%s: %v", ws.Dialect, err)
			}
		}
	}
	var anyVideo, start string
	if err := duck.DB.QueryRowContext(ctx, `SELECT min(video_id), strftime(min(created_at) + INTERVAL 3 DAY, '%Y-%m-%d') FROM videos`).Scan(&anyVideo, &start); err != nil {
		t.Fatal(err)
	}
	family := strings.Join(m.Family.Normalised, ",")
	params := engineParams(family, m.Policies[0], start, anyVideo)
	lib, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range lib.Queries() {
		sets, ok := params[q.Name]
		if !ok {
			t.Errorf("no parameters for %s in engineParams: add them", q.Name)
			continue
		}
		for _, set := range sets {
			t.Run(q.Name+" "+strings.Join(set, " "), func(t *testing.T) {
				given, err := ParseAssignments(set)
				if err != nil {
					t.Fatal(err)
				}
				st, err := q.Bind(given)
				if err != nil {
					t.Fatal(err)
				}
				want := runCSV(t, duck, st)
				got := runCSV(t, pg, st)
				if q.Name == "imports" {
					// When an import ran and how long it took are not results.
					setAside(want, "started_at", "seconds")
					setAside(got, "started_at", "seconds")
				}
				if len(want) < 2 && !mayBeEmpty[q.Name] {
					t.Errorf("DuckDB gives no rows: the comparison proves little, choose parameters that give some")
				}
				if diff := csvDifference(want, got); diff != "" {
					t.Errorf("PostgreSQL's result differs from DuckDB's: %s", diff)
				}
			})
		}
	}
}

// mayBeEmpty are the queries whose result is empty on a synthetic
// workspace (no import rejects).
var mayBeEmpty = map[string]bool{"last_import_rejects": true}

func engineParams(family, policy, since, video string) map[string][][]string {
	tagged := [][]string{{"tags=" + family}, {"tag_set=family"}, {"tag_set=family", "tags=nosuchtag", "since=" + since, "until=" + since}}
	return map[string][][]string{
		"appeals_and_reinstatements": {nil, {"tag_set=family"}, {"tags=" + family, "since=" + since}},
		"breakdown_by_age_band":      {{"tags=" + family}, {"tag_set=family", "policy=" + policy}},
		"breakdown_by_region":        {{"tags=" + family}, {"tag_set=family", "policy=" + policy}},
		"co_occurring_tags":          {{"tags=" + family, "min_videos=1"}, {"tag_set=family", "limit=5"}},
		"daily_violation_rate":       {{"tags=" + family}, {"tag_set=family", "policy=" + policy, "since=" + since}},
		"daily_volume":               tagged,
		"escalations":                {nil, {"since=" + since, "policy=" + policy, "limit=20"}},
		"imports":                    {nil},
		"interventions":              {nil},
		"last_import_rejects":        {nil, {"import_id=1"}},
		"orphan_events":              {nil},
		"proactive_share_by_policy":  {nil, {"tag_set=family"}, {"tags=" + family, "since=" + since}},
		"reach_daily":                tagged[:2],
		"removal_latency":            {nil, {"tag_set=family"}, {"tags=" + family, "policy=" + policy}},
		"sample_labels":              {nil, {"sample=review"}},
		"search_terms_daily":         tagged[:2],
		"top_tags":                   {nil, {"since=" + since, "min_videos=3", "limit=10"}},
		"video_timeline":             {{"video_id=" + video}},
		"violation_rate_by_policy":   tagged,
	}
}

func runCSV(t *testing.T, ws *datasets.Workspace, st Statement) [][]string {
	t.Helper()
	var b bytes.Buffer
	if _, err := Export(context.Background(), ws.DB, st, FormatCSV, &b, TableOptions{}); err != nil {
		t.Fatalf("%s: %v", ws.Dialect, err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil && err != io.EOF {
		t.Fatalf("%s: reading the CSV: %v", ws.Dialect, err)
	}
	return recs
}

// csvDifference describes the first difference, "" when none.
func csvDifference(want, got [][]string) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d rows, DuckDB %d (first rows: PostgreSQL %q, DuckDB %q)", len(got)-1, len(want)-1, head(got), head(want))
	}
	for i := range want {
		if len(want[i]) != len(got[i]) {
			return fmt.Sprintf("row %d: %d columns, DuckDB %d", i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			if !sameCell(want[i][j], got[i][j]) {
				return fmt.Sprintf("row %d column %s: PostgreSQL %q, DuckDB %q\nDuckDB row %q\nPostgreSQL row %q", i, want[0][j], got[i][j], want[i][j], want[i], got[i])
			}
		}
	}
	return ""
}

func head(recs [][]string) [][]string { return recs[:min(3, len(recs))] }

// sameCell: the same text, or numbers of the same value to 12 significant
// digits.
func sameCell(a, b string) bool {
	if a == b {
		return true
	}
	x, errX := strconv.ParseFloat(a, 64)
	y, errY := strconv.ParseFloat(b, 64)
	return errX == nil && errY == nil && strconv.FormatFloat(x, 'g', 12, 64) == strconv.FormatFloat(y, 'g', 12, 64)
}

// orphanEvents writes to out a later events export: the first events of
// from, under new ids, for two videos that no export holds.
func orphanEvents(t *testing.T, from, out string) string {
	t.Helper()
	f, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	recs := [][]string{head}
	for i := range 6 {
		rec, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		for j, c := range head {
			switch c {
			case "video_id":
				rec[j] = fmt.Sprintf("gone%d", i%2)
			case "event_id":
				rec[j] = "orphan-" + rec[j]
			}
		}
		recs = append(recs, rec)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(recs)
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// setAside blanks the named columns.
func setAside(recs [][]string, columns ...string) {
	for j, name := range recs[0] {
		for _, c := range columns {
			if name == c {
				for _, r := range recs[1:] {
					r[j] = ""
				}
			}
		}
	}
}
