package render

import (
	"errors"
	"strings"
	"testing"

	"rapport/internal/contact"
)

// anna is the therapist of the tests.
var anna = Sender{
	Name:       "Anna Lee",
	Email:      "anna@leefamilytherapy.example",
	Practice:   "Lee Family Therapy",
	Phone:      "(503) 555-0142",
	BookingURL: "https://booking.example/anna-lee",
	Signature:  "Anna Lee, LMFT\nLee Family Therapy\n(503) 555-0142",
}

// mustParse parses a template written in a test, or stops the test.
func mustParse(t *testing.T, src string) *Template {
	t.Helper()
	tm, err := Parse("note", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return tm
}

// render renders for c with anna as the sender, or stops the test.
func render(t *testing.T, tm *Template, c *contact.Contact) *Message {
	t.Helper()
	m, err := tm.Render(Input{Contact: c, Sender: anna, Event: eventFor(tm)})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return m
}

// meetAndGreet is .Event as rapport fills it for the sample meet-and-greet
// (see dispatch's eventView).
var meetAndGreet = map[string]string{
	"Title": "Meet & Greet for Local Clinicians", "When": "Thursday, December 10, 2026, 5:00–6:30 PM CST",
	"Date": "Thursday, December 10", "Time": "5:00–6:30 PM CST", "Place": "Maple Grove Library, Community Room",
	"Address": "410 Elm Street, Springfield, IL 62704", "Where": "Maple Grove Library, Community Room, 410 Elm Street, Springfield, IL 62704",
	"URL": "", "Description": "Coffee, cookies and a short round of introductions.",
	"MapURL":    "https://www.google.com/maps/search/?api=1&query=410+Elm+Street%2C+Springfield%2C+IL+62704",
	"GoogleURL": "https://calendar.google.com/calendar/render?action=TEMPLATE", "OutlookURL": "https://outlook.office.com/calendar/0/deeplink/compose",
}

// eventFor is the event a sample template is written for: the
// meet-and-greet's templates (meet-*) are about it; the others see none.
func eventFor(tm *Template) any {
	if strings.HasPrefix(tm.Name, "meet-") {
		return meetAndGreet
	}
	return nil
}

// fieldErrors renders and expects FieldErrors.
func fieldErrors(t *testing.T, tm *Template, c *contact.Contact) FieldErrors {
	t.Helper()
	_, err := tm.Render(Input{Contact: c, Sender: anna})
	var fes FieldErrors
	if !errors.As(err, &fes) {
		t.Fatalf("Render: got %v, want FieldErrors", err)
	}
	return fes
}

func office(email, org, kind string) *contact.Contact {
	return &contact.Contact{Email: email, Organization: org, Kind: kind}
}
