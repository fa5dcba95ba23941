package synth

import (
	"fmt"
	"io"
	"strings"
)

// WriteSummary writes a short, human-readable account of what m planted and
// realised: the family and its raised policies, decoys, related tags, the
// spike and the orphan events.
func (m Manifest) WriteSummary(w io.Writer) error {
	var b strings.Builder
	pct := func(num, den int64) string {
		if den == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.2f%%", 100*float64(num)/float64(den))
	}
	fmt.Fprintf(&b, "%d videos, %d events (%d orphan), %d days from %s, seed %d\n",
		m.Videos, m.Events, m.OrphanEvents, m.Days, m.Start[:10], m.Seed)
	fmt.Fprintf(&b, "family %q: %d videos (%s), spellings: %s\n", m.Family.SeedTag, m.Family.Videos,
		pct(m.Family.Videos, m.Videos), strings.Join(m.Family.Variants, " "))
	fmt.Fprintf(&b, "  accept (normalised): %s\n", strings.Join(m.Family.Normalised, " "))
	fmt.Fprintf(&b, "  decoys (not the family): %s\n", strings.Join(m.Decoys, " "))
	fmt.Fprintf(&b, "  related tags: %s\n", strings.Join(m.RelatedTags, " "))
	fmt.Fprintf(&b, "  %-20s %6s %18s %18s\n", "policy", "planted", "family violating", "others violating")
	for _, p := range m.Policies {
		planted := "base"
		if x, ok := m.RaisedPolicies[p]; ok {
			planted = fmt.Sprintf("x%g", x)
		} else if contains(m.EqualPolicies, p) {
			planted = "equal"
		}
		f, all := m.Family.Outcomes[p], m.Outcomes[p]
		ov, on := all.Violating-f.Violating, all.Videos-f.Videos
		fmt.Fprintf(&b, "  %-20s %6s %9d = %6s %9d = %6s\n", p, planted, f.Violating, pct(f.Violating, f.Videos), ov, pct(ov, on))
	}
	s := m.Spike
	fmt.Fprintf(&b, "spike: #%s %s from %s: %d/%d violating before (%s), %d/%d from then on (%s)\n",
		s.Tag, s.Policy, s.Day, s.ViolatingBefore, s.VideosBefore, pct(s.ViolatingBefore, s.VideosBefore),
		s.ViolatingAfter, s.VideosAfter, pct(s.ViolatingAfter, s.VideosAfter))
	_, err := io.WriteString(w, b.String())
	return err
}
