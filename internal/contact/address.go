package contact

import (
	"strings"
)

// ParseAddress splits an address written in one cell ("77 School Ln,
// Springfield, IL 62703", "10 Downing Street, London SW1A 2AA", "Hauptstraße
// 5, 10115 Berlin", with an optional country at the end; line breaks count
// as commas) into its parts. It knows the common US, Canadian, UK and
// continental European shapes; ok is false for anything else, and the
// caller keeps the text whole rather than guess.
func ParseAddress(s string) (a Address, ok bool) {
	var parts []string
	for p := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if p = CleanText(p); p != "" {
			parts = append(parts, p)
		}
	}
	if n := len(parts); n > 1 && countries[Fold(parts[n-1])] {
		a.Country, parts = parts[n-1], parts[:n-1]
	}
	if len(parts) < 2 {
		return Address{}, false
	}
	last := strings.Fields(parts[len(parts)-1])
	loc, ok := parseLocality(last)
	if !ok {
		return Address{}, false
	}
	streetParts := parts[:len(parts)-1]
	if loc.City == "" { // "…, Springfield, IL 62703": the city is the part before
		loc.City, streetParts = streetParts[len(streetParts)-1], streetParts[:len(streetParts)-1]
	}
	if len(streetParts) == 0 || hasStreetWord(strings.Fields(loc.City)) {
		return Address{}, false
	}
	loc.Street, loc.Country = strings.Join(streetParts, ", "), a.Country
	return loc, true
}

// parseLocality reads the last part of an address: "Springfield IL 62703",
// "IL 62703-1234", "London SW1A 2AA", "SW1A 2AA", "Ottawa ON K1A 0B1",
// "10115 Berlin", "1012 AB Amsterdam". City is "" when the part holds none.
func parseLocality(w []string) (Address, bool) {
	n := len(w)
	if n == 0 {
		return Address{}, false
	}
	if isUSZip(w[n-1]) {
		return regionBefore(w[:n-1], w[n-1], usStates)
	}
	if n >= 3 && isCAPostal(w[n-2]+w[n-1]) && len(w[n-2]) == 3 {
		return regionBefore(w[:n-2], w[n-2]+" "+w[n-1], caProvinces)
	}
	if n >= 2 && isCAPostal(w[n-1]) {
		return regionBefore(w[:n-1], w[n-1], caProvinces)
	}
	if n >= 2 && isUKOutward(w[n-2]) && isUKInward(w[n-1]) {
		return Address{City: strings.Join(w[:n-2], " "), PostalCode: strings.ToUpper(w[n-2] + " " + w[n-1])}, true
	}
	if isUKPostcode(w[n-1]) {
		pc := strings.ToUpper(w[n-1])
		return Address{City: strings.Join(w[:n-1], " "), PostalCode: pc[:len(pc)-3] + " " + pc[len(pc)-3:]}, true
	}
	return europeanLocality(w)
}

// regionBefore finds a state or province name or code just before the
// postal code, and the city before that; the longest name wins, so that
// "New York NY" is the city New York in NY.
func regionBefore(w []string, postal string, regions map[string]bool) (Address, bool) {
	for k := min(3, len(w)); k >= 1; k-- {
		name := strings.Join(w[len(w)-k:], " ")
		if regions[Fold(name)] {
			return Address{City: strings.Join(w[:len(w)-k], " "), Region: strings.TrimSuffix(name, "."), PostalCode: postal}, true
		}
	}
	return Address{}, false
}

// europeanLocality reads "10115 Berlin", "D-10115 Berlin", "A-1010 Wien",
// "1012 AB Amsterdam": the postal code comes before the city.
func europeanLocality(w []string) (Address, bool) {
	code := w[0]
	if i := strings.IndexByte(code, '-'); i > 0 && i <= 2 && isLetters(code[:i]) {
		code = code[i+1:]
	}
	if len(code) < 4 || len(code) > 5 || !isDigits(code) || len(w) < 2 {
		return Address{}, false
	}
	postal, city := w[0], w[1:]
	if len(code) == 4 && len(city) > 1 && len(city[0]) == 2 && isUpperLetters(city[0]) { // Dutch "1012 AB"
		postal, city = postal+" "+city[0], city[1:]
	}
	return Address{City: strings.Join(city, " "), PostalCode: postal}, true
}

func isUSZip(s string) bool {
	code, plus4, ext := strings.Cut(s, "-")
	return len(code) == 5 && isDigits(code) && (!ext || len(plus4) == 4 && isDigits(plus4))
}

// isCAPostal is "K1A0B1": letter, digit, letter, digit, letter, digit.
func isCAPostal(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := 0; i < 6; i++ {
		if c := s[i]; i%2 == 0 && !isLetter(c) || i%2 == 1 && !isDigit(c) {
			return false
		}
	}
	return true
}

// isUKOutward is the first half of a UK postcode: "SW1A", "M1", "EC1V".
func isUKOutward(s string) bool {
	if len(s) < 2 || len(s) > 4 || !isLetter(s[0]) {
		return false
	}
	i := 1
	if isLetter(s[1]) {
		i = 2
	}
	if i >= len(s) || !isDigit(s[i]) {
		return false
	}
	for _, c := range []byte(s[i+1:]) {
		if !isLetter(c) && !isDigit(c) {
			return false
		}
	}
	return len(s)-i <= 2
}

// isUKInward is the second half: a digit and two letters, "2AA".
func isUKInward(s string) bool {
	return len(s) == 3 && isDigit(s[0]) && isLetter(s[1]) && isLetter(s[2])
}

func isUKPostcode(s string) bool {
	return len(s) >= 5 && len(s) <= 7 && isUKOutward(s[:len(s)-3]) && isUKInward(s[len(s)-3:])
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			return false
		}
	}
	return s != ""
}

func isUpperLetters(s string) bool { return isLetters(s) && strings.ToUpper(s) == s }

// hasStreetWord reports a "city" that is really a street ("1600
// Pennsylvania Avenue" read as a postal code and a city).
func hasStreetWord(words []string) bool {
	for _, w := range words {
		if streetWords[Fold(w)] {
			return true
		}
	}
	return false
}

var streetWords = setOf("street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "boulevard", "blvd",
	"drive", "dr", "way", "court", "ct", "place", "pl", "suite", "ste", "apt", "unit", "floor",
	"straße", "strasse", "str", "weg", "gasse", "platz", "allee")

var countries = setOf("usa", "us", "u.s.a.", "u.s.", "united states", "united states of america", "america",
	"canada", "uk", "u.k.", "united kingdom", "great britain", "gb", "england", "scotland", "wales",
	"northern ireland", "ireland", "germany", "deutschland", "austria", "österreich", "switzerland",
	"schweiz", "suisse", "svizzera", "france", "netherlands", "the netherlands", "nederland", "holland",
	"belgium", "belgië", "belgique", "luxembourg", "italy", "italia", "spain", "españa", "portugal",
	"denmark", "danmark", "sweden", "sverige", "norway", "norge", "finland", "suomi", "poland", "polska",
	"czech republic", "czechia", "hungary", "greece")

var usStates = setOf("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
	"IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
	"NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
	"WV", "WI", "WY", "PR", "VI", "GU", "AS", "MP",
	"Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware",
	"District of Columbia", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
	"Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
	"Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey",
	"New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon",
	"Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah",
	"Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming", "Puerto Rico",
	"Ill.", "Mass.", "Calif.", "Penn.", "Wash.", "Mich.", "Minn.", "Wis.", "Conn.", "Fla.", "Ga.")

var caProvinces = setOf("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
	"Alberta", "British Columbia", "Manitoba", "New Brunswick", "Newfoundland and Labrador",
	"Nova Scotia", "Ontario", "Prince Edward Island", "Quebec", "Québec", "Saskatchewan", "Yukon")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[Fold(w)] = true
	}
	return m
}
