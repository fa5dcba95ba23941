package review

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
	"github.com/trendlab/trendlab/internal/pgtest"
	"github.com/trendlab/trendlab/internal/testws"
)

// TestDrawsAgreeAcrossEngines: the same synthetic exports imported into
// DuckDB and into PostgreSQL give, for the same frame and seed, the same
// draw (allocation and members in the same order), and a sample created on
// each holds the same members.
func TestDrawsAgreeAcrossEngines(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	cfg := synth.Config{Videos: 8_000, Seed: 5, Days: 30, Dir: t.TempDir()}
	duck, m := testws.New(t, cfg)
	pg, err := datasets.Open(ctx, url, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	testws.Import(t, pg, cfg)

	start, _ := time.Parse(time.RFC3339, m.Start)
	since, until := start.AddDate(0, 0, 2), start.AddDate(0, 0, 25)
	family := SampleFrame{TagSet: "family", TagSetTags: m.Family.Normalised, CaptionMentions: true}
	for i, def := range []SampleDefinition{
		{Frame: family, Method: MethodSimple, Size: 60, Seed: 7},
		{Frame: SampleFrame{Tags: []string{m.Family.SeedTag, m.RelatedTags[0]}, Since: &since, Until: &until},
			Method: MethodStratified, Strata: StrataWeek, Size: 80, Seed: 8},
		{Frame: SampleFrame{Policies: m.Policies[:3], Violating: true}, Method: MethodStratified, Strata: StrataPolicy,
			Allocation: AllocNeyman, Size: 90, Seed: 9},
		{Frame: SampleFrame{Policies: nil, Violating: true, Regions: nil}, Method: MethodStratified, Strata: StrataPolicy,
			Size: 50, Seed: 10},
		{Frame: family, Method: MethodStratified, Strata: StrataRegion, Size: 40, Seed: 11},
	} {
		t.Run(fmt.Sprintf("%d %s %s", i, def.Method, def.Strata), func(t *testing.T) {
			want, err := DrawSample(ctx, duck, def)
			if err != nil {
				t.Fatalf("DuckDB: %v", err)
			}
			got, err := DrawSample(ctx, pg, def)
			if err != nil {
				t.Fatalf("PostgreSQL: %v", err)
			}
			if len(want.Members) == 0 {
				t.Fatal("the draw has no members: the test frame is empty")
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("PostgreSQL's draw differs from DuckDB's:\n got %+v\nwant %+v", got, want)
			}
			name := fmt.Sprintf("s%d", i)
			var members [2][]SampleMember
			for j, ws := range []*datasets.Workspace{duck, pg} {
				s, err := CreateSample(ctx, ws, name, "ana", def)
				if err != nil {
					t.Fatalf("%s: %v", ws.Dialect, err)
				}
				if members[j], err = SampleMembers(ctx, ws, s.ID, 0, 0); err != nil {
					t.Fatalf("%s: %v", ws.Dialect, err)
				}
			}
			if !reflect.DeepEqual(members[1], members[0]) || !reflect.DeepEqual(members[0], want.Members) {
				t.Errorf("saved members differ: PostgreSQL %d, DuckDB %d, drawn %d", len(members[1]), len(members[0]), len(want.Members))
			}
		})
	}
}

// TestConcurrentLabellersOnServer: reviewers labelling the same sample at
// once on a server workspace lose none of each other's labels, and every
// label keeps who gave it and when.
func TestConcurrentLabellersOnServer(t *testing.T) {
	url := pgtest.NewDatabase(t)
	ctx := context.Background()
	cfg := synth.Config{Videos: 2_000, Seed: 6, Days: 20, Dir: t.TempDir()}
	pg, err := datasets.Open(ctx, url, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	m := testws.Import(t, pg, cfg)
	s, err := CreateSample(ctx, pg, "shared", "ana", SampleDefinition{
		Frame: SampleFrame{Policies: m.Policies}, Method: MethodSimple, Size: 40, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	members, err := SampleMembers(ctx, pg, s.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Each reviewer in their own process would have their own pool: here
	// their own workspace handle. Every reviewer labels every member twice
	// (a first label, then a change), all at once.
	reviewers := []string{"ana", "bob", "carl"}
	var wg sync.WaitGroup
	errs := make(chan error, len(reviewers))
	for _, r := range reviewers {
		ws, err := datasets.Open(ctx, url, datasets.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, label := range []string{LabelUnsure, LabelViolating} {
				for _, mb := range members {
					if _, err := Label(ctx, ws, s.ID, mb.VideoID, r, label, "by "+r, ""); err != nil {
						errs <- fmt.Errorf("%s labelling %s: %w", r, mb.VideoID, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, r := range reviewers {
		cur, err := CurrentLabels(ctx, pg, s.ID, r)
		if err != nil {
			t.Fatal(err)
		}
		if len(cur) != len(members) {
			t.Errorf("%s: %d current labels, want %d", r, len(cur), len(members))
		}
		for v, l := range cur {
			if l.Label != LabelViolating || l.Note != "by "+r || l.LabelledAt.IsZero() {
				t.Errorf("%s's current label of %s: %+v, want violating, noted by %s, with a time", r, v, l, r)
			}
		}
	}
	for _, mb := range members {
		h, err := LabelHistory(ctx, pg, s.ID, mb.VideoID)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2*len(reviewers) {
			t.Errorf("%s: %d labels in its history, want %d", mb.VideoID, len(h), 2*len(reviewers))
		}
	}
	p, err := SampleProgress(ctx, pg, s.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Labelled != int64(len(members)) || len(p.Reviewers) != len(reviewers) {
		t.Errorf("progress %+v, want %d labelled by %d reviewers", p, len(members), len(reviewers))
	}
}
