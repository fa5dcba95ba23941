package analysis

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/engine"
)

// A watch re-evaluates a saved tag set whenever data arrives: each run
// compares the videos of the imports it has not seen with those before
// them, and looks for new spellings and new related tags. What fires is
// kept in the alerts table with its import, rule and numbers.
//
// Rules and their false-alarm control:
//
//   - volume: the tag set's share of the new videos is above its share of
//     the earlier videos. One-sided test (Fisher or z by expected counts).
//   - rate: per policy, the tag set's violation rate among the new videos
//     is above its rate among the earlier ones (its own history).
//   - rate-vs-baseline: per policy, the tag set's risk ratio against the
//     other videos rose: among the new videos against among the earlier
//     ones (one-sided Wald test of the log ratio of the two risk ratios).
//   - new-related: a tag significantly related to the tag set (as
//     investigate finds them: Benjamini-Hochberg q < 0.05, lift > 1) in
//     its top list that was not at the last run, and whose share of the
//     new tag-set videos is above its share of the other new videos
//     (one-sided test on the new videos only: the whole-data test alone
//     fires whenever a tag that chance put near its threshold crosses it).
//     These four fire only when p < alpha / m, m the number of such tests
//     in the run (Bonferroni: at most alpha chance per run that any fires
//     when nothing changed), and the rise is at least MinRatio times.
//   - new-spelling: a tag that scores as a variant of the seed (at least
//     DefaultMinScore), is neither accepted nor rejected in the tag set, is
//     on at least MinVideos videos, and has not fired before.

// Watch rules.
const (
	RuleVolume         = "volume"
	RuleRate           = "rate"
	RuleRateVsBaseline = "rate-vs-baseline"
	RuleNewSpelling    = "new-spelling"
	RuleNewRelated     = "new-related"
)

// DefaultWatchRules are the rules of a watch that names none.
var DefaultWatchRules = []string{RuleVolume, RuleRate, RuleNewSpelling, RuleNewRelated}

// ErrNoWatch means no watch of that name is saved.
var ErrNoWatch = errors.New("no such watch")

// WatchDefinition is what a watch checks and its thresholds.
type WatchDefinition struct {
	Policies []string `json:"policies,omitempty"` // empty: every policy found
	Rules    []string `json:"rules"`
	// Alpha is the chance per run that a test rule fires when nothing
	// changed. Default 0.01.
	Alpha float64 `json:"alpha"`
	// MinRatio is the smallest rise a test rule reports. Default 1.5.
	MinRatio float64 `json:"min_ratio"`
	// MinVideos is the fewest videos a new spelling needs. Default 3.
	MinVideos int64 `json:"min_videos"`
	// Top is the related-tags list watched. Default 20.
	Top int `json:"top"`
}

// WatchState is what the next run compares with.
type WatchState struct {
	Related   []string `json:"related"`   // tags significantly related so far
	Spellings []string `json:"spellings"` // new spellings already reported
}

// Watch is a saved watch.
type Watch struct {
	Name         string          `json:"name"`
	TagSet       string          `json:"tag_set"`
	Definition   WatchDefinition `json:"definition"`
	State        WatchState      `json:"state"`
	LastImportID int64           `json:"last_import_id"`
	CreatedAt    time.Time       `json:"created_at"`
	CreatedBy    string          `json:"created_by"`
}

// Alert is one rule that fired.
type Alert struct {
	ID       int64              `json:"id"`
	Watch    string             `json:"watch"`
	ImportID int64              `json:"import_id"`
	Rule     string             `json:"rule"`
	Subject  string             `json:"subject"` // policy, spelling or tag
	Message  string             `json:"message"`
	Numbers  map[string]float64 `json:"numbers"`
	FiredAt  time.Time          `json:"fired_at"`
}

// WatchRun is the result of evaluating one watch.
type WatchRun struct {
	Watch string `json:"watch"`
	// Imports are the imports evaluated (none: nothing new to see).
	Imports   []int64 `json:"imports"`
	NewVideos int64   `json:"new_videos"`
	Alerts    []Alert `json:"alerts"`
	// Checks say what each rule tested and its false-alarm control.
	Checks []string `json:"checks"`
}

func (d WatchDefinition) withDefaults() (WatchDefinition, error) {
	if len(d.Rules) == 0 {
		d.Rules = slices.Clone(DefaultWatchRules)
	}
	d.Alpha = cmp.Or(d.Alpha, 0.01)
	d.MinRatio = cmp.Or(d.MinRatio, 1.5)
	d.MinVideos = cmp.Or(d.MinVideos, 3)
	d.Top = cmp.Or(d.Top, defaultRelatedLimit)
	all := []string{RuleVolume, RuleRate, RuleRateVsBaseline, RuleNewSpelling, RuleNewRelated}
	for _, r := range d.Rules {
		if !slices.Contains(all, r) {
			return d, fmt.Errorf("rule %q: use %s", r, strings.Join(all, ", "))
		}
	}
	switch {
	case d.Alpha <= 0 || d.Alpha >= 1:
		return d, fmt.Errorf("alpha %v: use a level between 0 and 1, e.g. 0.01", d.Alpha)
	case d.MinRatio < 1:
		return d, fmt.Errorf("min ratio %v: use 1 or more, e.g. 1.5", d.MinRatio)
	case d.MinVideos < 1 || d.Top < 1:
		return d, errors.New("min videos and top must be at least 1")
	}
	return d, nil
}

// AddWatch saves a watch on a saved tag set. It starts from the data as it
// is: the next run sees only imports made after this one, and tags already
// related now do not fire.
func AddWatch(ctx context.Context, ws *datasets.Workspace, name, tagSet string, def WatchDefinition, createdBy string) (*Watch, error) {
	if err := validTagSetName(name); err != nil {
		return nil, fmt.Errorf("watch name: %w", err)
	}
	def, err := def.withDefaults()
	if err != nil {
		return nil, err
	}
	if _, err := LoadTagSet(ctx, ws, tagSet); err != nil {
		return nil, err
	}
	w := &Watch{Name: name, TagSet: tagSet, Definition: def, CreatedAt: time.Now().UTC(), CreatedBy: createdBy,
		State: WatchState{Related: []string{}, Spellings: []string{}}}
	db := ws.Params(ws.DB)
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(import_id), 0) FROM imports`).Scan(&w.LastImportID); err != nil {
		return nil, err
	}
	if slices.Contains(def.Rules, RuleNewRelated) && w.LastImportID > 0 {
		eng, err := engine.Connect(ctx, ws)
		if err != nil {
			return nil, err
		}
		defer eng.Close()
		rel, err := significantRelated(ctx, eng, w)
		if err != nil {
			return nil, err
		}
		for _, t := range rel {
			w.State.Related = append(w.State.Related, t.Tag)
		}
	}
	def2, _ := json.Marshal(w.Definition)
	state, _ := json.Marshal(w.State)
	// One row, never a replaced one: on a shared server another
	// investigator's watch of the same name stays as it is.
	res, err := db.ExecContext(ctx, `
INSERT INTO watches (name, tag_set, definition, state, last_import_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (name) DO NOTHING`,
		name, tagSet, string(def2), string(state), w.LastImportID, w.CreatedAt, createdBy)
	if err != nil {
		return nil, fmt.Errorf("saving watch %q: %w", name, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return nil, fmt.Errorf("a watch named %q exists: remove it first (`trendlab watch rm %s`) or choose another name", name, name)
	}
	return w, nil
}

// ListWatches lists the saved watches by name.
func ListWatches(ctx context.Context, ws *datasets.Workspace) ([]Watch, error) {
	rows, err := ws.DB.QueryContext(ctx, `
SELECT name, tag_set, definition::VARCHAR, state::VARCHAR, last_import_id, created_at, created_by FROM watches`)
	if err != nil {
		return nil, fmt.Errorf("listing watches: %w", err)
	}
	defer rows.Close()
	out := []Watch{}
	for rows.Next() {
		var w Watch
		var def, state string
		if err := rows.Scan(&w.Name, &w.TagSet, &def, &state, &w.LastImportID, &w.CreatedAt, &w.CreatedBy); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(def), &w.Definition); err != nil {
			return nil, fmt.Errorf("watch %q: its definition is damaged: %w", w.Name, err)
		}
		if err := json.Unmarshal([]byte(state), &w.State); err != nil {
			return nil, fmt.Errorf("watch %q: its state is damaged: %w", w.Name, err)
		}
		w.CreatedAt = w.CreatedAt.UTC()
		out = append(out, w)
	}
	// By name in Go: a server's collation may order names otherwise.
	slices.SortFunc(out, func(a, b Watch) int { return strings.Compare(a.Name, b.Name) })
	return out, rows.Err()
}

// RemoveWatch deletes a watch; its alerts stay.
func RemoveWatch(ctx context.Context, ws *datasets.Workspace, name string) error {
	res, err := ws.Params(ws.DB).ExecContext(ctx, `DELETE FROM watches WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("removing watch %q: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w %q: list them with `trendlab watch list`", ErrNoWatch, name)
	}
	return nil
}

// ListAlerts lists the alerts kept, newest first; watch "" for every watch.
func ListAlerts(ctx context.Context, ws *datasets.Workspace, watch string, limit int) ([]Alert, error) {
	rows, err := ws.Params(ws.DB).QueryContext(ctx, `
SELECT alert_id, watch, import_id, rule, subject, message, numbers::VARCHAR, fired_at FROM alerts
WHERE watch = ? OR ? = '' ORDER BY alert_id DESC LIMIT ?`, watch, watch, cmp.Or(limit, math.MaxInt32))
	if err != nil {
		return nil, fmt.Errorf("listing alerts: %w", err)
	}
	defer rows.Close()
	out := []Alert{}
	for rows.Next() {
		var a Alert
		var nums string
		if err := rows.Scan(&a.ID, &a.Watch, &a.ImportID, &a.Rule, &a.Subject, &a.Message, &nums, &a.FiredAt); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(nums), &a.Numbers)
		a.FiredAt = a.FiredAt.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// RunWatches evaluates every watch (or the one named) on the imports it
// has not seen, keeps what fired, and moves each watch past them.
func RunWatches(ctx context.Context, ws *datasets.Workspace, name string) ([]WatchRun, error) {
	ws2, err := ListWatches(ctx, ws)
	if err != nil {
		return nil, err
	}
	runs := []WatchRun{}
	found := false
	for _, w := range ws2 {
		if name != "" && w.Name != name {
			continue
		}
		found = true
		run, err := runWatch(ctx, ws, w)
		if err != nil {
			return nil, fmt.Errorf("watch %q: %w", w.Name, err)
		}
		runs = append(runs, run)
	}
	if name != "" && !found {
		return nil, fmt.Errorf("%w %q: list them with `trendlab watch list`", ErrNoWatch, name)
	}
	return runs, nil
}

// watchCounts are one group's videos and violations per policy.
type watchCounts struct {
	videos    int64
	violating map[string]int64
}

func runWatch(ctx context.Context, ws *datasets.Workspace, w Watch) (WatchRun, error) {
	run := WatchRun{Watch: w.Name, Imports: []int64{}, Alerts: []Alert{}, Checks: []string{}}
	rows, err := ws.Params(ws.DB).QueryContext(ctx, `SELECT import_id FROM imports WHERE import_id > ? ORDER BY import_id`, w.LastImportID)
	if err != nil {
		return run, err
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		run.Imports = append(run.Imports, id)
	}
	rows.Close()
	if len(run.Imports) == 0 {
		run.Checks = append(run.Checks, "no import since the last run: nothing to evaluate")
		return run, nil
	}
	last := slices.Max(run.Imports)
	set, err := LoadTagSet(ctx, ws, w.TagSet)
	if err != nil {
		return run, err
	}
	def := w.Definition
	fire := func(rule, subject, msg string, nums map[string]float64) {
		run.Alerts = append(run.Alerts, Alert{Watch: w.Name, ImportID: last, Rule: rule, Subject: subject, Message: msg, Numbers: nums})
	}
	has := func(r string) bool { return slices.Contains(def.Rules, r) }

	// One session: the related tags leave the tag set's videos of every
	// day as its cohort, which the counts below then read instead of
	// scanning the tag lists again (engine: cohortIsWholeSet).
	eng, err := engine.Connect(ctx, ws)
	if err != nil {
		return run, err
	}
	defer eng.Close()
	var fresh []freshRelated
	if has(RuleNewRelated) {
		done := timeStep("watch: new related tags")
		if fresh, err = newRelatedTests(ctx, eng, &w); err != nil {
			return run, err
		}
		done()
	}

	// Counts of the tag set and the other videos, new and earlier.
	var g [2][2]watchCounts // [new][in set]
	if has(RuleVolume) || has(RuleRate) || has(RuleRateVsBaseline) {
		done := timeStep("watch: counting the new and earlier videos")
		if g, err = watchGroups(ctx, eng, w, def.Policies); err != nil {
			return run, err
		}
		done()
		run.NewVideos = g[1][0].videos + g[1][1].videos
	}
	policies := def.Policies
	if len(policies) == 0 {
		for p := range g[0][1].violating {
			policies = append(policies, p)
		}
		for p := range g[1][1].violating {
			if !slices.Contains(policies, p) {
				policies = append(policies, p)
			}
		}
		slices.Sort(policies)
	}
	type test struct {
		rule, subject  string
		x1, n1, x2, n2 int64
		what           string
		// base holds the baselines' counts (new, earlier) of a
		// rate-vs-baseline test: x1/n1 and x2/n2 are then the tag set's.
		base *[4]int64
		// names of x1, n1, x2, n2 in the alert's numbers (default: new
		// against before), and more numbers to keep.
		names *[4]string
		extra map[string]float64
	}
	var tests []test
	if run.NewVideos > 0 {
		nw, old := g[1], g[0]
		if has(RuleVolume) {
			tests = append(tests, test{RuleVolume, "volume", nw[1].videos, nw[0].videos + nw[1].videos, old[1].videos, old[0].videos + old[1].videos,
				"share of the new videos in the tag set against its share of the earlier videos", nil, nil, nil})
		}
		for _, p := range policies {
			if has(RuleRate) {
				tests = append(tests, test{RuleRate, p, nw[1].violating[p], nw[1].videos, old[1].violating[p], old[1].videos,
					"the tag set's " + p + " rate among the new videos against among the earlier ones", nil, nil, nil})
			}
			if has(RuleRateVsBaseline) {
				tests = append(tests, test{RuleRateVsBaseline, p, nw[1].violating[p], nw[1].videos, old[1].violating[p], old[1].videos,
					"the tag set's " + p + " risk ratio against the other videos, new videos against earlier ones",
					&[4]int64{nw[0].violating[p], nw[0].videos, old[0].violating[p], old[0].videos}, nil, nil})
			}
		}
	} else if has(RuleVolume) || has(RuleRate) || has(RuleRateVsBaseline) {
		run.Checks = append(run.Checks, "the new imports hold no videos: the volume and rate rules need new videos")
	}
	if has(RuleNewRelated) {
		for _, f := range fresh {
			tests = append(tests, test{rule: RuleNewRelated, subject: f.tag.Tag, x1: f.x1, n1: f.n1, x2: f.x2, n2: f.n2,
				what: fmt.Sprintf("#%s, now significantly related to tag set %s (in its top %d: q %.2g, lift %.2f) and not at the last run; "+
					"its share of the new tag-set videos against its share of the other new videos", f.tag.Tag, w.TagSet, def.Top, f.tag.QValue, float64(f.tag.Lift)),
				names: &[4]string{"x_set_new", "n_set_new", "x_other_new", "n_other_new"},
				extra: map[string]float64{"q_value": f.tag.QValue, "lift": finite(float64(f.tag.Lift)), "together": float64(f.tag.Together)}})
		}
		run.Checks = append(run.Checks, fmt.Sprintf("new related tags: significant in the top %d (Benjamini-Hochberg q < %.2g across the tags tested, lift > 1), "+
			"not before, and more common among the new tag-set videos than among the other new videos (a rise test below); %d such tags this run",
			def.Top, defaultAlpha, len(fresh)))
	}
	level := def.Alpha / float64(max(1, len(tests)))
	for _, t := range tests {
		if t.n1 == 0 || t.n2 == 0 {
			continue
		}
		p1, p2 := float64(t.x1)/float64(t.n1), float64(t.x2)/float64(t.n2)
		names := [4]string{"x_new", "n_new", "x_before", "n_before"}
		if t.names != nil {
			names = *t.names
		}
		nums := map[string]float64{names[0]: float64(t.x1), names[1]: float64(t.n1), names[2]: float64(t.x2), names[3]: float64(t.n2), "level": level}
		for k, v := range t.extra {
			nums[k] = v
		}
		var ratio, pv float64
		var msg string
		if t.base != nil {
			b := t.base
			if b[1] == 0 || b[3] == 0 {
				continue
			}
			var rrNew, rrOld float64
			ratio, pv, rrNew, rrOld = riskRatioRise(t.x1, t.n1, b[0], b[1], t.x2, t.n2, b[2], b[3])
			nums["baseline_x_new"], nums["baseline_n_new"], nums["baseline_x_before"], nums["baseline_n_before"] =
				float64(b[0]), float64(b[1]), float64(b[2]), float64(b[3])
			nums["risk_ratio_new"], nums["risk_ratio_before"] = rrNew, rrOld
			msg = fmt.Sprintf("%s: %.2f (%d of %d against %d of %d) from %.2f (%d of %d against %d of %d), %.2fx, one-sided p = %.2g < %.2g",
				t.what, rrNew, t.x1, t.n1, b[0], b[1], rrOld, t.x2, t.n2, b[2], b[3], ratio, pv, level)
		} else {
			pv = stats.CompareProportions(t.x1, t.n1, t.x2, t.n2, stats.Greater).PValue
			ratio = math.Inf(1)
			if p2 > 0 {
				ratio = p1 / p2
			}
			msg = fmt.Sprintf("%s: %d of %d (%.3g%%) against %d of %d (%.3g%%), %.2fx, one-sided p = %.2g < %.2g",
				t.what, t.x1, t.n1, 100*p1, t.x2, t.n2, 100*p2, ratio, pv, level)
		}
		nums["ratio"], nums["p_value"] = finite(ratio), pv
		if pv < level && ratio >= def.MinRatio {
			fire(t.rule, t.subject, msg, nums)
			if t.rule == RuleNewRelated {
				w.State.Related = append(w.State.Related, t.subject)
			}
		}
	}
	if len(tests) > 0 {
		run.Checks = append(run.Checks, fmt.Sprintf("%d rise tests (%s), one-sided; fire at p < %.3g (alpha %.3g / %d, Bonferroni) and a rise of at least %.2gx",
			len(tests), strings.Join(ruleNames(tests, func(t test) string { return t.rule }), ", "), level, def.Alpha, len(tests), def.MinRatio))
	}
	if has(RuleNewSpelling) {
		done := timeStep("watch: new spellings")
		cands, err := DiscoverVariants(ctx, ws, set.Seed, DefaultMinScore)
		if err != nil {
			return run, err
		}
		done()
		decided := map[string]bool{set.Seed: true}
		for _, v := range set.Variants {
			decided[v.Tag] = true
		}
		for _, c := range cands {
			if c.Status != VariantAccepted || decided[c.Tag] || c.Videos < def.MinVideos || slices.Contains(w.State.Spellings, c.Tag) {
				continue
			}
			fire(RuleNewSpelling, c.Tag, fmt.Sprintf("%q scores %.2f as a variant of #%s (%s), is on %d videos, and tag set %s has not decided it: `trendlab tagset accept %s %s` or `reject`",
				c.Tag, c.Score, set.Seed, strings.Join(c.Reasons, "; "), c.Videos, w.TagSet, w.TagSet, c.Tag),
				map[string]float64{"score": c.Score, "videos": float64(c.Videos)})
			w.State.Spellings = append(w.State.Spellings, c.Tag)
		}
		run.Checks = append(run.Checks, fmt.Sprintf("new spellings: variants scoring at least %.2g, undecided in tag set %s, on at least %d videos, each reported once",
			DefaultMinScore, w.TagSet, def.MinVideos))
	}
	if beforeSaveRun != nil {
		beforeSaveRun()
	}
	defer timeStep("watch: keeping the run and its alerts")()
	return run, saveRun(ctx, ws, &w, &run, last)
}

// beforeSaveRun, when set (by tests), is called as a run is about to keep
// what it found.
var beforeSaveRun func()

// riskRatioRise compares the risk ratio a/n : c/m (new) with e/o : g/q
// (earlier): their ratio and the one-sided p-value of a rise, by a Wald
// test of the difference of the log risk ratios (Katz's variance, 0.5
// added to every count of a table with an empty cell).
func riskRatioRise(a, n, c, m, e, o, g, q int64) (ratio, p, rrNew, rrOld float64) {
	logRR := func(x1, n1, x2, n2 int64) (float64, float64) {
		fx1, fn1, fx2, fn2 := float64(x1), float64(n1), float64(x2), float64(n2)
		if x1 == 0 || x2 == 0 || x1 == n1 || x2 == n2 {
			fx1, fn1, fx2, fn2 = fx1+0.5, fn1+1, fx2+0.5, fn2+1
		}
		return math.Log((fx1 / fn1) / (fx2 / fn2)), 1/fx1 - 1/fn1 + 1/fx2 - 1/fn2
	}
	l1, v1 := logRR(a, n, c, m)
	l2, v2 := logRR(e, o, g, q)
	z := (l1 - l2) / math.Sqrt(v1+v2)
	return math.Exp(l1 - l2), 0.5 * math.Erfc(z/math.Sqrt2), math.Exp(l1), math.Exp(l2)
}

func ruleNames[T any](ts []T, f func(T) string) []string {
	var out []string
	for _, t := range ts {
		if n := f(t); !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func finite(x float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return -1
	}
	return x
}

// watchGroups counts videos and violating videos per policy, new (created
// by an import after the watch's last) or earlier, in the tag set or not.
func watchGroups(ctx context.Context, eng engine.Session, w Watch, policies []string) ([2][2]watchCounts, error) {
	var g [2][2]watchCounts
	for i := range g {
		for j := range g[i] {
			g[i][j].violating = map[string]int64{}
		}
	}
	counts, err := engine.Watches(eng).WatchCounts(ctx, w.TagSet, w.LastImportID, policies)
	if err != nil {
		return g, err
	}
	for _, c := range counts {
		gc := &g[b2i(c.New)][b2i(c.InSet)]
		if c.Policy != "" {
			gc.violating[c.Policy] = c.N
		} else {
			gc.videos = c.N
		}
	}
	return g, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// significantRelated lists the tags significantly related to the watch's
// tag set in its top list, as Investigate finds them (RelatedTags).
func significantRelated(ctx context.Context, eng engine.Session, w *Watch) ([]RelatedTag, error) {
	rel, err := relatedTagsOn(ctx, eng, Request{TagSet: w.TagSet, RelatedLimit: w.Definition.Top, Policies: w.Definition.Policies})
	if err != nil {
		return nil, err
	}
	out := []RelatedTag{}
	for _, t := range rel.Related.Tags {
		if t.Significant {
			out = append(out, t)
		}
	}
	return out, nil
}

// freshRelated is a tag newly significant among the related tags, with
// how many of the new videos carry it: x1 of the n1 new tag-set videos, x2
// of the n2 other new videos.
type freshRelated struct {
	tag            RelatedTag
	x1, n1, x2, n2 int64
}

// newRelatedTests finds the tags significantly related to the watch's tag
// set now that were not at the last run, and counts them among the new
// videos. Significance over the whole workspace alone would let a tag that
// chance put near the threshold cross it with any import (the test is
// repeated on data that mostly overlaps); the new videos are data the
// earlier runs did not see, so the rise test on them is the rule's
// false-alarm control.
func newRelatedTests(ctx context.Context, eng engine.Session, w *Watch) ([]freshRelated, error) {
	now, err := significantRelated(ctx, eng, w)
	if err != nil {
		return nil, err
	}
	var fresh []freshRelated
	var tags []string
	for _, t := range now {
		if !slices.Contains(w.State.Related, t.Tag) {
			fresh = append(fresh, freshRelated{tag: t})
			tags = append(tags, t.Tag)
		}
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	counts, err := engine.Watches(eng).NewTagCounts(ctx, w.TagSet, w.LastImportID, tags)
	if err != nil {
		return nil, fmt.Errorf("counting new related tags among the new videos: %w", err)
	}
	var videos [2]int64
	with := map[string]*[2]int64{}
	for _, c := range counts {
		if c.Tag == "" {
			videos[b2i(c.InSet)] = c.N
			continue
		}
		if with[c.Tag] == nil {
			with[c.Tag] = &[2]int64{}
		}
		with[c.Tag][b2i(c.InSet)] = c.N
	}
	for i := range fresh {
		f := &fresh[i]
		f.n1, f.n2 = videos[1], videos[0]
		if c := with[f.tag.Tag]; c != nil {
			f.x1, f.x2 = c[1], c[0]
		}
	}
	return fresh, nil
}

// saveRun keeps the alerts and moves the watch past the imports evaluated.
// The watch's row moves only if no other process moved it since this run
// read it (several investigators share a server): then that run evaluated
// the same imports and kept its alerts, and this one keeps none.
func saveRun(ctx context.Context, ws *datasets.Workspace, w *Watch, run *WatchRun, last int64) error {
	dbTx, err := ws.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer dbTx.Rollback()
	tx := ws.Params(dbTx)
	state, _ := json.Marshal(w.State)
	res, err := tx.ExecContext(ctx, `UPDATE watches SET state = ?, last_import_id = ? WHERE name = ? AND last_import_id = ?`,
		string(state), last, w.Name, w.LastImportID)
	if err != nil {
		return fmt.Errorf("updating watch %q: %w", w.Name, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		run.Alerts = []Alert{}
		run.Checks = append(run.Checks, "another trendlab process ran this watch on the same imports meanwhile and kept what fired (`trendlab watch alerts`)")
		return nil
	}
	now := time.Now().UTC()
	for i := range run.Alerts {
		a := &run.Alerts[i]
		a.FiredAt = now
		nums, _ := json.Marshal(a.Numbers)
		if err := tx.QueryRowContext(ctx, `
INSERT INTO alerts (alert_id, watch, import_id, rule, subject, message, numbers, fired_at)
VALUES (nextval('alert_id_seq'), ?, ?, ?, ?, ?, ?, ?) RETURNING alert_id`,
			a.Watch, a.ImportID, a.Rule, a.Subject, a.Message, string(nums), a.FiredAt).Scan(&a.ID); err != nil {
			return fmt.Errorf("keeping an alert: %w", err)
		}
	}
	return dbTx.Commit()
}
