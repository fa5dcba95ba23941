package synth

import (
	"math/rand/v2"
	"strings"
)

// The policies of the data contract, in the order the generator draws them.
// The order is part of the random stream: changing it changes the data.
var policies = []string{
	"minor_safety",
	"bullying_harassment",
	"hate_speech",
	"adult_nudity",
	"violent_extremism",
	"dangerous_acts",
	"integrity",
}

// Indices into policies.
const (
	polMinorSafety = iota
	polBullying
	polHateSpeech
	polAdultNudity
	polViolentExtremism
	polDangerous
	polIntegrity
)

// baseRates is the per-policy probability that an ordinary video violates.
var baseRates = [...]float64{
	polMinorSafety:      0.006,
	polBullying:         0.025,
	polHateSpeech:       0.008,
	polAdultNudity:      0.012,
	polViolentExtremism: 0.003,
	polDangerous:        0.006,
	polIntegrity:        0.020,
}

// familyMultipliers raises the family's violation rate for some policies;
// policies not named here are at the base rate for the family.
var familyMultipliers = map[int]float64{
	polMinorSafety: 6,
	polBullying:    3,
}

// equalPolicies are policies the family violates at exactly the base rate,
// named in the manifest so that analysis tests can assert "no difference".
var equalPolicies = []int{polHateSpeech}

// policyTitles are the sub-policy labels a reviewer applies, per policy.
var policyTitles = [][]string{
	{"minor_safety/age_inappropriate_content", "minor_safety/unsafe_contact", "minor_safety/underage_account"},
	{"bullying_harassment/insults", "bullying_harassment/pile_on", "bullying_harassment/private_info"},
	{"hate_speech/slurs", "hate_speech/stereotyping"},
	{"adult_nudity/nudity", "adult_nudity/suggestive"},
	{"violent_extremism/glorification", "violent_extremism/symbols"},
	{"dangerous_acts/challenges", "dangerous_acts/stunts", "dangerous_acts/weapons"},
	{"integrity/spam", "integrity/impersonation", "integrity/fake_engagement"},
}

// The planted tag family: the seed, and the raw spellings written into the
// data. Each raw spelling normalises (NFKC, case fold) to one entry of
// familyNormalised; the weights say how often each spelling is chosen.
const familySeed = "omegle"

var familyVariants = []struct {
	raw    string
	norm   string
	weight float64
	kind   string
}{
	{"omegle", "omegle", 40, "seed"},
	{"Omegle", "omegle", 10, "case"},
	{"OMEGLE", "omegle", 4, "case"},
	{"ＯＭＥＧＬＥ", "omegle", 3, "fullwidth"},
	{"0megle", "0megle", 7, "leetspeak"},
	{"omeg1e", "omeg1e", 5, "leetspeak"},
	{"omegel", "omegel", 6, "transposition"},
	{"omeglefunny", "omeglefunny", 8, "compound_prefix"},
	{"omegletalk", "omegletalk", 7, "compound_prefix"},
	{"funnyomegle", "funnyomegle", 6, "compound_suffix"},
	{"οmegle", "οmegle", 4, "confusable"}, // Greek small omicron U+03BF
}

// familyRate is the share of videos that carry a family tag.
const familyRate = 0.015

// decoys look like the family but are not part of it; each appears on the
// given share of videos, at base violation rates.
var decoys = []struct {
	tag  string
	rate float64
}{
	{"omega", 0.004},
	{"omelette", 0.003},
	{"omelet", 0.002},
	{"google", 0.003},
	{"homegrown", 0.002},
}

// relatedTags co-occur with the family: a family video carries at most one
// of them, with the given probability (ranked by strength); other videos
// carry each with the background rate.
var relatedTags = []struct {
	tag         string
	familyShare float64
	background  float64
}{
	{"strangers", 0.20, 0.001},
	{"videochat", 0.12, 0.001},
	{"randomchat", 0.08, 0.001},
}

// The spike: a tag on a steady share of videos whose violation rate for one
// policy jumps on one day and stays raised.
const (
	spikeTag        = "rooftopchallenge"
	spikePolicy     = polDangerous
	spikeShare      = 0.012
	spikeRateBefore = 0.006 // the base rate of dangerous_acts
	spikeRateAfter  = 0.060
)

// Ordinary tags: names built from two word lists, ranked for Zipf-like
// popularity. The vocabulary is fixed (it does not depend on the seed).
const (
	ordinaryTagCount = 5000
	zipfS            = 1.07
	zipfV            = 2.0
)

var tagHeads = strings.Fields(`sunny cozy daily tiny happy lazy quick crafty retro urban
	garden kitchen morning evening weekend summer winter autumn spring ocean
	forest mountain river city village desert island rainy snowy windy
	golden silver pastel neon vintage modern simple classic fresh sweet
	spicy crunchy fluffy sleepy brave clever gentle wild calm bright
	little big mini mega super chill cool fun easy
	cat dog bird horse bunny panda otter fox owl bee
	red blue green purple pink orange yellow teal crimson amber
	misty dusty lucky jolly merry cheery`)

var tagTails = strings.Fields(`vibes recipe hike diy tips life hacks art music dance
	baking cooking cleaning gardening reading study travel trip walk run
	yoga stretch workout puzzle craft paint sketch knit sew build
	fix haul review unboxing tutorial challenge moments memories diary vlog
	friends family pets plants books films games songs cover remix
	sunset sunrise beach park cafe market picnic camping fishing cycling`)

// reservedTags are tags the ordinary vocabulary must never produce.
func reservedTags() map[string]bool {
	r := map[string]bool{familySeed: true, spikeTag: true}
	for _, v := range familyVariants {
		r[v.norm] = true
	}
	for _, d := range decoys {
		r[d.tag] = true
	}
	for _, t := range relatedTags {
		r[t.tag] = true
	}
	return r
}

// vocabulary is the fixed tag vocabulary: ordinary tags in popularity order
// (index 0 is the most popular), with a capitalised spelling of each.
type vocabulary struct {
	tags  []string
	title []string
}

func newVocabulary() *vocabulary {
	reserved := reservedTags()
	var all []string
	for _, h := range tagHeads {
		for _, t := range tagTails {
			name := h + t
			if reserved[name] || strings.Contains(name, "omeg") || strings.Contains(name, "megl") {
				continue
			}
			all = append(all, name)
		}
	}
	// Deduplicate in order: two pairs of words may spell the same tag.
	seen := make(map[string]bool, len(all))
	uniq := all[:0]
	for _, s := range all {
		if !seen[s] {
			seen[s] = true
			uniq = append(uniq, s)
		}
	}
	r := rand.New(rand.NewPCG(0x7472656e646c6162, 0x766f636162756c61)) // fixed: "trendlab", "vocabula"
	r.Shuffle(len(uniq), func(i, j int) { uniq[i], uniq[j] = uniq[j], uniq[i] })
	if len(uniq) > ordinaryTagCount {
		uniq = uniq[:ordinaryTagCount]
	}
	v := &vocabulary{tags: uniq, title: make([]string, len(uniq))}
	for i, s := range uniq {
		v.title[i] = strings.ToUpper(s[:1]) + s[1:]
	}
	return v
}

// Regions with their languages, weighted by share of authors.
var regions = []struct {
	code   string
	langs  []string
	weight float64
}{
	{"US", []string{"en", "en", "en", "es"}, 30},
	{"BR", []string{"pt-BR"}, 14},
	{"IN", []string{"hi", "en-IN"}, 12},
	{"GB", []string{"en-GB"}, 8},
	{"DE", []string{"de"}, 7},
	{"MX", []string{"es-MX"}, 7},
	{"ID", []string{"id"}, 6},
	{"FR", []string{"fr"}, 5},
	{"JP", []string{"ja"}, 4},
	{"NG", []string{"en"}, 4},
	{"PH", []string{"fil", "en"}, 3},
}

// Author age bands with their shares.
var ageBands = []struct {
	band   string
	weight float64
}{
	{"under_13", 2},
	{"13-15", 9},
	{"16-17", 11},
	{"18+", 66},
	{"unknown", 12},
}

// Caption material: invented, benign phrases.
var (
	captionOpeners = []string{
		"Loving", "Trying", "Watching", "Finally finished", "Can't stop laughing at",
		"Remembering", "Sharing", "Showing you", "Day 3 of", "Quick look at",
		"Behind the scenes of", "First time making", "Rating", "Replying to comments about",
	}
	captionSubjects = []string{
		"my cat's new bed", "the sunset from the roof garden", "grandma's soup", "our tiny garden",
		"this 1000-piece puzzle", "the beach at low tide", "a rainy afternoon", "my new sneakers",
		"the bus ride home", "the weekend hike", "homemade bread", "the science fair project",
		"a paper boat race", "the neighbourhood bake sale", "my sister's drawing", "the dog park",
		"a lemon cake", "the library's reading corner", "an old bicycle", "the school choir",
	}
	captionEndings = []string{
		"today", "again", "with friends", "before school", "after work", "for the first time",
		"on a Sunday", "in slow motion", "at 6am", "with my little brother", "",
	}
	captionExtras = []string{
		"café da manhã com a família", "guten Morgen zusammen", "¡qué bonito día!", "très joli",
		"बहुत बढ़िया", "おはよう", "selamat pagi", "🌞", "🍕🍕", "🎶", "🐶✨", "🌧️☕",
	}
)
