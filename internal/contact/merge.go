package contact

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Change is one field a re-import changes, or, in Diff.Kept, would have
// changed: Old is the stored value, New the file's.
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// String is "field: old → new", or "field: new" for a value that was empty,
// on one line: a line break in a value shows as "↵".
func (c Change) String() string {
	if c.Old == "" {
		return fmt.Sprintf("%s: %s", c.Field, OneLine(c.New))
	}
	return fmt.Sprintf("%s: %s → %s", c.Field, OneLine(c.Old), OneLine(c.New))
}

// OneLine shows multi-line text (a Notes cell) on one line, its line
// breaks as " ↵ ".
func OneLine(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	return strings.ReplaceAll(s, "\n", " ↵ ")
}

// Diff is what Merge did to a stored contact.
type Diff struct {
	Changed []Change // applied
	// Kept are values the file differs on but that were kept, because the
	// contact came from another file (or was typed in by hand) and the
	// import was not told to overwrite.
	Kept []Change
	Back bool // the contact was flagged missing from its sheet and is back in it
}

// Empty reports whether Merge changed nothing.
func (d Diff) Empty() bool { return len(d.Changed) == 0 && !d.Back }

// Strings are the changes in words, for the contact's history.
func (d Diff) Strings() []string {
	out := make([]string, 0, len(d.Changed)+1)
	for _, c := range d.Changed {
		out = append(out, c.String())
	}
	if d.Back {
		out = append(out, "back in the spreadsheet")
	}
	return out
}

// MergeOptions say how far a re-import may go.
type MergeOptions struct {
	// Overwrite lets a file other than the contact's own source replace
	// values (`rapport import --overwrite`). The contact keeps its source:
	// it is still flagged if its row leaves that sheet.
	Overwrite bool
}

// Merge applies a re-imported row to the stored contact and returns the
// result with what changed. What the user typed is never lost:
//   - an empty cell never clears a stored value;
//   - the email keeps the case it was first stored with;
//   - a row from a file other than the contact's own source (Source.File;
//     a contact typed in by hand has none) only fills empty fields, unless
//     o.Overwrite; the values it would have replaced are listed in Kept;
//   - tags are added, never removed.
//
// The stage, the history, the ID and the creation time are never touched.
func Merge(old, in *Contact, o MergeOptions) (Contact, Diff) {
	out := *old
	out.Fields = maps.Clone(old.Fields)
	own := in.Source.File != "" && in.Source.File == old.Source.File
	replace := own || o.Overwrite
	var d Diff
	set := func(name string, dst *string, v string) {
		switch {
		case v == "" || *dst == v:
		case *dst == "" || replace:
			d.Changed = append(d.Changed, Change{name, *dst, v})
			*dst = v
		default:
			d.Kept = append(d.Kept, Change{name, *dst, v})
		}
	}
	if strings.EqualFold(old.Email, in.Email) {
		in = withEmail(in, old.Email)
	}
	for _, f := range scalarFields(&out, in) {
		set(f.name, f.dst, f.val)
	}
	if tags := NormalizeTags(append(slices.Clone(old.Tags), in.Tags...)); !slices.Equal(tags, old.Tags) {
		d.Changed = append(d.Changed, Change{"tags", strings.Join(old.Tags, ", "), strings.Join(tags, ", ")})
		out.Tags = tags
	}
	for _, k := range slices.Sorted(maps.Keys(in.Fields)) {
		v := out.Fields[k]
		set(k, &v, in.Fields[k])
		if v != "" {
			if out.Fields == nil {
				out.Fields = map[string]string{}
			}
			out.Fields[k] = v
		}
	}
	staleKindOriginal(&out, in, &d)
	if own {
		if out.Missing {
			out.Missing, d.Back = false, true
		}
		out.Source = in.Source
	}
	return out, d
}

func withEmail(c *Contact, email string) *Contact {
	cp := *c
	cp.Email = email
	return &cp
}

// staleKindOriginal drops kind_original, which the import writes when a
// kind word matched no kind, once the contact has a real kind again: it
// would otherwise say "Family doc" beside kind physician forever.
func staleKindOriginal(out, in *Contact, d *Diff) {
	orig, ok := out.Fields["kind_original"]
	if !ok || out.Kind == "other" || in.Fields["kind_original"] != "" || in.Kind == "" || in.Kind != out.Kind {
		return
	}
	delete(out.Fields, "kind_original")
	d.Changed = append(d.Changed, Change{"kind_original", orig, "(cleared: the kind is now " + out.Kind + ")"})
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
