package letters

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// caveat is Caveat Regular (fonts/OFL.txt: SIL Open Font License 1.1),
// taken unmodified from the npm package @expo-google-fonts/caveat@0.4.2.
//
//go:embed fonts/Caveat-Regular.ttf
var caveat []byte

// Font names, as the report of a letter names the fonts it needed.
const (
	HandwritingFont = "Caveat"
	SansFont        = "Go Regular"
)

// ErrFont wraps every error about a font file the user chose.
var ErrFont = errors.New("unusable font")

// CheckFont tells whether data is a TrueType font gopdf can embed. A
// CFF-based OpenType font (most .otf files), a font collection (.ttc) or a
// web font is refused with a message that says so.
func CheckFont(data []byte) error {
	_, err := parseFace("check", "check", data)
	return err
}

// face is one font of the fallback chain, with the widths rapport needs
// to lay out lines itself.
type face struct {
	family string // the name the PDF knows it by
	label  string // for people
	data   []byte
	sf     *sfnt.Font
	upem   int     // units per em
	scale  float64 // its size beside the handwriting font's
	buf    sfnt.Buffer
	// widths caches advances in thousandths of an em, truncated as gopdf
	// truncates them in the PDF's /W array, so measured and printed agree.
	widths map[rune]int
	has    map[rune]bool
}

func parseFace(family, label string, data []byte) (*face, error) {
	if err := sniff(data); err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	sf, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: not a TrueType font (%v)", label, ErrFont, err)
	}
	f := &face{family: family, label: label, data: data, sf: sf, upem: int(sf.UnitsPerEm()),
		widths: map[rune]int{}, has: map[rune]bool{}, scale: 1}
	if f.upem <= 0 {
		return nil, fmt.Errorf("%s: %w: no units per em", label, ErrFont)
	}
	return f, nil
}

// sniff reads the first four bytes, where the kind of font file shows.
func sniff(data []byte) error {
	if len(data) < 12 {
		return fmt.Errorf("%w: the file is too short to be a font", ErrFont)
	}
	switch tag := string(data[:4]); {
	case tag == "OTTO":
		return fmt.Errorf("%w: it is an OpenType font with PostScript (CFF) outlines, which PDF embedding here does not support; use a TrueType version (.ttf) of the font", ErrFont)
	case tag == "ttcf":
		return fmt.Errorf("%w: it is a font collection (.ttc); use a single TrueType font (.ttf)", ErrFont)
	case tag == "wOFF" || tag == "wOF2":
		return fmt.Errorf("%w: it is a web font (WOFF); use the TrueType (.ttf) file", ErrFont)
	case bytes.Equal(data[:4], []byte{0, 1, 0, 0}) || tag == "true":
		return nil
	}
	return fmt.Errorf("%w: not a TrueType font file", ErrFont)
}

// covers reports whether the font has a glyph for r.
func (f *face) covers(r rune) bool {
	if ok, seen := f.has[r]; seen {
		return ok
	}
	gi, err := f.sf.GlyphIndex(&f.buf, r)
	ok := err == nil && gi != 0
	f.has[r] = ok
	return ok
}

// width is r's advance in thousandths of an em.
func (f *face) width(r rune) int {
	if w, ok := f.widths[r]; ok {
		return w
	}
	w := 0
	if gi, err := f.sf.GlyphIndex(&f.buf, r); err == nil {
		// At one pixel per font unit the advance is in font units (26.6).
		if adv, err := f.sf.GlyphAdvance(&f.buf, gi, fixed.I(f.upem), font.HintingNone); err == nil {
			w = adv.Round() * 1000 / f.upem
		}
	}
	f.widths[r] = w
	return w
}

// fonts is the chain a character is looked up in: the handwriting font,
// the Go font (wide Latin, Greek, Cyrillic), then the user's fallback.
type fonts struct {
	faces []*face
}

func newFonts(o *Options) (*fonts, error) {
	hand, label := caveat, HandwritingFont
	if len(o.Font) > 0 {
		hand, label = o.Font, "font "+o.FontName
	}
	h, err := parseFace("hand", label, hand)
	if err != nil {
		return nil, err
	}
	g, err := parseFace("sans", SansFont, goregular.TTF)
	if err != nil {
		return nil, err
	}
	// A sans font looks larger than a hand at the same size.
	g.scale = 0.76
	fs := &fonts{faces: []*face{h, g}}
	if len(o.FallbackFont) > 0 {
		x, err := parseFace("extra", "fallback font "+o.FallbackFontName, o.FallbackFont)
		if err != nil {
			return nil, err
		}
		x.scale = 0.85
		fs.faces = append(fs.faces, x)
	}
	return fs, nil
}

// pick is the index of the first font that has r, or -1. Spaces are the
// handwriting font's.
func (fs *fonts) pick(r rune) int {
	if r == ' ' {
		return 0
	}
	for i, f := range fs.faces {
		if f.covers(r) {
			return i
		}
	}
	return -1
}
