package contact

import (
	"fmt"
	"strconv"
	"strings"
)

// OptOutToken is the token that names a contact in an opt-out address:
// its ID with a check letter pair, so a mistyped token matches no one.
// Tokens are lower-case letters and digits, six characters or more.
func OptOutToken(id int64) string {
	s := fmt.Sprintf("%03d", id) // at least six characters in all
	sum := 0
	for i, r := range s {
		sum += int(r-'0') * (i + 3)
	}
	return fmt.Sprintf("c%sx%c%c", s, 'a'+rune(sum%26), 'a'+rune((sum/26)%26))
}

// ParseOptOutToken returns the contact ID a token names, or false.
func ParseOptOutToken(tok string) (int64, bool) {
	rest, ok := strings.CutPrefix(strings.ToLower(tok), "c")
	if !ok {
		return 0, false
	}
	num, _, ok := strings.Cut(rest, "x")
	id, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || OptOutToken(id) != strings.ToLower(tok) {
		return 0, false
	}
	return id, true
}
