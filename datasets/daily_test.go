package datasets_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
)

// splitByDay writes the rows of a CSV export into one file per day of the
// time in column col (days before the first go into the first file, after
// the last into the last), named prefix-DD.csv, and returns their paths. A
// row is filed as if its time were late later.
func splitByDay(t testing.TB, src, col, dir, prefix string, start time.Time, days int, late time.Duration) []string {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	at := slices.Index(header, col)
	if at < 0 {
		t.Fatalf("%s has no column %s", src, col)
	}
	out := make([]*csv.Writer, days)
	paths := make([]string, days)
	for d := range out {
		paths[d] = filepath.Join(dir, fmt.Sprintf("%s-%02d.csv", prefix, d))
		fh, err := os.Create(paths[d])
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		out[d] = csv.NewWriter(fh)
		out[d].Write(header)
	}
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		ts, err := time.Parse(time.RFC3339, rec[at])
		if err != nil { // no offset: UTC by the data contract
			ts, err = time.Parse("2006-01-02T15:04:05", rec[at])
		}
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		d := min(max(int(ts.Add(late).Sub(start).Hours()/24), 0), days-1)
		out[d].Write(rec)
	}
	for _, w := range out {
		w.Flush()
		if err := w.Error(); err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

const orphansQuery = `SELECT * EXCLUDE (import_id, source_line) FROM %sorphan_events`

// TestImportDailyEqualsWhole: the same export imported whole and as 30
// daily files (events filed by their own time, so removals and appeals
// arrive days after their video, and some events before it) gives the same
// rows in every table, derived ones included, compared with EXCEPT both
// ways: an import refreshes only what it touches, and that is enough.
func TestImportDailyEqualsWhole(t *testing.T) {
	ctx := context.Background()
	const days = 30
	start := synth.DefaultStart
	data := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Config{Videos: 6000, Seed: 5, Days: days, Start: start, Format: "csv", Dir: data}); err != nil {
		t.Fatal(err)
	}
	// Videos created after 18:00 come in the next day's file, after the
	// first events of some of them.
	videos := splitByDay(t, filepath.Join(data, "videos.csv"), "created_at", data, "videos", start, days, 6*time.Hour)
	events := splitByDay(t, filepath.Join(data, "moderation_events.csv"), "event_time", data, "events", start, days, 0)

	dailyPath := filepath.Join(t.TempDir(), "daily.duckdb")
	daily, err := datasets.Open(ctx, dailyPath, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for d := range days {
		sum, err := datasets.Import(ctx, daily, datasets.ImportRequest{Videos: videos[d : d+1], Events: events[d : d+1]})
		if err != nil {
			t.Fatalf("day %d: %v", d, err)
		}
		// The summary's orphan count is moved by each import, not
		// counted again: it must stay the view's count.
		var orphans int64
		if err := daily.DB.QueryRow(`SELECT count(*) FROM orphan_events`).Scan(&orphans); err != nil {
			t.Fatal(err)
		}
		if sum.Workspace.OrphanEvents != orphans {
			t.Errorf("day %d: the summary counts %d orphan events, orphan_events holds %d", d, sum.Workspace.OrphanEvents, orphans)
		}
	}
	daily.Close()

	whole, err := datasets.Open(ctx, filepath.Join(t.TempDir(), "whole.duckdb"), datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	if _, err := datasets.Import(ctx, whole, datasets.ImportRequest{
		Videos: []string{filepath.Join(data, "videos.csv")},
		Events: []string{filepath.Join(data, "moderation_events.csv")},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := whole.DB.Exec(`ATTACH '` + dailyPath + `' AS daily (READ_ONLY)`); err != nil {
		t.Fatal(err)
	}
	// Each table as rows that do not depend on how the export was cut
	// into files (import ids and lines do).
	for _, q := range []string{
		`SELECT * EXCLUDE (import_id, source_line) FROM %svideos`,
		`SELECT * EXCLUDE (import_id, source_line) FROM %smoderation_events`,
		`SELECT * EXCLUDE (import_id) FROM %svideo_tags`,
		`SELECT tag, day, sum(videos) FROM %stag_days GROUP BY ALL`,
		`SELECT day, sum(videos) FROM %svideo_days GROUP BY ALL`,
		`SELECT tag, tag_raw, sum(occurrences) FROM %stag_spellings GROUP BY ALL`,
		`SELECT * FROM %svideo_outcomes`,
		orphansQuery,
	} {
		w, d := fmt.Sprintf(q, ""), fmt.Sprintf(q, "daily.")
		var rows, onlyWhole, onlyDaily int64
		if err := whole.DB.QueryRow(`SELECT (SELECT count(*) FROM (`+w+`)), (SELECT count(*) FROM (`+w+` EXCEPT ALL `+d+`)), (SELECT count(*) FROM (`+d+` EXCEPT ALL `+w+`))`).Scan(&rows, &onlyWhole, &onlyDaily); err != nil {
			t.Fatalf("%s: %v", w, err)
		}
		if (rows == 0 && q != orphansQuery) || onlyWhole != 0 || onlyDaily != 0 {
			t.Errorf("%s: %d rows, %d only in the whole import, %d only in the daily ones", w, rows, onlyWhole, onlyDaily)
		}
	}
	// video_days as the daily imports kept it is what its migration's
	// fill counts from videos.
	var wrongDays int64
	if err := whole.DB.QueryRow(`SELECT count(*) FROM (
		(SELECT day, sum(videos) FROM daily.video_days GROUP BY ALL EXCEPT ALL SELECT CAST(created_at AS DATE), count(*) FROM daily.videos GROUP BY ALL)
		UNION ALL
		(SELECT CAST(created_at AS DATE), count(*) FROM daily.videos GROUP BY ALL EXCEPT ALL SELECT day, sum(videos) FROM daily.video_days GROUP BY ALL))`).Scan(&wrongDays); err != nil {
		t.Fatal(err)
	}
	if wrongDays != 0 {
		t.Errorf("video_days differs from the videos' days in %d rows", wrongDays)
	}
	// The cut did what the test needs: events that came in a later file
	// than their video, and events that came before it.
	var late, early int64
	if err := whole.DB.QueryRow(`SELECT count(*) FILTER (WHERE e.import_id > v.import_id), count(*) FILTER (WHERE e.import_id < v.import_id)
		FROM daily.moderation_events e JOIN daily.videos v USING (video_id)`).Scan(&late, &early); err != nil {
		t.Fatal(err)
	}
	if late == 0 || early == 0 {
		t.Errorf("events in a later import than their video: %d, in an earlier one: %d; want some of each", late, early)
	}
}
