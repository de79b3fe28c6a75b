package inbox

import (
	"testing"
	"time"
)

func TestReturnDate(t *testing.T) {
	chicago := time.FixedZone("CST", -6*3600)
	nov10 := time.Date(2026, 11, 10, 9, 30, 0, 0, chicago)
	dec18 := time.Date(2026, 12, 18, 16, 0, 0, 0, chicago)
	tests := []struct {
		story string
		text  string
		sent  time.Time
		want  string // YYYY-MM-DD, "" for no date
	}{
		// English
		{"back on a weekday and a date", "I will be back on Monday, December 1.", nov10, "2026-12-01"},
		{"returning with a US numeric date", "Returning 12/01. For urgent matters call the front desk.", nov10, "2026-12-01"},
		{"back in the office on day month year", "I am back in the office on 1 December 2026.", nov10, "2026-12-01"},
		{"until means back the day after", "I am out of the office until November 30.", nov10, "2026-12-01"},
		{"through a Friday means back the Saturday", "Out through Friday, Dec 5 with no email.", nov10, "2026-12-06"},
		{"ordinal day", "I'll return on the 3rd of December.", nov10, "2026-12-03"},
		{"ISO date", "Back 2026-11-24.", nov10, "2026-11-24"},
		{"range with a dash", "Out of office 11/20 - 11/30, limited access to email.", nov10, "2026-12-01"},
		{"back wins over until", "I'm away until Nov 27 (Thanksgiving) and back in the office on Monday, November 30.", nov10, "2026-11-30"},
		{"US order unless impossible", "I am on leave until 15/12/2026.", nov10, "2026-12-16"},
		// German
		{"bis einschließlich", "Ich bin bis einschließlich 30.11.2026 nicht im Büro.", nov10, "2026-12-01"},
		{"ab dem ... wieder erreichbar", "Ab dem 3. Dezember bin ich wieder erreichbar.", nov10, "2026-12-03"},
		{"bis zum with day.month.", "Die Praxis ist bis zum 28.11. geschlossen.", nov10, "2026-11-29"},
		{"German day.month reads day first", "Ich bin wieder am 02.12. im Büro.", nov10, "2026-12-02"},
		{"ab without wieder is the start of an absence", "Ab dem 20.11. bin ich im Urlaub.", nov10, ""},
		// French
		{"de retour le", "Je serai de retour le 3 décembre.", nov10, "2026-12-03"},
		{"jusqu'au", "Je suis absente jusqu’au 30 novembre.", nov10, "2026-12-01"},
		{"French first of the month", "De retour le 1er décembre.", nov10, "2026-12-01"},
		{"French range du au", "Absente du 20 au 27 novembre.", nov10, "2026-11-28"},
		// Spanish
		{"regresaré el", "Regresaré el 3 de diciembre.", nov10, "2026-12-03"},
		{"hasta el", "Estaré fuera hasta el 30 de noviembre.", nov10, "2026-12-01"},
		{"Spanish numeric reads day first", "Estoy de vacaciones hasta el 5/12.", nov10, "2026-12-06"},
		// Year rollover and guards
		{"January from a December message is next year", "I will be back on January 5.", dec18, "2027-01-05"},
		{"until New Year's Eve from December", "Closed until December 31.", dec18, "2027-01-01"},
		{"numeric January from December", "Returning 1/4.", dec18, "2027-01-04"},
		{"a date without a phrase is not a return date", "Our meet and greet is on December 3 at 5pm.", nov10, ""},
		{"a year in the past is refused", "Back on 1 December 2025.", nov10, ""},
		{"more than a year ahead is refused", "Back on 1 December 2028.", nov10, ""},
		{"impossible dates are refused", "Back on 31.11.", nov10, ""},
		{"times are not dates", "Ich bin bis 17.30 Uhr erreichbar.", nov10, ""},
		{"phone numbers are not dates", "Back soon, call 555-1234 or 1-800-555-0199.", nov10, ""},
		{"no date at all", "I am out of the office with limited access to email.", nov10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			got := ""
			if d := returnDate(tt.text, tt.sent); !d.IsZero() {
				got = d.Format("2006-01-02")
				if d.Location() != tt.sent.Location() || d.Hour() != 0 {
					t.Errorf("return date %v is not midnight in the sender's zone", d)
				}
			}
			if got != tt.want {
				t.Errorf("returnDate(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestReturnDateNeedsAMessageDate(t *testing.T) {
	if d := returnDate("Back on December 1, 2026.", time.Time{}); !d.IsZero() {
		t.Errorf("without a message date the year cannot be checked, got %v", d)
	}
}
