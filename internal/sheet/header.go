package sheet

import (
	"strings"
	"unicode"

	"rapport/internal/contact"
)

// synonyms maps a folded header (see foldHeader) to the field it means. The
// lists are what people actually type, what CRMs and Outlook export, and the
// German headers of colleagues' German Excel files.
var synonyms = foldSynonyms(map[string][]string{
	"email": {"Email", "E-mail", "Email Address", "E-mail Address", "Mail", "Emails",
		"Email 1", "Primary Email", "Work Email", "Business Email", "Electronic Mail", "E-Mail-Adresse"},
	"first_name": {"First", "First Name", "Given Name", "Forename", "Given", "Christian Name", "Vorname"},
	"last_name":  {"Last", "Last Name", "Surname", "Family Name", "Nachname"},
	"name":       {"Name", "Full Name", "Contact", "Contact Name", "Contact Person", "Display Name", "Person"},
	"title":      {"Title", "Salutation", "Prefix", "Honorific", "Name Prefix", "Anrede"},
	"organization": {"Organization", "Organisation", "Practice", "Company", "Office", "Clinic",
		"Church", "School", "Agency", "Employer", "Organization Name", "Organisation Name",
		"Company Name", "Practice Name", "Business", "Business Name", "Congregation", "Firma", "Praxis"},
	"kind": {"Kind", "Type", "Category", "Contact Type", "Referral Type", "Source Type"},
	"phone": {"Phone", "Telephone", "Tel", "Phone Number", "Office Phone", "Work Phone",
		"Business Phone", "Main Phone", "Tel.", "Telephone Number", "Mobile", "Mobile Phone",
		"Cell", "Cell Phone", "Telefon"},
	"street": {"Street", "Address", "Address 1", "Address Line 1", "Street Address", "Mailing Address",
		"Street 1", "Street Address 1", "Postal Address", "Business Street", "Address1", "Straße", "Strasse", "Adresse"},
	"street2":     {"Address 2", "Suite", "Address Line 2", "Street 2", "Street Address 2", "Apt", "Unit", "Business Street 2"},
	"city":        {"City", "Town", "City/Town", "Business City", "Locality", "Ort", "Stadt"},
	"region":      {"State", "Province", "Region", "ST", "State/Province", "County/State", "Business State"},
	"postal_code": {"Zip", "ZIP Code", "Postal Code", "Postcode", "Zip/Postal Code", "Zipcode", "Post Code", "Business Postal Code", "Postal", "PLZ"},
	"country":     {"Country", "Country/Region", "Nation", "Business Country/Region", "Land"},
	"tags":        {"Tags", "Labels", "Groups", "Tag", "Label", "Group", "Categories"},
	"notes":       {"Notes", "Note", "Comments", "Comment", "Remarks", "Notizen"},
	"timezone":    {"Time Zone", "TZ", "Timezone"},
	"stage":       {"Stage", "Status", "Pipeline Stage"},
})

func foldSynonyms(in map[string][]string) map[string]string {
	out := map[string]string{}
	for field, names := range in {
		out[foldHeader(field)] = field
		for _, n := range names {
			out[foldHeader(n)] = field
		}
	}
	return out
}

// foldHeader compares headers: see contact.Fold.
func foldHeader(s string) string { return contact.Fold(s) }

// headerText makes a header cell printable: a header typed with Alt+Enter
// ("Referral\nSource") is one header with a space.
func headerText(s string) string {
	return contact.CleanText(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s))
}

// matcher finds the field a header means: --map first, then synonyms.
type matcher struct {
	m     map[string]string // folded header → field, from --map
	typed map[string]string // folded header → the header as typed in --map
}

// explicit returns the --map field for a header, if any.
func (mt matcher) explicit(header string) (string, bool) {
	f, ok := mt.m[foldHeader(header)]
	return f, ok
}

// field returns the field a header means, "" when it means none.
func (mt matcher) field(header string) string {
	if f, ok := mt.explicit(header); ok {
		return f
	}
	return synonyms[foldHeader(header)]
}

// combine names a column under a two-row header: a group cell ("Address",
// "Phone") above a sub-header ("City", "Office"). The pair is tried both
// ways ("Office Phone" is a phone synonym), then the sub-header alone
// ("City" under "Address"); anything else is a custom column named by both.
func (mt matcher) combine(group, sub string) string {
	switch {
	case sub == "":
		return group
	case group == "" || foldHeader(group) == foldHeader(sub):
		return sub
	}
	pairs := []string{sub + " " + group, group + " " + sub}
	for _, h := range append([]string{sub}, pairs...) {
		if _, ok := mt.explicit(h); ok {
			return h
		}
	}
	for _, h := range pairs {
		if synonyms[foldHeader(h)] != "" {
			return h
		}
	}
	if synonyms[foldHeader(sub)] != "" {
		return sub
	}
	return group + " " + sub
}

// anchorFields are the fields that make a row a contact header: without one
// of them a row of words is a title or a note, not the header.
var anchorFields = map[string]bool{
	"email": true, "name": true, "first_name": true, "last_name": true, "organization": true,
}

// score rates a candidate header row: the number of distinct known fields
// it names, or 0 when it names no email, name or organization column.
func (mt matcher) score(headers []string) int {
	seen := map[string]bool{}
	anchor := false
	for _, h := range headers {
		f := mt.field(h)
		if f == "" || f == ignoreField || seen[f] {
			continue
		}
		seen[f] = true
		anchor = anchor || anchorFields[f]
	}
	if !anchor {
		return 0
	}
	return len(seen)
}
