package sheet

import (
	"strconv"
	"strings"

	"github.com/emersion/go-vcard"

	"rapport/internal/contact"
)

// nameCells fills the name cells from N (family; given; middle; prefix;
// suffix). The honorific comes from N's prefix, else from the front of FN
// ("Dr. Maria Alvarez"); credentials from N's suffix, else the end of FN
// ("Anna Lee, LCSW"), and they go after the last name, where the builder
// takes them off as for a spreadsheet. A card without N's parts, or a
// company card, gives FN to the builder, which does not split an
// organization's name into a person's.
func nameCells(card vcard.Card, v []string) {
	fn := oneLine(unescape(card.Value("FN")))
	org := components(card.Value("ORG"))
	v[vcOrg], v[vcDepartment] = part(org, 0), strings.Join(nonEmpty(org[min(1, len(org)):]), ", ")
	if company(card) {
		if v[vcOrg] == "" {
			v[vcOrg] = fn
		}
		return
	}
	n := card.Preferred("N")
	var p []string
	if n != nil {
		p = components(n.Value)
	}
	family, given := part(p, 0), part(p, 1)
	if family == "" && given == "" {
		v[vcName] = fn
		return
	}
	prefix, suffix := part(p, 3), part(p, 4)
	if prefix == "" {
		prefix, _ = cutTitle(strings.Fields(fn))
	}
	if suffix == "" {
		_, suffix = cutCredentials(fn)
	}
	switch {
	case family == "" || suffix == "":
	case allCredentials(strings.ReplaceAll(suffix, ",", " ")):
		family += ", " + suffix
	default:
		family += " " + suffix // Jr.
	}
	v[vcFirst], v[vcLast], v[vcMiddle], v[vcTitle] = given, family, part(p, 2), prefix
}

// company reports a card for an organization rather than a person: vCard
// 4.0's KIND:org, or Apple's "show as company".
func company(card vcard.Card) bool {
	return strings.EqualFold(card.Value("KIND"), "org") || strings.EqualFold(card.Value("X-ABSHOWAS"), "COMPANY")
}

func nonEmpty(in []string) []string {
	var out []string
	for _, s := range in {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// emailCells: the preferred address (PREF, TYPE=pref, or else the first) is
// the contact's key; the others are kept in the field other_emails.
func emailCells(card vcard.Card, v []string) {
	fields := card["EMAIL"]
	key := preferred(fields, nil)
	if key == nil {
		return
	}
	v[vcEmail] = emailValue(key.Value)
	seen := map[string]bool{strings.ToLower(v[vcEmail]): true}
	var others []string
	for _, f := range fields {
		e := emailValue(f.Value)
		if e != "" && !seen[strings.ToLower(e)] {
			seen[strings.ToLower(e)] = true
			others = append(others, e)
		}
	}
	v[vcOtherEmails] = strings.Join(others, ", ")
}

// emailValue strips the "mailto:" some vCard 4.0 writers put before an
// address.
func emailValue(s string) string {
	s = strings.TrimSpace(unescape(s))
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
	}
	return s
}

// phoneCells: the preferred number, else the first work number, else the first
// is the phone; never a fax, which no one should call. Mobiles and faxes
// keep their own fields, the rest go to other_phones with their labels.
func phoneCells(card vcard.Card, v []string) {
	var callable []*vcard.Field
	for _, f := range card["TEL"] {
		if !isFax(card, f) {
			callable = append(callable, f)
		}
	}
	main := preferred(callable, func(f *vcard.Field) bool { return f.Params.HasType("work") })
	var mobile, fax, other []string
	for _, f := range card["TEL"] {
		num := phoneValue(f.Value)
		switch {
		case num == "":
		case f == main:
			v[vcPhone] = num
		case isFax(card, f):
			fax = append(fax, num)
		case f.Params.HasType("cell") || f.Params.HasType("iphone") || isLabel(card, f, "mobile", "cell", "iphone"):
			mobile = append(mobile, num)
		default:
			if l := typeLabel(card, f); l != "" {
				num = l + ": " + num
			}
			other = append(other, num)
		}
	}
	v[vcMobile], v[vcFax], v[vcOtherPhones] = strings.Join(mobile, ", "), strings.Join(fax, ", "), strings.Join(other, "; ")
}

func isFax(card vcard.Card, f *vcard.Field) bool {
	return f.Params.HasType("fax") || isLabel(card, f, "fax")
}

// phoneValue strips vCard 4.0's "tel:" URI form.
func phoneValue(s string) string {
	s = strings.TrimSpace(unescape(s))
	if len(s) > 4 && strings.EqualFold(s[:4], "tel:") {
		s = strings.Replace(s[4:], ";ext=", " ext. ", 1)
	}
	return s
}

// addressCells: the preferred address, else the first work address, else the
// first, fills street, city, region, postal code and country; the others
// are kept on one line each in other_addresses.
func addressCells(card vcard.Card, v []string) {
	fields := card["ADR"]
	main := preferred(fields, func(f *vcard.Field) bool { return f.Params.HasType("work") })
	var others []string
	for _, f := range fields {
		a := adrParts(f)
		if f == main {
			copy(v[vcStreet:vcCountry+1], a[:])
			continue
		}
		adr := contact.Address{Street: a[0], City: a[1], Region: a[2], PostalCode: a[3], Country: a[4]}
		if line := strings.Join(adr.Lines(), ", "); line != "" {
			others = append(others, line)
		}
	}
	v[vcOtherAddresses] = strings.Join(others, "; ")
}

// adrParts reads ADR's parts (box; extended; street; city; region; postal
// code; country) as street, city, region, postal code and country. A
// street over several lines (Apple's "Suite 200" line) is one line with
// commas, as an envelope's street line.
func adrParts(f *vcard.Field) [5]string {
	p := components(f.Value)
	var street []string
	for _, l := range strings.Split(part(p, 2), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			street = append(street, l)
		}
	}
	street = append(street, nonEmpty([]string{part(p, 1)})...)
	if box := part(p, 0); box != "" {
		if _, err := strconv.Atoi(box); err == nil {
			box = "PO Box " + box
		}
		street = append(street, box)
	}
	return [5]string{strings.Join(street, ", "), oneLine(part(p, 3)), oneLine(part(p, 4)), oneLine(part(p, 5)), oneLine(part(p, 6))}
}

// preferred picks the field marked preferred (vCard 4.0's PREF=1 wins over
// PREF=2; 3.0 and 2.1 say TYPE=pref), else the first that better likes
// (when given), else the first.
func preferred(fields []*vcard.Field, better func(*vcard.Field) bool) *vcard.Field {
	var best *vcard.Field
	rank := 101
	for _, f := range fields {
		n := 101
		if p := f.Params.Get(vcard.ParamPreferred); p != "" {
			n, _ = strconv.Atoi(p)
		} else if f.Params.HasType("pref") {
			n = 1
		}
		if n >= 1 && n < rank {
			best, rank = f, n
		}
	}
	if best != nil {
		return best
	}
	for _, f := range fields {
		if better != nil && better(f) {
			return f
		}
	}
	if len(fields) > 0 {
		return fields[0]
	}
	return nil
}

// typeLabel is how the user labelled a number: Apple's label for its group
// ("item1.X-ABLabel:Front desk"), else its types ("home").
func typeLabel(card vcard.Card, f *vcard.Field) string {
	if l := abLabel(card, f); l != "" {
		return l
	}
	var types []string
	for _, t := range f.Params.Types() {
		switch t {
		case "voice", "pref", "internet", "":
		default:
			types = append(types, t)
		}
	}
	return strings.Join(types, " ")
}

// abLabel reads Apple's label for a grouped property, unwrapping its
// built-in ones ("_$!<Mobile>!$_" is "Mobile").
func abLabel(card vcard.Card, f *vcard.Field) string {
	if f.Group == "" {
		return ""
	}
	for _, l := range card["X-ABLABEL"] {
		if strings.EqualFold(l.Group, f.Group) {
			s := strings.TrimSuffix(strings.TrimPrefix(unescape(l.Value), "_$!<"), ">!$_")
			return oneLine(s)
		}
	}
	return ""
}

func isLabel(card vcard.Card, f *vcard.Field, words ...string) bool {
	l := strings.ToLower(abLabel(card, f))
	for _, w := range words {
		if l != "" && strings.Contains(l, w) {
			return true
		}
	}
	return false
}
