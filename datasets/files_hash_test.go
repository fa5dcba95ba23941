package datasets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// TestImportRecordsFileSHA256: the SHA-256 an import keeps for each file
// is the file's own, as written on disk (compressed or not), though it is
// computed beside the text check (asyncHash).
func TestImportRecordsFileSHA256(t *testing.T) {
	dir := t.TempDir()
	// About 1.3 MB: more than one of the hash's 1 MB buffers.
	var b strings.Builder
	b.WriteString(videosHeader)
	for i := range 20000 {
		fmt.Fprintf(&b, "v%d,a,2026-06-01T10:00:00Z,caption %d,#b,,,,,,,,\n", i, i)
	}
	rows := b.String()
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"v.csv", []byte(rows)},
		{"v.csv.gz", gz([]byte(rows))},
		{"v.csv.zst", zst([]byte(rows))},
	} {
		path := writeFile(t, dir, f.name, f.data)
		ws := memWorkspace(t)
		if _, err := Import(context.Background(), ws, ImportRequest{Videos: []string{path}}); err != nil {
			t.Fatal(err)
		}
		var got string
		if err := ws.DB.QueryRow(`SELECT sha256 FROM imports`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(f.data)
		if want := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("%s (%d bytes): sha256 %s, want %s", f.name, len(f.data), got, want)
		}
	}
}

// TestAsyncHashChunks: writes of every size, across and within its
// buffers, hash to the SHA-256 of their concatenation; stop after sum is
// harmless.
func TestAsyncHashChunks(t *testing.T) {
	data := []byte(strings.Repeat("0123456789abcdef", 300000)) // 4.8 MB
	want := sha256.Sum256(data)
	for _, size := range []int{4093, 1<<20 - 1, 1 << 20, 1<<20 + 1, 3 << 20, len(data)} {
		a := newAsyncHash()
		for rest := data; len(rest) > 0; {
			n := min(size, len(rest))
			if k, err := a.Write(rest[:n]); k != n || err != nil {
				t.Fatalf("Write = %d, %v", k, err)
			}
			rest = rest[n:]
		}
		if got := a.sum(); string(got) != string(want[:]) {
			t.Errorf("writes of %d bytes: wrong sum", size)
		}
		a.stop()
	}
}
