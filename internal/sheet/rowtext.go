package sheet

import (
	"errors"
	"fmt"
	"strings"

	"rapport/internal/contact"
)

// lineBreaks says why a single-line cell was refused.
const lineBreaks = "line breaks are not allowed in this column (Alt+Enter in Excel); put the text on one line"

// multiline reports whether a cell that CheckText refused may keep its line
// breaks: free text (Notes, custom columns) may, and so may an address in
// one cell, which is split later. Other control characters are refused
// everywhere.
func (b *builder) multiline(col *column, err error) bool {
	if !strings.Contains(err.Error(), "line break") {
		return false
	}
	return col.id == fNotes || col.id == fCustom || col.id == fStreet
}

// multilineCell keeps a free-text cell's lines, tidied.
func (b *builder) multilineCell(col *column, v string) *RowError {
	clean, err := contact.CleanMultiline(v)
	if err != nil {
		return b.fail(col, textProblem(v, err, b.r.encoding != ""))
	}
	if b.r.delim != 0 && b.swallowedRows(clean) {
		return b.fail(col, fmt.Sprintf("this cell runs over %d lines and holds what look like other rows: a stray quote (\") probably opened it; remove the quote and import again",
			strings.Count(clean, "\n")+1))
	}
	if clean = cleanValue(clean); clean == "" {
		return nil
	}
	b.noteLazy(col)
	return b.set(col, clean)
}

// swallowedRows spots the classic CSV accident: a quote opened in one cell
// and never closed makes the cell run on over the following records. A line
// of the cell holding an address and as many delimiters as half a row is
// taken for such a record.
func (b *builder) swallowedRows(v string) bool {
	need := max(2, (b.r.span-1)/2)
	lines := strings.Split(v, "\n")
	for _, l := range lines[1:] {
		if strings.Count(l, string(b.r.delim)) >= need && strings.Contains(l, "@") {
			return true
		}
	}
	return false
}

// splitAddress splits an address written in one cell ("77 School Ln,
// Springfield, IL 62703") into street, city, region and postal code, when
// the row has no city or postal code of its own. An address that cannot be
// split is kept whole as the street, with a note naming the row. A line
// break in a street that is only the street line is refused, as in any
// single-line column.
func (b *builder) splitAddress() *RowError {
	a, col := &b.c.Address, b.streetCol
	if col == nil || a.Street == "" {
		return nil
	}
	multi := strings.Contains(a.Street, "\n")
	if a.City != "" || a.PostalCode != "" {
		if multi {
			return b.fail(col, lineBreaks)
		}
		return nil
	}
	if !multi && !strings.Contains(a.Street, ",") && !endsWithCode(a.Street) {
		return nil
	}
	p, ok := contact.ParseAddress(a.Street)
	if !ok {
		a.Street = strings.ReplaceAll(a.Street, "\n", ", ")
		b.note(col, fmt.Sprintf("the address %q could not be split into street, city, state and postal code, so it is kept whole as the street; "+
			"write it like \"77 School Ln, Springfield, IL 62703\", or put the parts in their own columns", a.Street))
		return nil
	}
	a.Street, a.City, a.PostalCode = p.Street, p.City, p.PostalCode
	if a.Region == "" {
		a.Region = p.Region
	}
	if a.Country == "" {
		a.Country = p.Country
	}
	if !col.splitNoted {
		col.splitNoted = true
		b.note(col, "addresses written in one cell are split into street, city, state and postal code")
	}
	return nil
}

// endsWithCode reports a street cell ending in what looks like a postal
// code ("… Springfield IL 62703"): an address in one cell without commas.
func endsWithCode(s string) bool {
	f := strings.Fields(s)
	if len(f) < 3 {
		return false
	}
	last := strings.TrimSuffix(f[len(f)-1], ".")
	digits := 0
	for i := 0; i < len(last); i++ {
		if last[i] >= '0' && last[i] <= '9' {
			digits++
		}
	}
	return digits >= 4 || len(last) == 3 && last[0] >= '0' && last[0] <= '9' // "2AA" of a UK postcode
}

// textProblem says, for a user, what contact.CheckText found in v. A cell
// running over many lines in a CSV is usually a stray quote that opened it.
func textProblem(v string, err error, csv bool) string {
	const msg = lineBreaks
	switch n := strings.Count(v, "\n"); {
	case n > 2 && csv:
		return fmt.Sprintf("%s; this cell runs over %d lines, which can also mean a stray quote (\") opened it", msg, n+1)
	case strings.Contains(err.Error(), "line break"):
		return msg
	case errors.Is(err, contact.ErrControl):
		return "contains an invisible control character (" + strings.TrimPrefix(err.Error(), contact.ErrControl.Error()+": ") +
			"); retype the cell"
	}
	return "has broken characters (not valid text); retype the cell"
}

// cleanValue trims and collapses spaces (contact.CleanText), skipping the
// work for the common plain value, and undoes the apostrophe Export puts
// before a value that looks like a formula, so an export imports back as
// it was.
func cleanValue(v string) string {
	if needsClean(v) {
		v = contact.CleanText(v)
	}
	if len(v) > 1 && v[0] == '\'' && strings.IndexByte("=+-@", v[1]) >= 0 {
		v = v[1:]
	}
	return v
}

func needsClean(v string) bool {
	if v == "" || v[0] == ' ' || v[len(v)-1] == ' ' {
		return true
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '\t' || c >= 0x80 || c == ' ' && v[i+1] == ' ' {
			return true
		}
	}
	return false
}
