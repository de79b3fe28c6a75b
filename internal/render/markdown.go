package render

import (
	"bytes"
	"fmt"
	stdhtml "html"
	"net/url"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	gmtext "github.com/yuin/goldmark/text"
)

// markdown is shared by every render; goldmark's parser and renderer keep
// no state between documents. Raw HTML stays off (it is refused earlier
// anyway). Hard wraps: a line break typed in a template is a line break in
// the note, which is what people who write letters expect, and what keeps
// a signature on its lines.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Linkify),
	goldmark.WithRendererOptions(gmhtml.WithHardWraps()),
)

func parseMarkdown(src []byte) ast.Node {
	return markdown.Parser().Parse(gmtext.NewReader(src))
}

// checkMarkdown refuses, at load time and with the line, what a note must
// not carry: raw HTML (goldmark would drop it silently) and images (an
// image is fetched from a server when the note is opened, as a tracking
// pixel is).
func checkMarkdown(path, body string, bodyLine int) error {
	src := []byte(body)
	var err error
	_ = ast.Walk(parseMarkdown(src), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || err != nil {
			return ast.WalkContinue, nil
		}
		msg := forbidden(n)
		if l, ok := n.(*ast.Link); ok && !bytes.Contains(l.Destination, []byte("{{")) && !allowedURL(string(l.Destination)) {
			msg = fmt.Sprintf("the link address %q is not a web address (https://...), mailto: or tel:", l.Destination)
		}
		if msg != "" {
			line := bodyLine + bytes.Count(src[:nodePos(n, len(src))], []byte("\n"))
			err = errorAt(path, line, "%s", msg)
		}
		return ast.WalkContinue, nil
	})
	return err
}

func forbidden(n ast.Node) string {
	switch n.Kind() {
	case ast.KindRawHTML, ast.KindHTMLBlock:
		return "HTML is not sent in a note; write Markdown (**bold**, _italic_, [text](https://...)), and for a note to yourself use {{/* ... */}}"
	case ast.KindImage:
		return "images are not sent in a note (an image loads from a server when the note is opened, like a tracking pixel); attach the file instead with \"attachments:\""
	}
	return ""
}

// nodePos is where a node starts in the source, or where its nearest
// ancestor with a known position does.
func nodePos(n ast.Node, limit int) int {
	for ; n != nil; n = n.Parent() {
		if p := n.Pos(); p >= 0 {
			return min(p, limit)
		}
		if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
			return min(n.Lines().At(0).Start, limit)
		}
	}
	return 0
}

// fixLinks fills placeholders in link addresses (the HTML renderer would
// percent-encode them) and keeps only links a note may carry: http(s),
// mailto and tel. Any other link, from the template or from data, is
// printed as its text alone. Autolinks become ordinary links, so that a
// placeholder in one is filled the same way.
func fixLinks(doc ast.Node, src []byte, vals values) error {
	var links []ast.Node
	var bad string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch {
		case !entering:
		case n.Kind() == ast.KindLink || n.Kind() == ast.KindAutoLink:
			links = append(links, n)
		case forbidden(n) != "":
			bad = forbidden(n)
		}
		return ast.WalkContinue, nil
	})
	if bad != "" {
		return fmt.Errorf("%s", bad)
	}
	for _, n := range links {
		switch n := n.(type) {
		case *ast.Link:
			fixLink(n, vals)
		case *ast.AutoLink:
			fixAutoLink(n, src, vals)
		}
	}
	return nil
}

func fixLink(n *ast.Link, vals values) {
	dest, ok := vals.fill(string(n.Destination), raw)
	dest = strings.TrimSpace(dest)
	if !ok || !allowedURL(dest) {
		unlink(n)
		return
	}
	n.Destination = []byte(dest)
}

func fixAutoLink(n *ast.AutoLink, src []byte, vals values) {
	label := ast.NewString(n.Label(src))
	label.SetRaw(true) // written escaped, without Markdown's backslash rules
	dest, ok := vals.fill(string(n.URL(src)), raw)
	if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(dest), "mailto:") {
		dest = "mailto:" + dest
	}
	parent := n.Parent()
	if !ok || !allowedURL(dest) {
		parent.ReplaceChild(parent, n, label)
		return
	}
	link := ast.NewLink()
	link.Destination = []byte(dest)
	link.AppendChild(link, label)
	parent.ReplaceChild(parent, n, link)
}

// unlink replaces a link by its text.
func unlink(n ast.Node) {
	parent := n.Parent()
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// allowedURL accepts the links a personal note may carry: web pages
// (with a host), email addresses and phone numbers.
func allowedURL(s string) bool {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto", "tel":
		return u.Opaque != ""
	}
	return false
}

// linkPlaceholders lists the placeholders (values from the data) in the
// body's link addresses.
func linkPlaceholders(doc ast.Node, src []byte, vals values) []int {
	var idx []int
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		var dest []byte
		switch n := n.(type) {
		case *ast.Link:
			dest = n.Destination
		case *ast.AutoLink:
			dest = n.URL(src)
		}
		if entering && bytes.ContainsRune(dest, phStart) {
			idx = append(idx, vals.indexes(string(dest))...)
		}
		return ast.WalkContinue, nil
	})
	return idx
}

var errUnfillable = fmt.Errorf("a field is used where it cannot be filled in (inside a link address, or next to one)")

// escapeHTML writes a value as HTML text; its own line breaks (a
// multi-line signature) become <br>.
func escapeHTML(s string) string {
	return strings.ReplaceAll(stdhtml.EscapeString(s), "\n", "<br>\n")
}
