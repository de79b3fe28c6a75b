package letters

import "fmt"

// addLetter prints a letter on Letter or A4 pages: the return address and
// the date at the top right, the recipient's address where a window
// envelope shows it, then the text, flowing to more pages as needed. A dry
// run only measures.
func (b *Letters) addLetter(l Letter, addr []string, date string, dry bool) (*Printed, error) {
	g := b.geo
	size := g.sizes[0]
	j := newJitter(l.Seed, b.o.Plain)
	body := &setter{fs: b.fs, size: size, j: j}
	small := &setter{fs: b.fs, size: size * 0.82, j: j, neat: true}

	// The header: return address and date on the right, the recipient on
	// the left at the window's place.
	right := g.frame.right()
	top := g.next.y * 0.7
	var from []*line
	for _, s := range append([]string{b.o.From.Name}, b.o.From.Address...) {
		if s != "" {
			from = append(from, small.wrap(s, 3.2*inch)...)
		}
	}
	smallLead := small.size * 1.2
	y := top + smallLead*0.78
	dateLine := body.oneLine(date)
	var to []*line
	for _, s := range addr {
		to = append(to, small.wrap(s, g.addrBox.w)...)
	}
	addrTop := max(g.addrBox.y, top+float64(len(from))*smallLead+size*1.3*2)
	frameTop := addrTop + float64(len(to))*smallLead + size*1.3

	items := b.compose(readParts(l.Text), body, g.frame.w, "")
	first := g.sheetH - g.next.y*0.9 - frameTop
	pages := paginate(items, func(i int) float64 {
		if i == 0 {
			return first
		}
		return g.next.h
	})
	if len(pages) > 0 && len(pages[0]) == 0 {
		return nil, fmt.Errorf("the letter to %s: its header leaves no room for the text", l.Contact)
	}
	if dry {
		return b.report(len(pages), items, append(to, dateLine)...), nil
	}

	b.d.page()
	next, err := b.d.lines(from, right, y, smallLead, true)
	if err != nil {
		return nil, err
	}
	if _, err := b.d.lines([]*line{dateLine}, right, next+size*0.5, 0, true); err != nil {
		return nil, err
	}
	if _, err := b.d.lines(to, g.addrBox.x, addrTop+smallLead*0.78, smallLead, false); err != nil {
		return nil, err
	}
	for i, pg := range pages {
		f := rect{x: g.frame.x, y: frameTop, w: g.frame.w, h: first}
		if i > 0 {
			b.d.page()
			f = g.next
			num := body.oneLine(fmt.Sprint(i + 1))
			if _, err := b.d.lines([]*line{num}, right, g.next.y*0.6, 0, true); err != nil {
				return nil, err
			}
		}
		if err := b.drawItems(pg, f); err != nil {
			return nil, err
		}
	}
	return b.report(len(pages), items, append(to, dateLine)...), nil
}
