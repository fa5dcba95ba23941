// Package stats holds the statistics behind trendlab's investigations:
// pure functions over counts, with no I/O, each documenting its formula
// and the reference implementation it is tested against (statsmodels,
// scipy or R: vectors in testdata/reference.json and
// testdata/reference_r.csv, computed by testdata/reference.py and
// testdata/reference.R, which record the library versions).
//
// # Which function when
//
// One proportion x of n (a violation rate, a share removed within 24 h):
//
//   - Wilson is the default interval: good coverage at every n and never
//     outside [0, 1].
//   - ClopperPearson is the conservative "exact" interval, for claims that
//     must hold at least at the stated level (small n, rare events).
//   - AgrestiCoull is Wilson's simpler cousin; reported for comparison.
//   - WilsonFPC when the n items are a sample without replacement from a
//     known frame of N (a labelled review sample): the interval shrinks to
//     a point when n = N.
//   - BinomialTest to compare one rate with a fixed p0.
//
// Two groups, x1 of n1 against x2 of n2 (tag set against baseline):
//
//   - CompareProportions picks for you: FisherExact when any expected cell
//     (row total × column total / n, see MinExpected) is below 5, the pooled
//     TwoProportionZ otherwise, and says which and why in Method.
//   - FisherExact is exact at any size, and fast even at 10⁹.
//   - TwoProportionZ (equivalently ChiSquare2x2 without Yates) for large
//     counts; ChiSquare2x2 with yates = true is the conservative variant.
//   - Effect sizes with intervals: RiskDifference (Newcombe hybrid score),
//     RiskRatio (Katz log), OddsRatio (Woolf).
//   - Event counts over exposure (removals per 1000 video-days, before and
//     after a date): PoissonRateRatioExact for small counts,
//     PoissonRateRatioScore for large ones.
//
// Many tests at once (one per policy): adjust the p-values. Holm controls
// the family-wise error rate and is never worse than Bonferroni;
// BenjaminiHochberg controls the false discovery rate and rejects more.
//
// Planning: SampleSizeProportion for a sample that gives a margin at a
// confidence; PowerTwoProportions and MinimumDetectableEffect (Cohen's h)
// to say what a comparison could have detected when it finds nothing.
//
// Samples: StratifiedProportion turns a labelled stratified sample into an
// estimate for the whole frame, weighting each stratum by its frame size.
//
// Series of days:
//
//   - ChangepointBinomial (share of violating videos per day) and
//     ChangepointPoisson (events per unit of exposure per day) find the
//     single most likely lasting change in the rate, with a seeded
//     permutation p-value that is robust to day-to-day overdispersion.
//   - SpikeBinomial and SpikePoisson find the most raised window of up to
//     maxLen days (a burst that ends), with a seeded Monte Carlo p-value
//     under one common rate.
//   - EWMAAlerts and CUSUMAlerts flag individual days out of control
//     against a baseline period, with no distributional model: the choice
//     for noisy (overdispersed) series such as raw daily volumes.
//   - PoissonRateRatioExact compares before and after a given date.
//
// Co-occurrence of tags: Lift, PMI and NPMI. Agreement of two labellers:
// CohensKappa. Durations: Quantile (R type 7).
//
// # Conventions
//
// Counts are int64; conf is a confidence level such as 0.95. Invalid
// arguments that can only come from a programming error (x > n, negative
// counts, conf outside (0, 1)) panic with a "stats:" prefix. Empty data
// is not an error: an interval for n = 0 is the whole range [0, 1], a test
// with an empty group has PValue NaN, and a test where both groups show no
// events (or only events) has PValue 1 (and Statistic 0; exact tests have
// no statistic and report NaN). p-values are
// always in [0, 1] or NaN. NaN and ±Inf do not survive encoding/json, so
// callers that serialise results must map them (for example to null).
//
//	rate := stats.Wilson(37, 1200, 0.95) // [0.02245, 0.04221]
//	t := stats.CompareProportions(37, 1200, 410, 99000, stats.Greater)
//	adj := stats.Holm([]float64{t.PValue, 0.2, 0.04})
package stats
