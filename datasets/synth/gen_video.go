package synth

import "math"

var tagCountCum = cumulative([]float64{10, 20, 25, 20, 15, 10}) // 0..5 ordinary tags

// nextVideo fills g.v with video number i of n.
func (g *generator) nextVideo(i, n int64) {
	r := g.r
	v := &g.v
	v.num = g.cfg.FirstID + i
	v.created = g.start + int64((float64(i)+r.Float64())*float64(g.span)/float64(n))
	v.day = int((v.created - g.start) / 86400)
	v.style, v.off = g.drawStyle(tsNaiveShare, tsOffsetShare)

	v.author = int64(g.authorZipf.Uint64())
	h := splitmix(uint64(v.author) ^ g.authorMix)
	rg := regions[pick(g.regionCum, unitFromHash(h))]
	h = splitmix(h)
	v.region = rg.code
	v.language = rg.langs[int(h%uint64(len(rg.langs)))]
	h = splitmix(h)
	v.ageBand = ageBands[pick(g.ageCum, unitFromHash(h))].band
	if r.Float64() < missingFieldShare {
		v.region = ""
	}
	if r.Float64() < missingFieldShare {
		v.language = ""
	}

	g.drawTags()
	g.drawViolations()
	if g.m.Stories != nil {
		g.plantStories() // actions.go
	}

	v.views = int64(800 * math.Exp(1.8*r.NormFloat64()))
	v.likes = int64(float64(v.views) * (0.01 + 0.09*r.Float64()))
	v.shares = int64(float64(v.likes) * (0.02 + 0.13*r.Float64()))
	v.comments = int64(float64(v.likes) * (0.01 + 0.09*r.Float64()))
	dur := 25 * math.Exp(0.8*r.NormFloat64())
	v.durationTenths = int64(math.Round(math.Min(600, math.Max(3, dur)) * 10))

	g.drawCaption()
}

func (g *generator) drawTags() {
	r := g.r
	v := &g.v
	v.tags = v.tags[:0]
	v.family = false
	v.related = -1
	v.variants[0] = -1
	for i := range v.decoyHit {
		v.decoyHit[i] = false
		v.relHit[i] = false
	}

	rate := familyRate
	if g.imp != nil {
		rate = g.imp.familyRate(v.day)
	}
	if r.Float64() < rate {
		v.family = true
		a := pick(g.variantCum, r.Float64())
		v.tags = append(v.tags, familyVariants[a].raw)
		v.variants[0], v.variants[1] = g.variantNorm[a], -1
		if g.imp != nil {
			g.imp.famByDay[v.day]++
			if g.imp.evades(v.day) {
				v.tags = append(v.tags, evasionTag)
				g.imp.m.EvasionVideos++
			}
		}
		if r.Float64() < 0.10 { // a second, differently normalised spelling
			b := pick(g.variantCum, r.Float64())
			if g.variantNorm[b] != g.variantNorm[a] {
				v.tags = append(v.tags, familyVariants[b].raw)
				v.variants[1], v.variants[2] = g.variantNorm[b], -1
			}
		}
		u := r.Float64()
		acc := 0.0
		for k, rt := range relatedTags {
			acc += rt.familyShare
			if u < acc {
				v.related = k
				v.relHit[k] = true
				v.tags = append(v.tags, rt.tag)
				break
			}
		}
	} else {
		for k, rt := range relatedTags {
			if r.Float64() < rt.background {
				v.relHit[k] = true
				v.tags = append(v.tags, rt.tag)
			}
		}
	}
	for k, d := range decoys {
		if r.Float64() < d.rate {
			v.decoyHit[k] = true
			v.tags = append(v.tags, d.tag)
		}
	}
	v.spiked = r.Float64() < spikeShare
	if v.spiked {
		v.tags = append(v.tags, spikeTag)
	}
	k := pick(tagCountCum, r.Float64())
	if v.family {
		k = min(k, 3)
	}
	for j := 0; j < k; j++ {
		t := int(g.tagZipf.Uint64())
		name := g.vocab.tags[t]
		if r.Float64() < capitalisedShare {
			name = g.vocab.title[t]
		}
		dup := false
		for _, have := range v.tags {
			if len(have) == len(name) && have[0]|0x20 == name[0]|0x20 && have[1:] == name[1:] {
				dup = true
				break
			}
		}
		if !dup {
			v.tags = append(v.tags, name)
		}
	}
	if len(v.tags) > 1 {
		r.Shuffle(len(v.tags), func(i, j int) { v.tags[i], v.tags[j] = v.tags[j], v.tags[i] })
	}
}

// familyDriftWindow is W in the family's drift-corrected draws: a family
// video violates policy p with probability rate + (rate*k - count)/W, where
// k family videos drawn so far hold count violations of p. The realised
// count then stays within a few videos of rate*k, so the raised policies
// stand out at 20,000 videos whatever the seed, while which videos violate
// is still random.
const familyDriftWindow = 8

func (g *generator) drawViolations() {
	v := &g.v
	for p := range policies {
		rate := baseRates[p]
		if v.family {
			if m, ok := familyMultipliers[p]; ok {
				rate *= m
			}
			deficit := rate*float64(g.familySeen) - float64(g.familyPlanted[p])
			rate = min(1, max(0, rate+deficit/familyDriftWindow))
		}
		if g.imp != nil {
			rate = g.imp.rate(p, v.day, v.family, rate)
		}
		if p == spikePolicy && v.spiked {
			rate = spikeRateBefore
			if v.day >= g.spikeDay {
				rate = spikeRateAfter
			}
		}
		v.planted[p] = g.r.Float64() < rate
		if v.family && v.planted[p] {
			g.familyPlanted[p]++
		}
	}
	if v.family {
		g.familySeen++
	}
}

func (g *generator) drawCaption() {
	r := g.r
	v := &g.v
	c := v.caption[:0]
	v.hasCaption = r.Float64() >= emptyCaptionShare
	if v.hasCaption {
		c = append(c, captionOpeners[r.IntN(len(captionOpeners))]...)
		c = append(c, ' ')
		c = append(c, captionSubjects[r.IntN(len(captionSubjects))]...)
		if e := captionEndings[r.IntN(len(captionEndings))]; e != "" {
			c = append(c, ' ')
			c = append(c, e...)
		}
		u := r.Float64()
		switch {
		case u < 0.06:
			c = append(c, ", honestly the best part of the week"...)
		case u < 0.10:
			c = append(c, ` and she called it "perfect"`...)
		case u < 0.13:
			c = append(c, "\nPart 2 tomorrow, stay tuned!"...)
		case u < 0.28:
			c = append(c, ' ')
			c = append(c, captionExtras[r.IntN(len(captionExtras))]...)
		}
		for _, t := range v.tags {
			c = append(c, " #"...)
			c = append(c, t...)
		}
	}
	v.caption = c
}
