package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// cardScanner is the pre-pass before go-vcard: it splits a vCard file into
// its cards, keeps only the properties rapport reads, and rewrites what
// go-vcard does not understand into the vCard 3.0 it does. go-vcard reads
// 3.0 and 4.0 (folded lines included) but not what vCard 2.1, Outlook's
// export, writes: quoted-printable values whose soft line breaks start the
// next line without a space, CHARSET parameters, and bare parameters
// ("TEL;WORK;VOICE:", "EMAIL;PREF;INTERNET:") that it drops. It would also
// hold a whole photo in memory, and one card missing its END line would
// swallow the next card.
//
// Lines are read in chunks and dropped as they come for the properties that
// are not kept, so a photo of any size costs no memory.
type cardScanner struct {
	br      *bufio.Reader
	pos     int  // cards begun so far
	pending bool // a BEGIN:VCARD line was read as the end of a card without END
	max     int  // largest card kept, without its photos
}

// rawCard is one card's kept lines, as vCard 3.0 text go-vcard can decode.
type rawCard struct {
	text    string
	pos     int    // the card's position in the file, from 1
	problem string // why the card cannot be imported; "" when it can
}

// keptProps are the properties rapport reads from a card (see vcard.go);
// everything else, PHOTO first, is dropped in the pre-pass.
var keptProps = map[string]bool{
	"VERSION": true, "N": true, "FN": true, "ORG": true, "TITLE": true, "ROLE": true, "EMAIL": true,
	"TEL": true, "ADR": true, "NOTE": true, "CATEGORIES": true, "URL": true, "NICKNAME": true,
	"KIND": true, "X-ABSHOWAS": true, "X-ABLABEL": true,
}

const maxCardBytes = 1 << 20

func newCardScanner(r io.Reader) *cardScanner {
	return &cardScanner{br: bufio.NewReaderSize(r, 64<<10), max: maxCardBytes}
}

// next returns the next card; io.EOF after the last. Lines outside cards
// are ignored. Any other error is the file failing to read.
func (s *cardScanner) next() (rawCard, error) {
	if !s.pending {
		if err := s.toBegin(); err != nil {
			return rawCard{}, err
		}
	}
	s.pending = false
	s.pos++
	return s.card()
}

// toBegin skips to the line after the next BEGIN:VCARD.
func (s *cardScanner) toBegin() error {
	for {
		line, err := s.line()
		if err != nil {
			return err
		}
		if isBeginLine(line) {
			return nil
		}
	}
}

func isBeginLine(line []byte) bool {
	line = bytes.TrimPrefix(line, []byte("\xEF\xBB\xBF"))
	return bytes.EqualFold(bytes.TrimSpace(line), []byte("BEGIN:VCARD"))
}

// card reads one card's lines up to its END:VCARD.
func (s *cardScanner) card() (rawCard, error) {
	c := rawCard{pos: s.pos}
	var b strings.Builder
	b.WriteString("BEGIN:VCARD")
	keep := false // whether continuation lines belong to a kept property
	for {
		first, err := s.chunk()
		if errors.Is(err, io.EOF) {
			c.problem = "the file ends in the middle of this card (its END:VCARD line is missing): the file may have been cut short; export it again"
			break
		}
		if err != nil {
			return c, err
		}
		if len(first) > 0 && (first[0] == ' ' || first[0] == '\t') {
			if err := s.continuation(&b, keep, first); err != nil {
				return c, err
			}
			continue
		}
		line, err := s.rest(first, true)
		if err != nil {
			return c, err
		}
		if isBeginLine(line) {
			s.pending = true
			c.problem = "this card has no END:VCARD line, so where it ends is not clear; fix the card in your address book and export it again"
			break
		}
		if bytes.EqualFold(bytes.TrimSpace(line), []byte("END:VCARD")) {
			break
		}
		if keep, err = s.property(&b, line); err != nil {
			return c, err
		}
		if b.Len() > s.max {
			c.problem = fmt.Sprintf("this card holds more than %d MB of text besides its photo; shorten its notes and export it again", s.max>>20)
			return c, s.drain()
		}
	}
	b.WriteString("\r\nEND:VCARD\r\n")
	c.text = b.String()
	return c, nil
}

// continuation keeps a folded line with its property, as it is: go-vcard
// unfolds it.
func (s *cardScanner) continuation(b *strings.Builder, keep bool, first []byte) error {
	line, err := s.rest(first, keep)
	if keep && err == nil {
		b.WriteString("\r\n")
		b.Write(toUTF8(line, ""))
	}
	return err
}

// drain skips the rest of a card that is too large to keep.
func (s *cardScanner) drain() error {
	for {
		line, err := s.line()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil || bytes.EqualFold(bytes.TrimSpace(line), []byte("END:VCARD")) {
			return err
		}
	}
}

// property writes one kept property, rewritten for go-vcard, and reports
// whether it was kept (so that its folded lines are too).
func (s *cardScanner) property(b *strings.Builder, line []byte) (bool, error) {
	head, value, ok := bytes.Cut(line, []byte(":"))
	if !ok {
		return false, nil // not a property: a stray line, or an unfolded photo line of vCard 2.1
	}
	name, params := propHead(string(head))
	p := parseRawParams(params)
	if p.qp {
		var err error
		if value, err = s.softBreaks(value); err != nil {
			return false, err
		}
	}
	if !keptProps[name] {
		return false, nil
	}
	b.WriteString("\r\n")
	b.WriteString(string(head[:len(head)-len(params)]))
	b.WriteString(p.rewritten)
	b.WriteByte(':')
	if p.qp {
		b.WriteString(escapeBreaks(toUTF8(decodeQP(value), p.charset)))
	} else {
		b.Write(toUTF8(value, p.charset))
	}
	return true, nil
}

// softBreaks joins a quoted-printable value's lines: a line ending in "="
// goes on at the start of the next one (RFC 2045 §6.7, rule 5).
func (s *cardScanner) softBreaks(value []byte) ([]byte, error) {
	value = bytes.TrimRight(value, " \t")
	for bytes.HasSuffix(value, []byte("=")) {
		next, err := s.line()
		if errors.Is(err, io.EOF) {
			return value[:len(value)-1], nil
		}
		if err != nil {
			return nil, err
		}
		value = append(value[:len(value)-1], bytes.TrimRight(next, " \t")...)
	}
	return value, nil
}

// propHead splits "item1.TEL;WORK;VOICE" into the upper-case property name
// without its group ("TEL") and the parameters with their leading ";".
func propHead(head string) (name, params string) {
	name = head
	if i := strings.IndexByte(head, ';'); i >= 0 {
		name, params = head[:i], head[i:]
	}
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return strings.ToUpper(strings.TrimSpace(name)), params
}

// rawParams are a property's parameters as the pre-pass leaves them.
type rawParams struct {
	rewritten string // for go-vcard: bare names as TYPE=, without ENCODING and CHARSET
	qp        bool   // the value is quoted-printable
	charset   string // the value's CHARSET, "" when not given
}

// parseRawParams reads ";WORK;VOICE;ENCODING=QUOTED-PRINTABLE;CHARSET=x".
// A bare name is a TYPE in vCard 2.1 ("PREF" marks the preferred email), or
// an encoding. Quoted values (vCard 4.0) are left as they are.
func parseRawParams(params string) rawParams {
	if params == "" || strings.ContainsRune(params, '"') {
		return rawParams{rewritten: params}
	}
	var p rawParams
	var out strings.Builder
	for _, part := range strings.Split(params[1:], ";") {
		k, v, named := strings.Cut(part, "=")
		k = strings.ToUpper(strings.TrimSpace(k))
		switch {
		case k == "":
		case k == "ENCODING" || !named && (k == "QUOTED-PRINTABLE" || k == "8BIT" || k == "7BIT" || k == "BASE64"):
			p.qp = p.qp || strings.EqualFold(strings.TrimSpace(v), "QUOTED-PRINTABLE") || k == "QUOTED-PRINTABLE"
		case k == "CHARSET":
			p.charset = strings.TrimSpace(v)
		case !named:
			out.WriteString(";TYPE=" + part)
		default:
			out.WriteString(";" + part)
		}
	}
	p.rewritten = out.String()
	return p
}

// decodeQP decodes quoted-printable leniently: a broken "=XY" is kept as
// typed rather than losing the value.
func decodeQP(v []byte) []byte {
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '=' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]) {
			out = append(out, unhex(v[i+1])<<4|unhex(v[i+2]))
			i += 2
			continue
		}
		out = append(out, v[i])
	}
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// escapeBreaks writes a decoded value's line breaks as vCard 3.0's "\n".
func escapeBreaks(v []byte) string {
	return strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(string(v))
}

// toUTF8 decodes a value in its CHARSET. Without one, text that is not
// UTF-8 is read as Windows-1252, what Outlook on Windows writes.
func toUTF8(v []byte, charset string) []byte {
	if charset != "" && !strings.EqualFold(charset, "utf-8") {
		if enc, err := htmlindex.Get(charset); err == nil {
			if out, err := enc.NewDecoder().Bytes(v); err == nil {
				return out
			}
		}
	}
	if utf8.Valid(v) {
		return v
	}
	out, _ := charmap.Windows1252.NewDecoder().Bytes(v)
	return out
}

// chunk returns the start of the next physical line, up to the reader's
// buffer size; rest reads the remainder. The chunk is valid until the next
// read.
func (s *cardScanner) chunk() ([]byte, error) {
	b, err := s.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) || err == nil {
		return b, nil
	}
	if errors.Is(err, io.EOF) && len(b) > 0 {
		return b, nil
	}
	return nil, err
}

// rest completes the line whose first chunk is first, without its line
// ending; when keep is false the rest is read and dropped.
func (s *cardScanner) rest(first []byte, keep bool) ([]byte, error) {
	var line []byte
	if keep {
		line = append(line, first...)
	}
	for len(first) > 0 && first[len(first)-1] != '\n' {
		more, err := s.br.ReadSlice('\n')
		if keep && len(line) <= s.max {
			line = append(line, more...)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
		first = more
	}
	return bytes.TrimRight(line, "\r\n"), nil
}

// line reads one whole physical line, up to the card limit; io.EOF at the end.
func (s *cardScanner) line() ([]byte, error) {
	first, err := s.chunk()
	if err != nil {
		return nil, err
	}
	return s.rest(first, true)
}
