package schedule

import (
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	w, err := ParseWindow("Mon-Fri 09:00-17:00")
	if err != nil {
		t.Fatal(err)
	}
	h, _ := ParseHolidays([]string{"2026-11-26"}) // Thanksgiving, a Thursday
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, ny)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct{ from, want string }{
		{"2026-11-23 10:30", "2026-11-23 10:30"}, // Monday, open
		{"2026-11-23 07:00", "2026-11-23 09:00"}, // before opening
		{"2026-11-23 17:00", "2026-11-24 09:00"}, // at closing: next morning
		{"2026-11-25 18:00", "2026-11-27 09:00"}, // Wednesday evening, Thursday is a holiday
		{"2026-11-28 12:00", "2026-11-30 09:00"}, // Saturday: Monday
		{"2026-03-08 01:00", "2026-03-09 09:00"}, // DST spring-forward Sunday
	}
	for _, tc := range cases {
		if got := w.Next(at(tc.from), h); !got.Equal(at(tc.want)) {
			t.Errorf("Next(%s) = %s, want %s", tc.from, got, tc.want)
		}
	}
	if w.Contains(at("2026-11-28 10:00")) || !w.Contains(at("2026-11-27 16:59")) {
		t.Error("Contains is wrong")
	}
}

func TestWindowSeveralSpansAndErrors(t *testing.T) {
	w, err := ParseWindow("Mon-Thu 09:00-17:00, Fri 09:00-12:00, Sat/Sun 10:00-11:00")
	if err != nil {
		t.Fatal(err)
	}
	fri := time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC)
	if got := w.Next(fri, nil); !got.Equal(time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("Friday afternoon → %s", got)
	}
	for _, bad := range []string{"Mon-Fri", "Funday 09:00-10:00", "Mon 17:00-09:00", "Mon 9-17", "Mon 25:00-26:00"} {
		if _, err := ParseWindow(bad); err == nil {
			t.Errorf("ParseWindow(%q) accepted", bad)
		}
	}
	if _, err := ParseHolidays([]string{"12/25/2026"}); err == nil {
		t.Error("a US-style holiday date must be refused with an example")
	}
}
