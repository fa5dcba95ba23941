// Package synth generates a deterministic synthetic platform: a content
// export (videos) and a moderation events export, in the shape of the data
// contract, with known truths planted in them and recorded in a manifest.
// It serves the demo, the tests and the benchmarks.
//
//	m, err := synth.Generate(ctx, synth.Config{Videos: 200_000, Seed: 1, Format: "csv", Dir: "demo"})
//	// demo/videos.csv, demo/moderation_events.csv, demo/manifest.json
//	fmt.Println(m.Family.Videos, m.Family.Outcomes["minor_safety"].Violating)
//
// # What is planted
//
// A vocabulary of ordinary tags with Zipf-like popularity; the tag family
// "omegle" written in several spellings (case, fullwidth, leetspeak, a
// transposition, compounds, a Greek omicron) and decoys that merely look
// alike ("omega", "omelette", ...); related tags that co-occur with the
// family; per-policy base violation rates, with the family raised for some
// policies (minor_safety x6, bullying_harassment x3) and equal for others
// (hate_speech); one tag ("rooftopchallenge") whose dangerous_acts
// violation rate jumps tenfold on one day and stays there; event flows per
// violation (flag or user reports, review, enforcement, escalation for
// minor safety, appeal, reinstatement), reviews of benign reports as
// no_violation, and a few orphan events whose video is not in the export.
//
// Defaults (all recorded in the manifest): 1.5% of videos carry a family
// tag; base violation rates from 0.3% (violent_extremism) to 2.5%
// (bullying_harassment); the spike tag is on 1.2% of videos every day and
// its dangerous_acts rate goes from 0.6% to 6% on day Days*2/3 (day 60 of
// 90); 70% of violations are found by automated flags, 5% of enforcements
// are appealed and half of the appeals end in reinstatement; about 0.1% of
// events are orphans.
//
// Family videos draw their violations with drift correction: the chance of
// a violation is nudged up or down by how far the family's count so far is
// from rate x family videos (see familyDriftWindow). Which videos violate
// stays random, but the family's realised rate stays within a few videos of
// the planted one, so the raised policies are recovered at p < 0.001 at
// 20,000 videos for any seed, and the equal policy shows no difference.
//
// The Manifest holds both the planted parameters and the counts realised
// in the data by the contract's definitions (violating, removed, proactive,
// within 24 h, escalated, reinstated, reviewed), overall and for the
// family, per variant, decoy and related tag, and before and after the
// spike, so a test can assert an analysis result exactly or within its
// confidence interval. The package's tests recount every one of them from
// the written rows.
//
// # Determinism and memory
//
// One PCG stream (math/rand/v2), seeded by Config.Seed, drives every draw
// in a fixed order; no map is iterated into the output; numbers and times
// are formatted by fixed rules. The same Config gives byte-identical files
// (with the same generator Version, Go release and architecture: the draws
// go through math/rand/v2's distributions and math.Exp, whose last bits may
// differ between releases and platforms; the golden files in testdata
// catch such a change).
// Each video is generated, written, and followed by its events; nothing is
// kept per video, so 10 million videos take the same memory as ten
// thousand (Parquet buffers one record batch of 64k rows per table).
//
// # Formats
//
// CSV (RFC 4180, header row, LF line ends, hashtags as space-separated
// '#'-tokens), JSON Lines (hashtags as an array, absent values null) and
// Parquet (hashtags as list<string>, times as TIMESTAMP(us) holding UTC).
// In CSV and JSON Lines most times end in Z; some have no offset (UTC by the
// contract) and some a non-Z offset for the same instant, to exercise
// importers. CSV and JSON Lines may be gzip- or zstd-compressed as a whole;
// Parquet compresses inside the file (snappy by default).
package synth
