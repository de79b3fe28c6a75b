package render

import (
	"reflect"
	"slices"
	"strings"
)

// contactFields are the contact's own fields as a template sees them; they
// are all text except .Tags, a list.
var contactFields = []string{
	"FirstName", "LastName", "FullName", "Title", "Salutation", "Organization", "Kind",
	"Email", "Phone", "Street", "City", "Region", "PostalCode", "Country", "Tags", "Stage",
}

// senderFields are the names of Sender's fields, read from the type so the
// two never drift apart.
var senderFields = func() []string {
	t := reflect.TypeFor[Sender]()
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = t.Field(i).Name
	}
	return names
}()

// checkName checks a field reference from the root (".Title",
// ".Sender.BookingURL") against what a template can see, and says what to
// write instead when it is wrong. A custom field can't be checked here:
// which columns exist depends on the spreadsheet.
func checkName(name string) string {
	parts := strings.Split(strings.TrimPrefix(name, "."), ".")
	head := parts[0]
	switch {
	case head == "Fields":
		if len(parts) > 2 {
			return "{{" + name + "}}: a custom field is text and has no fields of its own"
		}
	case head == "Event":
	case head == "Sender":
		if len(parts) == 2 && !slices.Contains(senderFields, parts[1]) {
			return "{{" + name + "}} is not a field of the sender; the sender has " + list(".Sender.", senderFields) + suggest(".Sender.", parts[1], senderFields)
		}
		if len(parts) > 2 {
			return "{{" + name + "}}: " + ".Sender." + parts[1] + " is text and has no fields of its own"
		}
	case slices.Contains(contactFields, head) || head == "Campaign" || head == "Step":
		if len(parts) > 1 {
			return "{{" + name + "}}: ." + head + " is text and has no fields of its own"
		}
	default:
		return unknownName(name, head)
	}
	return ""
}

func unknownName(name, head string) string {
	all := append(slices.Clone(contactFields), "Fields", "Sender", "Campaign", "Step", "Event")
	msg := "{{" + name + "}} is not a field a template knows" + suggest(".", head, all)
	if head == strings.ToLower(head) {
		msg += "; a spreadsheet column is written {{.Fields." + head + "}}"
	}
	return msg + "; a contact has " + list(".", contactFields)
}

// suggest offers the known name that differs from a typed one only by case.
func suggest(prefix, typed string, known []string) string {
	for _, k := range known {
		if strings.EqualFold(k, typed) || strings.EqualFold(k, strings.ReplaceAll(typed, "_", "")) {
			return " (did you mean {{" + prefix + k + "}}?)"
		}
	}
	return ""
}

func list(prefix string, names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return strings.Join(out, ", ")
}
