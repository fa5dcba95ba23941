package datasets_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trendlab/trendlab/datasets"
	"github.com/trendlab/trendlab/datasets/synth"
)

// crashChild imports TRENDLAB_TEST_DATA into TRENDLAB_TEST_WS and kills
// itself with SIGKILL TRENDLAB_TEST_KILL_DELAY after step number
// TRENDLAB_TEST_KILL_STEP (0-based; a commit step fires just before the
// commit, so a delay lands inside it). It prints every step it reaches.
func crashChild() {
	killStep, _ := strconv.Atoi(os.Getenv("TRENDLAB_TEST_KILL_STEP"))
	delay, _ := time.ParseDuration(os.Getenv("TRENDLAB_TEST_KILL_DELAY"))
	ws, err := datasets.Open(context.Background(), os.Getenv("TRENDLAB_TEST_WS"), datasets.Options{})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	if th := os.Getenv("TRENDLAB_TEST_CHECKPOINT_THRESHOLD"); th != "" {
		// A small threshold makes every commit of small test data end in
		// the automatic checkpoint that a large import's commits trigger.
		if _, err := ws.DB.Exec("SET checkpoint_threshold = '" + th + "'"); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
	}
	n := 0
	kill := func() { syscall.Kill(os.Getpid(), syscall.SIGKILL) }
	datasets.SetStepHook(func(step string) {
		fmt.Printf("step %d %s\n", n, strings.Join(strings.Fields(step), " "))
		if n == killStep {
			if delay == 0 {
				kill()
			}
			time.AfterFunc(delay, kill)
		}
		n++
	})
	dir := os.Getenv("TRENDLAB_TEST_DATA")
	_, err = datasets.Import(context.Background(), ws, datasets.ImportRequest{
		Videos: []string{filepath.Join(dir, "videos.csv")},
		Events: []string{filepath.Join(dir, "moderation_events.csv")},
	})
	if err == nil {
		err = ws.Close()
	}
	fmt.Println("done", err)
	os.Exit(0)
}

// crashTables are counted to tell a whole import from none of it.
var crashTables = []string{"videos", "moderation_events", "video_tags", "tag_days", "video_outcomes", "imports", "rejects", "unfinished_imports"}

func tableCounts(t *testing.T, ws *datasets.Workspace) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range crashTables {
		var n int64
		if err := ws.DB.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	var tagged int64
	if err := ws.DB.QueryRow("SELECT coalesce(sum(videos), 0) FROM tag_days").Scan(&tagged); err != nil {
		t.Fatal(err)
	}
	out["tag_days videos"] = tagged
	return out
}

// runCrashChild runs the import in a child process that kills itself at
// step killStep (-1: never) and returns the steps it reported.
func runCrashChild(t *testing.T, ws, data string, killStep int, delay time.Duration) (steps []string, finished bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TRENDLAB_TEST_CHILD=crash", "TRENDLAB_TEST_WS="+ws, "TRENDLAB_TEST_DATA="+data,
		fmt.Sprint("TRENDLAB_TEST_KILL_STEP=", killStep), fmt.Sprint("TRENDLAB_TEST_KILL_DELAY=", delay))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "step "); ok {
			_, name, _ := strings.Cut(rest, " ")
			steps = append(steps, name)
		} else if strings.HasPrefix(line, "done") {
			if line != "done <nil>" {
				t.Fatalf("child: %s", line)
			}
			finished = true
		} else {
			t.Fatalf("child: %s", line)
		}
	}
	cmd.Wait()
	return steps, finished
}

// TestImportKilledAtEveryStep kills an import after every statement it runs,
// and inside each commit after several delays, and checks each time that
// the next open finds the whole import or none of it, and that importing
// again then gives exactly the counts of an import never killed. With
// TRENDLAB_CRASH_VIDEOS set (e.g. 1000000) it runs at that size.
func TestImportKilledAtEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process per step")
	}
	// At this size commits take 20-300 ms only because every one of them
	// ends in a checkpoint, as a large import's commits do.
	videos, threshold := 5000, "1KB"
	if v := os.Getenv("TRENDLAB_CRASH_VIDEOS"); v != "" {
		videos, _ = strconv.Atoi(v)
		threshold = os.Getenv("TRENDLAB_TEST_CHECKPOINT_THRESHOLD")
	}
	t.Setenv("TRENDLAB_TEST_CHECKPOINT_THRESHOLD", threshold)
	ctx := context.Background()
	data := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Config{Videos: videos, Seed: 11, Format: "csv", Dir: data}); err != nil {
		t.Fatal(err)
	}
	// Each run starts from a copy of one empty, migrated workspace.
	template := filepath.Join(t.TempDir(), "empty.duckdb")
	ws, err := datasets.Open(ctx, template, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	refPath := filepath.Join(t.TempDir(), "ref.duckdb")
	copyFile(t, template, refPath)
	steps, finished := runCrashChild(t, refPath, data, -1, 0)
	if !finished {
		t.Fatal("the import without a kill did not finish")
	}
	ref := openCounts(t, refPath)
	if ref["videos"] == 0 || ref["video_tags"] == 0 || ref["video_outcomes"] == 0 || ref["unfinished_imports"] != 0 {
		t.Fatalf("reference import: %v", ref)
	}
	empty := map[string]int64{}
	for k := range ref {
		empty[k] = 0
	}
	delays := []time.Duration{0}
	if d := os.Getenv("TRENDLAB_CRASH_DELAYS"); d != "" {
		delays = parseDurations(t, d)
	}
	commitDelays := []time.Duration{time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond, 60 * time.Millisecond, 150 * time.Millisecond}
	if d := os.Getenv("TRENDLAB_CRASH_COMMIT_DELAYS"); d != "" {
		commitDelays = parseDurations(t, d)
	}
	only := os.Getenv("TRENDLAB_CRASH_ONLY") // e.g. "commit": only the steps whose name starts so
	torn, kills := 0, 0
	defer func() {
		if torn > kills/4 {
			t.Errorf("%d of %d kills inside a commit tore DuckDB's checkpoint: more than a quarter is no longer a rare race", torn, kills)
		}
	}()
	for i, name := range steps {
		if !strings.HasPrefix(name, only) {
			continue
		}
		ds := delays
		if strings.HasPrefix(name, "commit") {
			ds = append(append([]time.Duration{}, delays...), commitDelays...)
		}
		for _, d := range ds {
			if d > 0 && strings.HasPrefix(name, "commit") {
				kills++
			}
			runStart := time.Now()
			path := filepath.Join(t.TempDir(), "ws.duckdb")
			copyFile(t, template, path)
			runCrashChild(t, path, data, i, d)
			if d > 0 && strings.HasPrefix(name, "commit") && damaged(path) {
				// A kill inside DuckDB's checkpoint can tear its in-place
				// rewrite of a partly used metadata block (README, "An
				// import is all or nothing"): DuckDB's limit, not ours.
				torn++
				t.Logf("killed %v inside %q: DuckDB's checkpoint write was torn (ErrDamaged)", d, name)
				continue
			}
			got := openCounts(t, path)
			if !equalCounts(got, ref) && !equalCounts(got, empty) {
				t.Errorf("killed %v after step %d (%.60s): the workspace holds part of the import: %v (whole: %v)", d, i, name, got, ref)
				continue
			}
			ws, err := datasets.Open(ctx, path, datasets.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := datasets.Import(ctx, ws, datasets.ImportRequest{
				Videos: []string{filepath.Join(data, "videos.csv")},
				Events: []string{filepath.Join(data, "moderation_events.csv")},
			}); err != nil {
				t.Fatalf("killed %v after step %d: importing again: %v", d, i, err)
			}
			if got := tableCounts(t, ws); !equalCounts(got, ref) {
				t.Errorf("killed %v after step %d (%.60s): importing again gives %v, want %v", d, i, name, got, ref)
			}
			ws.Close()
			if testing.Verbose() {
				t.Logf("step %d %v %.50s: %v", i, d, name, time.Since(runStart))
			}
		}
	}
}

// damaged reports whether the workspace at path fails to open with
// ErrDamaged.
func damaged(path string) bool {
	ws, err := datasets.Open(context.Background(), path, datasets.Options{})
	if err == nil {
		ws.Close()
	}
	return errors.Is(err, datasets.ErrDamaged)
}

// TestDamagedWorkspaceNamed: a workspace file with a block whose checksum
// fails opens with ErrDamaged and advice, not DuckDB's bare message.
func TestDamagedWorkspaceNamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.duckdb")
	ws, err := datasets.Open(context.Background(), path, datasets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := f.Stat()
	// Flip a byte in the middle of every 256 KiB block after the 12 KiB of
	// headers, whichever of them DuckDB reads first.
	for off := int64(12288 + 100000); off < info.Size(); off += 262144 {
		b := make([]byte, 1)
		f.ReadAt(b, off)
		b[0] ^= 0xff
		if _, err := f.WriteAt(b, off); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	_, err = datasets.Open(context.Background(), path, datasets.Options{})
	if !errors.Is(err, datasets.ErrDamaged) || !strings.Contains(err.Error(), "import the exports again") {
		t.Fatalf("err = %v, want ErrDamaged with advice", err)
	}
}

func openCounts(t *testing.T, path string) map[string]int64 {
	t.Helper()
	ws, err := datasets.Open(context.Background(), path, datasets.Options{})
	if err != nil {
		t.Fatalf("the workspace does not open after the kill: %v", err)
	}
	defer ws.Close()
	return tableCounts(t, ws)
}

func equalCounts(a, b map[string]int64) bool {
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func parseDurations(t *testing.T, list string) []time.Duration {
	var out []time.Duration
	for _, s := range strings.Split(list, ",") {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
