package render

import (
	"errors"
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
	m, err := tm.Render(Input{Contact: c, Sender: anna})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return m
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
