package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/emersion/go-vcard"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// A vCard file (.vcf) is read as if it were a spreadsheet whose rows are
// its cards and whose columns are the fields below: each card's values go
// through the same checks, name splitting, kinds, tags, postal-only rule
// and duplicate check as a spreadsheet row, and a card's "row" is its
// position in the file. The headers are the vCard properties, so a skipped
// card's message names the property at fault ("EMAIL").
const (
	vcEmail = iota
	vcFirst
	vcLast
	vcName
	vcTitle
	vcOrg
	vcKind
	vcPhone
	vcStreet
	vcCity
	vcRegion
	vcPostal
	vcCountry
	vcTags
	vcNotes
	vcMiddle
	vcNickname
	vcDepartment
	vcJobTitle
	vcRole
	vcOtherEmails
	vcMobile
	vcFax
	vcOtherPhones
	vcOtherAddresses
	vcWebsite
	vcCount
)

var vcardCols = [vcCount]struct {
	header string
	id     fieldID
	key    string // custom field, for fCustom
}{
	vcEmail: {"EMAIL", fEmail, ""}, vcFirst: {"N", fFirst, ""}, vcLast: {"N", fLast, ""},
	vcName: {"FN", fName, ""}, vcTitle: {"N", fTitle, ""}, vcOrg: {"ORG", fOrg, ""},
	vcKind: {"CATEGORIES", fKind, ""}, vcPhone: {"TEL", fPhone, ""},
	vcStreet: {"ADR", fStreet, ""}, vcCity: {"ADR", fCity, ""}, vcRegion: {"ADR", fRegion, ""},
	vcPostal: {"ADR", fPostal, ""}, vcCountry: {"ADR", fCountry, ""},
	vcTags: {"CATEGORIES", fTags, ""}, vcNotes: {"NOTE", fNotes, ""},
	vcMiddle: {"N", fCustom, "middle_name"}, vcNickname: {"NICKNAME", fCustom, "nickname"},
	vcDepartment: {"ORG", fCustom, "department"}, vcJobTitle: {"TITLE", fCustom, "job_title"},
	vcRole: {"ROLE", fCustom, "role"}, vcOtherEmails: {"EMAIL", fCustom, "other_emails"},
	vcMobile: {"TEL", fCustom, "mobile_phone"}, vcFax: {"TEL", fCustom, "fax"},
	vcOtherPhones: {"TEL", fCustom, "other_phones"}, vcOtherAddresses: {"ADR", fCustom, "other_addresses"},
	vcWebsite: {"URL", fCustom, "website"},
}

// vcardSource reads cards through the pre-pass (vcardscan.go) and
// go-vcard.
type vcardSource struct {
	f     *os.File
	scan  *cardScanner
	kinds func(string) (string, bool)
	name  string // the current card's name, for its errors
}

// openVCard reads a .vcf file. --map and --sheet mean nothing for it and
// are refused rather than ignored.
func (r *Reader) openVCard(path string) error {
	if len(r.opts.Map) > 0 {
		return errors.New("--map names spreadsheet columns, and a vCard file has none (its fields are read by their vCard names); import it without --map")
	}
	if r.opts.Sheet != "" {
		return errors.New("--sheet names a sheet of a workbook, and a vCard file has none; import it without --sheet")
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	text, enc := vcardText(f)
	r.src = &vcardSource{f: f, scan: newCardScanner(text), kinds: r.opts.kinds.Match}
	r.format, r.encoding = formatVCard, enc
	for _, vc := range vcardCols {
		col := &column{Column: Column{Header: vc.header, Field: ignoreField}, idx: len(r.cols), id: vc.id, key: vc.key}
		if vc.id == fCustom {
			col.Field = customPrefix + vc.key
		} else {
			col.Field = Fields[vc.id]
		}
		r.cols = append(r.cols, col)
	}
	r.span, r.vals = len(r.cols), make([]string, len(r.cols))
	return nil
}

// vcardText decodes a UTF-16 export (with or without its byte-order mark)
// as it is read; UTF-8 passes through, its BOM left to the scanner.
func vcardText(f io.Reader) (io.Reader, string) {
	br := bufio.NewReaderSize(f, 4096)
	head, _ := br.Peek(4096)
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || utf16Guess(head) == "le":
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()), "UTF-16LE"
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}) || utf16Guess(head) == "be":
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder()), "UTF-16BE"
	}
	return br, "UTF-8"
}

func (s *vcardSource) next() ([]string, int, error) {
	rc, err := s.scan.next()
	if err != nil {
		return nil, 0, err
	}
	card, err := vcard.NewDecoder(strings.NewReader(rc.text)).Decode()
	s.name = cardName(card)
	switch {
	case rc.problem != "":
		return nil, rc.pos, &RowError{Row: rc.pos, Message: rc.problem, Contact: s.name}
	case err != nil:
		return nil, rc.pos, &RowError{Row: rc.pos, Message: "this card cannot be read (" + err.Error() + "); export it again", Contact: s.name}
	}
	return s.cells(card), rc.pos, nil
}

func (s *vcardSource) close() error { return s.f.Close() }

// label names the card last read, for the errors of the rows built from it.
func (s *vcardSource) label() string { return s.name }

// cells lays a card out as a row of the columns above.
func (s *vcardSource) cells(card vcard.Card) []string {
	v := make([]string, vcCount)
	nameCells(card, v)
	s.categories(card, v)
	emailCells(card, v)
	phoneCells(card, v)
	addressCells(card, v)
	v[vcNotes] = joinValues(card, "NOTE", "\n")
	v[vcJobTitle] = joinValues(card, "TITLE", ", ")
	v[vcRole] = joinValues(card, "ROLE", ", ")
	v[vcWebsite] = joinValues(card, "URL", ", ")
	v[vcNickname] = joinValues(card, "NICKNAME", ", ")
	if v[vcTitle] == "" && leadingTitles[wordKey(v[vcJobTitle])] {
		v[vcTitle] = v[vcJobTitle] // TITLE:Pastor is how he is greeted
	}
	for i := range v {
		if i != vcNotes {
			v[i] = oneLine(v[i]) // an address book lets a name or title run over lines; a letter may not
		}
	}
	return v
}

// categories become tags; the first that names a kind ("Pastors",
// "Pediatricians", or a word of [contacts.kind_aliases]) is the card's
// kind. Google gives every contact "myContacts", which says nothing.
func (s *vcardSource) categories(card vcard.Card, v []string) {
	var tags []string
	for _, f := range card["CATEGORIES"] {
		for _, c := range strings.Split(unescape(f.Value), ",") {
			c = strings.TrimSpace(c)
			if c == "" || strings.EqualFold(c, "myContacts") {
				continue
			}
			tags = append(tags, c)
			if k, ok := s.kinds(c); ok && k != "" && v[vcKind] == "" {
				v[vcKind] = c
			}
		}
	}
	v[vcTags] = strings.Join(tags, ",")
}

// cardName names a card in messages: its FN, else its N, organization or
// email.
func cardName(card vcard.Card) string {
	if card == nil {
		return ""
	}
	if fn := oneLine(unescape(card.Value("FN"))); fn != "" {
		return fn
	}
	if n := card.Get("N"); n != nil {
		p := components(n.Value)
		if name := oneLine(part(p, 1) + " " + part(p, 0)); name != "" {
			return name
		}
	}
	if org := oneLine(part(components(card.Value("ORG")), 0)); org != "" {
		return org
	}
	return oneLine(unescape(card.Value("EMAIL")))
}

// unescapes are the escapes go-vcard leaves in a value: "\;" and "\:"
// (Google writes "https\://"), and "\N", vCard 3.0's other line break.
var unescapes = strings.NewReplacer(`\;`, ";", `\:`, ":", `\N`, "\n")

func unescape(s string) string { return unescapes.Replace(s) }

// components splits a structured value (N, ADR, ORG) at its semicolons,
// except escaped ones, which go-vcard's own split does not respect.
func components(v string) []string {
	var out []string
	start := 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case ';':
			out = append(out, strings.TrimSpace(unescape(v[start:i])))
			start = i + 1
		}
	}
	return append(out, strings.TrimSpace(unescape(v[start:])))
}

func part(p []string, i int) string {
	if i < len(p) {
		return p[i]
	}
	return ""
}

// joinValues joins every value of a property, unescaped.
func joinValues(card vcard.Card, prop, sep string) string {
	var out []string
	for _, f := range card[prop] {
		if t := strings.TrimSpace(unescape(f.Value)); t != "" {
			out = append(out, t)
		}
	}
	return strings.Join(out, sep)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
