package letters

import (
	"compress/zlib"
	"fmt"
	"io"
	"strings"

	"github.com/signintech/gopdf"
)

// ink is the colour of the hand: a blue-black fountain-pen ink.
var ink = [3]uint8{27, 38, 88}

// Points per inch and per millimetre.
const (
	inch = 72.0
	mm   = 72.0 / 25.4
)

// doc is one PDF being written: gopdf, the font chain, and what is set.
type doc struct {
	pdf   *gopdf.GoPdf
	fs    *fonts
	added map[int]bool // fonts embedded so far: only those a page uses
	font  int
	size  float64
	pages int
}

func newDoc(o *Options, fs *fonts, w, h float64, what string) *doc {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: w, H: h}, Unit: gopdf.UnitPT})
	title := o.Title
	if title == "" {
		title = what
	}
	pdf.SetInfo(gopdf.PdfInfo{Title: title, Author: o.From.Name, Creator: "rapport", Producer: "rapport",
		CreationDate: o.Created})
	// Pages are small and many: fast compression costs a few bytes a page.
	pdf.SetCompressLevel(zlib.BestSpeed)
	return &doc{pdf: pdf, fs: fs, added: map[int]bool{}, font: -1}
}

// page starts a new page in the doc's size and sets the ink.
func (d *doc) page() {
	d.pdf.AddPage()
	d.pages++
	d.pdf.SetTextColor(ink[0], ink[1], ink[2])
}

// setFont selects font i of the chain at size (scaled for that font),
// embedding the font the first time it is used.
func (d *doc) setFont(i int, size float64) error {
	if d.font == i && d.size == size {
		return nil
	}
	f := d.fs.faces[i]
	if !d.added[i] {
		if err := d.pdf.AddTTFFontDataWithOption(f.family, f.data, gopdf.TtfOption{}); err != nil {
			return fmt.Errorf("%s: %w: %v", f.label, ErrFont, err)
		}
		d.added[i] = true
	}
	if err := d.pdf.SetFont(f.family, "", size*f.scale); err != nil {
		return fmt.Errorf("%s: %w", f.label, err)
	}
	d.font, d.size = i, size
	return nil
}

// line draws l with its left edge at x and its baseline at y.
func (d *doc) line(l *line, x, y float64) error {
	cx := x + l.indent
	for i, w := range l.words {
		cx += l.gaps[i]
		for _, r := range w.runs {
			if err := d.setFont(r.font, l.size); err != nil {
				return err
			}
			d.pdf.SetXY(cx, y+l.drift+l.lift[i])
			if err := d.pdf.Text(strings.ReplaceAll(r.text, "\u00a0", " ")); err != nil {
				return err
			}
			cx += r.w
		}
	}
	return nil
}

// lines draws lines down from the baseline y, lead apart, left-aligned at
// x or, with right, right-aligned at x. It returns the next baseline.
func (d *doc) lines(ls []*line, x, y, lead float64, right bool) (float64, error) {
	for _, l := range ls {
		lx := x
		if right {
			lx = x - l.w - l.indent
		}
		if err := d.line(l, lx, y); err != nil {
			return y, err
		}
		y += lead
	}
	return y, nil
}

// mark draws a thin grey stroke: cut and fold marks, never in ink.
func (d *doc) mark(x1, y1, x2, y2 float64) {
	d.pdf.SetStrokeColor(150, 150, 150)
	d.pdf.SetLineWidth(0.5)
	d.pdf.Line(x1, y1, x2, y2)
}

func (d *doc) writeTo(w io.Writer) (int64, error) {
	return d.pdf.WriteTo(w)
}
