package letters

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// EnvelopeSize is an envelope a home printer can take by manual feed.
type EnvelopeSize string

// The envelopes: #10 (9.5 × 4.125 in, for a letter folded in three), A2
// (5.75 × 4.375 in, for the folded note card), DL (220 × 110 mm, for A4
// folded in three) and C6 (162 × 114 mm, for A4 folded in four).
const (
	Envelope10 EnvelopeSize = "10"
	EnvelopeA2 EnvelopeSize = "a2"
	EnvelopeDL EnvelopeSize = "dl"
	EnvelopeC6 EnvelopeSize = "c6"
)

// EnvelopeSizes lists the sizes by name.
var EnvelopeSizes = []EnvelopeSize{Envelope10, EnvelopeA2, EnvelopeDL, EnvelopeC6}

// ParseEnvelopeSize reads an envelope size as a user types it.
func ParseEnvelopeSize(s string) (EnvelopeSize, error) {
	switch strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "#")) {
	case "10", "no10", "no. 10", "com10":
		return Envelope10, nil
	case "a2":
		return EnvelopeA2, nil
	case "dl":
		return EnvelopeDL, nil
	case "c6":
		return EnvelopeC6, nil
	}
	return "", fmt.Errorf("%q is not an envelope size (10, a2, dl, c6)", s)
}

// DefaultEnvelope is the envelope that goes with a format.
func DefaultEnvelope(f Format) EnvelopeSize {
	switch f {
	case FormatA4:
		return EnvelopeDL
	case FormatCard, FormatCard5x7:
		return EnvelopeA2
	}
	return Envelope10
}

// envelope is the geometry of one size, landscape, in points: the page is
// the envelope itself, as the printer takes it by manual feed.
type envelope struct {
	w, h float64
	from rect // the return address, top left
	// to is the recipient's block: on #10, DL and C6, the place of the
	// window of a window envelope of that size (so a printed envelope and
	// a window envelope read the same to a sorting machine); on A2, the
	// middle right, as a card's envelope is addressed by hand.
	to rect
}

var envelopes = map[EnvelopeSize]envelope{
	// #10 window: 7/8 in from the left, 1/2 in from the bottom, 4.5 × 1.125 in.
	Envelope10: {w: 9.5 * inch, h: 4.125 * inch,
		from: rect{x: 0.35 * inch, y: 0.3 * inch, w: 3.4 * inch, h: 1.3 * inch},
		to:   rect{x: 0.875 * inch, y: (4.125 - 0.5 - 1.125) * inch, w: 4.5 * inch, h: 1.125 * inch}},
	EnvelopeA2: {w: 5.75 * inch, h: 4.375 * inch,
		from: rect{x: 0.3 * inch, y: 0.28 * inch, w: 2.6 * inch, h: 1.0 * inch},
		to:   rect{x: 1.85 * inch, y: 1.75 * inch, w: 3.55 * inch, h: 1.55 * inch}},
	// DL and C6 windows (ISO 269): 20 mm from the left, 15 mm from the
	// bottom, 90 × 45 mm.
	EnvelopeDL: {w: 220 * mm, h: 110 * mm,
		from: rect{x: 10 * mm, y: 8 * mm, w: 85 * mm, h: 32 * mm},
		to:   rect{x: 20 * mm, y: (110 - 15 - 45) * mm, w: 90 * mm, h: 45 * mm}},
	EnvelopeC6: {w: 162 * mm, h: 114 * mm,
		from: rect{x: 10 * mm, y: 8 * mm, w: 80 * mm, h: 32 * mm},
		to:   rect{x: 20 * mm, y: (114 - 15 - 45) * mm, w: 90 * mm, h: 45 * mm}},
}

// AddressBox is where an envelope of size puts the recipient's address,
// in points from the top left corner: x, y, width, height.
func AddressBox(size EnvelopeSize) (x, y, w, h float64) {
	e := envelopes[size]
	return e.to.x, e.to.y, e.to.w, e.to.h
}

// Envelopes is a PDF of envelopes, one a page.
type Envelopes struct {
	o    Options
	fs   *fonts
	e    envelope
	d    *doc
	from *block
	n    int
}

// NewEnvelopes starts a PDF of envelopes of size, with o.From as the
// return address.
func NewEnvelopes(size EnvelopeSize, o *Options) (*Envelopes, error) {
	if o == nil {
		o = &Options{}
	}
	e, ok := envelopes[size]
	if !ok {
		return nil, fmt.Errorf("letters: %q is not an envelope size (%v)", size, EnvelopeSizes)
	}
	fs, err := newFonts(o)
	if err != nil {
		return nil, err
	}
	v := &Envelopes{o: *o, fs: fs, e: e}
	from := append([]string{o.From.Name}, o.From.Address...)
	if r := fs.missing(clean(strings.Join(from, "\n"))); r != 0 {
		return nil, fmt.Errorf("your return address: %w", &MissingGlyphError{Char: r})
	}
	if strings.TrimSpace(strings.Join(from, "")) != "" {
		b, ok := fitBlock(fs, nonEmpty(from...), e.from, 12, 7, nil)
		if !ok {
			return nil, errors.New("your return address is too long for the envelope")
		}
		v.from = b
	}
	v.d = newDoc(&v.o, fs, e.w, e.h, "Envelopes")
	return v, nil
}

// Check tells whether Add would print this envelope, without printing.
func (v *Envelopes) Check(to Recipient, contact string) error {
	_, _, err := v.prepare(to, contact, "")
	return err
}

// Add prints one envelope. A recipient without a complete address, or
// with a character no font has, is refused and nothing is printed.
func (v *Envelopes) Add(to Recipient, contact, seed string) error {
	b, box, err := v.prepare(to, contact, seed)
	if err != nil {
		return err
	}
	v.d.page()
	if v.from != nil {
		if err := v.d.block(v.from, v.e.from, false); err != nil {
			return err
		}
	}
	if err := v.d.block(b, box, true); err != nil {
		return err
	}
	v.n++
	return nil
}

func (v *Envelopes) prepare(to Recipient, contact, seed string) (*block, rect, error) {
	box := v.e.to
	box.x, box.y, box.w, box.h = box.x+4, box.y+3, box.w-8, box.h-6
	b, err := addressBlock(v.fs, &v.o, to, contact, seed, box, 16, 9, "the envelope")
	return b, box, err
}

// Count is the number of envelopes added.
func (v *Envelopes) Count() int { return v.n }

// WriteTo writes the PDF.
func (v *Envelopes) WriteTo(w io.Writer) (int64, error) {
	if v.n == 0 {
		return 0, errors.New("envelopes: nothing to print")
	}
	return v.d.writeTo(w)
}
