package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/trendlab/trendlab/analysis"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/internal/textsafe"
	"github.com/trendlab/trendlab/terms"
)

func newTermsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "terms",
		Short: "Export, version and check the term lists built from a tag set",
		Long: `A term list is what a trust-and-safety team restricts after an
investigation: a tag set's accepted variants, each with every spelling seen
in the hashtags, the counts, the decision, its reason, who made it and when.
Export it for a blocklist (txt), a pattern (regex), or with everything (csv,
json); save versions of it in the workspace; and check it before it ships:
what it catches of the tag set and what else it would hit.`,
		Example: `  trendlab terms export --tagset omegle --format txt -o omegle.txt
  trendlab terms export --tagset omegle --format regex
  trendlab terms save omegle-blocklist --tagset omegle
  trendlab terms list
  trendlab terms diff omegle-blocklist@1 omegle-blocklist@2
  trendlab terms check omegle-blocklist
  trendlab terms check --file naive.txt --tagset omegle --match substring`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newTermsExportCmd(a), newTermsSaveCmd(a), newTermsListCmd(a), newTermsDiffCmd(a), newTermsCheckCmd(a))
	return cmd
}

// spellingsFlag adds --spellings.
func spellingsFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "spellings", string(terms.SpellRaw),
		"which spellings are lines: raw (normalised terms and every spelling as written) or normalised (for matchers that normalise text)")
}

func newTermsExportCmd(a *app) *cobra.Command {
	var tagSet, list, format, spellings, out string
	cmd := &cobra.Command{
		Use:   "export (--tagset NAME | --list NAME[@V]) [--format F] [-o FILE]",
		Short: "Write a term list: txt, csv, json or regex",
		Long: `export writes the term list of a saved tag set (--tagset), or a saved
version of a list (--list), to FILE or standard output.

  txt    one term a line: what a keyword or autocomplete blocklist takes
  regex  one pattern (RE2 syntax) matching every listed spelling as a word,
         with or without '#', ignoring case; export fails if it would match
         one of the tag set's rejected variants, and names it
  csv    a row per spelling: term, spelling, counts, decision, reason, who, when
  json   the whole list, its lines and its pattern`,
		Example: `  trendlab terms export --tagset omegle --format txt -o omegle.txt
  trendlab terms export --list omegle-blocklist@2 --format csv -o v2.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := terms.ParseFormat(format); err != nil {
				return usageError{err}
			}
			l, err := loadOrBuildList(cmd, a, tagSet, list, spellings)
			if err != nil {
				return err
			}
			return writeOut(cmd, out, func(w io.Writer) error { return l.Write(w, format) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&tagSet, "tagset", "", "build the list from this saved tag set's decisions")
	f.StringVar(&list, "list", "", "a saved list, NAME or NAME@VERSION")
	f.StringVar(&format, "format", terms.FormatTxt, "txt, csv, json or regex")
	spellingsFlag(cmd, &spellings)
	f.StringVarP(&out, "output", "o", "-", "file to write (- for standard output)")
	return cmd
}

// loadOrBuildList builds a list from a tag set or loads a saved one; the
// workspace is opened read-only for it.
func loadOrBuildList(cmd *cobra.Command, a *app, tagSet, list, spellings string) (*terms.List, error) {
	if (tagSet == "") == (list == "") {
		return nil, usagef("give one of --tagset NAME (build from the tag set) or --list NAME[@V] (a saved list)")
	}
	ws, err := a.open(cmd.Context(), true)
	if err != nil {
		return nil, err
	}
	defer ws.Close()
	if list != "" {
		ref, err := terms.ParseRef(list)
		if err != nil {
			return nil, usageError{err}
		}
		return terms.Load(cmd.Context(), ws, ref)
	}
	sp, err := terms.ParseSpellings(spellings)
	if err != nil {
		return nil, usageError{fmt.Errorf("--spellings: %w", err)}
	}
	return terms.Build(cmd.Context(), ws, tagSet, sp)
}

// writeOut writes to a file, or to standard output for "-" (terminal
// escapes stripped there: the terms are text from the export).
func writeOut(cmd *cobra.Command, path string, write func(io.Writer) error) error {
	if path == "-" || path == "" {
		w := cmd.OutOrStdout()
		if f, ok := w.(*os.File); ok && isTerminal(f) {
			var b strings.Builder
			if err := write(&b); err != nil {
				return err
			}
			_, err := io.WriteString(w, textsafe.ShowLines(b.String()))
			return err
		}
		return write(w)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

func newTermsSaveCmd(a *app) *cobra.Command {
	var tagSet, spellings, by string
	cmd := &cobra.Command{
		Use:     "save NAME --tagset T",
		Short:   "Save the tag set's term list as the next version of NAME",
		Example: "  trendlab terms save omegle-blocklist --tagset omegle",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if tagSet == "" {
				tagSet = args[0]
			}
			sp, err := terms.ParseSpellings(spellings)
			if err != nil {
				return usageError{fmt.Errorf("--spellings: %w", err)}
			}
			if by, err = resolveWho(by, "--by"); err != nil {
				return err
			}
			ws, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			l, err := terms.Build(cmd.Context(), ws, tagSet, sp)
			if err != nil {
				return err
			}
			v, err := terms.Save(cmd.Context(), ws, args[0], l, by)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Saved %s@%d: %d lines from tag set %s (decisions of %s, imports %v), by %s.\n",
				args[0], v, len(l.Terms()), l.TagSet, l.TagSetUpdatedAt.UTC().Format(time.RFC3339), l.ImportIDs, textsafe.Show(by))
			return nil
		},
	}
	cmd.Flags().StringVar(&tagSet, "tagset", "", "the tag set to build it from (default: NAME)")
	cmd.Flags().StringVar(&by, "by", "", whoHelp)
	spellingsFlag(cmd, &spellings)
	return cmd
}

func newTermsListCmd(a *app) *cobra.Command {
	return listCmd[terms.Version]{
		short:    "List the saved term lists and their versions",
		header:   "LIST\tTAG SET\tLINES\tSPELLINGS\tDECISIONS OF\tIMPORTS\tSAVED\tBY",
		jsonHelp: "print as JSON",
		load:     terms.Versions,
		row: func(v terms.Version) string {
			return fmt.Sprintf("%s@%d\t%s\t%d\t%s\t%s\t%d (last %d)\t%s\t%s", textsafe.Show(v.Name), v.Version, textsafe.Show(v.TagSet), v.Terms, v.Spellings,
				v.TagSetUpdatedAt.UTC().Format(time.RFC3339), v.Imports, v.LastImport, v.CreatedAt.UTC().Format(time.RFC3339), textsafe.Show(v.CreatedBy))
		},
	}.command(a)
}

func newTermsDiffCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "diff NAME@V1 NAME@V2",
		Short:   "Compare two saved versions of term lists line by line",
		Example: "  trendlab terms diff omegle-blocklist@1 omegle-blocklist@2",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var refs [2]terms.Ref
			for i, s := range args {
				r, err := terms.ParseRef(s)
				if err != nil {
					return usageError{err}
				}
				refs[i] = r
			}
			ws, err := a.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			from, err := terms.Load(cmd.Context(), ws, refs[0])
			if err != nil {
				return err
			}
			to, err := terms.Load(cmd.Context(), ws, refs[1])
			if err != nil {
				return err
			}
			d := terms.Diff(from, to)
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), d)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s@%d (%s, by %s) -> %s@%d (%s, by %s)\n", from.Name, from.Version, from.CreatedAt.UTC().Format(time.RFC3339),
				textsafe.Show(from.CreatedBy), to.Name, to.Version, to.CreatedAt.UTC().Format(time.RFC3339), textsafe.Show(to.CreatedBy))
			if d.DecisionsChanged {
				fmt.Fprintf(w, "tag set %s decisions changed: %s -> %s\n", to.TagSet, from.TagSetUpdatedAt.UTC().Format(time.RFC3339), to.TagSetUpdatedAt.UTC().Format(time.RFC3339))
			}
			if len(d.ImportsAdded) > 0 {
				fmt.Fprintf(w, "imports since: %v\n", d.ImportsAdded)
			}
			if len(d.Changes) == 0 {
				fmt.Fprintln(w, "same lines")
				return nil
			}
			for _, c := range d.Changes {
				switch c.Kind {
				case "added":
					fmt.Fprintf(w, "+ %s\t(%s, %d occurrences)\n", textsafe.Show(c.Term), textsafe.Show(c.Normalised), c.Occurrences[1])
				case "removed":
					fmt.Fprintf(w, "- %s\t(%s, %d occurrences)\n", textsafe.Show(c.Term), textsafe.Show(c.Normalised), c.Occurrences[0])
				default:
					fmt.Fprintf(w, "~ %s\toccurrences %d -> %d\n", textsafe.Show(c.Term), c.Occurrences[0], c.Occurrences[1])
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newTermsCheckCmd(a *app) *cobra.Command {
	var opts terms.CheckOptions
	var file, spellings string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check [NAME[@V]] [--tagset T] [--file FILE] [--match word|substring]",
		Short: "Measure what a term list catches of its tag set and what else it hits",
		Long: `check runs a term list over the workspace: the tag set's videos it catches
through hashtags and through caption text, and the collateral: videos it
hits that are not in the tag set, with the words responsible and an example
video each. Where the tag set has a labelled review sample, it estimates the
list's precision: the share of caught sample videos labelled violating, with
a Wilson interval.

The list is a saved one (NAME[@V]), the tag set's own (--tagset alone), or a
file of terms, one a line (--file, with --tagset for the set it is meant for).
--match word (default) matches a hashtag equal to a term or a caption word;
--match substring matches a term anywhere, as a naive keyword filter does.`,
		Example: `  trendlab terms check omegle-blocklist
  trendlab terms check --tagset omegle
  trendlab terms check --file naive.txt --tagset omegle --match substring`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var l *terms.List
			var err error
			switch {
			case file != "":
				if len(args) > 0 || opts.TagSet == "" {
					return usagef("--file needs --tagset T (the tag set the list is for) and no list name")
				}
				f, err := os.Open(file)
				if err != nil {
					return err
				}
				ts, err := terms.ReadTerms(f, file)
				f.Close()
				if err != nil {
					return err
				}
				l = terms.FromTerms(file, opts.TagSet, ts)
			case len(args) == 1:
				ref, err := terms.ParseRef(args[0])
				if err != nil {
					return usageError{err}
				}
				ws, err := a.open(cmd.Context(), true)
				if err != nil {
					return err
				}
				l, err = terms.Load(cmd.Context(), ws, ref)
				ws.Close()
				if err != nil {
					return err
				}
			default:
				if opts.TagSet == "" {
					return usagef("name a saved list, or give --tagset T (its own list) or --file FILE --tagset T")
				}
				if l, err = loadOrBuildList(cmd, a, opts.TagSet, "", spellings); err != nil {
					return err
				}
			}
			ws, err := a.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			res, err := terms.Check(cmd.Context(), ws, l, opts)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), res)
			}
			printTermsCheck(cmd.OutOrStdout(), res)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.TagSet, "tagset", "", "the tag set the list is measured against (default: the list's)")
	f.StringVar(&file, "file", "", "a file of terms, one a line, to check instead of a saved list")
	f.StringVar(&opts.Match, "match", terms.MatchWord, "word or substring")
	f.IntVar(&opts.Examples, "examples", 5, "collateral words to list")
	spellingsFlag(cmd, &spellings)
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func printTermsCheck(w io.Writer, r *terms.CheckResult) {
	name := r.List
	if name == "" {
		name = "the term list of tag set " + r.TagSet
	}
	fmt.Fprintf(w, "%s: %d lines, matched as %s\n", textsafe.Show(name), r.Terms, r.Match)
	fmt.Fprintf(w, "Tag set %s: %d videos; caught %d (%.1f%%): %d through hashtags, %d through captions, %d through captions only\n",
		r.TagSet, r.TagSetVideos, r.Caught.Videos, 100*r.CaughtShare, r.Caught.ByHashtag, r.Caught.ByCaption, r.Caught.CaptionOnly)
	fmt.Fprintf(w, "Collateral (not in the tag set): %d videos: %d through hashtags, %d through captions only\n",
		r.Collateral.Videos, r.Collateral.ByHashtag, r.Collateral.CaptionOnly)
	for _, c := range r.CollateralWords {
		fmt.Fprintf(w, "  %-20s %-8s %6d videos, e.g. %s\n", textsafe.Show(c.Word), c.Where, c.Videos, textsafe.Show(c.Example))
	}
	if p := r.Precision; p != nil {
		fmt.Fprintf(w, "Precision (sample %s): %d of %d caught labelled videos violating, %.1f%% [%.1f%%, %.1f%%] (%s); %s\n",
			textsafe.Show(p.Sample), p.Violating, p.Caught, 100*p.P, 100*p.Lo, 100*p.Hi, p.Method, p.Note)
	} else {
		fmt.Fprintf(w, "Precision: no labelled sample of tag set %s (draw one with `trendlab sample create --tagset %s`)\n", r.TagSet, r.TagSet)
	}
}

// tagSetDoc is `tagset show --format json`: the saved tag set with each
// decision's reason, who made it and when.
type tagSetDoc struct {
	Name            string          `json:"name"`
	Seed            string          `json:"seed"`
	IncludeCaptions bool            `json:"include_captions"`
	CreatedAt       time.Time       `json:"created_at"`
	UpdatedAt       time.Time       `json:"updated_at"`
	Variants        []tagSetVariant `json:"variants"`
}

type tagSetVariant struct {
	Tag       string    `json:"tag"`
	Status    string    `json:"status"`
	Score     float64   `json:"score"`
	Videos    int64     `json:"videos"` // videos carrying it now
	Reason    string    `json:"reason"`
	DecidedBy string    `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

// writeTagSet writes a saved tag set as JSON or CSV (tagset show --format).
func writeTagSet(cmd *cobra.Command, ws *datasets.Workspace, s *analysis.SavedTagSet, format string) error {
	l, err := terms.Build(cmd.Context(), ws, s.Name, terms.SpellNormalised)
	if err != nil {
		return err
	}
	doc := tagSetDoc{Name: s.Name, Seed: s.Seed, IncludeCaptions: s.IncludeCaptions, CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC(), Variants: []tagSetVariant{}}
	for _, es := range [][]terms.Entry{l.Accepted, l.Rejected} {
		for _, e := range es {
			doc.Variants = append(doc.Variants, tagSetVariant{Tag: e.Term, Status: e.Status, Score: e.Score, Videos: e.Videos,
				Reason: e.Reason, DecidedBy: e.DecidedBy, DecidedAt: e.DecidedAt})
		}
	}
	w := cmd.OutOrStdout()
	if format == "json" {
		return writeJSON(w, doc)
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"tag_set", "seed", "tag", "status", "score", "videos", "reason", "decided_by", "decided_at"})
	for _, v := range doc.Variants {
		cw.Write([]string{doc.Name, doc.Seed, v.Tag, v.Status, strconv.FormatFloat(v.Score, 'f', 3, 64), strconv.FormatInt(v.Videos, 10),
			v.Reason, v.DecidedBy, v.DecidedAt.Format(time.RFC3339)})
	}
	cw.Flush()
	return cw.Error()
}
