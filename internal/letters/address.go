package letters

import (
	"errors"
	"fmt"
	"strings"

	"rapport/internal/contact"
)

// Recipient is who a letter, envelope or label is addressed to.
type Recipient struct {
	Name         string // "Dr. Maria Alvarez"; empty for an office known by its name
	Organization string
	Address      contact.Address
}

// RecipientOf addresses a contact: title and full name, organization,
// postal address.
func RecipientOf(c *contact.Contact) Recipient {
	name := c.FullName()
	if name != "" && c.Title != "" {
		name = c.Title + " " + name
	}
	return Recipient{Name: name, Organization: c.Organization, Address: c.Address}
}

// ErrIncompleteAddress is wrapped by the error for a recipient who cannot
// be addressed: rapport never prints half an address.
var ErrIncompleteAddress = errors.New("no complete postal address")

// Lines is the address block by the destination's postal convention: the
// name, the organization, the street, then the city line as the country
// writes it (US: "Springfield, IL 62701"; Germany: "10115 Berlin"; UK: the
// town, then the postcode on its own line) and, for mail abroad, the
// country's name in capitals on the last line. home is the sender's
// country (an ISO code such as "US"; empty means "US").
func (r Recipient) Lines(home string) ([]string, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	var out []string
	for _, s := range []string{r.Name, r.Organization} {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	a := r.Address
	for _, l := range strings.Split(a.Street, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if home == "" {
		home = "US"
	}
	c := strings.TrimSpace(a.Country)
	to := countryOf(c)
	if c == "" {
		to = countryOf(home)
	}
	out = append(out, cityLines(a, to)...)
	if h := countryOf(home); c != "" && (to == nil || h == nil || to.code != h.code) {
		name := strings.ToUpper(c)
		if to != nil {
			name = to.name
		}
		out = append(out, name)
	}
	return out, nil
}

// check names what an address lacks.
func (r Recipient) check() error {
	var missing []string
	if strings.TrimSpace(r.Name) == "" && strings.TrimSpace(r.Organization) == "" {
		missing = append(missing, "name")
	}
	a := r.Address
	for _, p := range []struct{ v, name string }{{a.Street, "street"}, {a.City, "city"}, {a.PostalCode, "postal code"}} {
		if strings.TrimSpace(p.v) == "" {
			missing = append(missing, p.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%w (missing %s)", ErrIncompleteAddress, strings.Join(missing, ", "))
	}
	return nil
}

// cityLines writes the city, region and postal code as the destination
// country does.
func cityLines(a contact.Address, to *country) []string {
	city, region, zip := strings.TrimSpace(a.City), strings.TrimSpace(a.Region), strings.TrimSpace(a.PostalCode)
	style := styleOther
	if to != nil {
		style = to.style
	}
	switch style {
	case styleUS:
		if code, ok := usStates[strings.ToLower(region)]; ok {
			region = code
		} else if len(region) == 2 {
			region = strings.ToUpper(region)
		}
		return []string{join(join(city, ", ", region), " ", zip)}
	case styleCityRegionPostal:
		return []string{join(join(city, " ", region), " ", zip)}
	case stylePostalFirst:
		return []string{join(zip, " ", city)}
	case styleUK:
		return nonEmpty(join(city, ", ", region), strings.ToUpper(zip))
	}
	return []string{join(join(city, " ", region), " ", zip)}
}

func join(a, sep, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
