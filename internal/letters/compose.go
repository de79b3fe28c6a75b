package letters

import (
	"strings"
	"unicode/utf8"

	"github.com/signintech/gopdf"
)

// parts is a letter's text read as a letter: greeting, body, closing and
// the signer's lines under it.
type parts struct {
	paras   []string // the greeting is the first, when there is one
	greet   bool     // paras[0] is a greeting ("Dear Pastor Kim,")
	closing string   // "Warmly,"; empty when the text has no closing
	signer  []string // the lines under the closing
}

// readParts splits text into paragraphs at blank lines, and finds the
// closing: the last paragraph, when its first line is a short phrase
// ending with a comma ("With gratitude,"); the lines under it sign.
func readParts(text string) parts {
	var p parts
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n\n") {
		if para = strings.Trim(para, "\n "); para != "" {
			p.paras = append(p.paras, para)
		}
	}
	if len(p.paras) > 1 {
		last := strings.Split(p.paras[len(p.paras)-1], "\n")
		if isClosing(last[0]) {
			p.closing, p.signer = strings.TrimSpace(last[0]), last[1:]
			p.paras = p.paras[:len(p.paras)-1]
		}
	}
	if len(p.paras) > 1 && !strings.Contains(p.paras[0], "\n") && isGreeting(p.paras[0]) {
		p.greet = true
	}
	return p
}

func isClosing(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasSuffix(s, ",") && utf8.RuneCountInString(s) <= 40
}

func isGreeting(s string) bool {
	s = strings.TrimSpace(s)
	return (strings.HasSuffix(s, ",") || strings.HasSuffix(s, ":") || strings.HasSuffix(s, "!")) &&
		utf8.RuneCountInString(s) <= 120
}

// compose stacks a letter's text as items a frame of width can hold,
// with the hand's size set in s. The date, when given, comes first and
// right-aligned (a card); the room to sign sits between the closing and
// the signer's lines.
func (b *Letters) compose(p parts, s *setter, width float64, date string) []item {
	lead := s.size * b.geo.lead
	gap := lead * 0.5
	var items []item
	if date != "" {
		items = append(items, item{line: s.oneLine(date), h: lead, right: true, keep: true})
	}
	for pi, para := range p.paras {
		lines := s.wrap(para, width)
		for li, l := range lines {
			it := item{line: l, h: lead, para: pi + 1, idx: li, n: len(lines)}
			if li == 0 && len(items) > 0 {
				it.gap = gap
			}
			// The greeting stays with the first lines of the body, and
			// the last line of the body with the closing.
			it.keep = (pi == 0 && p.greet) || (pi == len(p.paras)-1 && li == len(lines)-1 && p.closing != "")
			items = append(items, it)
		}
	}
	if p.closing == "" {
		return items
	}
	for i, l := range s.wrap(p.closing, width) {
		it := item{line: l, h: lead, keep: true}
		if i == 0 {
			it.gap = gap
		}
		items = append(items, it)
	}
	items = append(items, item{h: b.geo.signRoom, keep: len(p.signer) > 0, sign: true})
	var signer []*line
	for _, sl := range p.signer {
		signer = append(signer, s.wrap(sl, width)...)
	}
	for i, l := range signer {
		items = append(items, item{line: l, h: lead * 0.92, keep: i < len(signer)-1})
	}
	return items
}

// drawItems draws items stacked from the top of frame f.
func (b *Letters) drawItems(items []item, f rect) error {
	y := f.y
	for i, it := range items {
		if i > 0 {
			y += it.gap
		}
		switch {
		case it.sign:
			if err := b.drawSignature(f.x, y, it.h); err != nil {
				return err
			}
		case it.right:
			if _, err := b.d.lines([]*line{it.line}, f.right(), y+it.h*0.78, 0, true); err != nil {
				return err
			}
		default:
			if err := b.d.line(it.line, f.x, y+it.h*0.78); err != nil {
				return err
			}
		}
		y += it.h
	}
	return nil
}

// drawSignature puts the signature image in the room left to sign, or
// leaves the room empty for a pen.
func (b *Letters) drawSignature(x, y, h float64) error {
	if b.sig == nil {
		return nil
	}
	ih := h * 1.1
	iw := min(ih*b.sigW, 2.6*inch)
	ih = iw / b.sigW
	return b.d.pdf.ImageByHolder(b.sig, x, y+(h-ih)/2, &gopdf.Rect{W: iw, H: ih})
}
