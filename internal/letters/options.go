package letters

import (
	"fmt"
	"strings"
	"time"
)

// Format is the paper a letter is printed on.
type Format string

// The formats. FormatCard is the folded A2 note card (5.5 × 4.25 in once
// folded, top fold), printed two to a US Letter sheet with cut and fold
// marks; FormatCard5x7 is a flat 5 × 7 in card, one to a sheet of card
// stock fed by hand.
const (
	FormatLetter  Format = "letter"
	FormatA4      Format = "a4"
	FormatCard    Format = "card"
	FormatCard5x7 Format = "card5x7"
)

// Formats lists the formats by name, for messages and help.
var Formats = []Format{FormatLetter, FormatA4, FormatCard, FormatCard5x7}

// ParseFormat reads a format name as a user types it.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "letter", "us-letter", "usletter":
		return FormatLetter, nil
	case "a4":
		return FormatA4, nil
	case "card", "a2", "card-a2", "note-card":
		return FormatCard, nil
	case "card5x7", "5x7", "card-5x7":
		return FormatCard5x7, nil
	}
	return "", fmt.Errorf("%q is not a letter format (letter, a4, card, card5x7)", s)
}

// Options are the choices a whole print run shares. The zero value prints
// US Letter pages in the embedded handwriting font.
type Options struct {
	Format Format
	// Font is a TrueType handwriting font to use instead of the embedded
	// Caveat; FontName names it in messages (its file name).
	Font     []byte
	FontName string
	// FallbackFont is tried after the handwriting font and the Go font,
	// for the characters neither has (a CJK font for 大松).
	FallbackFont     []byte
	FallbackFontName string
	// Signature is a PNG of the user's signature, printed under the
	// closing; without it, room is left to sign by hand.
	Signature []byte
	// Plain turns off the per-letter variation of the hand.
	Plain bool
	// Locale picks how dates are written: "en-US" (the default,
	// "December 2, 2026"), "en-GB", "de", "fr", "es".
	Locale string
	// From is the sender: the return address of letters and envelopes.
	From Sender
	// HomeCountry is the ISO code of the user's country (default "US"):
	// an address there is written without its country line.
	HomeCountry string
	// Title and Created go into the PDF's information; a zero Created
	// leaves the date out, so the same input makes the same bytes.
	Title   string
	Created time.Time
}

// Sender is who letters are from.
type Sender struct {
	Name    string   // "Anna Lee, LMFT"
	Address []string // the return address, a line each (see ReturnAddress)
}

// ReturnAddress makes the lines of a return address from what the user
// wrote in [identity]: the practice's name, then the postal address,
// either on several lines or on one line with commas ("12 Elm Street,
// Suite 4, Springfield, IL 62701"), where the city stays with its state.
func ReturnAddress(practice, postal string) []string {
	var out []string
	if p := strings.TrimSpace(practice); p != "" {
		out = append(out, p)
	}
	postal = strings.TrimSpace(postal)
	if strings.Contains(postal, "\n") {
		for _, l := range strings.Split(postal, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	var parts []string
	for _, p := range strings.Split(postal, ",") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	// "Springfield, IL 62701": a last part that starts with a state or
	// a postal code belongs with the city before it.
	if n := len(parts); n >= 2 && looksLikeRegionPostal(parts[n-1]) {
		parts[n-2] += ", " + parts[n-1]
		parts = parts[:n-1]
	}
	// "12 Elm Street, Suite 4": a unit stays on its street's line.
	var lines []string
	for i, p := range parts {
		if i > 0 && i < len(parts)-1 && isUnit(p) {
			lines[len(lines)-1] += ", " + p
			continue
		}
		lines = append(lines, p)
	}
	return append(out, lines...)
}

// isUnit matches the second part of a street line: "Suite 4", "Apt 2B".
func isUnit(s string) bool {
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 0 {
		return false
	}
	switch strings.TrimSuffix(f[0], ".") {
	case "suite", "ste", "apt", "apartment", "unit", "floor", "fl", "room", "rm", "bldg", "building", "po", "p.o":
		return true
	}
	return strings.HasPrefix(f[0], "#")
}

// looksLikeRegionPostal matches "IL 62701", "62701", "ON M5V 2T6".
func looksLikeRegionPostal(s string) bool {
	f := strings.Fields(s)
	if len(f) == 0 || len(f) > 3 {
		return false
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 3
}
