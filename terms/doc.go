// Package terms turns a tag set's decisions into the term lists that
// trust-and-safety tools take: keyword blocklists, autocomplete
// restrictions, sensitive-word lists.
//
// A List is built from a saved tag set (Build): each accepted variant, as
// its normalised tag, with every spelling seen in the hashtags, the counts,
// the decision, its reason, who made it and when. The rejected variants
// travel with it as decoys, so that an exported pattern can be checked to
// catch every listed spelling and none of them (List.Regex).
//
// Lists are versioned in the workspace (Save, Load, Versions, Diff): each
// version records who saved it, when, from which tag-set decisions (the tag
// set's update time) and from which imports.
//
// Check measures a list before it ships: how many of the tag set's videos
// it catches through hashtags and through caption text, what else it hits
// (the collateral, with the words that hit and example videos), and where
// the tag set has a labelled review sample, the share of caught sample
// videos labelled violating, with a Wilson interval.
//
//	l, _ := terms.Build(ctx, ws, "omegle", terms.SpellRaw)
//	l.WriteTo(w, terms.FormatRegex)
//	v, _ := terms.Save(ctx, ws, "omegle-blocklist", l, "alice")
//	c, _ := terms.Check(ctx, ws, l, terms.CheckOptions{})
package terms
