package letters

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
)

func TestAddressLines(t *testing.T) {
	cases := []struct {
		name string
		home string
		to   Recipient
		want []string
	}{
		{"US: city, state ZIP on one line", "US", Recipient{Name: "Pastor Daniel Kim", Organization: "Grace Community Church",
			Address: contact.Address{Street: "200 Church St", City: "Springfield", Region: "Illinois", PostalCode: "62708"}},
			[]string{"Pastor Daniel Kim", "Grace Community Church", "200 Church St", "Springfield, IL 62708"}},
		{"an office without a person's name", "", Recipient{Organization: "Lakeside OB/GYN",
			Address: contact.Address{Street: "88 Lake Ave", City: "Springfield", Region: "il", PostalCode: "62703", Country: "USA"}},
			[]string{"Lakeside OB/GYN", "88 Lake Ave", "Springfield, IL 62703"}},
		{"Germany from the US: postal code first, country last in capitals", "US", Recipient{Name: "Dr. Jürgen Weiß",
			Address: contact.Address{Street: "Hauptstraße 5", City: "Berlin", PostalCode: "10115", Country: "Deutschland"}},
			[]string{"Dr. Jürgen Weiß", "Hauptstraße 5", "10115 Berlin", "GERMANY"}},
		{"UK: the postcode on its own line", "US", Recipient{Name: "Rev. Ann Hale",
			Address: contact.Address{Street: "1 Church Lane", City: "York", PostalCode: "yo1 7hh", Country: "UK"}},
			[]string{"Rev. Ann Hale", "1 Church Lane", "York", "YO1 7HH", "UNITED KINGDOM"}},
		{"the US seen from Germany", "DE", Recipient{Name: "Dr. Maria Alvarez",
			Address: contact.Address{Street: "12 Elm St", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "United States"}},
			[]string{"Dr. Maria Alvarez", "12 Elm St", "Springfield, IL 62701", "UNITED STATES"}},
		{"a country rapport does not know is written as typed, in capitals", "US", Recipient{Name: "Ana Souza",
			Address: contact.Address{Street: "Rua A 10", City: "São Paulo", Region: "SP", PostalCode: "01000-000", Country: "Brasil"}},
			[]string{"Ana Souza", "Rua A 10", "São Paulo SP 01000-000", "BRASIL"}},
		{"a street on two lines keeps both", "US", Recipient{Name: "Sam Rivera",
			Address: contact.Address{Street: "400 River Rd\nSuite 200", City: "Springfield", Region: "IL", PostalCode: "62702"}},
			[]string{"Sam Rivera", "400 River Rd", "Suite 200", "Springfield, IL 62702"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.to.Lines(c.home)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
	t.Run("half an address names what is missing", func(t *testing.T) {
		_, err := Recipient{Name: "Tom Reyes", Address: contact.Address{City: "Springfield", Region: "IL"}}.Lines("US")
		if !errors.Is(err, ErrIncompleteAddress) || !strings.Contains(err.Error(), "street, postal code") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestReturnAddress(t *testing.T) {
	got := ReturnAddress("Lee Family Therapy", "12 Elm Street, Suite 4, Springfield, IL 62701")
	want := []string{"Lee Family Therapy", "12 Elm Street, Suite 4", "Springfield, IL 62701"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q", got)
	}
	got = ReturnAddress("", "Praxis Lee\nHauptstraße 5\n10115 Berlin\n")
	if !slices.Equal(got, []string{"Praxis Lee", "Hauptstraße 5", "10115 Berlin"}) {
		t.Errorf("got %q", got)
	}
}

func TestFormatDate(t *testing.T) {
	d := time.Date(2026, 12, 2, 23, 0, 0, 0, time.UTC)
	for locale, want := range map[string]string{
		"": "December 2, 2026", "en-US": "December 2, 2026", "en-GB": "2 December 2026",
		"de-DE": "2. Dezember 2026", "fr": "2 décembre 2026", "es": "2 de diciembre de 2026",
	} {
		if got := FormatDate(d, locale); got != want {
			t.Errorf("%q: %q, want %q", locale, got, want)
		}
	}
	if err := CheckLocale("klingon"); err == nil || !strings.Contains(err.Error(), "en-US") {
		t.Errorf("CheckLocale = %v", err)
	}
}
