package tui

import (
	"context"
	"slices"
	"testing"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
)

// The Tags screen's drill-down lists the investigation's videos: caption
// mentions count when the investigation counted them, and only the period's
// videos (issue 9.4: before, it took every video tagged, at any time, and
// no caption mention).
func TestTagSetFilterIsTheInvestigations(t *testing.T) {
	ctx := context.Background()
	ws, err := datasets.OpenMemory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := ws.DB.ExecContext(ctx, `
INSERT INTO videos (video_id, author_id, created_at, caption, region, import_id, source_line) VALUES
	('tagged', 'a', TIMESTAMP '2026-06-01 10:00', 'hello', 'US', 1, 2),
	('mention', 'a', TIMESTAMP '2026-06-02 23:59:59', 'try #Omegle now', 'US', 1, 3),
	('late', 'a', TIMESTAMP '2026-06-03 00:00', 'hi', 'US', 1, 4),
	('other', 'a', TIMESTAMP '2026-06-01 11:00', 'omelette', 'US', 1, 5);
INSERT INTO video_tags (video_id, position, tag_raw, tag, from_caption) VALUES
	('tagged', 0, '#omegle', 'omegle', false), ('late', 0, '#omegle', 'omegle', false),
	('other', 0, '#omelette', 'omelette', false)`); err != nil {
		t.Fatal(err)
	}
	m := tagsModel{inv: &analysis.Investigation{
		TagSet: analysis.TagSet{Accepted: []string{"omegle"}, IncludeCaptions: true},
		Period: analysis.Period{Since: "2026-06-01", Until: "2026-06-02", Days: 2},
	}}
	where, args := m.tagSetFilter()
	rows, err := ws.DB.QueryContext(ctx, `SELECT video_id FROM main.videos WHERE `+where+` ORDER BY video_id`, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	if want := []string{"mention", "tagged"}; !slices.Equal(got, want) {
		t.Errorf("drill-down videos %v; want %v", got, want)
	}
}
