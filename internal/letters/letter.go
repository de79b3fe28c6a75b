package letters

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"io"
	"strings"
	"time"

	"github.com/signintech/gopdf"
)

// Letter is one personal letter or card to print.
type Letter struct {
	To Recipient
	// Contact names the contact in messages ("Dr. Łukasz Nowak" or an
	// email address).
	Contact string
	// Seed makes the hand's variation this contact's own (the contact's
	// ID or email); the same seed prints the same letter.
	Seed string
	Date time.Time
	// Text is the letter as render.RenderLetter writes it: paragraphs
	// between blank lines, the greeting first, and last the closing
	// ("Warmly,") with the signer's lines under it.
	Text string
}

// Printed says how one letter came out.
type Printed struct {
	Pages int // pages of a letter, or 1 for a card
	// Fallback lists the fonts besides the handwriting font the letter
	// needed, for characters the handwriting font lacks.
	Fallback []string
}

// MissingGlyphError is a letter refused because no font has one of its
// characters: rapport never prints an empty box.
type MissingGlyphError struct {
	Contact string
	Char    rune
}

func (e *MissingGlyphError) Error() string {
	who := ""
	if e.Contact != "" {
		who = " to " + e.Contact
	}
	return fmt.Sprintf("the letter%s needs the character %q (U+%04X), which no font has: set [letters] fallback_font to a TrueType font that has it",
		who, string(e.Char), e.Char)
}

// ErrTooLong is wrapped when a note does not fit on its card.
var ErrTooLong = errors.New("too long for the card")

// Letters is a PDF of letters or cards being written, one Add at a time.
// It is not safe for concurrent use.
type Letters struct {
	o    Options
	fs   *fonts
	d    *doc
	geo  geometry
	sig  gopdf.ImageHolder
	sigW float64 // the signature's width at a height of 1
	slot int     // the next card's place on a two-up sheet
	n    int
}

// NewLetters starts a PDF of letters in o.Format; nil o means US Letter
// in the embedded handwriting font. It reads no file: fonts and the
// signature come as bytes.
func NewLetters(o *Options) (*Letters, error) {
	if o == nil {
		o = &Options{}
	}
	b := &Letters{o: *o}
	if b.o.Format == "" {
		b.o.Format = FormatLetter
	}
	geo, ok := geometries[b.o.Format]
	if !ok {
		return nil, fmt.Errorf("letters: %q is not a format (%v)", b.o.Format, Formats)
	}
	b.geo = geo
	if err := CheckLocale(b.o.Locale); err != nil {
		return nil, err
	}
	fs, err := newFonts(&b.o)
	if err != nil {
		return nil, err
	}
	b.fs = fs
	if r := fs.missing(clean(strings.Join(append([]string{b.o.From.Name}, b.o.From.Address...), "\n"))); r != 0 {
		return nil, fmt.Errorf("your return address: %w", &MissingGlyphError{Char: r})
	}
	if len(b.o.Signature) > 0 {
		if err := b.loadSignature(); err != nil {
			return nil, err
		}
	}
	b.d = newDoc(&b.o, fs, geo.sheetW, geo.sheetH, "Letters")
	return b, nil
}

func (b *Letters) loadSignature() error {
	cfg, err := png.DecodeConfig(bytes.NewReader(b.o.Signature))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		return fmt.Errorf("the signature image is not a PNG picture: %v", err)
	}
	h, err := gopdf.ImageHolderByBytes(b.o.Signature)
	if err != nil {
		return fmt.Errorf("the signature image: %w", err)
	}
	b.sig, b.sigW = h, float64(cfg.Width)/float64(cfg.Height)
	return nil
}

// Add lays out one letter. A letter that cannot be printed whole (a
// character no font has, an incomplete address on a letter that shows it,
// a note too long for its card) returns an error and leaves the PDF as it
// was.
func (b *Letters) Add(l Letter) (*Printed, error) { return b.add(l, false) }

// Check tells whether Add would print the letter, without printing it:
// the same layout, nothing drawn.
func (b *Letters) Check(l Letter) error {
	_, err := b.add(l, true)
	return err
}

func (b *Letters) add(l Letter, dry bool) (*Printed, error) {
	l.Text = clean(strings.TrimSpace(l.Text))
	if l.Text == "" {
		return nil, fmt.Errorf("the letter to %s is empty", l.Contact)
	}
	var addr []string
	if b.geo.address {
		var err error
		if addr, err = l.To.Lines(b.o.HomeCountry); err != nil {
			return nil, fmt.Errorf("%s: %w", l.Contact, err)
		}
	}
	date := FormatDate(l.Date, b.o.Locale)
	if r := b.fs.missing(l.Text + "\n" + strings.Join(addr, "\n") + "\n" + date); r != 0 {
		return nil, &MissingGlyphError{Contact: l.Contact, Char: r}
	}
	var p *Printed
	var err error
	switch b.o.Format {
	case FormatCard, FormatCard5x7:
		p, err = b.addCard(l, date, dry)
	default:
		p, err = b.addLetter(l, addr, date, dry)
	}
	if err == nil && !dry {
		b.n++
	}
	return p, err
}

// Count is the number of letters added.
func (b *Letters) Count() int { return b.n }

// Sheets is the number of sheets of paper the PDF prints on.
func (b *Letters) Sheets() int { return b.d.pages }

// WriteTo writes the PDF.
func (b *Letters) WriteTo(w io.Writer) (int64, error) {
	if b.n == 0 {
		return 0, errors.New("letters: nothing to print")
	}
	return b.d.writeTo(w)
}

// report names the fallback fonts the lines used.
func (b *Letters) report(pages int, items []item, extra ...*line) *Printed {
	used := map[int]bool{}
	var ls []*line
	for _, it := range items {
		if it.line != nil {
			ls = append(ls, it.line)
		}
	}
	usedFonts(append(ls, extra...), used)
	p := &Printed{Pages: pages}
	for i := 1; i < len(b.fs.faces); i++ {
		if used[i] {
			p.Fallback = append(p.Fallback, b.fs.faces[i].label)
		}
	}
	return p
}
