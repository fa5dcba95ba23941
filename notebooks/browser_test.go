package notebooks

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The browser test opens reports in headless Chromium as a reader would:
// every chart must draw (ECharts finished and its canvas has ink) and no
// script payload from the data may run.

func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; CI must run the browser test (bash .ci/deps installs it)")
	}
	t.Skip("chromium is not installed (apt-get install chromium, or bash .ci/deps)")
	return ""
}

// inkProbe is appended to a copy of the report in the test only: once the
// charts are drawn it counts, per chart, the canvas pixels that are not
// blank, and records it in data-ink.
const inkProbe = `<script>(function () {
  var tries = 0;
  function check() {
    if (!document.body.hasAttribute("data-charts-rendered") && tries++ < 200) { setTimeout(check, 25); return; }
    document.querySelectorAll("div.chart").forEach(function (el) {
      var ink = 0;
      el.querySelectorAll("canvas").forEach(function (c) {
        var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        for (var i = 0; i < d.length; i += 4) {
          if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) ink++;
        }
      });
      el.setAttribute("data-ink", String(ink));
      el.setAttribute("data-canvases", String(el.querySelectorAll("canvas").length));
    });
    document.body.setAttribute("data-ink-checked", "1");
  }
  check();
})();</script>`

func runChromium(t *testing.T, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.String()
}

var (
	chartDivRE = regexp.MustCompile(`<div class="chart"[^>]*>`)
	attrRE     = func(name string) *regexp.Regexp { return regexp.MustCompile(name + `="([^"]*)"`) }
)

func checkInBrowser(t *testing.T, bin, name, html string) {
	t.Helper()
	dir := os.Getenv("TRENDLAB_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	report := filepath.Join(dir, name+".html")
	if err := os.WriteFile(report, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	probe := filepath.Join(dir, name+".probe.html")
	// The last </body>: ECharts' source contains the string too. The
	// probe's copy of the policy lets the probe run as well.
	at := strings.LastIndex(html, "</body>")
	probed := html[:at] + inkProbe + html[at:]
	probeBody := strings.TrimSuffix(strings.TrimPrefix(inkProbe, "<script>"), "</script>")
	if !strings.Contains(probed, "script-src 'unsafe-inline'") {
		probed = strings.Replace(probed, "script-src ", "script-src "+cspHash([]byte(probeBody))+" ", 1)
	}
	if err := os.WriteFile(probe, []byte(probed), 0o644); err != nil {
		t.Fatal(err)
	}
	want := strings.Count(html, `<div class="chart"`)
	dom := runChromium(t, bin, "--virtual-time-budget=10000", "--dump-dom", "file://"+probe)

	if m := attrRE("data-charts-rendered").FindStringSubmatch(dom); m == nil || m[1] != strconv.Itoa(want) {
		t.Errorf("%s: body data-charts-rendered = %v, want %d (error: %v)", name, m, want, attrRE("data-charts-error").FindString(dom))
	}
	divs := chartDivRE.FindAllString(dom, -1)
	if len(divs) != want {
		t.Errorf("%s: %d chart divs in the DOM, want %d", name, len(divs), want)
	}
	for _, d := range divs {
		id := attrRE("id").FindStringSubmatch(d)
		ink := attrRE("data-ink").FindStringSubmatch(d)
		canv := attrRE("data-canvases").FindStringSubmatch(d)
		if ink == nil || canv == nil {
			t.Errorf("%s: chart %v was not probed: %s", name, id, d)
			continue
		}
		if n, _ := strconv.Atoi(canv[1]); n < 1 {
			t.Errorf("%s: chart %v has no canvas", name, id)
		}
		if n, _ := strconv.Atoi(ink[1]); n < 500 {
			t.Errorf("%s: chart %v canvas is blank (%d inked pixels)", name, id, n)
		}
		if !strings.Contains(d, `data-rendered="1"`) {
			t.Errorf("%s: chart %v did not finish rendering", name, id)
		}
	}
	// No payload ran: it would have set the title or added #pwned.
	if strings.Contains(dom, "<title>PWNED</title>") {
		t.Errorf("%s: a script payload set the document title", name)
	}
	if strings.Contains(dom, `id="pwned"`) {
		t.Errorf("%s: a script payload added an element", name)
	}

	shot := filepath.Join(dir, name+".png")
	runChromium(t, bin, "--virtual-time-budget=10000", "--hide-scrollbars", "--window-size=1200,3000", "--screenshot="+shot, "file://"+report)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	inked := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xd000 || g < 0xd000 || bl < 0xd000 {
				inked++
			}
		}
	}
	if inked < 2000 {
		t.Errorf("%s: screenshot %s is nearly blank (%d inked samples)", name, shot, inked)
	}
	t.Logf("%s: %d charts drawn; screenshot %s", name, want, shot)
}

func TestBrowser(t *testing.T) {
	bin := findChromium(t)
	t.Run("fixture with payloads", func(t *testing.T) {
		// Captions shown, so the payloads reach the page as text.
		html := renderFixture(t, Options{ShowCaptions: true})
		checkInBrowser(t, bin, "fixture", html)
	})
	t.Run("investigation layout with payloads", func(t *testing.T) {
		checkInBrowser(t, bin, "investigation", renderFakeInvestigation(t))
	})
	t.Run("script injected past the escaping", func(t *testing.T) {
		// As if an escaping mistake let raw HTML through: the policy
		// still runs only the report's own scripts, so the charts draw
		// and the payloads do not run.
		checkInBrowser(t, bin, "injected", injectPayloads(renderFixture(t, Options{})))
	})
	t.Run("omegle investigation", func(t *testing.T) {
		if testing.Short() {
			t.Skip("generates and imports synthetic data")
		}
		html := renderShipped(t, synthWorkspace(t, 20000), Options{PseudonymKey: []byte("k"), PseudonymKeySource: "test"})
		checkInBrowser(t, bin, "omegle", html)
	})
	t.Run("related sweep", func(t *testing.T) {
		if testing.Short() {
			t.Skip("generates and imports synthetic data")
		}
		var buf bytes.Buffer
		if err := Render(context.Background(), synthWorkspace(t, 20000), "related-sweep.md", Options{Now: fixedNow, PseudonymKey: []byte("k"), PseudonymKeySource: "test"}, &buf); err != nil {
			t.Fatal(err)
		}
		checkInBrowser(t, bin, "sweep", buf.String())
	})
	t.Run("impact layout with payloads", func(t *testing.T) {
		checkInBrowser(t, bin, "impact", renderFakeImpact(t, fakeInterventions(false), ""))
	})
	t.Run("omegle investigation with the optional exports", func(t *testing.T) {
		ws, _ := impactWorkspace(t)
		html := renderShipped(t, ws, Options{PseudonymKey: []byte("k"), PseudonymKeySource: "test"})
		checkInBrowser(t, bin, "omegle-impact", html)
	})
}
