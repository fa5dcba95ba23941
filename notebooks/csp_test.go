package notebooks

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

var (
	cspMetaRE   = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`)
	scriptTagRE = regexp.MustCompile(`(?s)<script([^>]*)>(.*?)</script>`)
)

// reportCSP returns the report's policy, decoded, and its directives.
func reportCSP(t *testing.T, page string) (string, map[string][]string) {
	t.Helper()
	m := cspMetaRE.FindAllStringSubmatch(page, -1)
	if len(m) != 1 {
		t.Fatalf("report has %d Content-Security-Policy meta elements, want 1", len(m))
	}
	policy := html.UnescapeString(m[0][1])
	dirs := map[string][]string{}
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			dirs[f[0]] = f[1:]
		}
	}
	return policy, dirs
}

// TestCSPAllowsOnlyTheReportsScripts checks the policy's text: scripts run
// only by hash, never 'unsafe-inline', and the hashes are exactly those of
// the report's executable scripts (the JSON chart options never run).
func TestCSPAllowsOnlyTheReportsScripts(t *testing.T) {
	for name, page := range map[string]string{
		"fixture":       renderFixture(t, Options{ShowCaptions: true}),
		"investigation": renderFakeInvestigation(t),
	} {
		t.Run(name, func(t *testing.T) {
			policy, dirs := reportCSP(t, page)
			want := map[string]string{"default-src": "'none'", "style-src": "'unsafe-inline'", "img-src": "data:",
				"connect-src": "'none'", "base-uri": "'none'", "form-action": "'none'"}
			for d, v := range want {
				if got := strings.Join(dirs[d], " "); got != v {
					t.Errorf("%s = %q, want %q (policy %q)", d, got, v, policy)
				}
			}
			src := dirs["script-src"]
			for _, s := range src {
				if !strings.HasPrefix(s, "'sha256-") {
					t.Errorf("script-src allows %s; only sha256 hashes may run (policy %q)", s, policy)
				}
			}
			var executable []string
			for _, m := range scriptTagRE.FindAllStringSubmatch(page, -1) {
				if strings.Contains(m[1], `type="application/json"`) {
					continue
				}
				executable = append(executable, cspHash([]byte(m[2])))
			}
			if len(executable) != 2 {
				t.Fatalf("%d executable scripts, want 2 (ECharts, bootstrap)", len(executable))
			}
			if strings.Join(src, " ") != strings.Join(executable, " ") {
				t.Errorf("script-src = %v, want the hashes of the report's scripts %v", src, executable)
			}
		})
	}
}

// injectPayloads puts script into a report as an escaping mistake would:
// raw, outside html/template's escaping.
func injectPayloads(page string) string {
	const injected = `<script>document.title="PWNED"</script>` +
		`<img src="x" onerror="document.body.insertAdjacentHTML('beforeend','<b id=pwned></b>')">` +
		`<svg onload="document.title='PWNED'"></svg>`
	return strings.Replace(page, "<main>", "<main>"+injected, 1)
}

func TestInjectedPayloadsReachThePage(t *testing.T) {
	// The browser test relies on this: the injected text is raw HTML.
	page := injectPayloads(renderFixture(t, Options{}))
	if !strings.Contains(page, `<main><script>document.title="PWNED"</script>`) {
		t.Fatal("injectPayloads did not inject")
	}
}
