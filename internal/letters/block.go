package letters

import (
	"fmt"
	"strings"
)

// block is an address laid out to fit a box.
type block struct {
	lines []*line
	size  float64
	lead  float64
}

// height is the block's height from its top to its last baseline's
// descent.
func (b *block) height() float64 { return float64(len(b.lines)) * b.lead }

// fitBlock lays out an address in box at the largest size from max down
// to min (half a point at a time) at which every line fits across and the
// whole fits down. It reports false when even min does not fit.
func fitBlock(fs *fonts, text []string, box rect, max, min float64, j *jitter) (*block, bool) {
	for size := max; size >= min; size -= 0.5 {
		s := &setter{fs: fs, size: size, j: j, neat: true}
		b := &block{size: size, lead: size * 1.18}
		for _, t := range text {
			b.lines = append(b.lines, s.wrap(t, box.w)...)
		}
		if b.height() <= box.h {
			return b, true
		}
	}
	return nil, false
}

// draw draws the block from the top of box, or centred down it.
func (d *doc) block(b *block, box rect, centre bool) error {
	y := box.y
	if centre {
		y += (box.h - b.height()) / 2
	}
	_, err := d.lines(b.lines, box.x, y+b.lead*0.8, b.lead, false)
	return err
}

// addressBlock lays out to's address in box between the sizes max and
// min, or says why it cannot: an incomplete address, a character no font
// has, or too long a text for the box (where names what the box is).
func addressBlock(fs *fonts, o *Options, to Recipient, contact, seed string, box rect, max, min float64, where string) (*block, error) {
	lines, err := to.Lines(o.HomeCountry)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", contact, err)
	}
	if r := fs.missing(clean(strings.Join(lines, "\n"))); r != 0 {
		return nil, &MissingGlyphError{Contact: contact, Char: r}
	}
	b, ok := fitBlock(fs, lines, box, max, min, newJitter(seed, o.Plain))
	if !ok {
		return nil, fmt.Errorf("%s: the address is too long for %s", contact, where)
	}
	return b, nil
}
