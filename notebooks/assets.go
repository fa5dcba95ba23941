package notebooks

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
)

// assets holds ECharts' minified build and its version, copied from
// node_modules by .ci/deps (npm ci at the version pinned in
// package-lock.json). The folder always has README.md, so the package
// compiles without them; Render then refuses with advice.
//
//go:embed assets
var assets embed.FS

// ErrNoECharts means this binary was built without ECharts embedded.
var ErrNoECharts = errors.New("this trendlab was built without ECharts (notebooks/assets/echarts.min.js): run `make deps` (or bash .ci/deps) and rebuild")

// Library is the embedded charting library.
type Library struct {
	Name    string
	Version string
	SHA256  string
	Source  []byte
}

var (
	libOnce sync.Once
	lib     *Library
	libErr  error
)

// ECharts returns the embedded ECharts build.
func ECharts() (*Library, error) {
	libOnce.Do(func() {
		src, err := assets.ReadFile("assets/echarts.min.js")
		if err != nil || len(src) == 0 {
			libErr = ErrNoECharts
			return
		}
		version := "unknown"
		if v, err := assets.ReadFile("assets/echarts.version"); err == nil {
			version = strings.TrimSpace(string(v))
		}
		// Inside a <script> element the HTML parser ends the script at
		// "</script"; escaping the slash keeps JavaScript's meaning in
		// strings and regular expressions. (The pinned build has none.)
		src = bytes.ReplaceAll(src, []byte("</script"), []byte(`<\/script`))
		src = bytes.ReplaceAll(src, []byte("</SCRIPT"), []byte(`<\/SCRIPT`))
		sum := sha256.Sum256(src)
		lib = &Library{Name: "Apache ECharts", Version: version, SHA256: hex.EncodeToString(sum[:]), Source: src}
	})
	return lib, libErr
}
