package review

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
)

// createTestSample saves a sample on the fixture workspace.
func sampleCreate(t *testing.T, ws *datasets.Workspace, name string, def SampleDefinition) (*Sample, []SampleMember) {
	t.Helper()
	s, err := CreateSample(t.Context(), ws, name, "tester", def)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := SampleMembers(t.Context(), ws, s.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return s, ms
}

func sampleMustLabel(t *testing.T, ws *datasets.Workspace, sampleID int64, videoID, reviewer, label string) LabelRecord {
	t.Helper()
	r, err := Label(t.Context(), ws, sampleID, videoID, reviewer, label, "", "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLabelAuditTrail(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	s, ms := sampleCreate(t, ws, "audit", SampleDefinition{Size: 10, Seed: 1})
	v1, v3 := ms[0].VideoID, ms[2].VideoID

	if _, err := Label(ctx, ws, s.ID, v1, "ana", LabelViolating, "looks like grooming", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := Label(ctx, ws, s.ID, v1, "ana", LabelNotViolating, "", "misread the caption"); err != nil {
		t.Fatal(err)
	}
	// Labels given faster than the clock ticks still keep their order.
	for _, l := range []string{LabelUnsure, LabelEscalate, LabelViolating} {
		sampleMustLabel(t, ws, s.ID, v3, "ana", l)
	}
	sampleMustLabel(t, ws, s.ID, v3, "bob", LabelNotViolating)

	hist, err := LabelHistory(ctx, ws, s.ID, v1)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].Label != LabelViolating || hist[0].Note != "looks like grooming" ||
		hist[1].Label != LabelNotViolating || hist[1].Reason != "misread the caption" || !hist[1].LabelledAt.After(hist[0].LabelledAt) {
		t.Errorf("history of %s: %+v", v1, hist)
	}
	hist3, err := LabelHistory(ctx, ws, s.ID, v3)
	if err != nil {
		t.Fatal(err)
	}
	var anaLabels []string
	for _, h := range hist3 {
		if h.Reviewer == "ana" {
			anaLabels = append(anaLabels, h.Label)
		}
	}
	if want := []string{LabelUnsure, LabelEscalate, LabelViolating}; !reflect.DeepEqual(anaLabels, want) || len(hist3) != 4 {
		t.Errorf("history of %s: %+v, want ana's %v and bob's one", v3, hist3, want)
	}
	cur, err := CurrentLabels(ctx, ws, s.ID, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if len(cur) != 2 || cur[v1].Label != LabelNotViolating || cur[v3].Label != LabelViolating {
		t.Errorf("ana's current labels: %+v", cur)
	}

	// Resume and progress.
	next, ok, err := NextUnlabelled(ctx, ws, s.ID, "ana")
	if err != nil || !ok || next != 2 {
		t.Errorf("ana resumes at %d, %v, %v; want 2", next, ok, err)
	}
	next, ok, err = NextUnlabelled(ctx, ws, s.ID, "carol")
	if err != nil || !ok || next != 1 {
		t.Errorf("carol starts at %d, %v, %v; want 1", next, ok, err)
	}
	p, err := SampleProgress(ctx, ws, s.ID, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if p.Size != 10 || p.Labelled != 2 || p.Fraction() != 0.2 || !reflect.DeepEqual(p.Reviewers, map[string]int64{"ana": 2, "bob": 1}) {
		t.Errorf("ana's progress %+v", p)
	}
	for _, m := range ms {
		sampleMustLabel(t, ws, s.ID, m.VideoID, "bob", LabelUnsure)
	}
	if _, ok, err := NextUnlabelled(ctx, ws, s.ID, "bob"); ok || err != nil {
		t.Errorf("bob labelled everything, yet NextUnlabelled says ok=%v (%v)", ok, err)
	}
	p, err = SampleProgress(ctx, ws, s.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Labelled != 10 {
		t.Errorf("progress by anyone: %+v", p)
	}

	// Mistakes are refused and leave no row.
	bad := []struct {
		name, video, reviewer, label, want string
	}{
		{"label not in the set", v1, "ana", "spam", "not in the label set"},
		{"not a member", "v999", "ana", LabelViolating, "not a member"},
		{"no reviewer", v1, " ", LabelViolating, "no name for who"},
	}
	for _, b := range bad {
		if _, err := Label(ctx, ws, s.ID, b.video, b.reviewer, b.label, "", ""); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error %v, want %q", b.name, err, b.want)
		}
	}
	if _, err := Label(ctx, ws, 999, v1, "ana", LabelViolating, "", ""); err == nil {
		t.Error("label on a missing sample accepted")
	}
	var rows int
	if err := ws.DB.QueryRowContext(ctx, `SELECT count(*) FROM labels`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 6+10 {
		t.Errorf("labels has %d rows, want 16", rows)
	}
}

// TestLabelSurvivesReopen checks that a label is on disk when Label returns.
func TestLabelSurvivesReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "ws.duckdb")
	ws, err := datasets.Open(ctx, path, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.DB.ExecContext(ctx, `INSERT INTO videos (video_id, author_id, created_at, import_id, source_line)
		VALUES ('a', 'x', TIMESTAMP '2026-01-01', 1, 2), ('b', 'x', TIMESTAMP '2026-01-02', 1, 3)`); err != nil {
		t.Fatal(err)
	}
	s, err := CreateSample(ctx, ws, "two", "tester", SampleDefinition{Size: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	sampleMustLabel(t, ws, s.ID, "b", "ana", LabelEscalate)
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := datasets.Open(ctx, path, datasets.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	hist, err := LabelHistory(ctx, ro, s.ID, "b")
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Label != LabelEscalate {
		t.Fatalf("after reopening: %+v", hist)
	}
}

func sampleFindShare(t *testing.T, est *SampleEstimates, label string) LabelShare {
	t.Helper()
	for _, s := range est.Shares {
		if s.Label == label {
			return s
		}
	}
	t.Fatalf("no share for %q in %+v", label, est.Shares)
	return LabelShare{}
}

func sampleNear(a, b float64) bool { return math.Abs(a-b) <= sampleTol }

func TestEstimateSimple(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	// 20 members of the 60 videos; the first 10 in review order labelled.
	s, ms := sampleCreate(t, ws, "simple", SampleDefinition{Size: 20, Seed: 1})
	labels := []string{LabelViolating, LabelViolating, LabelViolating, LabelViolating, LabelEscalate,
		LabelNotViolating, LabelNotViolating, LabelNotViolating, LabelNotViolating, LabelUnsure}
	for i, l := range labels {
		sampleMustLabel(t, ws, s.ID, ms[i].VideoID, "ana", l)
	}
	est, err := EstimateSample(ctx, ws, s.ID, "ana", 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if est.Size != 20 || est.Labelled != 10 || est.FrameSize != 60 || est.Strata != 1 || est.StrataCovered != 1 || est.CoveredFrame != 60 {
		t.Errorf("counts %+v", est)
	}
	// Hand-computed (Python 3): x = 4 of n = 10 from N = 60, z = 1.959963984540054,
	// f = (N-n)/(N-1); SE = sqrt(p(1-p)/n f); Wilson with z^2 f:
	// center (x + z²f/2)/(n + z²f), half-width z sqrt(f) sqrt(x(n-x)/n + z²f/4)/(n + z²f).
	v := sampleFindShare(t, est, LabelViolating)
	if v.Count != 4 || v.Labelled != 10 || !sampleNear(v.Estimate.P, 0.4) || !sampleNear(v.Estimate.SE, 0.1426148065624585) ||
		!sampleNear(v.Estimate.CI.Lo, 0.1805392075807896) || !sampleNear(v.Estimate.CI.Hi, 0.6685797251828445) {
		t.Errorf("violating share %+v", v)
	}
	// escalate counts as violating: 5 of 10.
	if a := est.Violating; a.Count != 5 || !sampleNear(a.Estimate.P, 0.5) || !sampleNear(a.Estimate.SE, 0.1455556274348955) ||
		!sampleNear(a.Estimate.CI.Lo, 0.25221245803200165) || !sampleNear(a.Estimate.CI.Hi, 0.7477875419679983) {
		t.Errorf("violating (any) %+v", a)
	}
	for label, want := range map[string]int64{LabelEscalate: 1, LabelNotViolating: 4, LabelUnsure: 1} {
		if got := sampleFindShare(t, est, label); got.Count != want || !sampleNear(got.Estimate.P, float64(want)/10) {
			t.Errorf("%s: %+v, want %d of 10", label, got, want)
		}
	}
	// Escalation from the moderation events: i%9 == 0 in the fixture, over all 20 members.
	var escalated int64
	for _, m := range ms {
		i, err := strconv.Atoi(strings.TrimPrefix(m.VideoID, "v"))
		if err != nil {
			t.Fatal(err)
		}
		if i%9 == 0 {
			escalated++
		}
	}
	e := est.EscalatedEvents
	if e.Escalated != escalated || e.Sampled != 20 || !sampleNear(e.Share, float64(escalated)/20) || !sampleNear(e.Estimate.P, e.Share) {
		t.Errorf("escalation from events %+v, want %d of 20", e, escalated)
	}
	if want := stats.WilsonFPC(escalated, 20, 60, 0.95); e.Estimate.CI != want {
		t.Errorf("escalation interval %v, want WilsonFPC %v", e.Estimate.CI, want)
	}
	if _, err := json.Marshal(est); err != nil {
		t.Errorf("estimates do not marshal: %v", err)
	}
}

func TestEstimateStratified(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	// By region: US, BR, DE 3 of 18 each, unknown 1 of 6 (see TestSampleStratified).
	s, ms := sampleCreate(t, ws, "regions", SampleDefinition{Strata: StrataRegion, Size: 10, Seed: 5})
	plan := map[string][]string{
		"US":           {LabelViolating, LabelNotViolating, LabelNotViolating},
		"BR":           {LabelEscalate, LabelViolating, LabelNotViolating},
		"DE":           {LabelNotViolating, LabelNotViolating, LabelNotViolating},
		StratumUnknown: {LabelViolating},
	}
	// Before any label: nothing to estimate, and it still marshals.
	est, err := EstimateSample(ctx, ws, s.ID, "", 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(est.Violating.Estimate.P) || est.StrataCovered != 0 {
		t.Errorf("no labels yet: %+v", est.Violating)
	}
	if _, err := json.Marshal(est); err != nil {
		t.Errorf("estimates without labels do not marshal: %v", err)
	}
	used := map[string]int{}
	for _, m := range ms {
		l := plan[m.Stratum][used[m.Stratum]]
		used[m.Stratum]++
		sampleMustLabel(t, ws, s.ID, m.VideoID, "ana", l)
	}
	est, err = EstimateSample(ctx, ws, s.ID, "", 0.95)
	if err != nil {
		t.Fatal(err)
	}
	// Hand-computed: W = (.3, .3, .3, .1) for BR, DE, US, unknown;
	// violating (any) p_h = 2/3, 0, 1/3, 1: P = .2 + 0 + .1 + .1 = 0.4.
	// SE² = Σ W²(1-f)p(1-p)/(n-1), the n = 1 stratum with p(1-p) = 1/4:
	// .09·(5/6)·(2/9)/2 ·2 + .01·(5/6)·.25 = 0.01875, SE = 0.13693063937629152.
	a := est.Violating
	if a.Count != 4 || a.Labelled != 10 || !sampleNear(a.Estimate.P, 0.4) || !sampleNear(a.Estimate.SE, 0.13693063937629152) {
		t.Errorf("violating (any) %+v", a)
	}
	want := stats.StratifiedKornGraubard([]stats.Stratum{{N: 18, N_sampled: 3, X: 2}, {N: 18, N_sampled: 3, X: 0},
		{N: 18, N_sampled: 3, X: 1}, {N: 6, N_sampled: 1, X: 1}}, 0.95)
	if a.Estimate.CI != want.CI || a.Estimate.Method != stats.MethodKornGraubard {
		t.Errorf("interval %v (%s), want %v (%s)", a.Estimate.CI, a.Estimate.Method, want.CI, stats.MethodKornGraubard)
	}
	// Escalate alone: only in BR, 1 of 3: P = .3/3 = 0.1.
	if e := sampleFindShare(t, est, LabelEscalate); e.Count != 1 || !sampleNear(e.Estimate.P, 0.1) {
		t.Errorf("escalate %+v", e)
	}
	// The shares of all labels add up to 1.
	var total float64
	for _, sh := range est.Shares {
		total += sh.Estimate.P
	}
	if !sampleNear(total, 1) {
		t.Errorf("label shares sum to %g", total)
	}
}

// TestEstimateStratifiedZeroVariance is issue 10's report: a sample
// stratified by policy in which every member of one stratum is labelled
// escalate and every other member violating. Each stratum's share is 0 or 1,
// so the variance estimate is 0, but the sample is not a census: the
// interval must have width (before the Korn-Graubard interval it was
// [P, P]), and so must the escalation share by the moderation data.
func TestEstimateStratifiedZeroVariance(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	s, ms := sampleCreate(t, ws, "by-policy", SampleDefinition{
		Frame:  SampleFrame{TagSet: "omegle", Policies: []string{"minor_safety", "bullying_harassment"}, Violating: true},
		Strata: StrataPolicy, Size: 10, Seed: 3})
	if s.Size >= s.FrameSize {
		t.Fatalf("the fixture's sample is a census (%d of %d)", s.Size, s.FrameSize)
	}
	for _, m := range ms {
		l := LabelViolating
		if m.Stratum == "minor_safety" {
			l = LabelEscalate
		}
		sampleMustLabel(t, ws, s.ID, m.VideoID, "ana", l)
	}
	est, err := EstimateSample(ctx, ws, s.ID, "", 0.95)
	if err != nil {
		t.Fatal(err)
	}
	e := sampleFindShare(t, est, LabelEscalate).Estimate
	if e.SE != 0 || !(e.P > 0 && e.P < 1) {
		t.Fatalf("escalate: P = %g, SE = %g; the fixture should give 0 < P < 1 with SE 0", e.P, e.SE)
	}
	if !(e.CI.Lo < e.P && e.P < e.CI.Hi) || e.Method != stats.MethodKornGraubard {
		t.Errorf("escalate: %.3f [%.3f, %.3f] by %q; want an interval around P by the Korn-Graubard method", e.P, e.CI.Lo, e.CI.Hi, e.Method)
	}
	ev := est.EscalatedEvents.Estimate
	if !(ev.CI.Hi > ev.CI.Lo) || ev.Method != stats.MethodKornGraubard {
		t.Errorf("escalated by the moderation data: %v by %q; want an interval with width", ev.CI, ev.Method)
	}
}

func TestEstimateReviewerChoice(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	s, ms := sampleCreate(t, ws, "two-reviewers", SampleDefinition{Size: 4, Seed: 2})
	v := ms[0].VideoID
	sampleMustLabel(t, ws, s.ID, v, "ana", LabelViolating)
	sampleMustLabel(t, ws, s.ID, v, "bob", LabelNotViolating) // later: the latest word
	for reviewer, want := range map[string]string{"ana": LabelViolating, "bob": LabelNotViolating, "": LabelNotViolating} {
		est, err := EstimateSample(ctx, ws, s.ID, reviewer, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		if est.Labelled != 1 || sampleFindShare(t, est, want).Count != 1 {
			t.Errorf("reviewer %q: %+v, want one %s", reviewer, est.Shares, want)
		}
	}
	if _, err := EstimateSample(ctx, ws, s.ID, "", 1.5); err == nil {
		t.Error("confidence 1.5 accepted")
	}
}

func TestSampleAgreement(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	s, ms := sampleCreate(t, ws, "kappa", SampleDefinition{Size: 52, Seed: 3})
	// Wikipedia, "Cohen's kappa", worked example: of 50 items, both yes 20,
	// A yes B no 5, A no B yes 10, both no 15; po = 0.7, pe = 0.5, κ = 0.4.
	// SE by Fleiss, Cohen & Everitt (1969), computed by hand in Python 3:
	// 0.12699606293110033.
	cells := []struct {
		a, b string
		n    int
	}{
		{LabelViolating, LabelViolating, 20}, {LabelViolating, LabelNotViolating, 5},
		{LabelNotViolating, LabelViolating, 10}, {LabelNotViolating, LabelNotViolating, 15},
	}
	i := 0
	for _, c := range cells {
		for range c.n {
			sampleMustLabel(t, ws, s.ID, ms[i].VideoID, "ana", c.a)
			sampleMustLabel(t, ws, s.ID, ms[i].VideoID, "bob", c.b)
			i++
		}
	}
	// Items only one of them labelled do not count.
	sampleMustLabel(t, ws, s.ID, ms[50].VideoID, "ana", LabelViolating)
	sampleMustLabel(t, ws, s.ID, ms[51].VideoID, "bob", LabelViolating)
	ag, err := SampleAgreement(ctx, ws, s.ID, "ana", "bob", 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if ag.Items != 50 || ag.Agreed != 35 || !sampleNear(ag.Observed, 0.7) || !sampleNear(ag.Kappa, 0.4) || !sampleNear(ag.SE, 0.12699606293110033) {
		t.Errorf("agreement %+v", ag)
	}
	z := 1.959963984540054
	if !sampleNear(ag.CI.Lo, 0.4-z*ag.SE) || !sampleNear(ag.CI.Hi, 0.4+z*ag.SE) {
		t.Errorf("interval %v", ag.CI)
	}
	if ag.Table[LabelViolating][LabelNotViolating] != 5 || ag.Table[LabelNotViolating][LabelViolating] != 10 {
		t.Errorf("table %v", ag.Table)
	}
	if _, err := SampleAgreement(ctx, ws, s.ID, "ana", "ana", 0.95); err == nil {
		t.Error("agreement of a reviewer with herself accepted")
	}
	if _, err := SampleAgreement(ctx, ws, s.ID, "ana", "carol", 0.95); err == nil || !strings.Contains(err.Error(), "in common") {
		t.Errorf("no common items: %v", err)
	}
	// Undefined kappa (both always say the same single label) marshals as null.
	s2, ms2 := sampleCreate(t, ws, "same", SampleDefinition{Size: 2, Seed: 3})
	for _, m := range ms2 {
		sampleMustLabel(t, ws, s2.ID, m.VideoID, "ana", LabelUnsure)
		sampleMustLabel(t, ws, s2.ID, m.VideoID, "bob", LabelUnsure)
	}
	ag, err = SampleAgreement(ctx, ws, s2.ID, "ana", "bob", 0.95)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(ag)
	if err != nil || !strings.Contains(string(b), `"kappa":null`) || !strings.Contains(string(b), `"observed":1`) {
		t.Errorf("marshal %s, %v", b, err)
	}
}

func TestExportSampleCSV(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	s, ms := sampleCreate(t, ws, "export", SampleDefinition{Size: 3, Seed: 4})
	sampleMustLabel(t, ws, s.ID, ms[0].VideoID, "ana", LabelViolating)
	if _, err := Label(ctx, ws, s.ID, ms[0].VideoID, "ana", LabelEscalate, "a, \"quoted\"\nnote", "changed"); err != nil {
		t.Fatal(err)
	}
	sampleMustLabel(t, ws, s.ID, ms[0].VideoID, "bob", LabelUnsure)
	var buf bytes.Buffer
	if err := ExportSampleCSV(ctx, ws, s.ID, &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"position", "video_id", "stratum", "weight", "reviewer", "label", "note", "reason"},
		{"1", ms[0].VideoID, StratumAll, "20", "ana", LabelEscalate, "a, \"quoted\"\nnote", "changed"},
		{"1", ms[0].VideoID, StratumAll, "20", "bob", LabelUnsure, "", ""},
		{"2", ms[1].VideoID, StratumAll, "20", "", "", "", ""},
		{"3", ms[2].VideoID, StratumAll, "20", "", "", "", ""},
	}
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d:\n%q", len(recs), len(want), recs)
	}
	for i := range want {
		if got := recs[i][:8]; !reflect.DeepEqual(got, want[i]) {
			t.Errorf("record %d = %q, want %q", i, got, want[i])
		}
	}
	if recs[1][8] == "" || recs[3][8] != "" {
		t.Errorf("labelled_at column: %q, %q", recs[1][8], recs[3][8])
	}
	if recs[0][9] != "earlier_notes" || recs[1][9] != "" {
		t.Errorf("earlier_notes column: %q, %q", recs[0][9], recs[1][9])
	}
}

// TestExportKeepsNotes is issue 10's report: a note given with a label, then
// a re-label without a note, exported an empty note. The note stays in the
// audit trail and in the export's earlier_notes.
func TestExportKeepsNotes(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	s, ms := sampleCreate(t, ws, "notes", SampleDefinition{Size: 2, Seed: 4})
	v := ms[0].VideoID
	first, err := Label(ctx, ws, s.ID, v, "ana", LabelViolating, "asks for age", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Label(ctx, ws, s.ID, v, "ana", LabelEscalate, "", "second look"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ExportSampleCSV(ctx, ws, s.ID, &buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := recs[1]
	want := LabelViolating + " " + first.LabelledAt.Format("2006-01-02T15:04:05.000000Z") + ": asks for age"
	if row[5] != LabelEscalate || row[6] != "" || row[7] != "second look" || row[9] != want {
		t.Errorf("export after a re-label: %q; want label escalate, no note of its own, earlier_notes %q", row, want)
	}
}

func TestParseLabelSet(t *testing.T) {
	tests := []struct {
		in   string
		want []LabelDef
		err  string
	}{
		{"escalate:e!,violating:v!,not_violating:n,unsure:u", DefaultLabelSet(), ""},
		{" spam : s , ham:h ", []LabelDef{{Name: "spam", Key: "s", Title: "spam"}, {Name: "ham", Key: "h", Title: "ham"}}, ""},
		{"a:x", nil, "at least two"},
		{"a:x,b", nil, "expected name:key"},
		{"a:x,b:x", nil, "two labels"},
		{"a:x,a:y", nil, "appears twice"},
		{"A:x,b:y", nil, "lower-case"},
		{"a:xy,b:y", nil, "one character"},
		{"a:?,b:y", nil, "not ? or space"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLabelSet(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestLabelForKey(t *testing.T) {
	set := DefaultLabelSet()
	for key, want := range map[string]string{"e": LabelEscalate, "v": LabelViolating, "n": LabelNotViolating, "u": LabelUnsure} {
		if d, ok := LabelForKey(set, key); !ok || d.Name != want {
			t.Errorf("key %q gives %+v, %v; want %s", key, d, ok, want)
		}
	}
	if d, ok := LabelForKey(set, "x"); ok {
		t.Errorf("key x gives %+v", d)
	}
}

func FuzzParseLabelSet(f *testing.F) {
	f.Add("escalate:e!,violating:v!,not_violating:n,unsure:u")
	f.Add("a:x,b:y")
	f.Add(",:,!")
	f.Fuzz(func(t *testing.T, s string) {
		set, err := ParseLabelSet(s)
		if err != nil {
			return
		}
		if err := ValidateLabelSet(set); err != nil {
			t.Fatalf("ParseLabelSet(%q) returned an invalid set: %v", s, err)
		}
	})
}

// TestSummarize: a report's view of a labelled sample: the estimates,
// each reviewer's label counts in the label set's order, and kappa only
// for the pair of reviewers who share members.
func TestSummarize(t *testing.T) {
	ctx := t.Context()
	ws := openSampleWorkspace(t, nil)
	s, ms := sampleCreate(t, ws, "summary", SampleDefinition{Size: 6, Seed: 2})
	for i, m := range ms[:4] {
		l := LabelViolating
		if i%2 == 1 {
			l = LabelNotViolating
		}
		sampleMustLabel(t, ws, s.ID, m.VideoID, "ana", l)
	}
	sampleMustLabel(t, ws, s.ID, ms[0].VideoID, "bob", LabelViolating)
	sampleMustLabel(t, ws, s.ID, ms[1].VideoID, "bob", LabelViolating)
	sampleMustLabel(t, ws, s.ID, ms[5].VideoID, "cy", LabelUnsure)
	sum, err := Summarize(ctx, ws, "summary", 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Estimates.Labelled != 5 || sum.Estimates.Size != 6 {
		t.Errorf("estimates: %d of %d labelled, want 5 of 6", sum.Estimates.Labelled, sum.Estimates.Size)
	}
	want := []ReviewerLabels{
		{"ana", 4, []LabelCount{{LabelEscalate, 0}, {LabelViolating, 2}, {LabelNotViolating, 2}, {LabelUnsure, 0}}},
		{"bob", 2, []LabelCount{{LabelEscalate, 0}, {LabelViolating, 2}, {LabelNotViolating, 0}, {LabelUnsure, 0}}},
		{"cy", 1, []LabelCount{{LabelEscalate, 0}, {LabelViolating, 0}, {LabelNotViolating, 0}, {LabelUnsure, 1}}},
	}
	if !reflect.DeepEqual(sum.Reviewers, want) {
		t.Errorf("reviewers %+v, want %+v", sum.Reviewers, want)
	}
	if len(sum.Agreements) != 1 || sum.Agreements[0].ReviewerA != "ana" || sum.Agreements[0].ReviewerB != "bob" ||
		sum.Agreements[0].Items != 2 || sum.Agreements[0].Agreed != 1 {
		t.Errorf("agreements %+v, want ana and bob on 2 members, 1 agreed", sum.Agreements)
	}
	if _, err := Summarize(ctx, ws, "nope", 0.95); !errors.Is(err, ErrNoSample) {
		t.Errorf("unknown sample: %v", err)
	}
}
