package letters

import "strings"

// addressStyle is how a country writes the line with the city.
type addressStyle int

const (
	styleOther            addressStyle = iota // City Region Postal
	styleUS                                   // City, ST 12345
	styleCityRegionPostal                     // Toronto ON M5V 2T6
	stylePostalFirst                          // 10115 Berlin
	styleUK                                   // London, then SW1A 1AA on its own line
)

// country is one destination rapport knows the convention of. name is
// what goes on the last line of mail sent there from abroad.
type country struct {
	code, name string
	style      addressStyle
	aliases    []string
}

var countries = []country{
	{"US", "UNITED STATES", styleUS, []string{"usa", "u.s.a.", "u.s.", "united states", "united states of america", "america"}},
	{"CA", "CANADA", styleCityRegionPostal, []string{"canada"}},
	{"AU", "AUSTRALIA", styleCityRegionPostal, []string{"australia"}},
	{"GB", "UNITED KINGDOM", styleUK, []string{"uk", "u.k.", "united kingdom", "great britain", "england", "scotland", "wales", "northern ireland"}},
	{"IE", "IRELAND", styleUK, []string{"ireland", "eire", "éire"}},
	{"DE", "GERMANY", stylePostalFirst, []string{"germany", "deutschland"}},
	{"AT", "AUSTRIA", stylePostalFirst, []string{"austria", "österreich"}},
	{"CH", "SWITZERLAND", stylePostalFirst, []string{"switzerland", "schweiz", "suisse", "svizzera"}},
	{"FR", "FRANCE", stylePostalFirst, []string{"france"}},
	{"BE", "BELGIUM", stylePostalFirst, []string{"belgium", "belgique", "belgië"}},
	{"NL", "NETHERLANDS", stylePostalFirst, []string{"netherlands", "the netherlands", "holland", "nederland"}},
	{"LU", "LUXEMBOURG", stylePostalFirst, []string{"luxembourg"}},
	{"IT", "ITALY", stylePostalFirst, []string{"italy", "italia"}},
	{"ES", "SPAIN", stylePostalFirst, []string{"spain", "españa"}},
	{"PT", "PORTUGAL", stylePostalFirst, []string{"portugal"}},
	{"DK", "DENMARK", stylePostalFirst, []string{"denmark", "danmark"}},
	{"NO", "NORWAY", stylePostalFirst, []string{"norway", "norge"}},
	{"SE", "SWEDEN", stylePostalFirst, []string{"sweden", "sverige"}},
	{"FI", "FINLAND", stylePostalFirst, []string{"finland", "suomi"}},
	{"PL", "POLAND", stylePostalFirst, []string{"poland", "polska"}},
	{"CZ", "CZECHIA", stylePostalFirst, []string{"czechia", "czech republic", "česko"}},
	{"GR", "GREECE", stylePostalFirst, []string{"greece", "ελλάδα"}},
	{"MX", "MEXICO", stylePostalFirst, []string{"mexico", "méxico"}},
	{"NZ", "NEW ZEALAND", styleOther, []string{"new zealand", "aotearoa"}},
	{"JP", "JAPAN", styleOther, []string{"japan", "日本"}},
	{"CN", "CHINA", styleOther, []string{"china", "中国"}},
}

// countryOf finds a country by ISO code or a common name, or nil.
func countryOf(s string) *country {
	k := strings.ToLower(strings.TrimSpace(s))
	if k == "" {
		return nil
	}
	for i := range countries {
		c := &countries[i]
		if strings.ToLower(c.code) == k || strings.ToLower(c.name) == k {
			return c
		}
		for _, a := range c.aliases {
			if a == k {
				return c
			}
		}
	}
	return nil
}

// usStates maps state names to the two letters USPS asks for.
var usStates = map[string]string{
	"alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
	"colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
	"florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
	"indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
	"maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI", "minnesota": "MN",
	"mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
	"new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
	"north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK", "oregon": "OR",
	"pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC", "south dakota": "SD",
	"tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA",
	"washington": "WA", "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
	"puerto rico": "PR",
}
