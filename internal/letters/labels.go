package letters

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// LabelSheet is a sheet of address labels.
type LabelSheet string

// The sheets: Avery 5160 (US Letter, 3 × 10 labels of 2.625 × 1 in) and
// Avery L7160 (A4, 3 × 7 labels of 63.5 × 38.1 mm).
const (
	Label5160  LabelSheet = "5160"
	LabelL7160 LabelSheet = "l7160"
)

// LabelSheets lists the sheets by name.
var LabelSheets = []LabelSheet{Label5160, LabelL7160}

// ParseLabelSheet reads a label sheet as a user types it.
func ParseLabelSheet(s string) (LabelSheet, error) {
	switch strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "avery")) {
	case "5160", " 5160", "8160", "5260":
		return Label5160, nil
	case "l7160", " l7160", "7160":
		return LabelL7160, nil
	}
	return "", fmt.Errorf("%q is not a label sheet (5160, l7160)", s)
}

// DefaultLabelSheet is the sheet that goes with a format's paper.
func DefaultLabelSheet(f Format) LabelSheet {
	if f == FormatA4 {
		return LabelL7160
	}
	return Label5160
}

// sheet is the grid of a label sheet, in points from the top left.
type sheet struct {
	pageW, pageH   float64
	left, top      float64 // the first label's top left corner
	w, h           float64 // one label
	pitchX, pitchY float64 // from one label to the next
	cols, rows     int
}

var sheets = map[LabelSheet]sheet{
	Label5160: {pageW: 8.5 * inch, pageH: 11 * inch, left: 0.1875 * inch, top: 0.5 * inch,
		w: 2.625 * inch, h: 1 * inch, pitchX: 2.75 * inch, pitchY: 1 * inch, cols: 3, rows: 10},
	LabelL7160: {pageW: 210 * mm, pageH: 297 * mm, left: 7.25 * mm, top: 15.15 * mm,
		w: 63.5 * mm, h: 38.1 * mm, pitchX: 66.04 * mm, pitchY: 38.1 * mm, cols: 3, rows: 7},
}

// PerSheet is how many labels a sheet holds.
func (s LabelSheet) PerSheet() int {
	g := sheets[s]
	return g.cols * g.rows
}

// LabelBox is where label i (0 = top left, row by row) of a sheet lies,
// in points from the page's top left corner: x, y, width, height.
func LabelBox(s LabelSheet, i int) (x, y, w, h float64) {
	g := sheets[s]
	i %= g.cols * g.rows
	return g.left + float64(i%g.cols)*g.pitchX, g.top + float64(i/g.cols)*g.pitchY, g.w, g.h
}

// Labels is a PDF of address label sheets.
type Labels struct {
	o     Options
	fs    *fonts
	sheet LabelSheet
	g     sheet
	d     *doc
	next  int // the next label's place, counting from the first sheet's first label
	n     int
}

// NewLabels starts a PDF of label sheets; the first skip labels of the
// first sheet are left blank, for a sheet already partly used.
func NewLabels(s LabelSheet, skip int, o *Options) (*Labels, error) {
	if o == nil {
		o = &Options{}
	}
	g, ok := sheets[s]
	if !ok {
		return nil, fmt.Errorf("letters: %q is not a label sheet (%v)", s, LabelSheets)
	}
	if skip < 0 || skip >= g.cols*g.rows {
		return nil, fmt.Errorf("skip %d: a %s sheet has %d labels, so skip is 0 to %d", skip, s, g.cols*g.rows, g.cols*g.rows-1)
	}
	fs, err := newFonts(o)
	if err != nil {
		return nil, err
	}
	return &Labels{o: *o, fs: fs, sheet: s, g: g, d: newDoc(o, fs, g.pageW, g.pageH, "Labels"), next: skip}, nil
}

// Check tells whether Add would print this label, without printing.
func (l *Labels) Check(to Recipient, contact string) error {
	_, _, err := l.prepare(to, contact, "")
	return err
}

// Add prints one label. A recipient without a complete address, or with
// a character no font has, is refused and nothing is printed.
func (l *Labels) Add(to Recipient, contact, seed string) error {
	b, box, err := l.prepare(to, contact, seed)
	if err != nil {
		return err
	}
	if l.d.pages == 0 || l.next%(l.g.cols*l.g.rows) == 0 {
		l.d.page()
	}
	if err := l.d.block(b, box, true); err != nil {
		return err
	}
	l.next++
	l.n++
	return nil
}

func (l *Labels) prepare(to Recipient, contact, seed string) (*block, rect, error) {
	// Labels have rounded corners and printers drift a little: keep
	// clear of the edges.
	x, y, w, h := LabelBox(l.sheet, l.next)
	box := rect{x: x + 0.14*inch, y: y + 0.07*inch, w: w - 0.24*inch, h: h - 0.14*inch}
	b, err := addressBlock(l.fs, &l.o, to, contact, seed, box, 14, 7, "a label")
	return b, box, err
}

// Count is the number of labels added; Sheets the sheets they take.
func (l *Labels) Count() int  { return l.n }
func (l *Labels) Sheets() int { return l.d.pages }

// WriteTo writes the PDF.
func (l *Labels) WriteTo(w io.Writer) (int64, error) {
	if l.n == 0 {
		return 0, errors.New("labels: nothing to print")
	}
	return l.d.writeTo(w)
}
