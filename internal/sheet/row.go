package sheet

import (
	"fmt"
	"slices"
	"strings"

	"rapport/internal/contact"
)

// values fills r.vals with the row's cells, converted for display, and
// reports whether the row has anything in it. Blank rows are common (a gap
// between groups, Excel's formatted-but-empty rows) and are skipped quietly.
func (r *Reader) values(cells []string, num int) bool {
	filled := false
	for i, col := range r.cols {
		v := ""
		if col.idx < len(cells) && col.id != fIgnore {
			v = cells[col.idx]
		}
		if v != "" && col.conv != nil {
			v = col.conv(v)
		}
		if v != "" && v[0] == '#' && excelErrors[v] {
			v = r.formulaError(col, num)
		}
		r.vals[i] = v
		filled = filled || v != "" && strings.TrimSpace(v) != ""
	}
	if len(cells) > r.span && !r.wide {
		r.checkWide(cells, num)
	}
	return filled
}

// excelErrors are the values Excel shows for a formula that failed. A
// VLOOKUP that found nothing must not greet someone as "Dear #N/A,".
var excelErrors = map[string]bool{
	"#N/A": true, "#REF!": true, "#VALUE!": true, "#DIV/0!": true, "#NAME?": true, "#NULL!": true,
	"#NUM!": true, "#SPILL!": true, "#CALC!": true, "#GETTING_DATA": true, "#FIELD!": true, "#BLOCKED!": true,
}

// formulaError reads an Excel error value as an empty cell, noting it once
// per column.
func (r *Reader) formulaError(col *column, num int) string {
	if !col.errNoted {
		col.errNoted = true
		r.notes.add(RowError{Row: num, Column: col.Header,
			Message: "holds Excel error values like #N/A (a formula that failed); they are read as empty cells"})
	}
	return ""
}

// checkWide notes, once, values right of the last header column: they have
// no header to say what they are, and a stray cell far right (XFD) must not
// turn into thousands of custom fields.
func (r *Reader) checkWide(cells []string, num int) {
	for i := r.span; i < len(cells); i++ {
		if strings.TrimSpace(cells[i]) != "" {
			r.wide = true
			r.notes.add(RowError{Row: num, Message: fmt.Sprintf(
				"values right of the last header column are ignored (first one in column %s)", colLetter(i))})
			return
		}
	}
}

// builder turns one row's values into a Contact.
type builder struct {
	r         *Reader
	num       int
	c         contact.Contact
	name      string
	street2   string
	kind      string
	tags      string
	kindCol   *column
	zipCol    *column
	streetCol *column
	otherWord string // the kind word that matched no kind
}

func (r *Reader) build(num int) (contact.Contact, *RowError) {
	b := builder{r: r, num: num}
	b.c.Source = contact.Source{File: r.file, Row: num}
	for i, col := range r.cols {
		if e := b.cell(col, r.vals[i]); e != nil {
			return contact.Contact{}, e
		}
	}
	if e := b.finish(); e != nil {
		return contact.Contact{}, e
	}
	return b.c, nil
}

func (b *builder) cell(col *column, v string) *RowError {
	if v == "" || col.id == fIgnore {
		return nil
	}
	if err := contact.CheckText(v); err != nil {
		if !b.multiline(col, err) {
			return b.fail(col, textProblem(v, err, b.r.encoding != ""))
		}
		return b.multilineCell(col, v)
	}
	if v = cleanValue(v); v == "" {
		return nil
	}
	b.noteLazy(col)
	return b.set(col, v)
}

func (b *builder) noteLazy(col *column) {
	if col.lazy && !col.seen {
		col.seen = true
		b.note(col, fmt.Sprintf("this column has no header; its values are kept as custom field %q", col.key))
	}
}

func (b *builder) set(col *column, v string) *RowError {
	c := &b.c
	switch col.id {
	case fEmail:
		return b.email(col, v)
	case fFirst:
		c.FirstName = v
	case fLast:
		c.LastName = v
	case fName:
		b.name = v
	case fTitle:
		c.Title = contact.NormalizeTitle(v)
	case fOrg:
		c.Organization = v
	case fKind:
		b.kind, b.kindCol = v, col
	case fPhone:
		c.Phone = v
	case fTags:
		b.tags = v
	case fNotes:
		c.Notes = v
	case fTimezone:
		return b.timezone(col, v)
	case fStage:
		return b.stage(col, v)
	case fCustom:
		b.field(col.key, v)
	default:
		b.address(col, v)
	}
	return nil
}

func (b *builder) address(col *column, v string) {
	a := &b.c.Address
	switch col.id {
	case fStreet:
		a.Street, b.streetCol = v, col
	case fStreet2:
		b.street2 = v
	case fCity:
		a.City = v
	case fRegion:
		a.Region = v
	case fPostal:
		a.PostalCode, b.zipCol = v, col
	case fCountry:
		a.Country = v
	}
}

func (b *builder) field(key, v string) {
	if b.c.Fields == nil {
		b.c.Fields = map[string]string{}
	}
	b.c.Fields[key] = v
}

func (b *builder) email(col *column, v string) *RowError {
	e, err := contact.NormalizeEmail(v)
	if err != nil {
		return b.fail(col, fmt.Sprintf("%q is not a valid email address: %s", v, emailReason(v, err)))
	}
	b.c.Email = e
	return nil
}

func (b *builder) stage(col *column, v string) *RowError {
	s, err := b.r.opts.Pipeline.Parse(v)
	if err != nil {
		return b.fail(col, fmt.Sprintf("%q is not a stage (stages: %s); fix the cell, or use --map %q to ignore the column",
			v, b.r.opts.Pipeline.Names(), col.Header+"=-"))
	}
	b.c.Stage = s
	return nil
}

// finish does what needs the whole row: names, the address, the kind, tags,
// and the checks that a good row has an email or a full postal address and
// does not repeat an earlier row.
func (b *builder) finish() *RowError {
	b.names()
	if e := b.splitAddress(); e != nil {
		return e
	}
	if b.street2 != "" {
		b.c.Address.Street = strings.TrimPrefix(b.c.Address.Street+", "+b.street2, ", ")
	}
	b.padZip()
	if e := b.setKind(); e != nil {
		return e
	}
	if b.tags != "" || len(b.r.opts.Tags) > 0 {
		b.c.Tags = contact.NormalizeTags(append([]string{b.tags}, b.r.opts.Tags...))
	}
	if b.c.Email == "" && !b.c.Address.Complete() {
		return &RowError{Row: b.num, Message: "needs an email, or a street, city and postal code for letters"}
	}
	if e := b.unique(); e != nil {
		return e
	}
	if b.otherWord != "" {
		b.r.others = append(b.r.others, OtherKind{Row: b.num, Word: b.otherWord, Contact: b.c.Label()})
	}
	return nil
}

func (b *builder) setKind() *RowError {
	kinds := b.r.opts.Kinds
	if b.kind == "" {
		b.c.Kind = b.r.opts.Kind
		return nil
	}
	if k, ok := b.r.opts.kinds.Match(b.kind); ok {
		b.c.Kind = k
		return nil
	}
	if !slices.Contains(kinds, "other") {
		return b.fail(b.kindCol, fmt.Sprintf("%q is not one of the kinds: %s; add it to [contacts.kind_aliases] in rapport.toml, e.g. %q = %q",
			b.kind, strings.Join(kinds, ", "), b.kind, kinds[0]))
	}
	b.c.Kind, b.otherWord = "other", b.kind
	b.field("kind_original", b.kind)
	return nil
}

// unique rejects a row that repeats an earlier one: the same email in any
// case, or for postal-only rows the same name and address. The first row
// wins; the message names it so the user can compare the two.
func (b *builder) unique() *RowError {
	seen, key, what := b.r.seen, strings.ToLower(b.c.Email), "same email as "
	if key == "" {
		seen, key, what = b.r.postal, b.c.PostalKey(), "same name and postal address as "
	}
	if first, dup := seen[key]; dup {
		col := ""
		if b.c.Email != "" {
			col = b.r.colHeader(fEmail)
		}
		return &RowError{Row: b.num, Column: col, Message: fmt.Sprintf("%s%s %d", what, b.r.Unit(), first)}
	}
	seen[key] = b.num
	return nil
}

func (r *Reader) colHeader(id fieldID) string {
	for _, c := range r.cols {
		if c.id == id {
			return c.Header
		}
	}
	return ""
}

func (b *builder) fail(col *column, msg string) *RowError {
	return &RowError{Row: b.num, Column: col.Header, Message: msg}
}

func (b *builder) note(col *column, msg string) {
	b.r.notes.add(RowError{Row: b.num, Column: col.Header, Message: msg})
}
