package invite

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

// TestVTimezoneMatchesTheZoneRules reads each VTIMEZONE back the way a
// calendar does (the observance with the latest onset wins) and checks,
// hour by hour for the year before and after the event, that it gives the
// same UTC time as the IANA database Go carries.
func TestVTimezoneMatchesTheZoneRules(t *testing.T) {
	cases := []struct {
		story, zone, start string
		rules              []string // RRULEs the observances carry; none when no yearly rule fits
	}{
		{"New York, the week DST starts in March", "America/New_York", "2026-03-12 18:00",
			[]string{"DAYLIGHT:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "STANDARD:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"}},
		{"New York, the week DST ends in November", "America/New_York", "2026-11-05 18:00",
			[]string{"DAYLIGHT:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "STANDARD:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"}},
		{"Berlin, the day after summer time starts", "Europe/Berlin", "2026-03-30 19:00",
			[]string{"DAYLIGHT:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "STANDARD:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"}},
		{"Berlin in winter", "Europe/Berlin", "2026-12-10 18:00",
			[]string{"DAYLIGHT:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "STANDARD:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"}},
		{"Sydney, summer time across the new year", "Australia/Sydney", "2026-12-03 17:00",
			[]string{"DAYLIGHT:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU", "STANDARD:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU"}},
		{"Phoenix keeps standard time", "America/Phoenix", "2026-12-03 17:00", nil},
		{"São Paulo the year DST was abolished", "America/Sao_Paulo", "2019-03-10 17:00", nil},
	}
	for _, c := range cases {
		t.Run(c.story, func(t *testing.T) {
			loc, err := time.LoadLocation(c.zone)
			if err != nil {
				t.Skip("zone not on this machine:", err)
			}
			e, errs := Spec{Title: "x", Start: c.start, End: c.start[:11] + "23:00", Location: "x"}.Event(loc)
			if errs != nil {
				t.Fatal(errs)
			}
			e.UID = "u@x.test"
			raw, err := Invitation{Event: e, Organizer: organizer, Attendee: guest(), Stamp: stamp}.Request()
			if err != nil {
				t.Fatal(err)
			}
			cal, err := ics.ParseCalendar(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := observanceRules(cal); strings.Join(got, " ") != strings.Join(c.rules, " ") {
				t.Errorf("observances %v, want %v", got, c.rules)
			}
			toUTC, ok := readZone(cal, c.zone)
			if !ok {
				t.Fatalf("no VTIMEZONE %s in\n%s", c.zone, raw)
			}
			compareHourly(t, loc, toUTC, e.Start.AddDate(-1, 0, 0), e.Start.AddDate(1, 0, 0))
			if got := toUTC(wallOf(e.Start)); !got.Equal(e.Start) {
				t.Errorf("the event's start reads as %s, want %s", got, e.Start.UTC())
			}
		})
	}
}

// TestReadZoneFromOutlook reads Outlook's VTIMEZONE with a Windows name and
// DTSTART in 1601, as Exchange writes it.
func TestReadZoneFromOutlook(t *testing.T) {
	raw := calendarPart(t, "testdata/replies/outlook_accept.eml")
	cal, err := ics.ParseCalendar(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	toUTC, ok := readZone(cal, "Central Standard Time")
	if !ok {
		t.Fatal("no zone")
	}
	chi, _ := time.LoadLocation("America/Chicago")
	compareHourly(t, chi, toUTC, time.Date(2026, 1, 1, 0, 0, 0, 0, chi), time.Date(2028, 1, 1, 0, 0, 0, 0, chi))
}

func compareHourly(t *testing.T, loc *time.Location, toUTC func(time.Time) time.Time, from, to time.Time) {
	t.Helper()
	bad := 0
	for u := from; u.Before(to); u = u.Add(time.Hour) {
		if nearTransition(u) {
			continue // a wall time in a gap or an overlap has no single answer
		}
		if got := toUTC(wallOf(u)); !got.Equal(u) && bad < 5 {
			bad++
			t.Errorf("%s local reads as %s UTC, want %s", wallOf(u).Format("2006-01-02 15:04"), got.Format(time.RFC3339), u.UTC().Format(time.RFC3339))
		}
	}
}

// wallOf is t's local date and clock as a plain time (in UTC), as a
// calendar reads a DTSTART with TZID.
func wallOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

func nearTransition(t time.Time) bool {
	_, off := t.Zone()
	for _, d := range []time.Duration{-3 * time.Hour, 3 * time.Hour} {
		if _, o := t.Add(d).Zone(); o != off {
			return true
		}
	}
	return false
}

func observanceRules(cal *ics.Calendar) []string {
	var out []string
	for _, tz := range cal.Timezones() {
		for _, sub := range tz.SubComponents() {
			kind, cb := "STANDARD", (*ics.ComponentBase)(nil)
			switch o := sub.(type) {
			case *ics.Standard:
				cb = &o.ComponentBase
			case *ics.Daylight:
				kind, cb = "DAYLIGHT", &o.ComponentBase
			}
			if rr := cb.GetProperty(ics.ComponentPropertyRrule); rr != nil {
				out = append(out, kind+":"+rr.Value)
			}
		}
	}
	return out
}
