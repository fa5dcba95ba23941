package main

import (
	"context"
	"fmt"
	"time"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
)

// demoImpactPolicies are the policies the demo tests platform-wide: the
// synthetic platform plants a lagged association on one and none on the
// other (manifest "impact").
var demoImpactPolicies = []string{"bullying_harassment", "hate_speech"}

// demoImpact asks the two impact questions of the saved tag set: does
// its volume go with harm on the rest of the platform, and did the
// interventions on it work?
func demoImpact(ctx context.Context, d *demoRun) error {
	// The synthetic period only: on a second run the workspace also holds
	// the watch step's later week, which has no views or searches.
	since, _ := time.Parse(time.RFC3339, d.manifest.Start)
	end, _ := time.Parse(time.RFC3339, d.manifest.End)
	period := datasets.NewPeriod(since, end.Add(-time.Nanosecond))
	for _, pol := range demoImpactPolicies {
		p, err := analysis.ImpactPlatform(ctx, d.ws, analysis.PlatformRequest{TagSet: "omegle", Policy: pol, Seed: 1, Period: period})
		if err != nil {
			return fmt.Errorf("impact platform %s: %w", pol, err)
		}
		fmt.Fprintf(d.out, "%s: %s\n  %s\n", pol, textsafe.Show(p.Statement), textsafe.Show(p.SpikeText))
	}
	rep, err := analysis.ImpactIntervention(ctx, d.ws, analysis.InterventionRequest{TagSet: "omegle", Period: period})
	if err != nil {
		return fmt.Errorf("impact intervention: %w", err)
	}
	printInterventions(d.out, rep)
	if imp := d.manifest.Impact; imp != nil {
		fmt.Fprintf(d.out, "planted: %s associated with the tag set at a lag of %d days, %s not; for_you reach of the tag set down %.0f%% after %s (every video's down %.0f%%); evasion spelling %q from %s\n",
			imp.AssociatedPolicy, imp.AssociationLag, imp.NullPolicy, 100*imp.ForYouDrop, imp.NotRecommended.ID, 100*imp.PlatformDip, imp.EvasionTag, imp.EvasionFirstDay)
	}
	d.tryNext = append(d.tryNext,
		tryLine{"impact platform --tagset omegle --policy bullying_harassment --lag 2", "the platform-wide association, at the planted lag"},
		tryLine{"impact intervention --tagset omegle", "what each action did, against comparison tags"})
	return nil
}
