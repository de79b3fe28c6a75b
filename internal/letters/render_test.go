package letters

import (
	"image"
	"testing"
)

// inkOutside counts the ink pixels of img outside every allowed area
// (given in points) and the ink pixels in all; dpi is the rendering's.
func inkOutside(img image.Image, dpi float64, allowed ...rect) (outside, all int) {
	px := func(v float64) int { return int(v * dpi / 72) }
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if !isInk(img, x, y) {
				continue
			}
			all++
			in := false
			for _, r := range allowed {
				if x >= px(r.x) && x < px(r.right()) && y >= px(r.y) && y < px(r.bottom()) {
					in = true
					break
				}
			}
			if !in {
				outside++
			}
		}
	}
	return outside, all
}

func isInk(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	r, g, b = r>>8, g>>8, b>>8
	return b > r+30 && b > 90 || r+g+b < 200
}

// TestPagesLookRight renders one letter, one card sheet, one envelope and
// one label sheet as PNGs (kept with -artifacts, to look at) and checks
// that there is ink, and only inside the margins.
func TestPagesLookRight(t *testing.T) {
	const dpi = 60
	needPoppler(t)
	t.Run("letter", func(t *testing.T) {
		b := newLetters(t, Options{})
		if _, err := b.Add(Letter{To: alvarez, Contact: "x", Seed: "x", Date: december2, Text: fixture(t, "intro.txt")}); err != nil {
			t.Fatal(err)
		}
		path, _ := writePDF(t, "letter.pdf", b)
		img := pagePNG(t, path, 1, dpi)
		if img.Bounds().Dx() != 8.5*dpi || img.Bounds().Dy() != 11*dpi {
			t.Errorf("page is %v", img.Bounds())
		}
		margins := rect{x: 0.9 * inch, y: 0.5 * inch, w: 6.85 * inch, h: 9.7 * inch}
		if out, all := inkOutside(img, dpi, margins); all < 3000 || out > 0 {
			t.Errorf("%d ink pixels, %d past the margins", all, out)
		}
	})
	t.Run("card sheet", func(t *testing.T) {
		b := newLetters(t, Options{Format: FormatCard})
		for _, seed := range []string{"a", "b"} {
			if _, err := b.Add(Letter{To: alvarez, Contact: "x", Seed: seed, Date: december2, Text: fixture(t, "intro.txt")}); err != nil {
				t.Fatal(err)
			}
		}
		path, _ := writePDF(t, "cards.pdf", b)
		img := pagePNG(t, path, 1, dpi)
		// Each card's two inside panels, less a margin: nothing on the cut,
		// the fold or the paper's edge.
		var panels []rect
		for _, x0 := range []float64{0, cardW} {
			for _, y0 := range []float64{0, cardPanelH} {
				panels = append(panels, rect{x: x0 + 0.3*inch, y: y0 + 0.25*inch, w: cardW - 0.6*inch, h: cardPanelH - 0.45*inch})
			}
		}
		if out, all := inkOutside(img, dpi, panels...); all < 3000 || out > 0 {
			t.Errorf("%d ink pixels, %d outside the panels", all, out)
		}
		for i, p := range panels {
			if _, all := inkOutside(img, dpi, p); all == 0 {
				t.Errorf("panel %d is blank", i)
			}
		}
	})
	t.Run("#10 envelope", func(t *testing.T) {
		v, err := NewEnvelopes(Envelope10, &Options{From: anna})
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Add(alvarez, "x", "x"); err != nil {
			t.Fatal(err)
		}
		path, _ := writePDF(t, "envelope.pdf", v)
		img := pagePNG(t, path, 1, dpi)
		x, y, w, h := AddressBox(Envelope10)
		window := rect{x: x, y: y, w: w, h: h}
		if out, all := inkOutside(img, dpi, window, rect{x: 0.25 * inch, y: 0.2 * inch, w: 3.6 * inch, h: 1.5 * inch}); all < 500 || out > 0 {
			t.Errorf("%d ink pixels, %d outside the address and the return address", all, out)
		}
		if _, in := inkOutside(img, dpi, window); in < 200 {
			t.Error("no address in the window")
		}
	})
	t.Run("label sheet", func(t *testing.T) {
		l, err := NewLabels(Label5160, 0, &Options{From: anna})
		if err != nil {
			t.Fatal(err)
		}
		for range 30 {
			if err := l.Add(orsted, "x", "x"); err != nil {
				t.Fatal(err)
			}
		}
		path, _ := writePDF(t, "labels.pdf", l)
		img := pagePNG(t, path, 1, dpi)
		var cells []rect
		for i := range 30 {
			x, y, w, h := LabelBox(Label5160, i)
			cells = append(cells, rect{x: x + 2, y: y + 2, w: w - 4, h: h - 4})
		}
		if out, all := inkOutside(img, dpi, cells...); all < 3000 || out > 0 {
			t.Errorf("%d ink pixels, %d off the labels", all, out)
		}
		for i, c := range cells {
			if _, n := inkOutside(img, dpi, c); n < 40 {
				t.Errorf("label %d is nearly blank (%d)", i, n)
			}
		}
	})
}
