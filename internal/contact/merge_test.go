package contact

import (
	"slices"
	"strings"
	"testing"
)

func TestMergeNeverLosesWhatTheUserTyped(t *testing.T) {
	fromXLSX := func() *Contact {
		return &Contact{ID: 7, Email: "dr.lee@clinic.test", FirstName: "Grace", LastName: "Lee", Title: "Dr.",
			Phone: "217-555-0100", Notes: "Met at the fall open house\nBrings cookies in July", Stage: StageReplied,
			Tags: []string{"pediatrics"}, Fields: map[string]string{"date_met": "2025-10-02", "specialty": "peds"},
			Source: Source{File: "therapist-contacts.xlsx", Row: 5}}
	}
	t.Run("a second spreadsheet fills gaps but changes nothing typed", func(t *testing.T) {
		old := fromXLSX()
		csv := &Contact{Email: "DR.LEE@clinic.test", FirstName: "Grace", LastName: "Lee", Phone: "217-555-0199",
			Organization: "Lee Pediatrics", Notes: "call on Tuesdays", Tags: []string{"csv"},
			Fields: map[string]string{"date_met": "", "referrals_2025": "3"},
			Source: Source{File: "clinics.csv", Row: 2}}
		got, d := Merge(old, csv, MergeOptions{})
		if got.Email != "dr.lee@clinic.test" {
			t.Errorf("email case changed to %q", got.Email)
		}
		if got.Notes != old.Notes || got.Phone != "217-555-0100" || got.Fields["date_met"] != "2025-10-02" {
			t.Errorf("typed values lost: %+v", got)
		}
		if got.Organization != "Lee Pediatrics" || got.Fields["referrals_2025"] != "3" {
			t.Errorf("empty fields were not filled: %+v", got)
		}
		if got.Source.File != "therapist-contacts.xlsx" || got.Stage != StageReplied || got.ID != 7 {
			t.Errorf("source, stage or id changed: %+v", got)
		}
		wantChanged := []string{"organization: Lee Pediatrics", "tags: pediatrics → csv, pediatrics", "referrals_2025: 3"}
		if s := changeStrings(d.Changed); !slices.Equal(s, wantChanged) {
			t.Errorf("changed = %q, want %q", s, wantChanged)
		}
		wantKept := []string{"phone: 217-555-0100 → 217-555-0199", "notes: Met at the fall open house ↵ Brings cookies in July → call on Tuesdays"}
		if s := changeStrings(d.Kept); !slices.Equal(s, wantKept) {
			t.Errorf("kept = %q, want %q", s, wantKept)
		}
	})
	t.Run("with --overwrite the other file's values win, and the contact keeps its source", func(t *testing.T) {
		csv := &Contact{Email: "DR.LEE@clinic.test", Phone: "217-555-0199", Fields: map[string]string{"date_met": ""},
			Source: Source{File: "clinics.csv", Row: 2}}
		got, d := Merge(fromXLSX(), csv, MergeOptions{Overwrite: true})
		if got.Phone != "217-555-0199" || got.Email != "dr.lee@clinic.test" || got.Fields["date_met"] != "2025-10-02" {
			t.Errorf("overwrite: %+v", got)
		}
		if got.Source.File != "therapist-contacts.xlsx" || len(d.Kept) != 0 || len(d.Changed) != 1 {
			t.Errorf("source %v, diff %+v", got.Source, d)
		}
	})
	t.Run("the contact's own sheet updates it, but a blank cell clears nothing", func(t *testing.T) {
		again := &Contact{Email: "dr.lee@clinic.test", FirstName: "Grace", Phone: "217-555-0111",
			Source: Source{File: "therapist-contacts.xlsx", Row: 9}}
		got, d := Merge(fromXLSX(), again, MergeOptions{})
		if got.Phone != "217-555-0111" || got.LastName != "Lee" || got.Title != "Dr." || got.Notes == "" {
			t.Errorf("own sheet: %+v", got)
		}
		if got.Source.Row != 9 || len(d.Changed) != 1 || len(d.Kept) != 0 {
			t.Errorf("source %v, diff %+v", got.Source, d)
		}
	})
	t.Run("a contact back in its sheet loses the missing flag; another file does not clear it", func(t *testing.T) {
		old := fromXLSX()
		old.Missing = true
		if got, d := Merge(old, &Contact{Email: old.Email, Source: Source{File: "clinics.csv"}}, MergeOptions{}); !got.Missing || d.Back {
			t.Error("another file cleared the missing flag")
		}
		got, d := Merge(old, &Contact{Email: old.Email, Source: old.Source}, MergeOptions{})
		if got.Missing || !d.Back || d.Empty() || !slices.Equal(d.Strings(), []string{"back in the spreadsheet"}) {
			t.Errorf("back: %+v %+v", got.Missing, d)
		}
	})
	t.Run("a contact typed in by hand is only filled in", func(t *testing.T) {
		old := &Contact{Email: "kim@church.test", FirstName: "James"}
		got, d := Merge(old, &Contact{Email: "kim@church.test", FirstName: "Jim", LastName: "Kim", Source: Source{File: "a.csv"}}, MergeOptions{})
		if got.FirstName != "James" || got.LastName != "Kim" || len(d.Kept) != 1 {
			t.Errorf("%+v %+v", got, d)
		}
	})
	t.Run("merging a contact with itself changes nothing", func(t *testing.T) {
		old := fromXLSX()
		if got, d := Merge(old, old, MergeOptions{}); !d.Empty() || len(d.Kept) != 0 || got.Notes != old.Notes {
			t.Errorf("%+v", d)
		}
		if old.Fields["specialty"] != "peds" {
			t.Error("Merge modified the stored contact's map")
		}
	})
	t.Run("kind_original goes once the kind word is understood", func(t *testing.T) {
		old := fromXLSX()
		old.Kind, old.Fields["kind_original"] = "other", "Family doc"
		got, d := Merge(old, &Contact{Email: old.Email, Kind: "physician", Source: old.Source}, MergeOptions{})
		if got.Kind != "physician" || got.Fields["kind_original"] != "" || len(d.Changed) != 2 {
			t.Errorf("%+v %+v", got, d)
		}
	})
}

func changeStrings(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.String())
	}
	return out
}

func TestParseAddress(t *testing.T) {
	good := map[string]Address{
		"77 School Ln, Springfield, IL 62703":         {Street: "77 School Ln", City: "Springfield", Region: "IL", PostalCode: "62703"},
		"77 School Ln, Springfield IL 62703-1234":     {Street: "77 School Ln", City: "Springfield", Region: "IL", PostalCode: "62703-1234"},
		"1 Main St, Suite 2, New York, NY 10001, USA": {Street: "1 Main St, Suite 2", City: "New York", Region: "NY", PostalCode: "10001", Country: "USA"},
		"350 Fifth Ave, New York New York 10118":      {Street: "350 Fifth Ave", City: "New York", Region: "New York", PostalCode: "10118"},
		"12 Elm St\nSpringfield, MA 01101":            {Street: "12 Elm St", City: "Springfield", Region: "MA", PostalCode: "01101"},
		"10 Downing Street, London SW1A 2AA":          {Street: "10 Downing Street", City: "London", PostalCode: "SW1A 2AA"},
		"10 Downing Street, London, sw1a2aa, UK":      {Street: "10 Downing Street", City: "London", PostalCode: "SW1A 2AA", Country: "UK"},
		"Hauptstraße 5, 10115 Berlin":                 {Street: "Hauptstraße 5", City: "Berlin", PostalCode: "10115"},
		"Hauptstraße 5, D-10115 Berlin, Deutschland":  {Street: "Hauptstraße 5", City: "Berlin", PostalCode: "D-10115", Country: "Deutschland"},
		"Keizersgracht 123, 1015 CJ Amsterdam":        {Street: "Keizersgracht 123", City: "Amsterdam", PostalCode: "1015 CJ"},
		"24 Sussex Dr, Ottawa, ON K1M 1M4":            {Street: "24 Sussex Dr", City: "Ottawa", Region: "ON", PostalCode: "K1M 1M4"},
	}
	for in, want := range good {
		if got, ok := ParseAddress(in); !ok || got != want {
			t.Errorf("ParseAddress(%q) = %+v, %v; want %+v", in, got, ok, want)
		}
	}
	for _, in := range []string{"12 Elm St", "77 School Ln Springfield IL 62703", "Suite 200, 1600 Pennsylvania Avenue",
		"Springfield, IL 62703", "12 Elm St, Springfield", "PO Box 5, Springfield, ZZ 62703"} {
		if got, ok := ParseAddress(in); ok {
			t.Errorf("ParseAddress(%q) = %+v; want it kept whole", in, got)
		}
	}
}

func TestKindsFollowTheUsersWords(t *testing.T) {
	k, err := NewKinds(nil, map[string]string{"Front desk": "physician", "Youth worker": "agency"})
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"Family doc": "physician", "GP": "physician", "Family Medicine": "physician",
		"Pediatrician": "physician", "Pediatrics": "physician", "OB/GYN": "physician", "MD": "physician", "DO": "physician",
		"NP": "physician", "PA": "physician", "Priest": "pastor", "Rabbi": "pastor", "Imam": "pastor", "Minister": "pastor",
		"Chaplain": "pastor", "School psychologist": "school-counselor", "Guidance counselor": "school-counselor",
		"LCSW": "therapist", "LMFT": "therapist", "LPC": "therapist", "Psychologist": "therapist",
		"front desk": "physician", "Youth Workers": "agency", "School Counselors": "school-counselor", "": ""} {
		if got, ok := k.Match(in); !ok || got != want {
			t.Errorf("Match(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"Physical therapist", "astronaut", "Nurse"} {
		if got, ok := k.Match(in); ok {
			t.Errorf("Match(%q) = %q; an unknown word must not be guessed", in, got)
		}
	}
	if _, err := NewKinds(nil, map[string]string{"Family doc": "physicans"}); err == nil || !strings.Contains(err.Error(), `"Family doc" = "physicans"`) {
		t.Errorf("an alias to an unknown kind: %v", err)
	}
	custom, _ := NewKinds([]string{"doctor-office", "faith"}, map[string]string{"Pediatrician": "doctor-office"})
	if got, ok := custom.Match("Priest"); ok {
		t.Errorf("a default alias to a kind that is not configured matched: %q", got)
	}
	if got, _ := custom.Match("pediatricians"); got != "doctor-office" {
		t.Errorf("user alias: %q", got)
	}
}
