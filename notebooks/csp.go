package notebooks

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"strings"
)

// The report's Content-Security-Policy lets a script run only if its text
// hashes to one of the SHA-256 values listed: the inlined ECharts build
// and the bootstrap script. Escaping keeps data out of the HTML; the
// policy is the second wall, so that an escaping mistake cannot run an
// injected script (it has no listed hash). Hashes rather than a random
// nonce keep the report reproducible byte for byte; a nonce would also
// be copied into anything an attacker could get into the page.
//
// Styles stay 'unsafe-inline': ECharts sizes its canvases with style
// attributes, and CSS cannot run script.

// cspHash is the CSP source expression of an inline script's text.
func cspHash(script []byte) string {
	sum := sha256.Sum256(script)
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// contentSecurityPolicy is the policy of a report whose only executable
// scripts are scripts (their exact text between <script> and </script>).
func contentSecurityPolicy(scripts ...[]byte) string {
	hashes := make([]string, len(scripts))
	for i, s := range scripts {
		hashes[i] = cspHash(s)
	}
	return "default-src 'none'; script-src " + strings.Join(hashes, " ") +
		"; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
}

// cspAttr is the content attribute of the report's CSP meta element. The
// policy is made here from base64 hashes and fixed words only, so it needs
// no escaping (escaped, its quotes would read &#39; in the source).
func cspAttr(policy string) template.HTMLAttr {
	return template.HTMLAttr(`content="` + policy + `"`)
}
