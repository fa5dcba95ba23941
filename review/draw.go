package review

// Drawing: the planner, the allocation of a sample's size to its strata,
// the selection by hashed id, and saving a drawn sample.

import (
	"container/heap"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/trendlab/trendlab/analysis/stats"
	"github.com/trendlab/trendlab/datasets"
)

// PlanSampleSize returns the sample size that estimates a proportion in the
// frame to within ±margin at the given confidence, with the finite
// population correction for the frame's size (stats.SampleSizeProportion).
// p is the anticipated proportion; 0 means 0.5, which needs the most.
//
// The formula is for a simple random sample. A stratified sample of the
// same size with proportional allocation is at least as precise (up to
// rounding), so the size serves it too; a Neyman allocation is more precise
// when its priors are right and can be less precise when they are badly
// wrong.
func PlanSampleSize(ctx context.Context, ws *datasets.Workspace, frame SampleFrame, margin, conf, p float64) (SamplePlan, error) {
	if err := checkPlanInputs(margin, conf, p); err != nil {
		return SamplePlan{}, err
	}
	if err := resolveFrame(ctx, ws.Params(ws.DB), &frame); err != nil {
		return SamplePlan{}, err
	}
	fq := buildFrame(frame, "", ws.Dialect)
	var n int64
	if err := ws.Params(ws.DB).QueryRowContext(ctx, `SELECT count(*) FROM (`+fq.sql+`) f`, fq.args...).Scan(&n); err != nil {
		return SamplePlan{}, fmt.Errorf("counting the sample frame: %w", err)
	}
	return planFor(n, margin, conf, p), nil
}

func planFor(frameSize int64, margin, conf, p float64) SamplePlan {
	if p == 0 {
		p = 0.5
	}
	size := stats.SampleSizeProportion(p, margin, conf, frameSize)
	if size > frameSize {
		size = frameSize
	}
	return SamplePlan{
		FrameSize: frameSize, Margin: margin, Confidence: conf, P: p, Size: size,
		Method: "n0 = z^2 p(1-p) / margin^2, with finite population correction n = n0 / (1 + (n0-1)/N)",
	}
}

// DrawSample draws the members of a definition without saving anything.
// The returned definition has Size (if planned), Priors (if Neyman) and
// Allocated filled in; drawing it again gives the same members.
func DrawSample(ctx context.Context, ws *datasets.Workspace, def SampleDefinition) (*Draw, error) {
	return drawSample(ctx, ws.Params(ws.DB), ws.Dialect, def, true)
}

// drawSample completes the definition and, if withMembers, selects the
// members.
func drawSample(ctx context.Context, q queryer, dialect datasets.Dialect, def SampleDefinition, withMembers bool) (*Draw, error) {
	if err := def.normalise(); err != nil {
		return nil, err
	}
	if err := resolveFrame(ctx, q, &def.Frame); err != nil {
		return nil, err
	}
	strata, err := countFrame(ctx, q, dialect, def)
	if err != nil {
		return nil, err
	}
	var frameSize int64
	for _, s := range strata {
		frameSize += s.n
	}
	if frameSize == 0 {
		return nil, fmt.Errorf("%w: no video matches it; widen the filters (tags, policies, period, regions)", ErrEmptyFrame)
	}
	if def.Size == 0 {
		def.Size = planFor(frameSize, def.Margin, def.Confidence, def.PlanP).Size
	}
	size := def.Size
	if size > frameSize {
		size = frameSize // the whole frame: a census
	}
	alloc, err := allocate(def, strata, size)
	if err != nil {
		return nil, err
	}
	def.Allocated = alloc
	if def.Allocation == AllocNeyman {
		def.Priors = make(map[string]float64, len(alloc))
		for _, a := range alloc {
			def.Priors[a.Stratum] = a.Prior
		}
	}
	d := &Draw{Definition: def, FrameSize: frameSize}
	if withMembers {
		if d.Members, err = selectMembers(ctx, q, dialect, def); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// allocate splits size over the strata; it fills in Neyman priors.
func allocate(def SampleDefinition, strata []frameStratum, size int64) ([]StratumAllocation, error) {
	out := make([]StratumAllocation, len(strata))
	caps := make([]int64, len(strata))
	weights := make([]float64, len(strata))
	for i, s := range strata {
		out[i] = StratumAllocation{Stratum: s.name, FrameSize: s.n}
		caps[i] = s.n
		weights[i] = float64(s.n)
	}
	if def.Method == MethodStratified && int64(len(strata)) > size {
		return nil, fmt.Errorf("sample size %d is smaller than the %d strata by %s: every stratum needs at least one member; raise the sample size or stratify by something coarser", size, len(strata), def.Strata)
	}
	if def.Allocation == AllocNeyman {
		neyman := make([]float64, len(strata))
		var total float64
		for i, s := range strata {
			p, ok := def.Priors[s.name]
			if !ok {
				switch def.PriorSource {
				case PriorViolationRate:
					p = s.violationRate
				case PriorEscalationRate:
					p = s.escalRate
				case PriorGuess:
					p = def.PriorGuess
				}
			}
			out[i].Prior = p
			p = math.Min(math.Max(p, priorClamp), 1-priorClamp)
			neyman[i] = float64(s.n) * math.Sqrt(p*(1-p))
			total += neyman[i]
		}
		if total > 0 {
			weights = neyman
		}
	}
	counts := AllocateSizes(weights, caps, size)
	for i := range out {
		out[i].SampleSize = counts[i]
	}
	return out, nil
}

// AllocateSizes splits n over strata in proportion to weights, with no
// stratum given more than its cap (its frame size), by largest remainder:
// each stratum gets the floor of its share, and the units left over go to
// the largest fractional parts (ties to the earlier stratum). A stratum
// whose share reaches its cap is fixed at the cap and the rest is shared
// again among the others. When n is at least the number of non-empty
// strata, every non-empty stratum gets at least one: a unit is moved from
// the stratum with the most. The result sums to min(n, sum of caps).
func AllocateSizes(weights []float64, caps []int64, n int64) []int64 {
	k := len(weights)
	out := make([]int64, k)
	var capTotal int64
	for _, c := range caps {
		capTotal += c
	}
	if n >= capTotal {
		copy(out, caps)
		return out
	}
	fixed := make([]bool, k)
	for {
		remaining := n
		var w float64
		for i := range k {
			if fixed[i] {
				remaining -= out[i]
			} else {
				w += weights[i]
			}
		}
		share := make([]float64, k)
		changed := false
		for i := range k {
			if fixed[i] {
				continue
			}
			if w > 0 {
				share[i] = float64(remaining) * weights[i] / w
			}
			if share[i] >= float64(caps[i]) {
				out[i], fixed[i], changed = caps[i], true, true
			}
		}
		if changed {
			continue
		}
		// Floors, then the largest remainders.
		type rem struct {
			i    int
			frac float64
		}
		var rems []rem
		left := remaining
		for i := range k {
			if fixed[i] {
				continue
			}
			f := math.Floor(share[i])
			out[i] = int64(f)
			left -= out[i]
			rems = append(rems, rem{i, share[i] - f})
		}
		sort.SliceStable(rems, func(a, b int) bool { return rems[a].frac > rems[b].frac })
		for j := 0; left > 0 && len(rems) > 0; j = (j + 1) % len(rems) {
			if i := rems[j].i; out[i] < caps[i] {
				out[i]++
				left--
			}
		}
		break
	}
	// At least one per non-empty stratum, when n allows.
	var nonEmpty int64
	for _, c := range caps {
		if c > 0 {
			nonEmpty++
		}
	}
	if n >= nonEmpty {
		for i := range k {
			if caps[i] == 0 || out[i] > 0 {
				continue
			}
			big := -1
			for j := range k {
				if out[j] > 1 && (big < 0 || out[j] > out[big]) {
					big = j
				}
			}
			if big < 0 {
				break
			}
			out[big]--
			out[i]++
		}
	}
	return out
}

// selectMembers selects, per stratum, the n_h frame videos of smallest
// rank; review positions follow rank order over the whole sample. The rank
// of a video is the hex MD5 of "seed:video_id" (32 characters) followed by
// its id, so rank order is hash order with ties (never seen) broken by id.
// The hash is computed here in Go, never by the engine, so that a sample
// is the same on every engine (DESIGN.md: samples are reproducible); the
// engine only streams the frame's ids. (The selection ran in DuckDB with
// its md5 before, which gives the same hex digits: the same members.)
func selectMembers(ctx context.Context, q queryer, dialect datasets.Dialect, def SampleDefinition) ([]SampleMember, error) {
	want := map[string]StratumAllocation{}
	for _, a := range def.Allocated {
		if a.SampleSize > 0 {
			want[a.Stratum] = a
		}
	}
	fq := buildFrame(def.Frame, def.Strata, dialect)
	rows, err := q.QueryContext(ctx, `SELECT video_id, stratum FROM (`+fq.sql+`) f`, fq.args...)
	if err != nil {
		return nil, fmt.Errorf("drawing the sample: %w", err)
	}
	defer rows.Close()
	seed := strconv.FormatInt(def.Seed, 10) + ":"
	top := map[string]*rankHeap{}
	for rows.Next() {
		var id, stratum string
		if err := rows.Scan(&id, &stratum); err != nil {
			return nil, err
		}
		a, ok := want[stratum]
		if !ok {
			continue
		}
		h := top[stratum]
		if h == nil {
			h = &rankHeap{}
			top[stratum] = h
		}
		h.keep(rank(seed, id), a.SampleSize)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("drawing the sample: %w", err)
	}
	type chosen struct {
		rank    string
		stratum string
	}
	var all []chosen
	for stratum, h := range top {
		for _, r := range *h {
			all = append(all, chosen{r, stratum})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].rank < all[j].rank })
	out := make([]SampleMember, len(all))
	for i, c := range all {
		a := want[c.stratum]
		out[i] = SampleMember{Position: int64(i + 1), VideoID: c.rank[md5.Size*2:], Stratum: c.stratum,
			Weight: float64(a.FrameSize) / float64(a.SampleSize)}
	}
	return out, nil
}

// rank is a video's place in the draw: hex MD5 of seed ("N:") and id,
// then the id.
func rank(seed, id string) string {
	sum := md5.Sum([]byte(seed + id))
	return hex.EncodeToString(sum[:]) + id
}

// rankHeap keeps the n smallest ranks: a max-heap, its largest on top.
type rankHeap []string

func (h rankHeap) Len() int           { return len(h) }
func (h rankHeap) Less(i, j int) bool { return h[i] > h[j] }
func (h rankHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *rankHeap) Push(x any)        { *h = append(*h, x.(string)) }
func (h *rankHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// keep adds r if it is among the n smallest seen.
func (h *rankHeap) keep(r string, n int64) {
	switch {
	case int64(h.Len()) < n:
		heap.Push(h, r)
	case r < (*h)[0]:
		(*h)[0] = r
		heap.Fix(h, 0)
	}
}

// CreateSample draws a sample and saves it under name, with its members, in
// one transaction. createdBy is the user who drew it.
func CreateSample(ctx context.Context, ws *datasets.Workspace, name, createdBy string, def SampleDefinition) (*Sample, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, errors.New("a sample needs a name")
	}
	if createdBy == "" {
		return nil, errors.New("a sample needs the name of who created it")
	}
	if ws.ReadOnly {
		return nil, ErrReadOnly
	}
	dbTx, err := ws.DB.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer dbTx.Rollback()
	tx := ws.Params(dbTx)
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM samples WHERE name = ?`, name).Scan(&exists); err != nil {
		return nil, err
	}
	if exists > 0 {
		return nil, fmt.Errorf("a sample named %q already exists: choose another name", name)
	}
	draw, err := drawSample(ctx, tx, ws.Dialect, def, false)
	if err != nil {
		return nil, err
	}
	defJSON, err := json.Marshal(draw.Definition)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO samples
		(sample_id, name, definition, seed, size, frame_size, created_at, created_by)
		VALUES (nextval('sample_id_seq'), ?, ?, ?, ?, ?, ?, ?) RETURNING sample_id`,
		name, string(defJSON), draw.Definition.Seed, draw.Definition.allocatedSize(), draw.FrameSize, now, createdBy).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("saving sample %q: %w", name, err)
	}
	members, err := selectMembers(ctx, tx, ws.Dialect, draw.Definition)
	if err != nil {
		return nil, err
	}
	saved, err := insertMembers(ctx, tx, id, members)
	if err != nil {
		return nil, fmt.Errorf("saving the members of sample %q: %w", name, err)
	}
	if want := draw.Definition.allocatedSize(); saved != want {
		return nil, fmt.Errorf("saving sample %q: %d members allocated but %d selected (did the data change during the draw?); nothing was saved", name, want, saved)
	}
	if err := dbTx.Commit(); err != nil {
		return nil, fmt.Errorf("saving sample %q: %w", name, err)
	}
	return &Sample{ID: id, Name: name, Definition: draw.Definition, Seed: draw.Definition.Seed,
		Size: saved, FrameSize: draw.FrameSize, CreatedAt: now, CreatedBy: createdBy}, nil
}

// insertMembers saves a sample's members, a few hundred rows per
// statement, and returns how many it saved.
func insertMembers(ctx context.Context, tx queryer, sampleID int64, members []SampleMember) (int64, error) {
	const perStatement = 500
	var saved int64
	for len(members) > 0 {
		batch := members[:min(perStatement, len(members))]
		members = members[len(batch):]
		args := make([]any, 0, 5*len(batch))
		for _, m := range batch {
			args = append(args, sampleID, m.Position, m.VideoID, m.Stratum, m.Weight)
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?), ", len(batch)), ", ")
		res, err := tx.ExecContext(ctx, `INSERT INTO sample_members (sample_id, position, video_id, stratum, weight) VALUES `+values, args...)
		if err != nil {
			return saved, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return saved, err
		}
		saved += n
	}
	return saved, nil
}

// ErrReadOnly means the workspace is open read-only (so that others can
// read it while a review goes on) and saving a sample needs it writable.
// Labels do not: they go to the journal (see journal.go).
var ErrReadOnly = errors.New("the workspace is open read-only, and saving a sample needs it open for writing (when no other trendlab has it open)")

// allocatedSize is the number of members the allocation asks for.
func (d SampleDefinition) allocatedSize() int64 {
	var n int64
	for _, a := range d.Allocated {
		n += a.SampleSize
	}
	return n
}
