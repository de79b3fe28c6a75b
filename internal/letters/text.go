package letters

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// run is a stretch of one word set in one font of the chain.
type run struct {
	font int
	text string
	w    float64 // points
}

// word is text between spaces, possibly in several fonts.
type word struct {
	runs []run
	w    float64
}

// line is one line of a paragraph, laid out: its words, the space before
// each, and the hand's unevenness.
type line struct {
	words  []word
	gaps   []float64 // room before each word (gaps[0] is 0)
	lift   []float64 // each word's baseline offset, points down
	indent float64   // from the left edge of the text block
	drift  float64   // the whole line's baseline offset
	w      float64   // from the indent to the end of the last word
	size   float64
}

// setter measures and breaks text in one size with the font chain.
type setter struct {
	fs   *fonts
	size float64
	j    *jitter
	neat bool // lines start at the margin: an address is written carefully
}

// clean drops what no font draws (controls, zero-width marks) and turns
// tabs and odd spaces into plain ones, keeping line breaks.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t' || r == '\u2028' || r == '\u2029' || r == '\u3000':
			return ' '
		case r == '\u00a0' || r == '\u202f' || r == '\u2009':
			return '\u00a0'
		case r == '\u00ad' || r == utf8.RuneError, unicode.Is(unicode.Cf, r), unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}

// missing is the first character of s that no font has, or 0.
func (fs *fonts) missing(s string) rune {
	for _, r := range s {
		if r == '\n' || r == ' ' {
			continue
		}
		if fs.pick(r) < 0 {
			return r
		}
	}
	return 0
}

// word shapes one word into runs, font by font. Every character must be
// covered (fonts.missing was asked first); a stray one is dropped rather
// than drawn as an empty box.
func (s *setter) word(text string) word {
	var w word
	start, cur := 0, -2
	flush := func(end int) {
		if cur >= 0 && end > start {
			r := run{font: cur, text: text[start:end]}
			r.w = s.measure(cur, r.text)
			w.runs = append(w.runs, r)
			w.w += r.w
		}
	}
	for i, r := range text {
		f := s.fs.pick(r)
		if r == '\u00a0' {
			f = max(cur, 0)
		}
		if f != cur {
			flush(i)
			start, cur = i, f
		}
	}
	flush(len(text))
	return w
}

func (s *setter) measure(font int, text string) float64 {
	f := s.fs.faces[font]
	n := 0
	for _, r := range text {
		if r == '\u00a0' {
			r = ' '
		}
		n += f.width(r)
	}
	return float64(n) * s.size * f.scale / 1000
}

func (s *setter) space() float64 { return s.measure(0, " ") }

// oneLine lays out text on a single line, unbroken (a date, a line of an
// address measured for alignment).
func (s *setter) oneLine(text string) *line {
	l := &line{size: s.size}
	for _, f := range strings.Fields(clean(text)) {
		s.add(l, s.word(f), s.space()*s.j.gap())
	}
	return l
}

// wrap breaks a paragraph into lines no wider than width. A line break in
// the text is kept; a list item ("- ...") hangs its following lines under
// its text; a single word too long for a line is cut where it must be.
func (s *setter) wrap(para string, width float64) []*line {
	var out []*line
	for _, hard := range strings.Split(clean(para), "\n") {
		words := strings.Fields(hard)
		if len(words) == 0 {
			continue
		}
		hang := 0.0
		if words[0] == "-" || words[0] == "•" || words[0] == "–" {
			hang = s.word(words[0]).w + s.space()
		}
		out = append(out, s.fill(words, width, hang)...)
	}
	return out
}

func (s *setter) fill(words []string, width, hang float64) []*line {
	var out []*line
	cur := s.newLine(width, 0)
	for _, text := range words {
		w := s.word(text)
		gap := s.space() * s.j.gap()
		room := width - cur.indent
		switch {
		case len(cur.words) == 0 && w.w <= room:
			s.add(cur, w, 0)
		case len(cur.words) > 0 && cur.w+gap+w.w <= room:
			s.add(cur, w, gap)
		default:
			if len(cur.words) > 0 {
				out = append(out, cur)
				cur = s.newLine(width, hang)
			}
			for _, piece := range s.cut(w, width-cur.indent) {
				if len(cur.words) > 0 {
					out = append(out, cur)
					cur = s.newLine(width, hang)
				}
				s.add(cur, piece, 0)
			}
		}
	}
	if len(cur.words) > 0 {
		out = append(out, cur)
	}
	return out
}

// newLine starts a line; its indent never takes more than a tenth of it.
func (s *setter) newLine(width, hang float64) *line {
	in := hang
	if !s.neat {
		in = min(in+s.j.lineStart(s.size), width/10+hang)
	}
	return &line{indent: in, drift: s.j.lineDrift(s.size), size: s.size}
}

// add appends w after a space of gap (none before a line's first word).
func (s *setter) add(l *line, w word, gap float64) {
	if len(l.words) == 0 {
		gap = 0
	}
	l.gaps = append(l.gaps, gap)
	l.words = append(l.words, w)
	l.lift = append(l.lift, s.j.wordDrift(s.size))
	l.w += gap + w.w
}

// cut splits a word wider than room (a long web address) into pieces that
// fit, character by character.
func (s *setter) cut(w word, room float64) []word {
	if w.w <= room {
		return []word{w}
	}
	var out []word
	var cur word
	for _, r := range w.runs {
		for _, ch := range r.text {
			piece := run{font: r.font, text: string(ch), w: s.measure(r.font, string(ch))}
			if cur.w+piece.w > room && len(cur.runs) > 0 {
				out = append(out, cur)
				cur = word{}
			}
			if n := len(cur.runs); n > 0 && cur.runs[n-1].font == piece.font {
				cur.runs[n-1].text += piece.text
				cur.runs[n-1].w += piece.w
			} else {
				cur.runs = append(cur.runs, piece)
			}
			cur.w += piece.w
		}
	}
	if len(cur.runs) > 0 {
		out = append(out, cur)
	}
	return out
}

// fonts lists the fonts of the chain the lines use.
func usedFonts(lines []*line, into map[int]bool) {
	for _, l := range lines {
		for _, w := range l.words {
			for _, r := range w.runs {
				into[r.font] = true
			}
		}
	}
}
