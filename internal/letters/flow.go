package letters

// item is one thing stacked down a page: a line of text, or the room left
// to sign (with the signature image in it, when there is one).
type item struct {
	line  *line   // nil for the room to sign
	h     float64 // the height it takes
	gap   float64 // room above it, dropped at the top of a page
	right bool    // aligned to the right edge (the date on a card)
	keep  bool    // never the last item of a page: it goes with the next
	sign  bool    // the room to sign
	// para, idx and n place a line in its paragraph, for widow control;
	// n is 0 for items outside paragraphs.
	para, idx, n int
}

// paginate splits items into pages whose heights heights(i) gives for the
// i-th page (the first page of a letter has less room under its header).
// It returns each page's items. A page never ends on an item marked keep,
// never leaves a paragraph's first line alone at its foot (an orphan) nor
// its last line alone at the top of the next (a widow), unless a page is
// too small to do otherwise.
func paginate(items []item, heights func(page int) float64) [][]item {
	var pages [][]item
	for start := 0; start < len(items); {
		room := heights(len(pages))
		end, y := start, 0.0
		for end < len(items) {
			it := items[end]
			gap := it.gap
			if end == start {
				gap = 0
			}
			if end > start && y+gap+it.h > room {
				break
			}
			y += gap + it.h
			end++
		}
		if end < len(items) {
			end = breakBefore(items, start, end)
		}
		pages = append(pages, items[start:end])
		start = end
	}
	return pages
}

// breakBefore moves the page break at end back until it obeys the keep,
// widow and orphan rules; if no break on the page would, it keeps end.
func breakBefore(items []item, start, end int) int {
	b := end
	for range len(items) {
		nb := b
		for nb-1 > start && items[nb-1].keep {
			nb--
		}
		if it := items[nb]; it.n > 1 && it.idx > 0 {
			above, below := it.idx, it.n-it.idx
			switch {
			case above == 1: // an orphan: take the first line along
				nb--
			case below == 1 && above >= 3: // a widow: give it company
				nb--
			case below == 1:
				nb -= above
			}
		}
		if nb <= start {
			return end
		}
		if nb == b {
			return b
		}
		b = nb
	}
	return b
}

// height is the room items take stacked, without the first one's gap.
func height(items []item) float64 {
	h := 0.0
	for i, it := range items {
		if i > 0 {
			h += it.gap
		}
		h += it.h
	}
	return h
}
