package synth_test

import (
	"context"
	"fmt"
	"io"

	"github.com/trendlab/trendlab/datasets/synth"
)

// Generate a small data set into writers and read the planted truth from
// the manifest.
func ExampleWrite() {
	m, err := synth.Write(context.Background(), synth.Config{Videos: 20000, Seed: 1}, io.Discard, io.Discard)
	if err != nil {
		panic(err)
	}
	fmt.Println("family:", m.Family.SeedTag, m.Family.Normalised)
	fmt.Println("raised:", m.RaisedPolicies, "equal:", m.EqualPolicies)
	f := m.Family.Outcomes["minor_safety"]
	fmt.Printf("family minor_safety violating: %d of %d\n", f.Violating, f.Videos)
	fmt.Println("spike:", m.Spike.Tag, m.Spike.Policy, m.Spike.Day)
	// Output:
	// family: omegle [omegle 0megle omeg1e omegel omeglefunny omegletalk funnyomegle οmegle]
	// raised: map[bullying_harassment:3 minor_safety:6] equal: [hate_speech]
	// family minor_safety violating: 10 of 293
	// spike: rooftopchallenge dangerous_acts 2026-07-31
}
