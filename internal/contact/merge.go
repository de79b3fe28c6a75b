package contact

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Merge applies a re-imported row to the stored contact and returns the
// result with a list of the changes in words ("phone: 555-0100 → 555-0199").
// provided names the fields the spreadsheet has a column for (the names of
// sheet.Fields, "name" standing for first and last name, and "fields.KEY" for
// a custom column): those are overwritten, an empty cell clearing the value;
// fields the file has no column for are kept. Tags are added, never removed.
// The stage, the history, the ID and the creation time are never touched.
func Merge(old, in *Contact, provided []string) (Contact, []string) {
	out := *old
	out.Fields = maps.Clone(old.Fields)
	var changes []string
	set := func(name string, dst *string, v string) {
		if *dst != v {
			changes = append(changes, change(name, *dst, v))
			*dst = v
		}
	}
	has := providedSet(provided)
	for _, f := range scalarFields(&out, in) {
		if has[f.name] {
			set(f.name, f.dst, f.val)
		}
	}
	if tags := NormalizeTags(append(slices.Clone(old.Tags), in.Tags...)); !slices.Equal(tags, old.Tags) {
		changes = append(changes, "tags: "+strings.Join(tags, ", "))
		out.Tags = tags
	}
	changes = append(changes, mergeFields(&out, in, has)...)
	if out.Missing {
		out.Missing = false
		changes = append(changes, "back in the spreadsheet")
	}
	return out, changes
}

type scalar struct {
	name string
	dst  *string
	val  string
}

func scalarFields(out, in *Contact) []scalar {
	return []scalar{
		{"email", &out.Email, in.Email},
		{"first_name", &out.FirstName, in.FirstName},
		{"last_name", &out.LastName, in.LastName},
		{"title", &out.Title, in.Title},
		{"organization", &out.Organization, in.Organization},
		{"kind", &out.Kind, in.Kind},
		{"phone", &out.Phone, in.Phone},
		{"street", &out.Address.Street, in.Address.Street},
		{"city", &out.Address.City, in.Address.City},
		{"region", &out.Address.Region, in.Address.Region},
		{"postal_code", &out.Address.PostalCode, in.Address.PostalCode},
		{"country", &out.Address.Country, in.Address.Country},
		{"notes", &out.Notes, in.Notes},
		{"timezone", &out.TimeZone, in.TimeZone},
	}
}

func providedSet(provided []string) map[string]bool {
	has := map[string]bool{}
	for _, p := range provided {
		has[p] = true
		switch p {
		case "name":
			has["first_name"], has["last_name"] = true, true
		case "street2":
			has["street"] = true
		}
	}
	return has
}

func mergeFields(out, in *Contact, has map[string]bool) []string {
	var changes []string
	keys := slices.Sorted(maps.Keys(in.Fields))
	for k := range has {
		if key, ok := strings.CutPrefix(k, "fields."); ok && has[k] && !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	}
	for _, k := range keys {
		v := in.Fields[k]
		if old := out.Fields[k]; old != v {
			if out.Fields == nil {
				out.Fields = map[string]string{}
			}
			changes = append(changes, change(k, old, v))
			if v == "" {
				delete(out.Fields, k)
			} else {
				out.Fields[k] = v
			}
		}
	}
	return changes
}

func change(name, from, to string) string {
	switch {
	case from == "":
		return fmt.Sprintf("%s: %s", name, to)
	case to == "":
		return fmt.Sprintf("%s: %s → (cleared)", name, from)
	}
	return fmt.Sprintf("%s: %s → %s", name, from, to)
}

// PostalKey identifies a postal-only contact (one without an email) across
// re-imports: the name or organization with the street and postal code,
// folded to lower case without punctuation.
func (c *Contact) PostalKey() string {
	who := c.FullName()
	if who == "" {
		who = c.Organization
	}
	parts := []string{who, c.Address.Street, c.Address.PostalCode}
	for i, p := range parts {
		parts[i] = strings.Join(strings.FieldsFunc(strings.ToLower(p), func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7f)
		}), " ")
	}
	return strings.Join(parts, "|")
}
