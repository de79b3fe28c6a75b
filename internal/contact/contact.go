package contact

import (
	"slices"
	"strings"
	"time"
)

// Contact is one person or office the user reaches out to. Email is the key;
// a contact without one is postal-only and needs a complete Address.
type Contact struct {
	ID           int64
	Email        string // normalized (see NormalizeEmail); empty for postal-only contacts
	FirstName    string
	LastName     string
	Title        string // normalized honorific: "Dr.", "Pastor", "Rev." ...
	Organization string
	Kind         string // one of the configured kinds (DefaultKinds)
	Phone        string
	Address      Address
	Tags         []string          // lower-case, sorted, unique
	Fields       map[string]string // custom spreadsheet columns, keyed by snake_case header
	Stage        Stage
	Notes        string
	TimeZone     string // IANA zone when the contact is elsewhere than the user; empty means the user's
	Source       Source
	Missing      bool      // the contact's row has disappeared from its spreadsheet source
	HoldUntil    time.Time // an out-of-office answer asked to wait until then
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Version goes up with every change to the stored contact; a note
	// written from an older version is written again before it goes out.
	Version int64
}

// Address is a postal address, as it goes on an envelope.
type Address struct {
	Street     string
	City       string
	Region     string // state, province
	PostalCode string
	Country    string
}

// Source records where a contact came from: the file and its row number.
type Source struct {
	File string
	Row  int
}

// Complete reports whether a letter could be addressed with it: a street, a
// city and a postal code (region and country are optional for local mail).
func (a Address) Complete() bool {
	return a.Street != "" && a.City != "" && a.PostalCode != ""
}

// IsZero reports whether no part of the address is set.
func (a Address) IsZero() bool { return a == Address{} }

// Lines returns the address as envelope lines: street, "City, Region Postal",
// country.
func (a Address) Lines() []string {
	var lines []string
	if a.Street != "" {
		lines = append(lines, a.Street)
	}
	last := a.City
	if a.Region != "" {
		last = strings.TrimSpace(strings.TrimSuffix(last, ",") + ", " + a.Region)
		last = strings.TrimPrefix(last, ", ")
	}
	if a.PostalCode != "" {
		last = strings.TrimSpace(last + " " + a.PostalCode)
	}
	if last != "" {
		lines = append(lines, last)
	}
	if a.Country != "" {
		lines = append(lines, a.Country)
	}
	return lines
}

// FullName is "First Last", or whichever part is set.
func (c *Contact) FullName() string {
	return strings.TrimSpace(c.FirstName + " " + c.LastName)
}

// Label names the contact for humans in lists and logs: the name, else the
// organization, else the email.
func (c *Contact) Label() string {
	if n := c.FullName(); n != "" {
		if c.Title != "" {
			return c.Title + " " + n
		}
		return n
	}
	if c.Organization != "" {
		return c.Organization
	}
	return c.Email
}

// Salutation is how a note greets the contact: "Dr. Lee" or "Pastor Kim"
// when a title and a last name are known, else the first name. It returns ""
// when neither is known; callers must treat that as a missing field rather
// than write "Dear ,".
func (c *Contact) Salutation() string {
	if c.Title != "" && c.LastName != "" && formalTitles[strings.ToLower(c.Title)] {
		return c.Title + " " + c.LastName
	}
	return c.FirstName
}

// HasTag reports whether the contact carries tag (case-insensitive).
func (c *Contact) HasTag(tag string) bool {
	return slices.Contains(c.Tags, NormalizeTag(tag))
}

// Domain is the lower-case domain of the contact's email, or "".
func (c *Contact) Domain() string {
	_, d, ok := strings.Cut(c.Email, "@")
	if !ok {
		return ""
	}
	return strings.ToLower(d)
}

// formalTitles are titles a greeting uses with the last name. Mr./Ms. are
// included: "Ms. Alvarez" is right when no first name is known, and a user
// who typed the title wants it used.
var formalTitles = map[string]bool{
	"dr.": true, "pastor": true, "rev.": true, "fr.": true, "rabbi": true, "imam": true,
	"prof.": true, "mr.": true, "ms.": true, "mrs.": true, "mx.": true, "sr.": true,
	"bishop": true, "deacon": true, "elder": true, "chaplain": true,
}
