package render

import (
	"bufio"
	"bytes"
	"fmt"
	stdhtml "html"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

const (
	// textWidth is where the text part wraps, as a person's mail program
	// would.
	textWidth = 72
	// maxLine keeps every line of the text part under RFC 5322 §2.1.1's
	// 998 octets, with room for a list's indentation; only a single word
	// longer than that (never a real URL) is cut.
	maxLine = 900
)

// plainText writes the parsed body as the text a person would have typed:
// no Markdown markers, links as "text (url)", list items with "- ",
// paragraphs wrapped at width (0: not wrapped, for letters).
func plainText(doc ast.Node, src []byte, vals values, width int) string {
	p := &plain{src: src, vals: vals}
	lines := p.children(doc, width, false)
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(limit(lines), "\n") + "\n"
}

// limit cuts the lines no mail line can carry (a "word" of 900 bytes is no
// real URL) and drops trailing spaces.
func limit(lines []string) []string {
	var out []string
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		for len(l) > maxLine {
			cut := runeCut(l, maxLine)
			out = append(out, l[:cut])
			l = l[cut:]
		}
		out = append(out, l)
	}
	return out
}

type plain struct {
	src  []byte
	vals values
}

// children renders the blocks under n, separated by a blank line unless
// tight (the items of a tight list).
func (p *plain) children(n ast.Node, width int, tight bool) []string {
	var out []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		lines := p.block(c, width)
		if len(lines) == 0 {
			continue
		}
		if len(out) > 0 && !tight {
			out = append(out, "")
		}
		out = append(out, lines...)
	}
	return out
}

func (p *plain) block(n ast.Node, width int) []string {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock, *ast.Heading:
		return wrap(p.inline(n), width)
	case *ast.ThematicBreak:
		return []string{"---"}
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		return p.code(n)
	case *ast.Blockquote:
		return indent(p.children(n, max(width-2, 0), false), "> ", "> ")
	case *ast.List:
		return p.list(n, width)
	case *ast.HTMLBlock:
		return nil
	}
	return p.children(n, width, false)
}

func (p *plain) list(n *ast.List, width int) []string {
	var out []string
	num := n.Start
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		marker := "- "
		if n.IsOrdered() {
			marker = fmt.Sprintf("%d%c ", num, n.Marker)
			num++
		}
		lines := p.children(item, max(width-len(marker), 0), n.IsTight)
		if len(out) > 0 && !n.IsTight {
			out = append(out, "")
		}
		out = append(out, indent(lines, marker, strings.Repeat(" ", len(marker)))...)
	}
	return out
}

func (p *plain) code(n ast.Node) []string {
	var out []string
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		v, _ := p.vals.fill(string(seg.Value(p.src)), raw)
		out = append(out, strings.Split(strings.TrimRight(v, "\n"), "\n")...)
	}
	return out
}

// indent puts first before the first line and rest before the others;
// blank lines stay blank.
func indent(lines []string, first, rest string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		prefix := rest
		if i == 0 {
			prefix = first
		}
		if l == "" && i > 0 {
			out[i] = strings.TrimRight(prefix, " ")
			continue
		}
		out[i] = prefix + l
	}
	return out
}

// inline is the text of a block's inlines with values filled in; a line
// break (hard wraps: every one) is "\n".
func (p *plain) inline(n ast.Node) string {
	var b strings.Builder
	p.inlineTo(&b, n)
	s, _ := p.vals.fill(b.String(), raw)
	return s
}

func (p *plain) inlineTo(b *strings.Builder, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b.WriteString(p.text(c))
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if t, ok := t.(*ast.Text); ok {
					b.Write(t.Segment.Value(p.src))
				}
			}
		case *ast.Link:
			b.WriteString(linkText(p.inline(c), string(c.Destination)))
		case *ast.RawHTML:
		default:
			p.inlineTo(b, c)
		}
	}
}

// text is a Text node as typed, with Markdown's backslash escapes and
// entities resolved the way goldmark resolves them for HTML.
func (p *plain) text(t *ast.Text) string {
	v := t.Segment.Value(p.src)
	s := string(v)
	if !t.IsRaw() && bytes.ContainsAny(v, `\&`) {
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		gmhtml.DefaultWriter.Write(w, v)
		_ = w.Flush()
		s = stdhtml.UnescapeString(buf.String())
	}
	if t.SoftLineBreak() || t.HardLineBreak() {
		s += "\n"
	}
	return s
}

// linkText is how a link reads in plain text: "text (url)", or the text
// alone when it already says the address ("office@lee.example",
// "www.lee.example", "(503) 555-0142" for tel:+15035550142).
func linkText(text, dest string) string {
	if text == "" {
		return strings.TrimPrefix(strings.TrimPrefix(dest, "mailto:"), "tel:")
	}
	for _, scheme := range []string{"", "mailto:", "http://", "https://"} {
		if dest == scheme+text {
			return text
		}
	}
	if phone, ok := strings.CutPrefix(dest, "tel:"); ok {
		if d := digits(text); len(d) >= 7 && strings.HasSuffix(digits(phone), d) {
			return text
		}
		return text + " (" + phone + ")"
	}
	return text + " (" + strings.TrimPrefix(dest, "mailto:") + ")"
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// wrap fills each line of s up to width columns, breaking only at spaces
// (a long URL stays whole); width 0 keeps the lines as they are.
func wrap(s string, width int) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		words := strings.FieldsFunc(line, func(r rune) bool { return r == ' ' })
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		out = append(out, fill(words, width)...)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

func fill(words []string, width int) []string {
	var out []string
	var cur strings.Builder
	n := 0
	for _, w := range words {
		wn := utf8.RuneCountInString(w)
		if cur.Len() > 0 && width > 0 && n+1+wn > width {
			out = append(out, cur.String())
			cur.Reset()
			n = 0
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(w)
		n += wn
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// runeCut is the largest index ≤ limit that is a rune boundary of s.
func runeCut(s string, limit int) int {
	for limit > 0 && !utf8.RuneStart(s[limit]) {
		limit--
	}
	return limit
}
