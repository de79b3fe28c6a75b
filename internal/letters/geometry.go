package letters

// rect is an area of a page, in points from the top left corner.
type rect struct{ x, y, w, h float64 }

func (r rect) right() float64  { return r.x + r.w }
func (r rect) bottom() float64 { return r.y + r.h }

// geometry is the paper of a format and where text goes on it.
type geometry struct {
	sheetW, sheetH float64
	// sizes are the hand's sizes to try, largest first: a card steps down
	// before it gives up; a letter uses the first and flows on.
	sizes []float64
	lead  float64 // line spacing, times the size
	// frame is where the text of a letter's first page (letter, a4) or of
	// a card's panel goes; next is a continuation page's.
	frame, next rect
	// address is where the recipient's block goes on a letter: placed so
	// that it shows in the window of a #10 (Letter) or DL (A4) window
	// envelope once the letter is folded in three.
	address  bool
	addrBox  rect
	signRoom float64 // the room left to sign, in points
	// twoUp: two folded cards on one landscape Letter sheet.
	twoUp bool
}

// Panels of the folded A2 card: the flat card is 5.5 in wide and 8.5 in
// tall, folded across the middle; the note is written inside, on the
// lower panel, and begins on the upper one when it needs both.
const (
	cardW      = 5.5 * inch
	cardPanelH = 4.25 * inch
)

var geometries = map[Format]geometry{
	FormatLetter: {
		sheetW: 8.5 * inch, sheetH: 11 * inch, sizes: []float64{17}, lead: 1.28,
		frame:   rect{x: 1 * inch, y: 0, w: 6.6 * inch, h: 0}, // y and h follow the header
		next:    rect{x: 1 * inch, y: 1 * inch, w: 6.6 * inch, h: 9.1 * inch},
		address: true, addrBox: rect{x: 1 * inch, y: 2.1 * inch, w: 3.6 * inch, h: 1.05 * inch},
		signRoom: 46,
	},
	FormatA4: {
		sheetW: 210 * mm, sheetH: 297 * mm, sizes: []float64{17}, lead: 1.28,
		frame:   rect{x: 25 * mm, y: 0, w: 165 * mm, h: 0},
		next:    rect{x: 25 * mm, y: 25 * mm, w: 165 * mm, h: 250 * mm},
		address: true, addrBox: rect{x: 25 * mm, y: 52 * mm, w: 80 * mm, h: 36 * mm},
		signRoom: 46,
	},
	FormatCard: {
		sheetW: 11 * inch, sheetH: 8.5 * inch, sizes: []float64{17, 16, 15, 14}, lead: 1.2,
		frame:    rect{x: 0.42 * inch, y: 0.36 * inch, w: cardW - 0.84*inch, h: cardPanelH - 0.7*inch},
		signRoom: 30, twoUp: true,
	},
	FormatCard5x7: {
		sheetW: 5 * inch, sheetH: 7 * inch, sizes: []float64{17, 16, 15, 14}, lead: 1.24,
		frame:    rect{x: 0.5 * inch, y: 0.55 * inch, w: 4 * inch, h: 5.95 * inch},
		signRoom: 36,
	},
}
