package sheet

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

func colLetter(i int) string {
	l, _ := excelize.ColumnNumberToName(i + 1)
	return l
}

// padZip restores the leading zero Excel drops from New England zip codes:
// a 4-digit number in a Zip column of a US (or country-less) row becomes
// 5 digits, with a note so the user can check it.
func (b *builder) padZip() {
	a := &b.c.Address
	if b.zipCol == nil || len(a.PostalCode) != 4 || !allDigits(a.PostalCode) ||
		!strings.Contains(foldHeader(b.zipCol.Header), "zip") || !usCountry(a.Country) {
		return
	}
	a.PostalCode = "0" + a.PostalCode
	b.note(b.zipCol, fmt.Sprintf("4-digit zip code padded to %s (Excel drops leading zeros; format the column as text)", a.PostalCode))
}

func usCountry(c string) bool {
	switch foldHeader(c) {
	case "", "us", "usa", "unitedstates", "unitedstatesofamerica", "america":
		return true
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// zoneNames are the US zone names people type instead of IANA names.
var zoneNames = map[string]string{
	"eastern": "America/New_York", "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
	"central": "America/Chicago", "cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago",
	"mountain": "America/Denver", "mst": "America/Denver", "mdt": "America/Denver", "mt": "America/Denver",
	"pacific": "America/Los_Angeles", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
	"alaska": "America/Anchorage", "akst": "America/Anchorage", "hawaii": "Pacific/Honolulu", "hst": "Pacific/Honolulu",
	"arizona": "America/Phoenix",
}

// timezone accepts an IANA zone name, or a US name like "Eastern" or
// "PST" which becomes the IANA name of that zone.
func (b *builder) timezone(col *column, v string) *RowError {
	if z, ok := zoneNames[foldHeader(v)]; ok {
		v = z
	}
	if !b.r.zoneOK(v) {
		return b.fail(col, fmt.Sprintf("%q is not a time zone rapport knows; use a name like America/Chicago or Europe/Berlin", v))
	}
	b.c.TimeZone = v
	return nil
}

// zoneOK caches time.LoadLocation, which reads the zone database each time.
func (r *Reader) zoneOK(v string) bool {
	if ok, seen := r.zones[v]; seen {
		return ok
	}
	_, err := time.LoadLocation(v)
	ok := err == nil && v != "Local" && v != ""
	if len(r.zones) < 10_000 {
		r.zones[v] = ok
	}
	return ok
}

// emailReason says why an address is not valid, in the words a user needs
// to fix the cell; NormalizeEmail's own wording is the fallback.
func emailReason(v string, err error) string {
	s := strings.TrimSpace(v)
	if i, j := strings.IndexByte(s, '<'), strings.LastIndexByte(s, '>'); i >= 0 && j > i {
		s = s[i+1 : j]
	}
	n := strings.Count(s, "@")
	switch {
	case n == 0:
		return "it has no @"
	case n > 1 && strings.ContainsAny(s, ",; /"):
		return "the cell holds more than one address; keep one per row and put the others in another column"
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	switch {
	case local == "":
		return "nothing comes before the @"
	case domain == "":
		return "nothing comes after the @"
	case strings.ContainsAny(s, " \t"):
		return "it contains a space"
	case !strings.Contains(strings.TrimSuffix(domain, "."), "."):
		return "the domain has no dot"
	}
	msg := err.Error()
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		msg = strings.TrimPrefix(msg, u.Error()+": ")
	}
	return strings.TrimPrefix(msg, "invalid email: ")
}
