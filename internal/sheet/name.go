package sheet

import (
	"strings"

	"rapport/internal/contact"
)

// leadingTitles are the honorifics recognized in front of a name ("Dr. Anna
// Lee"), lower-case without the dot; contact.NormalizeTitle writes them.
var leadingTitles = map[string]bool{
	"dr": true, "doctor": true, "pastor": true, "ptr": true, "rev": true, "reverend": true,
	"fr": true, "father": true, "rabbi": true, "imam": true, "prof": true, "professor": true,
	"mr": true, "ms": true, "mrs": true, "mx": true, "sr": true, "sister": true,
	"bishop": true, "deacon": true, "elder": true, "chaplain": true,
}

// credentials are the letters people put after a name ("Anna Lee, LCSW").
// They are kept in the custom field "credentials"; MD and DO make the title
// "Dr." when the row has none.
var credentials = map[string]bool{
	"md": true, "do": true, "phd": true, "psyd": true, "lcsw": true, "licsw": true, "lmft": true,
	"lpc": true, "lpcc": true, "lmhc": true, "lcpc": true, "lisw": true, "mft": true, "msw": true,
	"rn": true, "np": true, "pa": true, "pa-c": true, "dds": true, "dmd": true, "edd": true,
	"mdiv": true, "dmin": true, "ma": true, "med": true, "bcba": true, "ncc": true, "facog": true,
	"faap": true, "crnp": true, "aprn": true, "fnp": true, "dnp": true, "od": true, "jd": true,
	"mba": true, "lmsw": true, "lcmhc": true, "lpcs": true, "fnp-c": true, "pmhnp": true,
}

// nameSuffixes stay with the last name: "Lee Jr.".
var nameSuffixes = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true}

// particles join the last name: "Anna van der Berg" is Berg's family.
var particles = map[string]bool{
	"van": true, "von": true, "de": true, "der": true, "den": true, "da": true, "di": true,
	"del": true, "della": true, "la": true, "le": true, "du": true, "dos": true, "das": true,
	"ter": true, "ten": true, "bin": true, "ibn": true, "al": true, "el": true, "st.": true,
}

func wordKey(w string) string { return strings.TrimSuffix(strings.ToLower(w), ".") }

// names fills first and last name and the title from a full-name column,
// or takes a title off the front of a first-name cell ("Dr. Anna"). A title
// column, when filled, wins over a title found in a name. A name cell that
// repeats the organization ("Grace Chapel" twice) names no person: it is
// not split into a first name "Grace" and a last name "Chapel".
func (b *builder) names() {
	c := &b.c
	if b.name != "" && !strings.EqualFold(b.name, c.Organization) {
		title, first, last, creds := splitName(b.name)
		c.FirstName, c.LastName = first, last
		b.credentials(creds)
		b.setTitle(title)
		return
	}
	if title, rest := cutTitle(strings.Fields(c.FirstName)); title != "" && len(rest) > 0 {
		c.FirstName = strings.Join(rest, " ")
		b.setTitle(title)
	}
	if last, creds := cutCredentials(c.LastName); creds != "" && last != "" {
		c.LastName = last
		b.credentials(creds)
	}
}

func (b *builder) setTitle(title string) {
	if title != "" && b.c.Title == "" {
		b.c.Title = contact.NormalizeTitle(title)
	}
}

func (b *builder) credentials(creds string) {
	if creds == "" {
		return
	}
	for _, w := range strings.FieldsFunc(creds, func(r rune) bool { return r == ',' || r == ' ' }) {
		if k := wordKey(w); (k == "md" || k == "do") && isCredential(w) && b.c.Title == "" {
			b.c.Title = "Dr."
		}
	}
	if _, set := b.c.Fields["credentials"]; !set {
		b.field("credentials", creds)
	}
}

// splitName splits a full name: "Lee, Anna" and "Dr. Anna Lee" both give
// first Anna, last Lee (and the title Dr.); "Anna Lee, LCSW" keeps LCSW as
// credentials. A single word is a first name, unless a title comes before
// it: "Pastor Kim" is Kim's family name.
func splitName(full string) (title, first, last, creds string) {
	full, creds = cutCredentials(full)
	if before, after, ok := strings.Cut(full, ","); ok {
		title, given := cutTitle(strings.Fields(after))
		return title, strings.Join(given, " "), strings.TrimSpace(before), creds
	}
	words := strings.Fields(full)
	title, words = cutTitle(words)
	var suffix string
	if n := len(words); n > 1 && nameSuffixes[wordKey(words[n-1])] {
		suffix, words = " "+words[n-1], words[:n-1]
	}
	switch {
	case len(words) == 0:
		return title, "", "", creds
	case len(words) == 1 && title != "":
		return title, "", words[0] + suffix, creds
	case len(words) == 1:
		return title, words[0], "", creds
	}
	at := len(words) - 1
	for at > 1 && particles[strings.ToLower(words[at-1])] {
		at--
	}
	return title, strings.Join(words[:at], " "), strings.Join(words[at:], " ") + suffix, creds
}

// cutTitle takes known honorifics off the front of a name: "The Reverend"
// and "Dr." are titles, "Anna" is not.
func cutTitle(words []string) (string, []string) {
	if len(words) > 1 && strings.EqualFold(words[0], "the") && leadingTitles[wordKey(words[1])] {
		words = words[1:]
	}
	if len(words) == 0 || !leadingTitles[wordKey(words[0])] {
		return "", words
	}
	return words[0], words[1:]
}

// cutCredentials takes the credentials after the last comma(s) off a name:
// "Anna Lee, MD, PhD" gives "Anna Lee" and "MD, PhD". A comma followed by
// anything else is the "Last, First" form and stays.
func cutCredentials(s string) (string, string) {
	rest := s
	for {
		i := strings.LastIndexByte(rest, ',')
		if i < 0 || !allCredentials(rest[i+1:]) {
			break
		}
		rest = rest[:i]
	}
	if rest == s {
		return s, ""
	}
	return strings.TrimSpace(rest), strings.TrimSpace(strings.TrimPrefix(s[len(rest):], ","))
}

func allCredentials(s string) bool {
	words := strings.Fields(s)
	for _, w := range words {
		if !isCredential(w) {
			return false
		}
	}
	return len(words) > 0
}

// isCredential recognizes "LCSW" or "PhD". Two-letter credentials count only
// in capitals: "Tran, Do" is Do Tran, "Anna Tran, DO" is a physician.
func isCredential(w string) bool {
	k := wordKey(w)
	return credentials[k] && (len(k) > 2 || w == strings.ToUpper(w))
}
