package review

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// sampleTol is the tolerance for comparing computed estimates with values
// computed by hand (Python 3 arithmetic, printed to 12 digits or more).
const sampleTol = 1e-9

// sampleVideo is one video of the sample fixture.
type sampleVideo struct {
	id       string
	created  time.Time
	region   any // string or nil
	tags     []string
	outcomes []sampleOutcome
	escal    bool // an escalation event with action escalated_lert
	caption  string
}

type sampleOutcome struct {
	policy    string
	violating bool
}

var sampleT0 = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // a Monday, ISO week 2026-W02

// sampleVideos is the fixture: 60 videos over 30 days (ISO weeks 2026-W02 to
// 2026-W06), in regions US, BR, DE and one in ten without a region.
//
//	tags: i%2 == 0 "omegle"; i%6 == 1 "0megle"; i%6 == 3 "omeglefunny"; else "cats"
//	minor_safety violating: i%3 == 0; bullying_harassment violating: i%4 == 0
//	hate_speech outcome, not violating: i%5 == 0
//	escalated_lert: i%9 == 0
//	caption mentions "#OMEGLE": i%10 == 7 (of those, v017 and v047 have only the tag "cats")
func sampleVideos() []sampleVideo {
	regions := []string{"US", "BR", "DE"}
	var out []sampleVideo
	for i := range 60 {
		v := sampleVideo{id: fmt.Sprintf("v%03d", i), created: sampleT0.Add(time.Duration(i) * 12 * time.Hour)}
		if i%10 == 9 {
			v.region = nil
		} else {
			v.region = regions[i%3]
		}
		switch {
		case i%2 == 0:
			v.tags = []string{"omegle"}
		case i%6 == 1:
			v.tags = []string{"0megle"}
		case i%6 == 3:
			v.tags = []string{"omeglefunny"}
		default:
			v.tags = []string{"cats"}
		}
		if i%3 == 0 {
			v.outcomes = append(v.outcomes, sampleOutcome{"minor_safety", true})
		}
		if i%4 == 0 {
			v.outcomes = append(v.outcomes, sampleOutcome{"bullying_harassment", true})
		}
		if i%5 == 0 {
			v.outcomes = append(v.outcomes, sampleOutcome{"hate_speech", false})
		}
		v.escal = i%9 == 0
		v.caption = "caption of " + v.id
		if i%10 == 7 {
			v.caption += " with #OMEGLE friends"
		}
		out = append(out, v)
	}
	return out
}

// openSampleWorkspace builds the fixture in a fresh in-memory workspace,
// inserting the videos in the order perm gives (nil: in id order).
func openSampleWorkspace(t *testing.T, perm []int) *datasets.Workspace {
	t.Helper()
	ws, err := datasets.OpenMemory(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	fillSampleWorkspace(t, ws, perm)
	return ws
}

// fillSampleWorkspace inserts the fixture into a workspace: videos, tags
// and moderation events, and video_outcomes computed from them.
func fillSampleWorkspace(t *testing.T, ws *datasets.Workspace, perm []int) {
	t.Helper()
	ctx := t.Context()
	videos := sampleVideos()
	if perm == nil {
		perm = make([]int, len(videos))
		for i := range perm {
			perm[i] = i
		}
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := ws.DB.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for line, i := range perm {
		v := videos[i]
		exec(`INSERT INTO videos (video_id, author_id, created_at, caption, region, import_id, source_line)
			VALUES (?, ?, ?, ?, ?, 1, ?)`, v.id, "a"+v.id, v.created, v.caption, v.region, line+2)
		for p, tag := range v.tags {
			exec(`INSERT INTO video_tags (video_id, position, tag_raw, tag, from_caption) VALUES (?, ?, ?, ?, false)`, v.id, p, "#"+tag, tag)
		}
		for _, o := range v.outcomes {
			decision := "no_violation"
			if o.violating {
				decision = "violation"
			}
			exec(`INSERT INTO moderation_events (event_id, video_id, event_time, event_type, source, policy, decision, import_id, source_line)
				VALUES (?, ?, ?, 'review', 'moderator', ?, ?, 2, 1)`, "r-"+o.policy+"-"+v.id, v.id, v.created.Add(time.Hour), o.policy, decision)
		}
		if v.escal {
			exec(`INSERT INTO moderation_events (event_id, video_id, event_time, event_type, source, policy, action, import_id, source_line)
				VALUES (?, ?, ?, 'escalation', 'moderator', 'minor_safety', 'escalated_lert', 2, 1)`, "x-"+v.id, v.id, v.created.Add(2*time.Hour))
		}
	}
	// video_outcomes by the workspace's one definition (violating,
	// escalated, ...), from the events above.
	if err := datasets.RefreshOutcomes(ctx, ws.DB); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO tag_sets VALUES ('omegle', 'omegle', false, ?, ?)`, sampleT0, sampleT0)
	exec(`INSERT INTO tag_set_variants (tag_set, tag, status, reason, score, videos, decided_at) VALUES ('omegle', '0megle', 'accepted', 'leetspeak', 0.9, 10, ?),
		('omegle', 'omeglefunny', 'rejected', 'seed as prefix', 0.5, 10, ?)`, sampleT0, sampleT0)
}

// sampleHash is the selection hash computed in Go, independently of DuckDB.
func sampleHash(seed int64, videoID string) string {
	sum := md5.Sum([]byte(fmt.Sprintf("%d:%s", seed, videoID)))
	return hex.EncodeToString(sum[:])
}

func sampleMemberIDs(ms []SampleMember) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.VideoID)
	}
	return out
}

// frameIDs filters the fixture in Go, by the frame's documented meaning.
func sampleFrameIDs(f SampleFrame) []string {
	var out []string
	tagOK := func(v sampleVideo) bool {
		if f.TagSet == "" && len(f.Tags) == 0 {
			return true
		}
		want := map[string]bool{}
		if f.TagSet == "omegle" {
			want["omegle"], want["0megle"] = true, true
		}
		for _, t := range f.Tags {
			want[t] = true
		}
		for _, t := range v.tags {
			if want[t] {
				return true
			}
		}
		return false
	}
	policyOK := func(v sampleVideo) bool {
		if len(f.Policies) == 0 && !f.Violating {
			return true
		}
		for _, o := range v.outcomes {
			if (len(f.Policies) == 0 || sampleContains(f.Policies, o.policy)) && (!f.Violating || o.violating) {
				return true
			}
		}
		return false
	}
	for _, v := range sampleVideos() {
		if !tagOK(v) || !policyOK(v) {
			continue
		}
		if f.Since != nil && v.created.Before(*f.Since) || f.Until != nil && !v.created.Before(*f.Until) {
			continue
		}
		if len(f.Regions) > 0 {
			r, _ := v.region.(string)
			if !sampleContains(f.Regions, r) {
				continue
			}
		}
		out = append(out, v.id)
	}
	return out
}

func sampleContains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

func sampleTimePtr(t time.Time) *time.Time { return &t }

func TestSampleFrame(t *testing.T) {
	ws := openSampleWorkspace(t, nil)
	tests := []struct {
		name  string
		frame SampleFrame
		want  int // frame size, counted by hand from the fixture's rules
	}{
		{"everything", SampleFrame{}, 60},
		{"tag set: seed and accepted variant, not the rejected one", SampleFrame{TagSet: "omegle"}, 40},
		{"explicit tag", SampleFrame{Tags: []string{"omeglefunny"}}, 10},
		{"tag set or tag", SampleFrame{TagSet: "omegle", Tags: []string{"omeglefunny"}}, 50},
		{"violating any policy", SampleFrame{Violating: true}, 30},
		{"violating minor_safety", SampleFrame{Policies: []string{"minor_safety"}, Violating: true}, 20},
		{"outcome for hate_speech", SampleFrame{Policies: []string{"hate_speech"}}, 12},
		{"violating hate_speech: none", SampleFrame{Policies: []string{"hate_speech"}, Violating: true}, 0},
		{"tag set and violating ms or bh", SampleFrame{TagSet: "omegle", Policies: []string{"minor_safety", "bullying_harassment"}, Violating: true}, 20},
		{"period: first week", SampleFrame{Since: sampleTimePtr(sampleT0), Until: sampleTimePtr(sampleT0.AddDate(0, 0, 7))}, 14},
		{"regions", SampleFrame{Regions: []string{"US", "DE"}}, 36},
		{"hostile text stays a parameter", SampleFrame{Tags: []string{"x') OR true --"}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(sampleFrameIDs(tt.frame)); got != tt.want {
				t.Fatalf("the Go model of the fixture gives %d, the table says %d", got, tt.want)
			}
			plan, err := PlanSampleSize(t.Context(), ws, tt.frame, 0.1, 0.95, 0)
			if err != nil {
				t.Fatal(err)
			}
			if plan.FrameSize != int64(tt.want) {
				t.Errorf("frame size %d, want %d", plan.FrameSize, tt.want)
			}
		})
	}
}

func TestSampleSelectionIsSmallestHashes(t *testing.T) {
	ws := openSampleWorkspace(t, nil)
	frame := SampleFrame{TagSet: "omegle"}
	const seed, n = 20261125, 12
	d, err := DrawSample(t.Context(), ws, SampleDefinition{Frame: frame, Size: n, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	// Expected: the n frame videos with the smallest md5("seed:id"), in hash order.
	ids := sampleFrameIDs(frame)
	sort.Slice(ids, func(i, j int) bool { return sampleHash(seed, ids[i]) < sampleHash(seed, ids[j]) })
	if got := sampleMemberIDs(d.Members); !reflect.DeepEqual(got, ids[:n]) {
		t.Fatalf("members\n got %v\nwant %v", got, ids[:n])
	}
	for i, m := range d.Members {
		if m.Position != int64(i+1) || m.Stratum != StratumAll || math.Abs(m.Weight-40.0/12) > sampleTol {
			t.Errorf("member %d = %+v, want position %d, stratum %q, weight 40/12", i, m, i+1, StratumAll)
		}
	}
	if d.FrameSize != 40 {
		t.Errorf("frame size %d, want 40", d.FrameSize)
	}
}

func TestSampleReproducible(t *testing.T) {
	ctx := t.Context()
	def := SampleDefinition{
		Frame:  SampleFrame{Policies: []string{"minor_safety", "bullying_harassment"}, Violating: true},
		Strata: StrataPolicy, Size: 9, Seed: 42,
	}
	ws := openSampleWorkspace(t, nil)
	first, err := DrawSample(ctx, ws, def)
	if err != nil {
		t.Fatal(err)
	}
	again, err := DrawSample(ctx, ws, def)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first.Members, again.Members) {
		t.Fatalf("two draws differ:\n%v\n%v", first.Members, again.Members)
	}
	// Drawing the completed definition (as saved) gives the same members.
	saved, err := DrawSample(ctx, ws, first.Definition)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first.Members, saved.Members) {
		t.Fatalf("redrawing the saved definition differs:\n%v\n%v", first.Members, saved.Members)
	}
	// The same data inserted in other orders.
	for _, seed := range []uint64{1, 2, 3} {
		perm := rand.New(rand.NewPCG(seed, 0)).Perm(60)
		other := openSampleWorkspace(t, perm)
		got, err := DrawSample(ctx, other, def)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(first.Members, got.Members) {
			t.Fatalf("insert order %v changed the members:\n%v\n%v", perm[:5], first.Members, got.Members)
		}
	}
	// Another seed gives another sample (the chance of the same 9 of 30 is ~1e-7).
	def.Seed = 43
	otherSeed, err := DrawSample(ctx, ws, def)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(sampleMemberIDs(first.Members), sampleMemberIDs(otherSeed.Members)) {
		t.Fatal("seeds 42 and 43 drew the same members")
	}
}

func TestSampleStratified(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	// Frame: violating in minor_safety or bullying_harassment, 30 videos.
	// Policy stratum = first listed policy that matches: minor_safety for
	// i%3 == 0 (20 videos), bullying_harassment for the rest with i%4 == 0
	// (i%12 in {4, 8}: 10 videos).
	frame := SampleFrame{Policies: []string{"minor_safety", "bullying_harassment"}, Violating: true}
	tests := []struct {
		name   string
		def    SampleDefinition
		strata map[string][2]int64 // stratum -> N_h, n_h
	}{
		{"policy, proportional", SampleDefinition{Frame: frame, Strata: StrataPolicy, Size: 9, Seed: 1},
			map[string][2]int64{"minor_safety": {20, 6}, "bullying_harassment": {10, 3}}},
		// Guessed priors: weights 20*sqrt(.5*.5) = 10 and 10*sqrt(.1*.9) = 3,
		// shares 13*10/13 = 10 and 3.
		{"policy, neyman with guesses", SampleDefinition{Frame: frame, Strata: StrataPolicy, Allocation: AllocNeyman, Size: 13, Seed: 1,
			PriorSource: PriorGuess, Priors: map[string]float64{"minor_safety": 0.5, "bullying_harassment": 0.1}},
			map[string][2]int64{"minor_safety": {20, 10}, "bullying_harassment": {10, 3}}},
		// Region over the whole fixture: US 18, BR 18, DE 18, unknown 6;
		// 10 * (18, 18, 18, 6)/60 = 3, 3, 3, 1.
		{"region, proportional", SampleDefinition{Frame: SampleFrame{}, Strata: StrataRegion, Size: 10, Seed: 5},
			map[string][2]int64{"US": {18, 3}, "BR": {18, 3}, "DE": {18, 3}, StratumUnknown: {6, 1}}},
		// Policy strata of a frame that is not only violating videos: the
		// alphabetically first policy with an outcome; bullying_harassment
		// i%4 == 0 (15), hate_speech i%5 == 0 but not i%4 (9), minor_safety
		// i%3 == 0 but neither (12), no outcome: unknown (24). 12 x (15, 9, 12,
		// 24)/60 = 3, 1.8, 2.4, 4.8: floors 3, 1, 2, 4; the two left go to
		// the remainders .8, .8.
		{"policy without a violating filter", SampleDefinition{Strata: StrataPolicy, Size: 12, Seed: 2},
			map[string][2]int64{"bullying_harassment": {15, 3}, "hate_speech": {9, 2}, "minor_safety": {12, 2}, StratumUnknown: {24, 5}}},
		// The order of --policies decides: hate_speech first.
		{"policy priority", SampleDefinition{Frame: SampleFrame{Policies: []string{"hate_speech", "bullying_harassment"}}, Strata: StrataPolicy, Size: 6, Seed: 2},
			map[string][2]int64{"hate_speech": {12, 3}, "bullying_harassment": {12, 3}}},
		// ISO weeks of 60 half-days from Monday 5 Jan 2026: 14 per week for
		// W02..W05, 4 in W06. 10 * (14,14,14,14,4)/60 = 2.33 (x4), 0.67:
		// floors 2,2,2,2,0; the two left go to the largest remainders, W06
		// (0.67), then W02 (0.33, ties to the earlier stratum).
		{"week, proportional", SampleDefinition{Frame: SampleFrame{}, Strata: StrataWeek, Size: 10, Seed: 5},
			map[string][2]int64{"2026-W02": {14, 3}, "2026-W03": {14, 2}, "2026-W04": {14, 2}, "2026-W05": {14, 2}, "2026-W06": {4, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DrawSample(ctx, ws, tt.def)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][2]int64{}
			var sum int64
			for _, a := range d.Definition.Allocated {
				got[a.Stratum] = [2]int64{a.FrameSize, a.SampleSize}
				sum += a.SampleSize
			}
			if !reflect.DeepEqual(got, tt.strata) {
				t.Errorf("allocation %v, want %v", got, tt.strata)
			}
			if sum != tt.def.Size || int64(len(d.Members)) != tt.def.Size {
				t.Errorf("allocated %d, drew %d, want %d", sum, len(d.Members), tt.def.Size)
			}
			perStratum := map[string]int64{}
			for _, m := range d.Members {
				perStratum[m.Stratum]++
				nh := tt.strata[m.Stratum]
				if want := float64(nh[0]) / float64(nh[1]); math.Abs(m.Weight-want) > sampleTol {
					t.Errorf("%s in %s: weight %g, want %g", m.VideoID, m.Stratum, m.Weight, want)
				}
			}
			for s, nh := range tt.strata {
				if perStratum[s] != nh[1] {
					t.Errorf("stratum %s has %d members, want %d", s, perStratum[s], nh[1])
				}
			}
		})
	}
}

func TestSampleStratumMembersAreSmallestHashes(t *testing.T) {
	ws := openSampleWorkspace(t, nil)
	d, err := DrawSample(t.Context(), ws, SampleDefinition{Strata: StrataRegion, Size: 10, Seed: 99})
	if err != nil {
		t.Fatal(err)
	}
	byStratum := map[string][]string{}
	for _, v := range sampleVideos() {
		r, _ := v.region.(string)
		if r == "" {
			r = StratumUnknown
		}
		byStratum[r] = append(byStratum[r], v.id)
	}
	var want []string
	for _, a := range d.Definition.Allocated {
		ids := byStratum[a.Stratum]
		sort.Slice(ids, func(i, j int) bool { return sampleHash(99, ids[i]) < sampleHash(99, ids[j]) })
		want = append(want, ids[:a.SampleSize]...)
	}
	sort.Slice(want, func(i, j int) bool { return sampleHash(99, want[i]) < sampleHash(99, want[j]) })
	if got := sampleMemberIDs(d.Members); !reflect.DeepEqual(got, want) {
		t.Fatalf("members\n got %v\nwant %v", got, want)
	}
}

func TestAllocateSizes(t *testing.T) {
	tests := []struct {
		name    string
		weights []float64
		caps    []int64
		n       int64
		want    []int64
	}{
		{"exact", []float64{20, 10}, []int64{20, 10}, 9, []int64{6, 3}},
		{"largest remainder", []float64{1, 1, 1}, []int64{10, 10, 10}, 10, []int64{4, 3, 3}},
		{"remainder to the largest fraction", []float64{5, 3, 2}, []int64{50, 50, 50}, 7, []int64{4, 2, 1}},
		{"cap reached, rest shared again", []float64{1, 1}, []int64{2, 100}, 10, []int64{2, 8}},
		{"at least one each", []float64{1000, 1}, []int64{1000, 1}, 5, []int64{4, 1}},
		{"census", []float64{3, 4}, []int64{3, 4}, 50, []int64{3, 4}},
		{"zero weights: nothing to go by but the floor of one", []float64{0, 0}, []int64{5, 5}, 2, []int64{1, 1}},
		{"empty stratum gets nothing", []float64{0, 10}, []int64{0, 10}, 4, []int64{0, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AllocateSizes(tt.weights, tt.caps, tt.n)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("AllocateSizes(%v, %v, %d) = %v, want %v", tt.weights, tt.caps, tt.n, got, tt.want)
			}
		})
	}
}

// TestAllocateSizesSums checks, over random inputs, that an allocation sums
// to min(n, total) and respects the caps.
func TestAllocateSizesSums(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for range 2000 {
		k := 1 + r.IntN(8)
		weights := make([]float64, k)
		caps := make([]int64, k)
		var total int64
		for i := range k {
			caps[i] = r.Int64N(30)
			total += caps[i]
			if caps[i] > 0 {
				weights[i] = r.Float64() * 10
			}
		}
		n := r.Int64N(total + 5)
		got := AllocateSizes(weights, caps, n)
		var sum int64
		for i, g := range got {
			if g < 0 || g > caps[i] {
				t.Fatalf("AllocateSizes(%v, %v, %d) = %v: stratum %d outside [0, %d]", weights, caps, n, got, i, caps[i])
			}
			sum += g
		}
		if want := min(n, total); sum != want {
			t.Fatalf("AllocateSizes(%v, %v, %d) = %v sums to %d, want %d", weights, caps, n, got, sum, want)
		}
	}
}

func TestSampleDefinitionErrors(t *testing.T) {
	ws := openSampleWorkspace(t, nil)
	tests := []struct {
		name string
		def  SampleDefinition
		want string
	}{
		{"unknown strata", SampleDefinition{Strata: "colour", Size: 5}, "unknown strata"},
		{"unknown allocation", SampleDefinition{Strata: StrataWeek, Allocation: "optimal", Size: 5}, "unknown allocation"},
		{"no size, no margin", SampleDefinition{}, "cannot be planned"},
		{"more strata than members", SampleDefinition{Strata: StrataWeek, Size: 3}, "smaller than the 5 strata"},
		{"missing tag set", SampleDefinition{Frame: SampleFrame{TagSet: "nope"}, Size: 3}, `no such tag set "nope"`},
		{"empty frame", SampleDefinition{Frame: SampleFrame{Tags: []string{"absent"}}, Size: 3}, "empty"},
		{"empty period", SampleDefinition{Frame: SampleFrame{Since: sampleTimePtr(sampleT0), Until: sampleTimePtr(sampleT0)}, Size: 3}, "period is empty"},
		{"bad label set", SampleDefinition{Size: 3, Labels: []LabelDef{{Name: "a", Key: "x"}, {Name: "b", Key: "x"}}}, "two labels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DrawSample(t.Context(), ws, tt.def)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestPlanSampleSize(t *testing.T) {
	ws := openSampleWorkspace(t, nil)
	// Frame of 60. n0 = 1.959964^2 * 0.25 / 0.1^2 = 96.0365;
	// n = 96.0365 / (1 + 95.0365/60) = 37.17, rounded up: 38.
	plan, err := PlanSampleSize(t.Context(), ws, SampleFrame{}, 0.1, 0.95, 0)
	if err != nil {
		t.Fatal(err)
	}
	if plan.FrameSize != 60 || plan.Size != 38 || plan.P != 0.5 {
		t.Errorf("plan %+v, want frame 60, size 38, p 0.5", plan)
	}
	// p = 0.1, margin 0.05, frame 40: n0 = 138.29; n = 138.29/(1+137.29/40) = 31.19 -> 32.
	plan, err = PlanSampleSize(t.Context(), ws, SampleFrame{TagSet: "omegle"}, 0.05, 0.95, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if plan.FrameSize != 40 || plan.Size != 32 {
		t.Errorf("plan %+v, want frame 40, size 32", plan)
	}
	// A definition without a size is planned the same way.
	d, err := DrawSample(t.Context(), ws, SampleDefinition{Margin: 0.1, Confidence: 0.95, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Members) != 38 || d.Definition.Size != 38 {
		t.Errorf("planned draw has %d members (definition size %d), want 38", len(d.Members), d.Definition.Size)
	}
	if _, err := PlanSampleSize(t.Context(), ws, SampleFrame{}, 5, 0.95, 0); err == nil {
		t.Error("margin 5 accepted")
	}
}

func TestCreateSample(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	def := SampleDefinition{Frame: SampleFrame{TagSet: "omegle"}, Strata: StrataRegion, Size: 8, Seed: 11}
	s, err := CreateSample(ctx, ws, "omegle-review", "ana", def)
	if err != nil {
		t.Fatal(err)
	}
	draw, err := DrawSample(ctx, ws, def)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := SampleMembers(ctx, ws, s.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(saved, draw.Members) {
		t.Fatalf("saved members differ from the draw:\n%v\n%v", saved, draw.Members)
	}
	page, err := SampleMembers(ctx, ws, s.ID, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(page, draw.Members[2:5]) {
		t.Errorf("page 3..5 = %v, want %v", page, draw.Members[2:5])
	}
	// The stored definition redraws the same members.
	byName, err := SampleByName(ctx, ws, "omegle-review")
	if err != nil {
		t.Fatal(err)
	}
	if byName.ID != s.ID || byName.Size != 8 || byName.FrameSize != 40 || byName.CreatedBy != "ana" {
		t.Errorf("loaded %+v", byName)
	}
	redraw, err := DrawSample(ctx, ws, byName.Definition)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(redraw.Members, saved) {
		t.Fatalf("the stored definition redraws other members:\n%v\n%v", redraw.Members, saved)
	}
	if _, err := CreateSample(ctx, ws, "omegle-review", "ana", def); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := SampleByName(ctx, ws, "nope"); !errors.Is(err, ErrNoSample) {
		t.Errorf("missing sample: %v", err)
	}
	// A failed draw leaves nothing behind.
	if _, err := CreateSample(ctx, ws, "empty", "ana", SampleDefinition{Frame: SampleFrame{Tags: []string{"absent"}}, Size: 2}); err == nil {
		t.Fatal("empty frame accepted")
	}
	list, err := ListSamples(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Name != "omegle-review" {
		t.Errorf("ListSamples = %+v", list)
	}
	fixtures := map[string]sampleVideo{}
	for _, v := range sampleVideos() {
		fixtures[v.id] = v
	}
	var events int
	for _, m := range saved {
		d, err := SampleMemberDetail(ctx, ws, s.ID, m.Position)
		if err != nil {
			t.Fatal(err)
		}
		v := fixtures[m.VideoID]
		want := len(v.outcomes)
		if v.escal {
			want++
		}
		events += want
		if d.SampleMember != m || d.Caption != v.caption || !d.CreatedAt.Equal(v.created) ||
			!reflect.DeepEqual(d.Tags, []string{"#" + v.tags[0]}) || len(d.Events) != want {
			t.Errorf("member detail %+v, want tags #%v and %d events", d, v.tags, want)
		}
		for i := 1; i < len(d.Events); i++ {
			if d.Events[i].EventTime.Before(d.Events[i-1].EventTime) {
				t.Errorf("%s: timeline out of order: %+v", m.VideoID, d.Events)
			}
		}
	}
	if events == 0 {
		t.Error("no member has a moderation event: the fixture no longer tests timelines")
	}
	if _, err := SampleMemberDetail(ctx, ws, s.ID, 99); err == nil {
		t.Error("position 99 of 8 accepted")
	}
}

func ExampleAllocateSizes() {
	// 100 members over strata of 5000, 3000 and 200 frame videos,
	// proportionally: 60.98, 36.59, 2.44 -> 61, 37, 2.
	fmt.Println(AllocateSizes([]float64{5000, 3000, 200}, []int64{5000, 3000, 200}, 100))
	// Neyman: weights N_h sqrt(p_h(1-p_h)) with priors p_h = 0.5, 0.1, 0.5.
	w := []float64{5000 * 0.5, 3000 * 0.3, 200 * 0.5}
	fmt.Println(AllocateSizes(w, []int64{5000, 3000, 200}, 100))
	// Output:
	// [61 37 2]
	// [71 26 3]
}

// BenchmarkDrawSample draws samples of 400 from 100,000 videos. Measured
// (2 shared cores): simple 55 ms, by region 103 ms, by week with Neyman
// allocation 118 ms per draw.
func BenchmarkDrawSample(b *testing.B) {
	ctx := context.Background()
	ws, err := datasets.OpenMemory(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer ws.Close()
	if _, err := ws.DB.ExecContext(ctx, `INSERT INTO videos (video_id, author_id, created_at, region, import_id, source_line)
		SELECT 'v' || i, 'a', TIMESTAMP '2026-01-01' + to_hours(i % 2000), ['US','BR','DE'][1 + i % 3], 1, i FROM range(100000) t(i)`); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		def  SampleDefinition
	}{
		{"simple", SampleDefinition{Size: 400, Seed: 1}},
		{"region", SampleDefinition{Strata: StrataRegion, Size: 400, Seed: 1}},
		{"week-neyman", SampleDefinition{Strata: StrataWeek, Allocation: AllocNeyman, Size: 400, Seed: 1}},
	} {
		def := bc.def
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DrawSample(ctx, ws, def); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSampleTagSetSnapshot checks that a sample keeps the tag set as it was
// drawn, and that caption mentions count when the tag set says so.
func TestSampleTagSetSnapshot(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	def := SampleDefinition{Frame: SampleFrame{TagSet: "omegle"}, Size: 10, Seed: 8}
	s, err := CreateSample(ctx, ws, "before-edit", "ana", def)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Definition.Frame.TagSetTags; !reflect.DeepEqual(got, []string{"omegle", "0megle"}) {
		t.Errorf("snapshot of the tag set: %v", got)
	}
	before, err := SampleMembers(ctx, ws, s.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The investigator accepts omeglefunny and includes caption mentions.
	if _, err := ws.DB.ExecContext(ctx, `UPDATE tag_set_variants SET status = 'accepted' WHERE tag = 'omeglefunny'`); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.DB.ExecContext(ctx, `UPDATE tag_sets SET include_caption_mentions = true`); err != nil {
		t.Fatal(err)
	}
	saved, err := SampleByName(ctx, ws, "before-edit")
	if err != nil {
		t.Fatal(err)
	}
	redraw, err := DrawSample(ctx, ws, saved.Definition)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(redraw.Members, before) || redraw.FrameSize != 40 {
		t.Fatalf("after editing the tag set, the saved definition draws another sample (frame %d)", redraw.FrameSize)
	}
	// A new draw sees the edited tag set: 40 + 10 omeglefunny + v017 and
	// v047 by caption mention.
	fresh, err := DrawSample(ctx, ws, def)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.FrameSize != 52 || !fresh.Definition.Frame.CaptionMentions {
		t.Errorf("frame of the edited tag set: %d videos (caption mentions %v), want 52", fresh.FrameSize, fresh.Definition.Frame.CaptionMentions)
	}
}

// TestSampleFrameIsTagSetMembers checks that the frame of a tag set with
// caption mentions holds exactly the videos the workspace's definition
// (tag_set_members) gives for the same period: the frame has no rule of
// its own for a tag set's videos.
func TestSampleFrameIsTagSetMembers(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	if _, err := ws.DB.ExecContext(ctx, `UPDATE tag_sets SET include_caption_mentions = true WHERE name = 'omegle'`); err != nil {
		t.Fatal(err)
	}
	// 2026-01-08 to 2026-01-25 holds 24 videos with the tag set's tags, and
	// v017 and v027 (in the set only by their caption's "#OMEGLE"), but not
	// v047 (2026-01-28).
	period, err := datasets.ParsePeriod("2026-01-08", "2026-01-25")
	if err != nil {
		t.Fatal(err)
	}
	f := SampleFrame{TagSet: "omegle"}
	f.SetPeriod(period)
	if err := resolveFrame(ctx, ws.Params(ws.DB), &f); err != nil {
		t.Fatal(err)
	}
	if !f.CaptionMentions {
		t.Fatal("the frame did not take the tag set's caption mentions")
	}
	ids := func(q string, args ...any) []string {
		t.Helper()
		rows, err := ws.DB.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			out = append(out, id)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	fq := buildFrame(f, "", ws.Dialect)
	got := ids(`SELECT video_id FROM (`+fq.sql+`) ORDER BY video_id`, fq.args...)
	cond, pargs := period.SQL("v.created_at")
	want := ids(`SELECT m.video_id FROM tag_set_members('omegle', []::VARCHAR[], false) m
		JOIN videos v USING (video_id) WHERE `+cond+` ORDER BY m.video_id`, pargs...)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("frame of tag set omegle with caption mentions:\n got %v\nwant %v (tag_set_members)", got, want)
	}
	if !sampleContains(got, "v017") || !sampleContains(got, "v027") || sampleContains(got, "v047") || len(got) != 26 {
		t.Errorf("frame %v: want the period's 24 tagged videos, and v017 and v027 by their captions", got)
	}
}

// TestSampleNeymanPriorsFromData checks the priors a Neyman allocation
// takes from the data against the fixture's rules, counted in Go.
func TestSampleNeymanPriorsFromData(t *testing.T) {
	ws := openSampleWorkspace(t, nil)
	tests := []struct {
		name       string
		def        SampleDefinition
		wantSource string
		positive   func(v sampleVideo) bool
	}{
		{"violation rate by region", SampleDefinition{Strata: StrataRegion, Allocation: AllocNeyman, Size: 20, Seed: 1},
			PriorViolationRate, func(v sampleVideo) bool {
				for _, o := range v.outcomes {
					if o.violating {
						return true
					}
				}
				return false
			}},
		{"escalation rate for a violating frame", SampleDefinition{Frame: SampleFrame{Violating: true}, Strata: StrataRegion, Allocation: AllocNeyman, Size: 20, Seed: 1},
			PriorEscalationRate, func(v sampleVideo) bool { return v.escal }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DrawSample(t.Context(), ws, tt.def)
			if err != nil {
				t.Fatal(err)
			}
			if d.Definition.PriorSource != tt.wantSource {
				t.Errorf("prior source %q, want %q", d.Definition.PriorSource, tt.wantSource)
			}
			inFrame := map[string]bool{}
			for _, id := range sampleFrameIDs(tt.def.Frame) {
				inFrame[id] = true
			}
			n, x := map[string]float64{}, map[string]float64{}
			for _, v := range sampleVideos() {
				if !inFrame[v.id] {
					continue
				}
				r, _ := v.region.(string)
				if r == "" {
					r = StratumUnknown
				}
				n[r]++
				if tt.positive(v) {
					x[r]++
				}
			}
			var weights []float64
			var caps []int64
			for _, a := range d.Definition.Allocated {
				want := x[a.Stratum] / n[a.Stratum]
				if !sampleNear(a.Prior, want) || !sampleNear(d.Definition.Priors[a.Stratum], want) {
					t.Errorf("stratum %s: prior %g (saved %g), want %g", a.Stratum, a.Prior, d.Definition.Priors[a.Stratum], want)
				}
				p := math.Min(math.Max(want, 0.01), 0.99)
				weights = append(weights, n[a.Stratum]*math.Sqrt(p*(1-p)))
				caps = append(caps, int64(n[a.Stratum]))
			}
			got := make([]int64, len(d.Definition.Allocated))
			for i, a := range d.Definition.Allocated {
				got[i] = a.SampleSize
			}
			if want := AllocateSizes(weights, caps, 20); !reflect.DeepEqual(got, want) {
				t.Errorf("allocation %v, want %v", got, want)
			}
		})
	}
}
