package letters

import "fmt"

// addCard prints a note on a card: the folded A2 card two to a sheet, or
// the flat 5×7. The note goes on one panel if it fits there in one of the
// format's sizes, else over the two inside panels of a folded card; a
// note longer than that is refused (a card is not a letter). A dry run
// only measures.
func (b *Letters) addCard(l Letter, date string, dry bool) (*Printed, error) {
	g := b.geo
	p := readParts(l.Text)
	compose := func(size float64) []item {
		s := &setter{fs: b.fs, size: size, j: newJitter(l.Seed, b.o.Plain)}
		return b.compose(p, s, g.frame.w, date)
	}
	for _, size := range g.sizes {
		if items := compose(size); height(items) <= g.frame.h {
			return b.place(b.report(1, items), [][]item{items}, dry)
		}
	}
	if g.twoUp {
		for _, size := range g.sizes {
			items := compose(size)
			pages := paginate(items, func(int) float64 { return g.frame.h })
			if len(pages) <= 2 {
				return b.place(b.report(1, items), pages, dry)
			}
		}
	}
	return nil, fmt.Errorf("the note to %s: %w: shorten the template or print it with --format letter", l.Contact, ErrTooLong)
}

func (b *Letters) place(p *Printed, panels [][]item, dry bool) (*Printed, error) {
	if dry {
		return p, nil
	}
	return p, b.placeCard(panels)
}

// placeCard draws one card: on a two-up sheet the lower inside panel, or
// the upper then the lower; on a 5×7 its one page.
func (b *Letters) placeCard(panels [][]item) error {
	g := b.geo
	if !g.twoUp {
		b.d.page()
		return b.drawItems(panels[0], g.frame)
	}
	if b.slot == 0 {
		b.d.page()
		b.cardMarks()
	}
	x0 := float64(b.slot) * cardW
	b.slot = (b.slot + 1) % 2
	lower := rect{x: x0 + g.frame.x, y: cardPanelH + g.frame.y, w: g.frame.w, h: g.frame.h}
	if len(panels) == 1 {
		return b.drawItems(panels[0], lower)
	}
	upper := lower
	upper.y -= cardPanelH
	if err := b.drawItems(panels[0], upper); err != nil {
		return err
	}
	return b.drawItems(panels[1], lower)
}

// cardMarks draws the cut mark between the two cards and the fold marks
// across each, short and grey, at the edges where the paper is cut or
// folded anyway.
func (b *Letters) cardMarks() {
	g := b.geo
	const from, to = 9, 27 // points in from an edge: inside most printers' reach
	b.d.mark(cardW, from, cardW, to)
	b.d.mark(cardW, g.sheetH-from, cardW, g.sheetH-to)
	for _, x := range []float64{0, cardW, g.sheetW} {
		switch x {
		case 0:
			b.d.mark(from, cardPanelH, to, cardPanelH)
		case g.sheetW:
			b.d.mark(x-from, cardPanelH, x-to, cardPanelH)
		default:
			b.d.mark(x-to, cardPanelH, x-to+12, cardPanelH)
			b.d.mark(x+to-12, cardPanelH, x+to, cardPanelH)
		}
	}
}
