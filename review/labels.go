package analysis

// Labels: reviewers' labels on sample members, their audit trail, review
// progress, the estimates a labelled sample gives, and agreement between
// two reviewers.
//
// The labels table is append-only: every label given is a new row (who,
// when, optional note and reason), and a reviewer's current label on a
// member is their latest row (the current_labels view). Changing a label
// therefore keeps its history. Each label is one INSERT statement, committed
// at once, so a crash loses at most the label being given.

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
)

// The default label names.
const (
	LabelEscalate     = "escalate"
	LabelViolating    = "violating"
	LabelNotViolating = "not_violating"
	LabelUnsure       = "unsure"
)

// LabelDef is one label a reviewer can give.
type LabelDef struct {
	// Name is what is stored in labels.label: lower-case letters, digits
	// and '_' (e.g. "not_violating").
	Name string `json:"name"`
	// Key is the single key that gives this label in the review screen.
	Key string `json:"key"`
	// Title is the label as shown to people.
	Title string `json:"title"`
	// Violating says the label also counts as "violating" in estimates.
	Violating bool `json:"violating,omitempty"`
}

// DefaultLabelSet is the label set of a sample that does not name one:
//
//	e escalate       violating, and needs escalation to law enforcement
//	v violating      violating
//	n not_violating  not violating
//	u unsure         the reviewer cannot decide
//
// escalate counts as violating: a reviewer escalates only content that
// violates and, beyond that, needs reporting, so the share of violating
// members is (escalate + violating) / labelled. unsure is a label like any
// other: it stays in the denominator, and its share says how much of the
// sample could not be decided.
func DefaultLabelSet() []LabelDef {
	return []LabelDef{
		{Name: LabelEscalate, Key: "e", Title: "escalate", Violating: true},
		{Name: LabelViolating, Key: "v", Title: "violating", Violating: true},
		{Name: LabelNotViolating, Key: "n", Title: "not violating"},
		{Name: LabelUnsure, Key: "u", Title: "unsure"},
	}
}

// ParseLabelSet reads a label set written as comma-separated name:key
// pairs, with a '!' after the key for labels that count as violating, e.g.
// "escalate:e!,violating:v!,not_violating:n,unsure:u".
func ParseLabelSet(s string) ([]LabelDef, error) {
	var out []LabelDef
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		name, key, ok := strings.Cut(item, ":")
		if !ok {
			return nil, fmt.Errorf("label set item %d %q: expected name:key, e.g. violating:v (add ! after the key if it counts as violating)", i+1, item)
		}
		d := LabelDef{Name: strings.TrimSpace(name), Key: strings.TrimSpace(key)}
		if strings.HasSuffix(d.Key, "!") {
			d.Key, d.Violating = strings.TrimSuffix(d.Key, "!"), true
		}
		d.Title = strings.ReplaceAll(d.Name, "_", " ")
		out = append(out, d)
	}
	if err := ValidateLabelSet(out); err != nil {
		return nil, err
	}
	return out, nil
}

// ValidateLabelSet checks names and keys: names non-empty, of lower-case
// letters, digits and '_', unique; keys one character, unique, not '?' or
// a space (kept for help and paging).
func ValidateLabelSet(set []LabelDef) error {
	if len(set) < 2 {
		return fmt.Errorf("a label set needs at least two labels (got %d)", len(set))
	}
	names := map[string]bool{}
	keys := map[string]bool{}
	for _, d := range set {
		if d.Name == "" {
			return errors.New("a label has an empty name")
		}
		for _, r := range d.Name {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
				return fmt.Errorf("label name %q: use lower-case letters, digits and _ only", d.Name)
			}
		}
		if names[d.Name] {
			return fmt.Errorf("label %q appears twice in the label set", d.Name)
		}
		names[d.Name] = true
		if utf8.RuneCountInString(d.Key) != 1 || d.Key == "?" || d.Key == " " {
			return fmt.Errorf("label %q: its key %q must be one character, not ? or space", d.Name, d.Key)
		}
		if keys[d.Key] {
			return fmt.Errorf("key %q is given to two labels: each label needs its own key", d.Key)
		}
		keys[d.Key] = true
	}
	return nil
}

// LabelForKey returns the label a key gives in a label set.
func LabelForKey(set []LabelDef, key string) (LabelDef, bool) {
	for _, d := range set {
		if d.Key == key {
			return d, true
		}
	}
	return LabelDef{}, false
}

func findLabel(set []LabelDef, name string) (LabelDef, bool) {
	for _, d := range set {
		if d.Name == name {
			return d, true
		}
	}
	return LabelDef{}, false
}

func labelNames(set []LabelDef) string {
	var names []string
	for _, d := range set {
		names = append(names, d.Name)
	}
	return strings.Join(names, " / ")
}

// LabelRecord is one row of the audit trail.
type LabelRecord struct {
	SampleID   int64     `json:"sample_id"`
	VideoID    string    `json:"video_id"`
	Reviewer   string    `json:"reviewer"`
	Label      string    `json:"label"`
	Note       string    `json:"note,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	LabelledAt time.Time `json:"labelled_at"`
}

// Label records that reviewer gives label to the member videoID of a
// sample, with an optional note (about the video) and reason (for a change
// of label). It appends to the audit trail in one statement, committed when
// Label returns. The label must be in the sample's label set and the video
// a member of the sample.
//
// labelled_at is the current time, but never earlier than one microsecond
// after the reviewer's previous label on the same member, so that the
// latest row is always the current label even when the clock steps back.
func Label(ctx context.Context, ws *datasets.Workspace, sampleID int64, videoID, reviewer, label, note, reason string) (LabelRecord, error) {
	reviewer = strings.TrimSpace(reviewer)
	if reviewer == "" {
		return LabelRecord{}, errors.New("a label needs a reviewer name: pass --reviewer or set $USER")
	}
	s, err := sampleByID(ctx, ws.DB, sampleID)
	if err != nil {
		return LabelRecord{}, err
	}
	if _, ok := findLabel(s.Definition.Labels, label); !ok {
		return LabelRecord{}, fmt.Errorf("label %q is not in the label set of sample %q (expected: %s)", label, s.Name, labelNames(s.Definition.Labels))
	}
	now := time.Now().UTC()
	var at time.Time
	err = ws.DB.QueryRowContext(ctx, `INSERT INTO labels (sample_id, video_id, reviewer, label, note, reason, labelled_at)
		SELECT ?, ?, ?, ?, nullif(?, ''), nullif(?, ''),
			greatest(?::TIMESTAMP, coalesce((SELECT max(labelled_at) + INTERVAL 1 MICROSECOND FROM labels
				WHERE sample_id = ? AND video_id = ? AND reviewer = ?), ?::TIMESTAMP))
		WHERE EXISTS (SELECT 1 FROM sample_members WHERE sample_id = ? AND video_id = ?)
		RETURNING labelled_at`,
		sampleID, videoID, reviewer, label, note, reason,
		now, sampleID, videoID, reviewer, now,
		sampleID, videoID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return LabelRecord{}, fmt.Errorf("video %q is not a member of sample %q: `trendlab sample export %s` lists the members", videoID, s.Name, s.Name)
	}
	if err != nil {
		return LabelRecord{}, fmt.Errorf("saving the label: %w", err)
	}
	return LabelRecord{SampleID: sampleID, VideoID: videoID, Reviewer: reviewer, Label: label,
		Note: note, Reason: reason, LabelledAt: at.UTC()}, nil
}

// LabelHistory returns every label given to a member of a sample, by any
// reviewer, oldest first.
func LabelHistory(ctx context.Context, ws *datasets.Workspace, sampleID int64, videoID string) ([]LabelRecord, error) {
	rows, err := ws.DB.QueryContext(ctx, `SELECT sample_id, video_id, reviewer, label, coalesce(note, ''), coalesce(reason, ''), labelled_at
		FROM labels WHERE sample_id = ? AND video_id = ? ORDER BY labelled_at, reviewer`, sampleID, videoID)
	if err != nil {
		return nil, fmt.Errorf("reading label history: %w", err)
	}
	defer rows.Close()
	var out []LabelRecord
	for rows.Next() {
		var r LabelRecord
		if err := rows.Scan(&r.SampleID, &r.VideoID, &r.Reviewer, &r.Label, &r.Note, &r.Reason, &r.LabelledAt); err != nil {
			return nil, err
		}
		r.LabelledAt = r.LabelledAt.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}

// CurrentLabels returns a reviewer's current label per member video id.
func CurrentLabels(ctx context.Context, ws *datasets.Workspace, sampleID int64, reviewer string) (map[string]LabelRecord, error) {
	rows, err := ws.DB.QueryContext(ctx, `SELECT sample_id, video_id, reviewer, label, coalesce(note, ''), coalesce(reason, ''), labelled_at
		FROM current_labels WHERE sample_id = ? AND reviewer = ?`, sampleID, reviewer)
	if err != nil {
		return nil, fmt.Errorf("reading current labels: %w", err)
	}
	defer rows.Close()
	out := map[string]LabelRecord{}
	for rows.Next() {
		var r LabelRecord
		if err := rows.Scan(&r.SampleID, &r.VideoID, &r.Reviewer, &r.Label, &r.Note, &r.Reason, &r.LabelledAt); err != nil {
			return nil, err
		}
		r.LabelledAt = r.LabelledAt.UTC()
		out[r.VideoID] = r
	}
	return out, rows.Err()
}

// NextUnlabelled returns the first position (1-based review order) of a
// member the reviewer has not labelled; ok is false when the reviewer has
// labelled every member. A review resumes there.
func NextUnlabelled(ctx context.Context, ws *datasets.Workspace, sampleID int64, reviewer string) (position int64, ok bool, err error) {
	var p sql.NullInt64
	if err := ws.DB.QueryRowContext(ctx, `SELECT min(m.position) FROM sample_members m
		WHERE m.sample_id = ? AND NOT EXISTS (SELECT 1 FROM labels l
			WHERE l.sample_id = m.sample_id AND l.video_id = m.video_id AND l.reviewer = ?)`,
		sampleID, reviewer).Scan(&p); err != nil {
		return 0, false, fmt.Errorf("finding where to resume: %w", err)
	}
	return p.Int64, p.Valid, nil
}

// Progress is how far the review of a sample has come.
type Progress struct {
	Size     int64 `json:"size"`     // members
	Labelled int64 `json:"labelled"` // members with a label (by the reviewer, or by anyone)
	// Reviewers maps each reviewer to the number of members they labelled.
	Reviewers map[string]int64 `json:"reviewers"`
}

// Fraction is Labelled / Size (0 for an empty sample).
func (p Progress) Fraction() float64 {
	if p.Size == 0 {
		return 0
	}
	return float64(p.Labelled) / float64(p.Size)
}

// SampleProgress counts the members labelled by reviewer, or by anyone
// when reviewer is "".
func SampleProgress(ctx context.Context, ws *datasets.Workspace, sampleID int64, reviewer string) (Progress, error) {
	var p Progress
	if err := ws.DB.QueryRowContext(ctx, `SELECT count(*),
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM labels l WHERE l.sample_id = m.sample_id
				AND l.video_id = m.video_id AND (? = '' OR l.reviewer = ?)))
		FROM sample_members m WHERE m.sample_id = ?`, reviewer, reviewer, sampleID).Scan(&p.Size, &p.Labelled); err != nil {
		return p, fmt.Errorf("counting review progress: %w", err)
	}
	rows, err := ws.DB.QueryContext(ctx, `SELECT c.reviewer, count(*) FROM current_labels c
		JOIN sample_members m ON m.sample_id = c.sample_id AND m.video_id = c.video_id
		WHERE c.sample_id = ? GROUP BY c.reviewer ORDER BY c.reviewer`, sampleID)
	if err != nil {
		return p, fmt.Errorf("counting review progress: %w", err)
	}
	defer rows.Close()
	p.Reviewers = map[string]int64{}
	for rows.Next() {
		var r string
		var n int64
		if err := rows.Scan(&r, &n); err != nil {
			return p, err
		}
		p.Reviewers[r] = n
	}
	return p, rows.Err()
}

// LabelShare is the estimated share of the frame that has a label.
type LabelShare struct {
	Label    string `json:"label"`
	Count    int64  `json:"count"`    // labelled members with this label
	Labelled int64  `json:"labelled"` // labelled members (the denominator in the sample)
	// Estimate is the share in the frame: P, its standard error, interval
	// and method (stratum weights applied for a stratified sample).
	Estimate ShareEstimate `json:"estimate"`
}

// ShareEstimate is an estimated proportion of the frame. P and SE are NaN
// when there is nothing to estimate from (they marshal to JSON null).
type ShareEstimate struct {
	P, SE  float64
	CI     stats.Interval
	Method string
}

// MarshalJSON writes {"p", "se", "lo", "hi", "method"}, with null for NaN.
func (e ShareEstimate) MarshalJSON() ([]byte, error) {
	num := func(f float64) any {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		return f
	}
	return json.Marshal(map[string]any{"p": num(e.P), "se": num(e.SE),
		"lo": num(e.CI.Lo), "hi": num(e.CI.Hi), "method": e.Method})
}

// EscalationShare is the share of sample members escalated to law
// enforcement by the moderation data (an escalation event with action
// escalated_lert, for any policy): the contract's "escalation rate of a
// sample = escalated / sampled", and its estimate for the frame.
type EscalationShare struct {
	Escalated int64         `json:"escalated"`
	Sampled   int64         `json:"sampled"`
	Share     float64       `json:"share"` // Escalated / Sampled
	Estimate  ShareEstimate `json:"estimate"`
}

// SampleEstimates are the estimates from a (possibly partly) labelled
// sample.
type SampleEstimates struct {
	SampleID   int64   `json:"sample_id"`
	Reviewer   string  `json:"reviewer"` // "" = the latest label of any reviewer
	Confidence float64 `json:"confidence"`
	Size       int64   `json:"size"`
	FrameSize  int64   `json:"frame_size"`
	Labelled   int64   `json:"labelled"`
	// Strata and StrataCovered count the strata, and those with at least
	// one labelled member. Until every stratum is covered the label shares
	// describe only the covered strata's part of the frame (CoveredFrame).
	Strata        int   `json:"strata"`
	StrataCovered int   `json:"strata_covered"`
	CoveredFrame  int64 `json:"covered_frame"`
	// Shares has one entry per label of the label set, in its order.
	Shares []LabelShare `json:"shares"`
	// Violating is the share with a label that counts as violating
	// (LabelDef.Violating; escalate and violating by default).
	Violating LabelShare `json:"violating"`
	// EscalatedEvents is computed from the moderation events of all members,
	// labelled or not.
	EscalatedEvents EscalationShare `json:"escalated_events"`
}

// EstimateSample estimates, from the labels given so far, the share of the
// frame that has each label, with intervals at confidence conf.
//
// Each labelled member counts once, with reviewer's current label, or,
// when reviewer is "", with the latest current label any reviewer gave it.
// Members are reviewed in a random order (by hash), so the labelled ones
// are a random subsample of each stratum; with n_h members labelled in a
// stratum of N_h frame videos the estimate is
//
//	simple random:  p = x / n, Wilson interval with finite population
//	                correction (stats.WilsonFPC), SE = sqrt(p(1-p)/n * (N-n)/(N-1))
//	stratified:     p = sum_h (N_h/N) x_h/n_h, with SE and interval from
//	                stats.StratifiedProportion (per-stratum FPC)
//
// Strata with no labelled member yet are left out, and the estimate then
// describes the covered strata only (see SampleEstimates.StrataCovered).
func EstimateSample(ctx context.Context, ws *datasets.Workspace, sampleID int64, reviewer string, conf float64) (*SampleEstimates, error) {
	if !(conf > 0 && conf < 1) {
		return nil, fmt.Errorf("confidence %g must be between 0 and 1, e.g. 0.95", conf)
	}
	s, err := sampleByID(ctx, ws.DB, sampleID)
	if err != nil {
		return nil, err
	}
	est := &SampleEstimates{SampleID: sampleID, Reviewer: reviewer, Confidence: conf,
		Size: s.Size, FrameSize: s.FrameSize}

	// Per stratum: members, escalated members, and labelled members per label.
	type cell struct{ members, escalated int64 }
	cells := map[string]*cell{}
	rows, err := ws.DB.QueryContext(ctx, `SELECT m.stratum, count(*),
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM moderation_events e WHERE e.video_id = m.video_id
				AND e.event_type = 'escalation' AND e.action = 'escalated_lert'))
		FROM sample_members m WHERE m.sample_id = ? GROUP BY m.stratum`, sampleID)
	if err != nil {
		return nil, fmt.Errorf("estimating from sample %q: %w", s.Name, err)
	}
	for rows.Next() {
		var name string
		c := &cell{}
		if err := rows.Scan(&name, &c.members, &c.escalated); err != nil {
			rows.Close()
			return nil, err
		}
		cells[name] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	counts := map[string]map[string]int64{} // stratum -> label -> count
	labelled := map[string]int64{}          // stratum -> labelled members
	rows, err = ws.DB.QueryContext(ctx, `WITH chosen AS (
			SELECT c.video_id, arg_max(c.label, c.labelled_at) AS label
			FROM current_labels c WHERE c.sample_id = ? AND (? = '' OR c.reviewer = ?)
			GROUP BY c.video_id)
		SELECT m.stratum, ch.label, count(*) FROM sample_members m
		JOIN chosen ch ON ch.video_id = m.video_id
		WHERE m.sample_id = ? GROUP BY m.stratum, ch.label`, sampleID, reviewer, reviewer, sampleID)
	if err != nil {
		return nil, fmt.Errorf("estimating from sample %q: %w", s.Name, err)
	}
	for rows.Next() {
		var st, label string
		var n int64
		if err := rows.Scan(&st, &label, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if counts[st] == nil {
			counts[st] = map[string]int64{}
		}
		counts[st][label] += n
		labelled[st] += n
		est.Labelled += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// The strata with their frame sizes, from the definition.
	frameSizes := map[string]int64{}
	var order []string
	for _, a := range s.Definition.Allocated {
		if a.SampleSize > 0 {
			frameSizes[a.Stratum] = a.FrameSize
			order = append(order, a.Stratum)
		}
	}
	if len(order) == 0 { // a definition without allocation (should not happen): one stratum
		frameSizes[StratumAll] = s.FrameSize
		order = []string{StratumAll}
	}
	sort.Strings(order)
	est.Strata = len(order)
	for _, st := range order {
		if labelled[st] > 0 {
			est.StrataCovered++
			est.CoveredFrame += frameSizes[st]
		}
	}

	stratified := s.Definition.Method == MethodStratified
	share := func(name string, count func(stratum string) int64) LabelShare {
		ls := LabelShare{Label: name, Labelled: est.Labelled}
		var strata []stats.Stratum
		for _, st := range order {
			x := count(st)
			ls.Count += x
			if labelled[st] > 0 {
				strata = append(strata, stats.Stratum{N: frameSizes[st], N_sampled: labelled[st], X: x})
			}
		}
		ls.Estimate = estimateProportion(strata, stratified, conf)
		return ls
	}
	for _, d := range s.Definition.Labels {
		name := d.Name
		est.Shares = append(est.Shares, share(name, func(st string) int64 { return counts[st][name] }))
	}
	est.Violating = share("violating (any)", func(st string) int64 {
		var x int64
		for _, d := range s.Definition.Labels {
			if d.Violating {
				x += counts[st][d.Name]
			}
		}
		return x
	})

	// Escalation from the moderation events, over all members.
	var escStrata []stats.Stratum
	for _, st := range order {
		c := cells[st]
		if c == nil || c.members == 0 {
			continue
		}
		est.EscalatedEvents.Escalated += c.escalated
		est.EscalatedEvents.Sampled += c.members
		escStrata = append(escStrata, stats.Stratum{N: frameSizes[st], N_sampled: c.members, X: c.escalated})
	}
	if est.EscalatedEvents.Sampled > 0 {
		est.EscalatedEvents.Share = float64(est.EscalatedEvents.Escalated) / float64(est.EscalatedEvents.Sampled)
	}
	est.EscalatedEvents.Estimate = estimateProportion(escStrata, stratified, conf)
	return est, nil
}

// estimateProportion is the frame estimate from per-stratum counts: Wilson
// with finite population correction for one stratum of a simple random
// sample, the stratified estimator otherwise. No data gives P = NaN.
func estimateProportion(strata []stats.Stratum, stratified bool, conf float64) ShareEstimate {
	var n int64
	for _, s := range strata {
		n += s.N_sampled
	}
	if n == 0 {
		return ShareEstimate{P: math.NaN(), SE: math.NaN(), CI: stats.Interval{Lo: 0, Hi: 1}, Method: "nothing to estimate from yet"}
	}
	if !stratified && len(strata) == 1 {
		s := strata[0]
		p := float64(s.X) / float64(s.N_sampled)
		var se float64
		if s.N > 1 {
			se = math.Sqrt(p * (1 - p) / float64(s.N_sampled) * float64(s.N-s.N_sampled) / float64(s.N-1))
		}
		return ShareEstimate{P: p, SE: se, CI: stats.WilsonFPC(s.X, s.N_sampled, s.N, conf),
			Method: "Wilson score interval with finite population correction"}
	}
	e := stats.StratifiedProportion(strata, conf)
	return ShareEstimate{P: e.P, SE: e.SE, CI: e.CI, Method: e.Method}
}

// Agreement is how two reviewers agree on the members both labelled.
type Agreement struct {
	ReviewerA string         `json:"reviewer_a"`
	ReviewerB string         `json:"reviewer_b"`
	Items     int64          `json:"items"`    // members both labelled
	Agreed    int64          `json:"agreed"`   // with the same current label
	Observed  float64        `json:"observed"` // Agreed / Items
	Kappa     float64        `json:"kappa"`    // Cohen's kappa (stats.CohensKappa)
	SE        float64        `json:"se"`
	CI        stats.Interval `json:"ci"` // kappa ± z SE
	// Table counts members by (label of A, label of B).
	Table      map[string]map[string]int64 `json:"table"`
	Confidence float64                     `json:"confidence"`
}

// MarshalJSON writes kappa, se and the interval as null when undefined
// (every item given one and the same label by both reviewers).
func (a Agreement) MarshalJSON() ([]byte, error) {
	num := func(f float64) any {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		return f
	}
	type plain Agreement
	return json.Marshal(struct {
		plain
		Kappa any `json:"kappa"`
		SE    any `json:"se"`
		CI    any `json:"ci"`
	}{plain(a), num(a.Kappa), num(a.SE), map[string]any{"lo": num(a.CI.Lo), "hi": num(a.CI.Hi)}})
}

// SampleAgreement computes Cohen's kappa between the current labels of two
// reviewers on the members of a sample both have labelled.
func SampleAgreement(ctx context.Context, ws *datasets.Workspace, sampleID int64, reviewerA, reviewerB string, conf float64) (*Agreement, error) {
	if reviewerA == "" || reviewerB == "" || reviewerA == reviewerB {
		return nil, fmt.Errorf("agreement needs two different reviewers (got %q and %q)", reviewerA, reviewerB)
	}
	if !(conf > 0 && conf < 1) {
		return nil, fmt.Errorf("confidence %g must be between 0 and 1, e.g. 0.95", conf)
	}
	rows, err := ws.DB.QueryContext(ctx, `SELECT a.label, b.label FROM current_labels a
		JOIN current_labels b ON b.sample_id = a.sample_id AND b.video_id = a.video_id AND b.reviewer = ?
		JOIN sample_members m ON m.sample_id = a.sample_id AND m.video_id = a.video_id
		WHERE a.sample_id = ? AND a.reviewer = ? ORDER BY m.position`, reviewerB, sampleID, reviewerA)
	if err != nil {
		return nil, fmt.Errorf("reading the two reviewers' labels: %w", err)
	}
	defer rows.Close()
	ag := &Agreement{ReviewerA: reviewerA, ReviewerB: reviewerB, Confidence: conf, Table: map[string]map[string]int64{}}
	var la, lb []string
	for rows.Next() {
		var x, y string
		if err := rows.Scan(&x, &y); err != nil {
			return nil, err
		}
		la, lb = append(la, x), append(lb, y)
		if ag.Table[x] == nil {
			ag.Table[x] = map[string]int64{}
		}
		ag.Table[x][y]++
		if x == y {
			ag.Agreed++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ag.Items = int64(len(la))
	if ag.Items == 0 {
		return nil, fmt.Errorf("%s and %s have not labelled any member in common yet: both must label the same members", reviewerA, reviewerB)
	}
	ag.Observed = float64(ag.Agreed) / float64(ag.Items)
	ag.Kappa, ag.SE = stats.CohensKappa(la, lb)
	z := distuv.UnitNormal.Quantile(1 - (1-conf)/2)
	ag.CI = stats.Interval{Lo: ag.Kappa - z*ag.SE, Hi: ag.Kappa + z*ag.SE}
	return ag, nil
}

// ExportSampleCSV writes the members of a sample in review order with
// every reviewer's current label, one row per member and reviewer (a member
// nobody labelled has one row with empty label columns). Columns:
// position, video_id, stratum, weight, reviewer, label, note, reason,
// labelled_at (RFC 3339, UTC).
func ExportSampleCSV(ctx context.Context, ws *datasets.Workspace, sampleID int64, w io.Writer) error {
	rows, err := ws.DB.QueryContext(ctx, `SELECT m.position, m.video_id, m.stratum, m.weight,
			coalesce(c.reviewer, ''), coalesce(c.label, ''), coalesce(c.note, ''), coalesce(c.reason, ''), c.labelled_at
		FROM sample_members m
		LEFT JOIN current_labels c ON c.sample_id = m.sample_id AND c.video_id = m.video_id
		WHERE m.sample_id = ? ORDER BY m.position, c.reviewer`, sampleID)
	if err != nil {
		return fmt.Errorf("exporting the sample: %w", err)
	}
	defer rows.Close()
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"position", "video_id", "stratum", "weight", "reviewer", "label", "note", "reason", "labelled_at"}); err != nil {
		return err
	}
	for rows.Next() {
		var pos int64
		var vid, stratum, reviewer, label, note, reason string
		var weight float64
		var at sql.NullTime
		if err := rows.Scan(&pos, &vid, &stratum, &weight, &reviewer, &label, &note, &reason, &at); err != nil {
			return err
		}
		ts := ""
		if at.Valid {
			ts = at.Time.UTC().Format(time.RFC3339Nano)
		}
		if err := cw.Write([]string{strconv.FormatInt(pos, 10), vid, stratum,
			strconv.FormatFloat(weight, 'g', -1, 64), reviewer, label, note, reason, ts}); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
