package review

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
)

// journalHelperEnv makes the test binary the labelling process of
// TestJournalTwoProcesses: "workspace|sample id|reviewer".
const journalHelperEnv = "TRENDLAB_TEST_JOURNAL_LABELLER"

// TestJournalLabeller is the other process: it opens the workspace
// read-only, as the TUI does, and labels every member of the sample, one
// label at a time, as a reviewer would.
func TestJournalLabeller(t *testing.T) {
	spec := os.Getenv(journalHelperEnv)
	if spec == "" {
		t.Skip("run by TestJournalTwoProcesses")
	}
	parts := strings.Split(spec, "|")
	id, _ := strconv.ParseInt(parts[1], 10, 64)
	ws, err := datasets.Open(t.Context(), parts[0], datasets.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ms, err := SampleMembers(t.Context(), ws, id, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if _, err := Label(t.Context(), ws, id, m.VideoID, parts[2], LabelViolating, fmt.Sprintf("note %d", i), ""); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// TestJournalTwoProcesses: while one process labels a sample on a
// read-only workspace (the TUI's mode), this one opens the same workspace
// read-only at the same time, reads estimates, progress and the export
// throughout, and labels too. No read fails or waits for the labeller; no
// label is lost; a writable open applies the journal once, and a second
// apply adds nothing.
func TestJournalTwoProcesses(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "ws.duckdb")
	ws, err := datasets.Open(ctx, path, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fillSampleWorkspace(t, ws, nil)
	s, err := CreateSample(ctx, ws, "journal", "tester", SampleDefinition{Size: 20, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()

	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestJournalLabeller$", "-test.count=1")
	cmd.Env = append(os.Environ(), journalHelperEnv+"="+path+"|"+strconv.FormatInt(s.ID, 10)+"|ana")
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	ro, err := datasets.Open(ctx, path, datasets.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("a reader cannot open the workspace while the labeller has it: %v", err)
	}
	ms, err := SampleMembers(ctx, ro, s.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	reads, mine := 0, 0
	var slowest time.Duration
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("the labelling process failed: %v\n%s", err, out)
			}
			running = false
		default:
		}
		start := time.Now()
		if _, err := EstimateSample(ctx, ro, s.ID, "ana", 0.95); err != nil {
			t.Fatalf("estimate while the other process labels: %v", err)
		}
		if _, err := SampleProgress(ctx, ro, s.ID, ""); err != nil {
			t.Fatalf("progress while the other process labels: %v", err)
		}
		slowest = max(slowest, time.Since(start))
		reads++
		if mine < len(ms) {
			if _, err := Label(ctx, ro, s.ID, ms[mine].VideoID, "bob", LabelNotViolating, "", ""); err != nil {
				t.Fatalf("labelling while the other process labels: %v", err)
			}
			mine++
		}
	}
	for ; mine < len(ms); mine++ {
		if _, err := Label(ctx, ro, s.ID, ms[mine].VideoID, "bob", LabelNotViolating, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	p, err := SampleProgress(ctx, ro, s.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Reviewers["ana"] != int64(len(ms)) || p.Reviewers["bob"] != int64(len(ms)) {
		t.Errorf("before applying, the journal gives %v, want %d each for ana and bob", p.Reviewers, len(ms))
	}
	ro.Close()
	t.Logf("%d rounds of reads while labelling; the slowest took %v", reads, slowest)

	rw, err := datasets.Open(ctx, path, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	n, err := ApplyJournal(ctx, rw)
	if err != nil || n != 2*len(ms) {
		t.Fatalf("applied %d labels (%v), want %d", n, err, 2*len(ms))
	}
	if fi, err := os.Stat(JournalPath(rw)); err != nil || fi.Size() != 0 {
		t.Errorf("the journal after applying: %v, size %d", err, fi.Size())
	}
	if n, err := ApplyJournal(ctx, rw); err != nil || n != 0 {
		t.Errorf("a second apply: %d, %v", n, err)
	}
	var rows, notes int
	if err := rw.DB.QueryRowContext(ctx, `SELECT count(*), count(note) FROM labels WHERE sample_id = ?`, s.ID).Scan(&rows, &notes); err != nil {
		t.Fatal(err)
	}
	if rows != 2*len(ms) || notes != len(ms) {
		t.Errorf("labels table: %d rows, %d notes; want %d and %d", rows, notes, 2*len(ms), len(ms))
	}
	est, err := EstimateSample(ctx, rw, s.ID, "ana", 0.95)
	if err != nil || est.Labelled != int64(len(ms)) || est.Violating.Count != int64(len(ms)) {
		t.Errorf("ana's estimate from the table: %+v, %v", est, err)
	}
}

// TestJournalApplyIsIdempotent: lines already in the table (a crash after
// the commit, before the journal was emptied) are not added twice.
func TestJournalApplyIsIdempotent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ws.duckdb")
	ws, err := datasets.Open(ctx, path, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fillSampleWorkspace(t, ws, nil)
	s, err := CreateSample(ctx, ws, "j", "tester", SampleDefinition{Size: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := SampleMembers(ctx, ws, s.ID, 0, 0)
	ws.Close()
	ro, err := datasets.Open(ctx, path, datasets.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CreateSample(ctx, ro, "k", "tester", SampleDefinition{Size: 3, Seed: 1}); err != ErrReadOnly {
		t.Errorf("drawing a sample on a read-only workspace: %v, want ErrReadOnly", err)
	}
	if _, err := Label(ctx, ro, s.ID, ms[0].VideoID, "ana", LabelEscalate, "n", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := Label(ctx, ro, s.ID, "not-a-member", "ana", LabelEscalate, "", ""); err == nil {
		t.Error("a label for a video outside the sample was journalled")
	}
	ro.Close()
	journal, err := os.ReadFile(path + ".labels.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	rw, err := datasets.Open(ctx, path, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if n, err := ApplyJournal(ctx, rw); n != 1 || err != nil {
		t.Fatalf("apply: %d, %v", n, err)
	}
	// The crash: the journal's lines come back after they were applied,
	// with a torn line after them.
	if err := os.WriteFile(path+".labels.jsonl", append(journal, []byte(`{"sample_id": 1, "vid`)...), 0o644); err != nil {
		t.Fatal(err)
	}
	if n, err := ApplyJournal(ctx, rw); n != 0 || err != nil {
		t.Errorf("applying lines already in the table: %d, %v", n, err)
	}
	h, err := LabelHistory(ctx, rw, s.ID, ms[0].VideoID)
	if err != nil || len(h) != 1 || h[0].Note != "n" {
		t.Errorf("history: %+v, %v", h, err)
	}
}
