package notebooks

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	gmrenderer "github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// Prose is rendered by goldmark (CommonMark plus GFM tables and
// strikethrough) in its default safe mode: raw HTML in the Markdown is
// replaced by a comment and javascript:/vbscript:/data: links are dropped,
// so a notebook shared by someone else cannot run script in the report.
// Images are written as a link with their alt text instead of <img>: a
// report makes no network requests, and a remote image would be one.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithRendererOptions(
		gmrenderer.WithNodeRenderers(util.Prioritized(imageAsLink{}, 100)),
	),
)

func renderMarkdown(src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	// goldmark escapes text and attributes and, without html.WithUnsafe,
	// omits raw HTML: its output is safe to mark as HTML.
	return template.HTML(buf.String()), nil
}

// imageAsLink renders ![alt](src) as "[image: alt]" linking to src when src
// is a safe URL, so the report loads nothing.
type imageAsLink struct{}

func (imageAsLink) RegisterFuncs(reg gmrenderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		img := n.(*ast.Image)
		dest := img.Destination
		safe := !html.IsDangerousURL(dest)
		if safe {
			w.WriteString(`<a class="image-link" href="`)
			w.Write(util.EscapeHTML(util.URLEscape(dest, true)))
			w.WriteString(`">`)
		}
		w.WriteString("[image: ")
		w.Write(util.EscapeHTML(nodeText(img, source)))
		w.WriteString("]")
		if safe {
			w.WriteString("</a>")
		}
		return ast.WalkSkipChildren, nil
	})
}

func nodeText(n ast.Node, source []byte) []byte {
	var buf bytes.Buffer
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			buf.Write(t.Segment.Value(source))
		} else {
			buf.Write(nodeText(c, source))
		}
	}
	return buf.Bytes()
}
