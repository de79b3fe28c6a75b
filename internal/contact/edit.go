package contact

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// fieldAliases maps what people type after --set to a field's name.
var fieldAliases = map[string]string{
	"first": "first_name", "firstname": "first_name", "given_name": "first_name",
	"last": "last_name", "lastname": "last_name", "surname": "last_name", "family_name": "last_name",
	"org": "organization", "practice": "organization", "organisation": "organization", "company": "organization",
	"zip": "postal_code", "postcode": "postal_code", "postal": "postal_code", "state": "region",
	"note": "notes", "tz": "timezone", "time_zone": "timezone", "tag": "tags", "type": "kind",
}

// ParseAssignment splits "field=value" as typed after --set.
func ParseAssignment(s string) (field, value string, err error) {
	field, value, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(field) == "" {
		return "", "", fmt.Errorf("%q is not field=value (example: --set phone=555-010-1234)", s)
	}
	return strings.TrimSpace(field), value, nil
}

// FieldName turns a typed field name into a stored one: a standard field
// ("first-name" → "first_name", "zip" → "postal_code"), or a custom one as
// "fields.KEY" ("fields.Languages" and "Languages" → "fields.languages").
// "stage" is refused: stage moves go through the pipeline's rules.
func FieldName(typed string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(typed))
	if key, ok := strings.CutPrefix(t, "fields."); ok {
		if k := FieldKey(key); k != "" {
			return "fields." + k, nil
		}
		return "", fmt.Errorf("%q: the custom field needs a name after fields.", typed)
	}
	t = strings.ReplaceAll(strings.ReplaceAll(t, "-", "_"), " ", "_")
	if a, ok := fieldAliases[t]; ok {
		t = a
	}
	switch t {
	case "stage":
		return "", errors.New("the stage is changed with `rapport contacts stage EMAIL STAGE`, which records why")
	case "email", "first_name", "last_name", "title", "organization", "kind", "phone",
		"street", "city", "region", "postal_code", "country", "notes", "timezone", "tags":
		return t, nil
	}
	if k := FieldKey(typed); k != "" {
		return "fields." + k, nil
	}
	return "", fmt.Errorf("%q is not a field name", typed)
}

// Set changes one field of c as a user typed it, checked the way an
// imported cell is: no line breaks or control characters, spaces tidied,
// the email normalized, the title written the usual way, the kind one of
// kinds (nil: the default kinds) or their aliases. Only notes may run over
// several lines, as in a spreadsheet. An empty value clears the field. It
// returns the change in words ("phone: 555-0100 → 555-0199"), or "" when
// the value was already so.
func (c *Contact) Set(field, value string, kinds *Kinds) (string, error) {
	name, err := FieldName(field)
	if err != nil {
		return "", err
	}
	v, err := cleanValue(name, value)
	if err != nil {
		return "", err
	}
	if key, ok := strings.CutPrefix(name, "fields."); ok {
		return c.setCustom(key, v), nil
	}
	if name == "tags" {
		return c.setTags(NormalizeTags([]string{v})), nil
	}
	if v, err = checkValue(name, v, kinds); err != nil {
		return "", err
	}
	dst := c.scalar(name)
	if *dst == v {
		return "", nil
	}
	ch := describe(name, *dst, v)
	*dst = v
	return ch, nil
}

// cleanValue checks and tidies typed text: notes may hold line breaks,
// nothing else may.
func cleanValue(name, value string) (string, error) {
	if name == "notes" {
		return CleanMultiline(value)
	}
	if err := CheckText(value); err != nil {
		return "", fmt.Errorf("%s %w; put the text on one line", name, err)
	}
	return CleanText(value), nil
}

func checkValue(name, v string, kinds *Kinds) (string, error) {
	if v == "" {
		return v, nil
	}
	switch name {
	case "email":
		return NormalizeEmail(v)
	case "title":
		return NormalizeTitle(v), nil
	case "kind":
		if kinds == nil {
			kinds, _ = NewKinds(nil, nil)
		}
		k, ok := kinds.Match(v)
		if !ok {
			return "", fmt.Errorf("%q is not one of the kinds: %s", v, strings.Join(kinds.List(), ", "))
		}
		return k, nil
	case "timezone":
		if _, err := time.LoadLocation(v); err != nil {
			return "", fmt.Errorf("%q is not a time zone (examples: America/Chicago, Europe/Berlin)", v)
		}
	}
	return v, nil
}

func (c *Contact) scalar(name string) *string {
	for _, f := range scalarFields(c, c) {
		if f.name == name {
			return f.dst
		}
	}
	panic("contact: no field " + name) // FieldName lists only known fields
}

func (c *Contact) setCustom(key, v string) string {
	old := c.Fields[key]
	if old == v {
		return ""
	}
	if v == "" {
		delete(c.Fields, key)
	} else {
		if c.Fields == nil {
			c.Fields = map[string]string{}
		}
		c.Fields[key] = v
	}
	return describe(key, old, v)
}

func (c *Contact) setTags(tags []string) string {
	if slices.Equal(tags, c.Tags) {
		return ""
	}
	ch := describe("tags", strings.Join(c.Tags, ", "), strings.Join(tags, ", "))
	c.Tags = tags
	return ch
}

// AddTags adds tags (normalized) and returns those that were new.
func (c *Contact) AddTags(tags []string) []string {
	var added []string
	for _, t := range NormalizeTags(tags) {
		if !slices.Contains(c.Tags, t) {
			added = append(added, t)
		}
	}
	c.Tags = NormalizeTags(append(slices.Clone(c.Tags), added...))
	return added
}

// RemoveTags removes tags (normalized) and returns those it had.
func (c *Contact) RemoveTags(tags []string) []string {
	drop := NormalizeTags(tags)
	var removed []string
	c.Tags = slices.DeleteFunc(slices.Clone(c.Tags), func(t string) bool {
		if slices.Contains(drop, t) {
			removed = append(removed, t)
			return true
		}
		return false
	})
	return removed
}

// Reachable reports why c could not be written to at all: no email and no
// complete postal address. Nil when it can be.
func (c *Contact) Reachable() error {
	if c.Email == "" && !c.Address.Complete() {
		return errors.New("a contact needs an email, or a street, city and postal code for letters")
	}
	return nil
}

// describe is a change in words, "(cleared)" for a value removed.
func describe(field, old, new string) string {
	if new == "" {
		new = "(cleared)"
	}
	return Change{Field: field, Old: old, New: new}.String()
}
