package sheet

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// numKind is what a column's number format says its numbers are.
type numKind int

const (
	numPlain  numKind = iota
	numDate           // 2024-03-14, or with the time when the serial has one
	numTime           // 14:30
	numDigits         // a digit template like 00000 or 00000-0000 (zip codes)
)

// classifyFormat reads a cell style's number format. Built-in ids 14-17
// and 22 are dates, 18-21 and 45-47 times, 27-36 and 50-58 the East Asian
// date formats; a custom format is a date when it has y, d or a month m
// outside quotes and brackets.
func classifyFormat(st *excelize.Style) (numKind, string) {
	switch id := st.NumFmt; {
	case st.CustomNumFmt != nil:
		return classifyCode(*st.CustomNumFmt)
	case id >= 14 && id <= 17 || id == 22 || id >= 27 && id <= 31 || id >= 34 && id <= 36 || id >= 50 && id <= 58:
		return numDate, ""
	case id >= 18 && id <= 21 || id >= 45 && id <= 47 || id == 32 || id == 33:
		return numTime, ""
	}
	return numPlain, ""
}

func classifyCode(code string) (numKind, string) {
	section, _, _ := strings.Cut(code, ";")
	letters := strings.ToLower(formatLetters(section))
	if tmpl, ok := digitTemplate(section); ok {
		return numDigits, tmpl
	}
	if strings.Contains(letters, "general") || strings.ContainsAny(letters, "0#") && !strings.ContainsAny(letters, "ydhs") {
		return numPlain, ""
	}
	switch {
	case strings.ContainsAny(letters, "yd"):
		return numDate, ""
	case strings.ContainsAny(letters, "hs"):
		return numTime, ""
	case strings.Contains(letters, "m"):
		return numDate, ""
	}
	return numPlain, ""
}

// formatLetters drops what a number format shows literally: quoted text,
// escaped characters and [bracketed] parts (colors, locales), except
// elapsed time like [h].
func formatLetters(code string) string {
	var b strings.Builder
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			}
		case '\\', '_', '*':
			i++
		case '[':
			if j := strings.IndexByte(code[i:], ']'); j >= 0 {
				if inner := strings.ToLower(code[i+1 : i+j]); strings.Trim(inner, "hms") == "" {
					b.WriteString(inner)
				}
				i += j
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// digitTemplate recognizes formats made of zeros and separators ("00000",
// "00000-0000", "000\-00\-0000") and returns them with literals unescaped,
// '0' standing for a digit.
func digitTemplate(code string) (string, bool) {
	var b strings.Builder
	zeros := 0
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '0':
			zeros++
			b.WriteByte('0')
		case c == '\\' && i+1 < len(code) && code[i+1] != '0':
			i++
			b.WriteByte(code[i])
		case c == '-' || c == ' ' || c == '(' || c == ')':
			b.WriteByte(c)
		default:
			return "", false
		}
	}
	return b.String(), zeros > 1
}

// setFormats gives each column the conversion its number format calls for;
// every other column still gets numbers written plainly (no exponent).
func (r *Reader) setFormats(f *excelize.File, styles map[int]int) {
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	for _, col := range r.cols {
		col.conv = numberText
		s, ok := styles[col.idx]
		if !ok || col.id == fIgnore {
			continue
		}
		st, err := f.GetStyle(s)
		if err != nil {
			continue
		}
		kind, tmpl := classifyFormat(st)
		col.conv = converter(kind, tmpl, date1904)
		if kind == numDate || kind == numTime {
			r.notes.add(RowError{Row: r.headRow, Column: col.Header,
				Message: "holds dates or times; they are imported as text like 2024-03-14 or 14:30"})
		}
	}
}

func converter(kind numKind, tmpl string, date1904 bool) func(string) string {
	switch kind {
	case numDate, numTime:
		return func(v string) string { return dateText(v, kind == numTime, date1904) }
	case numDigits:
		return func(v string) string { return fillDigits(v, tmpl) }
	}
	return numberText
}

// dateText turns a date serial into an ISO date, with the time when the
// serial has one; text in a date column is left as typed.
func dateText(v string, timeOnly, date1904 bool) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !isNumeric(v) || f < 0 || f > 2958465 { // 9999-12-31
		return numberText(v)
	}
	t, err := excelize.ExcelDateToTime(f, date1904)
	if err != nil {
		return numberText(v)
	}
	t = t.Round(time.Second)
	switch {
	case timeOnly && t.Second() != 0:
		return t.Format("15:04:05")
	case timeOnly:
		return t.Format("15:04")
	case t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0:
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04")
}

// fillDigits writes a whole number into a digit template, restoring the
// leading zeros Excel only displays: 2134 with "00000" is "02134".
func fillDigits(v, tmpl string) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !isNumeric(v) || f < 0 || f != math.Trunc(f) || f >= 1e15 {
		return numberText(v)
	}
	digits := strconv.FormatInt(int64(f), 10)
	slots := strings.Count(tmpl, "0")
	if len(digits) > slots {
		return digits
	}
	digits = strings.Repeat("0", slots-len(digits)) + digits
	out := []byte(tmpl)
	for i, j := 0, 0; i < len(out); i++ {
		if tmpl[i] == '0' {
			out[i], j = digits[j], j+1
		}
	}
	return string(out)
}

// numberText writes a stored number the way a person would: a phone
// number as digits, never 1.5551234567e+10; 5 rather than 5.0; and 0.3
// rather than the float noise 0.30000000000000004. Plain text and plain
// integers (the common case) are returned untouched, cheaply.
func numberText(v string) string {
	if v == "" || !(v[0] >= '0' && v[0] <= '9' || v[0] == '-' || v[0] == '.') || !strings.ContainsAny(v, "eE.") || !isNumeric(v) {
		return v
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) >= 1e21 || !noisy(v) {
		return v
	}
	g, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(g, 'f', -1, 64)
}

// noisy reports a number written with an exponent, a zero fraction, or
// more digits than Excel shows (15).
func noisy(v string) bool {
	if strings.ContainsAny(v, "eE") {
		return true
	}
	_, frac, _ := strings.Cut(v, ".")
	digits := strings.Count(v, "") - 1 - strings.Count(v, "-") - strings.Count(v, ".")
	return strings.Trim(frac, "0") == "" || digits > 15
}

func isNumeric(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			return false
		}
	}
	return true
}
