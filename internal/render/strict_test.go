package render

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"rapport/internal/contact"
)

func TestGreeting(t *testing.T) {
	tm := mustParse(t, "---\nsubject: Hello\n---\nDear {{salutation \"friends\"}},\n")
	tests := []struct {
		name string
		c    *contact.Contact
		want string
	}{
		{"a physician with no title is greeted by first name",
			&contact.Contact{Email: "lee@clinic.test", FirstName: "Mina", LastName: "Lee"}, "Dear Mina,"},
		{"a physician with a title and last name is greeted formally",
			&contact.Contact{Email: "lee@clinic.test", FirstName: "Mina", LastName: "Lee", Title: "Dr."}, "Dear Dr. Lee,"},
		{"a pastor is greeted by title",
			&contact.Contact{Email: "kim@grace.test", LastName: "Kim", Title: "Pastor"}, "Dear Pastor Kim,"},
		{"an office with no person's name gets the template's fallback",
			office("frontdesk@maple.test", "Maple Street Pediatrics", "physician"), "Dear friends,"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, tm, tt.c).Text; got != tt.want+"\n" {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMissingFields(t *testing.T) {
	lee := &contact.Contact{Email: "lee@clinic.test", FirstName: "Mina", LastName: "Lee",
		Fields: map[string]string{"npi": "123", "office_manager": "Rosa"}}

	t.Run("missing title without fallback names the contact and the field", func(t *testing.T) {
		tm, err := Load("testdata", "intro-physician")
		if err != nil {
			t.Fatal(err)
		}
		fes := fieldErrors(t, tm, lee)
		want := `testdata/intro-physician.md line 6: {{.Title}} is empty for lee@clinic.test (add a fallback: {{default "..." .Title}})`
		if len(fes) != 1 || fes[0].Error() != want {
			t.Fatalf("got %v\nwant %s", fes, want)
		}
		fe := fes[0]
		if fe.Template != "testdata/intro-physician.md" || fe.Field != ".Title" || fe.Line != 6 || fe.Contact != "lee@clinic.test" {
			t.Errorf("FieldError = %+v", fe)
		}
	})

	t.Run("every missing field of a note is listed, not only the first", func(t *testing.T) {
		tm := mustParse(t, "---\nsubject: For {{.Organization}}\n---\nDear {{.Title}} {{.LastName}},\n\n{{upper .City}} and {{printf \"%s/%s\" .Phone .Country}}\n")
		fes := fieldErrors(t, tm, &contact.Contact{Email: "x@y.test"})
		want := []string{".Organization", ".Title", ".LastName", ".City", ".Phone", ".Country"}
		if got := fes.Fields(); !slices.Equal(got, want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		if fes[0].Line != 2 || fes[1].Line != 4 || fes[3].Line != 6 {
			t.Errorf("lines = %d %d %d", fes[0].Line, fes[1].Line, fes[3].Line)
		}
	})

	t.Run("an unknown custom column names the key and lists the contact's columns", func(t *testing.T) {
		tm := mustParse(t, "---\nsubject: Hi\n---\nYour work with {{.Fields.specialty}}.\n")
		msg := fieldErrors(t, tm, lee).Error()
		for _, want := range []string{"{{.Fields.specialty}}", `no custom field "specialty"`, "npi, office_manager"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%q lacks %q", msg, want)
			}
		}
	})

	t.Run("a postal-only contact is named by its name", func(t *testing.T) {
		tm := mustParse(t, "---\nsubject: Hi\n---\n{{.City}}\n")
		fes := fieldErrors(t, tm, &contact.Contact{FirstName: "Rosa", LastName: "Diaz"})
		if fes[0].Contact != "Rosa Diaz" {
			t.Errorf("contact = %q", fes[0].Contact)
		}
	})

	t.Run("an empty sender field says where to set it", func(t *testing.T) {
		tm := mustParse(t, "---\nsubject: Hi\n---\nBook at {{.Sender.BookingURL}}\n")
		_, err := tm.Render(Input{Contact: lee, Sender: Sender{Name: "Anna"}})
		if err == nil || !strings.Contains(err.Error(), "booking_url in [identity]") {
			t.Errorf("err = %v", err)
		}
	})

	t.Run("an invitation field outside an invite step is missing, not a crash", func(t *testing.T) {
		tm := mustParse(t, "---\nsubject: Hi\n---\nJoin us for {{.Event.Title}}\n")
		if fes := fieldErrors(t, tm, lee); fes[0].Field != ".Event.Title" {
			t.Errorf("got %v", fes)
		}
		m, err := tm.Render(Input{Contact: lee, Sender: anna, Event: map[string]string{"Title": "a meet-and-greet"}})
		if err != nil || !strings.Contains(m.Text, "a meet-and-greet") {
			t.Errorf("got %v, %v", m, err)
		}
	})
}

func TestFallbacks(t *testing.T) {
	office := office("frontdesk@maple.test", "Maple Street Pediatrics", "physician")
	tests := []struct{ name, body, want string }{
		{"default gives its fallback for an empty field", `{{default "there" .FirstName}}`, "there"},
		{"default works in a pipe", `{{.FirstName | default "there"}}`, "there"},
		{"default takes another field", `{{default .Organization .FirstName}}`, "Maple Street Pediatrics"},
		{"default for a column the spreadsheet lacks", `{{default "your patients" .Fields.specialty}}`, "your patients"},
		{"first takes the first non-empty", `{{first .FirstName .Title .Organization}}`, "Maple Street Pediatrics"},
		{"or works as text/template's own fallback", `{{or .FirstName "there"}}`, "there"},
		{"a field guarded by if is not required", `Hello{{if .FirstName}} {{.FirstName}}{{end}}!`, "Hello!"},
		{"with guards its field and moves dot", `Hi{{with .Fields.specialty}} {{.}}{{else}} all{{end}}`, "Hi all"},
		{"an explicit empty default may print nothing", `[{{default "" .Title}}]`, "[]"},
		{"a fallback wrapped in a helper", `{{upper (default "team" .FirstName)}}`, "TEAM"},
		{"helpers", `{{lower "ABC"}} {{title "maple street"}} {{trim "  x  "}} {{join "+" .Tags}}`, "abc Maple Street x a+b"},
	}
	office.Tags = []string{"a", "b"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := mustParse(t, "---\nsubject: Hi\n---\n"+tt.body+"\n")
			if got := render(t, tm, office).Text; got != tt.want+"\n" {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEmptyOutput(t *testing.T) {
	c := &contact.Contact{Email: "x@y.test"}
	tests := []struct{ name, body, field string }{
		{"salutation without fallback and no name fails", `Dear {{salutation}},`, "salutation"},
		{"first with nothing to choose fails", `Dear {{first .FirstName .Title}},`, "first .FirstName .Title"},
		{"default to another empty field fails", `Dear {{default .LastName .FirstName}},`, `default .LastName .FirstName`},
		{"if on one field does not guard another", `{{if .City}}{{end}}{{.Region}}`, ".Region"},
		{"a variable holding an empty field fails when printed", `{{$n := .FirstName}}Dear {{$n}},`, "$n"},
		{"a field tested with not is still checked", `{{if not .Title}}Dear {{.Title}},{{end}}`, ".Title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := mustParse(t, "---\nsubject: Hi\n---\n"+tt.body+"\n")
			fes := fieldErrors(t, tm, c)
			if len(fes) != 1 || fes[0].Field != tt.field {
				t.Errorf("got %v, want one error on %s", fes, tt.field)
			}
		})
	}
}

func TestTemplateMistakes(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"a misspelled field is caught at load with a suggestion",
			"---\nsubject: Hi\n---\n\nDear {{.Firstname}},\n", "note.md line 5: {{.Firstname}} is not a field a template knows (did you mean {{.FirstName}}?)"},
		{"a spreadsheet column written without .Fields is explained",
			"---\nsubject: Hi\n---\n{{.specialty}}\n", "{{.Fields.specialty}}"},
		{"an unknown sender field lists the sender's fields",
			"---\nsubject: Hi {{.Sender.Nmae}}\n---\nHi\n", "note.md line 2: {{.Sender.Nmae}} is not a field of the sender; the sender has .Sender.Name"},
		{"a field of a text field", "---\nsubject: Hi\n---\n{{.City.Name}}\n", ".City is text"},
		{"an unknown function names the line", "---\nsubject: Hi\n---\n\n{{shout .City}}\n", `note.md line 5: function "shout" not defined`},
		{"a broken action names the line", "---\nsubject: Hi\n---\n{{if .City}}\n", "note.md line"},
		{"sub-templates are refused", "---\nsubject: Hi\n---\n{{define \"x\"}}a{{end}}{{template \"x\"}}\n", "not supported"},
		{"the internal helpers cannot be called", "---\nsubject: Hi\n---\n{{__out 0 .City}}\n", `function "__out" not defined`},
		{"raw HTML is refused at load", "---\nsubject: Hi\n---\nHello\n\n<b>bold</b>\n", "note.md line 6: HTML is not sent"},
		{"an image is refused at load", "---\nsubject: Hi\n---\n![logo](https://x.example/l.png)\n", "note.md line 4: images are not sent"},
		{"a link that is not a web address is refused", "---\nsubject: Hi\n---\n[site](javascript:alert(1))\n", "not a web address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("note", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if !errors.Is(err, ErrTemplate) {
				t.Errorf("err %v is not ErrTemplate", err)
			}
		})
	}
}

func TestFieldsLists(t *testing.T) {
	tm := mustParse(t, "---\nsubject: From {{.Sender.Name}}\n---\n{{if .Title}}{{.Title}}{{end}} {{default \"x\" .Fields.specialty}} {{with .Sender}}{{.BookingURL}}{{end}}\n")
	want := []string{".Fields.specialty", ".Sender", ".Sender.BookingURL", ".Sender.Name", ".Title"}
	if got := tm.Fields(); !slices.Equal(got, want) {
		t.Errorf("Fields() = %v, want %v", got, want)
	}
}
