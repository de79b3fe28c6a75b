package render

import (
	"strconv"
	"strings"
	"unicode"
)

// Values never pass through the Markdown parser. While the body executes,
// each printed value is stored and replaced by a placeholder made only of
// private-use characters, which mean nothing to Markdown (no punctuation,
// no digits, no spaces); after goldmark has parsed the document the
// placeholders are filled in as plain text (the text part) or as escaped
// text (the HTML part). A contact named "**Bold** <script>" or
// "[x](javascript:...)" therefore prints exactly as typed.
const (
	phStart  = '\uE000'
	phEnd    = '\uE001'
	phDigit0 = '\uE010' // digits 0–9 are U+E010–U+E019
	phLast   = '\uE019'
)

// values holds the printed values of one render, indexed by placeholder.
type values []string

// add stores v and returns its placeholder.
func (vs *values) add(v string) string {
	var b strings.Builder
	b.WriteRune(phStart)
	for _, d := range strconv.Itoa(len(*vs)) {
		b.WriteRune(phDigit0 + (d - '0'))
	}
	b.WriteRune(phEnd)
	*vs = append(*vs, v)
	return b.String()
}

// fill replaces every placeholder in s by esc(value). ok is false when a
// marker is left that is not a whole placeholder, which means the Markdown
// put a value somewhere it cannot be filled (an attribute it encoded).
func (vs values) fill(s string, esc func(string) string) (out string, ok bool) {
	if !strings.ContainsRune(s, phStart) {
		return s, !strings.ContainsFunc(s, isMarker)
	}
	var b strings.Builder
	ok = true
	for {
		i := strings.IndexRune(s, phStart)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		n, rest, good := vs.parse(s[i+len(string(phStart)):])
		if !good {
			ok = false
			s = s[i+len(string(phStart)):]
			continue
		}
		b.WriteString(esc(vs[n]))
		s = rest
	}
	out = b.String()
	return out, ok && !strings.ContainsFunc(out, isMarker)
}

// indexes lists the placeholders in s, by value index.
func (vs values) indexes(s string) []int {
	var out []int
	for {
		i := strings.IndexRune(s, phStart)
		if i < 0 {
			return out
		}
		s = s[i+len(string(phStart)):]
		if n, rest, ok := vs.parse(s); ok {
			out = append(out, n)
			s = rest
		}
	}
}

// parse reads the digits and the end marker of a placeholder.
func (vs values) parse(s string) (n int, rest string, ok bool) {
	digits := 0
	for i, r := range s {
		switch {
		case r >= phDigit0 && r <= phLast:
			n = n*10 + int(r-phDigit0)
			digits++
		case r == phEnd && digits > 0 && n < len(vs):
			return n, s[i+len(string(phEnd)):], true
		default:
			return 0, s, false
		}
	}
	return 0, s, false
}

func isMarker(r rune) bool { return r >= phStart && r <= phLast }

// raw fills a placeholder with the value as it is, for the text part and
// for link addresses.
func raw(s string) string { return s }

// cleanBody makes a value fit to print in a note: valid UTF-8, line breaks
// as "\n" (they become line breaks in both parts), tabs as spaces, other
// control characters dropped, and no placeholder markers of its own.
func cleanBody(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			return '\n'
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		case isMarker(r):
			return '\uFFFD'
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// cleanHeader makes a value fit for a header; control characters were
// refused before, so only the markers and broken UTF-8 are left to fix.
func cleanHeader(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if isMarker(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
