package sheet

import "strings"

// Neutralize makes a value safe to open in a spreadsheet program. A cell
// starting with =, +, -, @, a tab or a carriage return is read as a formula
// by Excel, LibreOffice and Google Sheets when the file is opened (CSV) or
// re-saved as CSV, so it gets a leading apostrophe, the usual marker of
// text. Two kinds of values are left as they are because they cannot call
// anything and an apostrophe would spoil them: phone numbers in
// international form ("+1 555 123 4567": a plus, then only digits, spaces
// and . - ( ) /, at least 7 digits), and plain numbers ("-5", "-" alone).
// Reading a file back removes the apostrophe again (see cleanValue).
func Neutralize(v string) string {
	if v == "" || strings.IndexByte("=+-@\t\r", v[0]) < 0 {
		return v
	}
	if v == "-" || isPhoneNumber(v) || isPlainNumber(v) {
		return v
	}
	return "'" + v
}

func isPhoneNumber(v string) bool {
	if v[0] != '+' {
		return false
	}
	digits := 0
	for i := 1; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
		case strings.IndexByte(" -.()/", c) < 0:
			return false
		}
	}
	return digits >= 7
}

func isPlainNumber(v string) bool {
	if v[0] != '-' || len(v) < 2 {
		return false
	}
	dots := 0
	for i := 1; i < len(v); i++ {
		switch c := v[i]; {
		case c == '.':
			dots++
		case c < '0' || c > '9':
			return false
		}
	}
	return dots <= 1 && v != "-."
}
