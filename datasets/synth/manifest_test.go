package synth_test

import (
	"math"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets/synth"
)

// outcomes computes the data contract's per-(video, policy) outcomes from
// the rows, independently of the generator's own bookkeeping.
func outcomes(vs []videoRow, es []eventRow) map[string]map[string]synth.PolicyOutcome {
	byVideo := map[string][]eventRow{}
	for _, e := range es {
		byVideo[e.Video] = append(byVideo[e.Video], e)
	}
	out := map[string]map[string]synth.PolicyOutcome{}
	for _, v := range vs {
		evs := byVideo[v.ID]
		per := map[string]synth.PolicyOutcome{}
		policies := map[string]bool{}
		for _, e := range evs {
			policies[e.Policy] = true
		}
		for p := range policies {
			var o synth.PolicyOutcome
			var latest, removedAt time.Time
			for _, e := range evs {
				if e.Policy != p {
					continue
				}
				switch {
				case e.Type == "review":
					o.Reviewed = 1
					if e.Decision == "violation" && e.Time.After(latest) {
						latest = e.Time
					}
				case e.Type == "enforcement" && e.Action == "removed":
					if removedAt.IsZero() || e.Time.Before(removedAt) {
						removedAt = e.Time
					}
				case e.Type == "escalation" && e.Action == "escalated_lert":
					o.Escalated = 1
				case e.Type == "reinstatement":
					o.Reinstated = 1
				}
			}
			if !latest.IsZero() {
				o.Violating = 1
				for _, e := range evs {
					if e.Policy == p && e.Type == "reinstatement" && e.Time.After(latest) {
						o.Violating = 0
					}
				}
			}
			if !removedAt.IsZero() {
				o.Removed, o.Proactive = 1, 1
				for _, e := range evs {
					if e.Type == "report" && !e.Time.After(removedAt) {
						o.Proactive = 0
					}
				}
				if removedAt.Sub(v.Created) <= 24*time.Hour {
					o.Within24h = 1
				}
			}
			per[p] = o
		}
		out[v.ID] = per
	}
	return out
}

func addOutcome(sum map[string]synth.PolicyOutcome, p string, o synth.PolicyOutcome) {
	s := sum[p]
	s.Videos++
	s.Violating += o.Violating
	s.Reinstated += o.Reinstated
	s.Removed += o.Removed
	s.Proactive += o.Proactive
	s.Within24h += o.Within24h
	s.Escalated += o.Escalated
	s.Reviewed += o.Reviewed
	sum[p] = s
}

// TestManifestMatchesData recounts every realised number of the manifest
// from the written rows.
func TestManifestMatchesData(t *testing.T) {
	m := generate(t, synth.Config{Videos: 20000, Seed: 5, Days: 60})
	vs, es := readVideos(t, m), readEvents(t, m)

	family := map[string]bool{}
	for _, n := range m.Family.Normalised {
		family[n] = true
	}
	// The declared normal forms are what the contract's normalisation
	// makes of the raw spellings.
	for _, raw := range m.Family.Variants {
		if n := normalizeTag("#" + raw); !family[n] {
			t.Errorf("variant %q normalises to %q, which is not in normalised %v", raw, n, m.Family.Normalised)
		}
	}
	for _, d := range m.Decoys {
		if family[normalizeTag(d)] {
			t.Errorf("decoy %q is in the family", d)
		}
	}

	out := outcomes(vs, es)
	all, fam := map[string]synth.PolicyOutcome{}, map[string]synth.PolicyOutcome{}
	variantVideos := map[string]int64{}
	decoyVideos := map[string]int64{}
	related := map[string][2]int64{}
	var familyVideos int64
	var spike [4]int64
	spikeDay, err := time.Parse(time.DateOnly, m.Spike.Day)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		tags := map[string]bool{}
		for _, raw := range v.Tags {
			tags[normalizeTag(raw)] = true
		}
		isFamily := false
		for n := range tags {
			if family[n] {
				isFamily = true
				variantVideos[n]++
			}
		}
		if isFamily {
			familyVideos++
		}
		for _, d := range m.Decoys {
			if tags[d] {
				decoyVideos[d]++
			}
		}
		for _, r := range m.RelatedTags {
			if tags[r] {
				c := related[r]
				c[0]++
				if isFamily {
					c[1]++
				}
				related[r] = c
			}
		}
		for _, p := range m.Policies {
			o := out[v.ID][p]
			addOutcome(all, p, o)
			if isFamily {
				addOutcome(fam, p, o)
			}
		}
		if tags[m.Spike.Tag] {
			o := out[v.ID][m.Spike.Policy]
			if v.Created.Before(spikeDay) {
				spike[0]++
				spike[1] += o.Violating
			} else {
				spike[2]++
				spike[3] += o.Violating
			}
		}
	}

	if familyVideos != m.Family.Videos {
		t.Errorf("family videos: data %d, manifest %d", familyVideos, m.Family.Videos)
	}
	if !within(familyVideos, m.Videos, m.Family.Rate, 4) {
		t.Errorf("family share %d/%d is far from the planted rate %v", familyVideos, m.Videos, m.Family.Rate)
	}
	for _, n := range m.Family.Normalised {
		if variantVideos[n] != m.Family.VariantVideos[n] || variantVideos[n] == 0 {
			t.Errorf("variant %q: data %d videos, manifest %d", n, variantVideos[n], m.Family.VariantVideos[n])
		}
	}
	for _, d := range m.Decoys {
		if decoyVideos[d] != m.DecoyVideos[d] || decoyVideos[d] == 0 {
			t.Errorf("decoy %q: data %d videos, manifest %d", d, decoyVideos[d], m.DecoyVideos[d])
		}
	}
	for _, r := range m.Related {
		if c := related[r.Tag]; c[0] != r.Videos || c[1] != r.FamilyVideos {
			t.Errorf("related %q: data %d videos (%d family), manifest %d (%d)", r.Tag, c[0], c[1], r.Videos, r.FamilyVideos)
		}
	}
	if got := []int64{m.Spike.VideosBefore, m.Spike.ViolatingBefore, m.Spike.VideosAfter, m.Spike.ViolatingAfter}; !slices.Equal(got, spike[:]) {
		t.Errorf("spike counts: data %v, manifest %v", spike, got)
	}
	for _, p := range m.Policies {
		for _, c := range []struct {
			name       string
			data, want synth.PolicyOutcome
		}{{"all", all[p], m.Outcomes[p]}, {"family", fam[p], m.Family.Outcomes[p]}} {
			want := c.want
			want.Planted = 0 // not observable in the data
			if c.data != want {
				t.Errorf("%s %s outcomes:\ndata     %+v\nmanifest %+v", c.name, p, c.data, want)
			}
		}
		if o := m.Outcomes[p]; o.Violating > o.Planted || o.Planted-o.Violating > o.Reinstated {
			t.Errorf("%s: %d violating of %d planted with %d reinstated", p, o.Violating, o.Planted, o.Reinstated)
		}
	}

	// Orphans: events whose video is not in the export.
	ids := map[string]bool{}
	for _, v := range vs {
		ids[v.ID] = true
	}
	byType := map[string]int64{}
	var orphans int64
	for _, e := range es {
		byType[e.Type]++
		if !ids[e.Video] {
			orphans++
		}
	}
	if orphans != m.OrphanEvents || orphans == 0 {
		t.Errorf("orphan events: data %d, manifest %d", orphans, m.OrphanEvents)
	}
	for typ, n := range m.EventsByType {
		if byType[typ] != n {
			t.Errorf("events of type %s: data %d, manifest %d", typ, byType[typ], n)
		}
	}
	// Every kind of flow happened at least once.
	for _, typ := range []string{"report", "flag", "review", "enforcement", "escalation", "appeal", "reinstatement"} {
		if byType[typ] == 0 {
			t.Errorf("no %s event in 20000 videos", typ)
		}
	}
	o := m.Outcomes["minor_safety"]
	if o.Proactive == 0 || o.Proactive == o.Removed || o.Within24h == 0 || o.Within24h == o.Removed {
		t.Errorf("minor_safety removals show no variety: %+v", o)
	}
}

// twoProportionZ is the pooled two-proportion z statistic of x1/n1 against
// x2/n2.
func twoProportionZ(x1, n1, x2, n2 int64) float64 {
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	p := float64(x1+x2) / float64(n1+n2)
	return (p1 - p2) / math.Sqrt(p*(1-p)*(1/float64(n1)+1/float64(n2)))
}

// zRecovered is the z a planted effect must reach to count as recovered:
// one-sided p < 0.001.
const zRecovered = 3.09

// TestPlantedEffectsRecoverable checks, at the test size of 20,000 videos
// and several seeds, that the family's raised policies stand out from the
// other videos, and that the equal policy does not.
func TestPlantedEffectsRecoverable(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		m, err := synth.Write(t.Context(), synth.Config{Videos: 20000, Seed: seed}, discard{}, discard{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m.Policies {
			f, all := m.Family.Outcomes[p], m.Outcomes[p]
			z := twoProportionZ(f.Violating, f.Videos, all.Violating-f.Violating, all.Videos-f.Videos)
			_, raised := m.RaisedPolicies[p]
			switch {
			case raised && z < zRecovered:
				t.Errorf("seed %d %s: family %d/%d vs others %d/%d, z = %.2f < %.2f", seed, p,
					f.Violating, f.Videos, all.Violating-f.Violating, all.Videos-f.Videos, z, zRecovered)
			case slices.Contains(m.EqualPolicies, p) && math.Abs(z) > zRecovered:
				t.Errorf("seed %d %s: planted equal, but z = %.2f", seed, p, z)
			}
		}
	}
}

// TestSpikeRecoverable checks, at the demo size of 200,000 videos, that the
// spike tag's violation rate after the spike day stands out from before.
func TestSpikeRecoverable(t *testing.T) {
	m, err := synth.Write(t.Context(), synth.Config{Videos: 200_000, Seed: 1}, discard{}, discard{})
	if err != nil {
		t.Fatal(err)
	}
	s := m.Spike
	z := twoProportionZ(s.ViolatingAfter, s.VideosAfter, s.ViolatingBefore, s.VideosBefore)
	if z < 5 {
		t.Errorf("spike %+v: z = %.2f", s, z)
	}
	// Volume is steady: the share of videos with the tag is the same before
	// and after.
	before := float64(s.VideosBefore) / float64(s.DayIndex)
	after := float64(s.VideosAfter) / float64(m.Days-s.DayIndex)
	if math.Abs(before-after) > 0.15*before {
		t.Errorf("spike tag volume changes: %.1f/day before, %.1f/day after", before, after)
	}
	// Related tags are ranked by planted strength and the ranking shows in
	// the data.
	rel := slices.Clone(m.Related)
	sort.SliceStable(rel, func(i, j int) bool { return rel[i].FamilyVideos > rel[j].FamilyVideos })
	for i := range rel {
		if rel[i].Tag != m.RelatedTags[i] {
			t.Errorf("related tags by family co-occurrence %v, planted order %v", rel, m.RelatedTags)
			break
		}
	}
}
