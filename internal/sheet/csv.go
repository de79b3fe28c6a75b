package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// csvSource reads records with encoding/csv. LazyQuotes accepts the stray
// quotes hand-typed files have; FieldsPerRecord -1 accepts rows of any
// length (Excel drops trailing empty cells).
type csvSource struct {
	r *csv.Reader
}

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.r.Read()
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		// A broken quote spoils this record, not the file: report the line
		// as a bad row and go on.
		return nil, pe.StartLine, &RowError{Row: pe.StartLine, Message: "the quotes in this line do not match up: " + pe.Err.Error()}
	case err != nil:
		return nil, 0, err
	}
	line, _ := s.r.FieldPos(0)
	return rec, line, nil
}

func (s *csvSource) close() error { return nil }

// openCSV decodes the whole file up front: it is at most MaxBytes, and
// knowing it all is what lets the encoding be chosen once for every row.
func (r *Reader) openCSV(path string, mt matcher) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text, enc, err := decodeText(raw)
	if err != nil {
		return err
	}
	r.encoding = enc
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = delimiter(text, strings.ToLower(filepath.Ext(path)))
	r.delim = cr.Comma
	cr.LazyQuotes, cr.FieldsPerRecord, cr.ReuseRecord = true, -1, true
	r.src = &csvSource{r: cr}
	head, err := r.readHead()
	if err != nil {
		return err
	}
	if len(head) == 0 {
		return errors.New("the file has no rows")
	}
	p, ok := pickHeader(head, mt)
	if !ok {
		return noHeader(head)
	}
	return r.useHeader(head, p, mt)
}

// decodeText returns the file as UTF-8 and the encoding it was in: UTF-8
// (a BOM stripped), UTF-16 with or without a BOM (Excel's "Unicode Text"),
// or else Windows-1252, what Excel on Windows writes as "CSV".
func decodeText(raw []byte) ([]byte, string, error) {
	if b, ok := bytes.CutPrefix(raw, []byte("\xEF\xBB\xBF")); ok {
		return b, "UTF-8", nil
	}
	sample := raw[:min(len(raw), 4096)]
	var enc encoding.Encoding
	name := "Windows-1252"
	switch {
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}):
		enc, name = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "UTF-16LE"
	case bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		enc, name = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "UTF-16BE"
	case utf16Guess(sample) == "le":
		enc, name = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "UTF-16LE"
	case utf16Guess(sample) == "be":
		enc, name = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "UTF-16BE"
	case utf8.Valid(raw):
		return raw, "UTF-8", nil
	default:
		enc = charmap.Windows1252
	}
	out, err := enc.NewDecoder().Bytes(raw)
	if err != nil {
		return nil, "", fmt.Errorf("the file cannot be read as %s text: %w", name, err)
	}
	return out, name, nil
}

// delimiter picks the separator: tab for .tsv, else whichever of comma,
// semicolon (German and French Excel) and tab occurs most outside quotes in
// the first lines, where the header is.
func delimiter(text []byte, ext string) rune {
	if ext == ".tsv" || ext == ".tab" {
		return '\t'
	}
	counts := map[byte]int{}
	quoted, lines := false, 0
	for _, c := range text[:min(len(text), 64<<10)] {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			if lines++; lines >= headerSearchRows {
				return mostCommon(counts)
			}
		case c == ',' || c == ';' || c == '\t':
			counts[c]++
		}
	}
	return mostCommon(counts)
}

func mostCommon(counts map[byte]int) rune {
	best := byte(',')
	for _, c := range []byte{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return rune(best)
}
