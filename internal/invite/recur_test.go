package invite

import (
	"strings"
	"testing"
	"time"
)

func TestRecurrenceRulesPeopleWrite(t *testing.T) {
	chi, _ := time.LoadLocation("America/Chicago")
	at := func(s string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", s, chi)
		return t
	}
	cases := []struct {
		story, rule, start string
		want               []string // the first meetings, local dates
		normal             string   // String()
	}{
		{"the consultation group: second Thursday monthly", "FREQ=MONTHLY;BYDAY=2TH", "2026-12-10 19:00",
			[]string{"2026-12-10", "2027-01-14", "2027-02-11", "2027-03-11", "2027-04-08"}, "FREQ=MONTHLY;BYDAY=2TH"},
		{"last Friday of the month, lower case and an RRULE: prefix", "rrule:freq=monthly;byday=-1fr", "2026-12-25 12:00",
			[]string{"2026-12-25", "2027-01-29", "2027-02-26", "2027-03-26"}, "FREQ=MONTHLY;BYDAY=-1FR"},
		{"every other Tuesday, four times", "FREQ=WEEKLY;INTERVAL=2;COUNT=4", "2026-12-01 08:00",
			[]string{"2026-12-01", "2026-12-15", "2026-12-29", "2027-01-12"}, "FREQ=WEEKLY;COUNT=4;INTERVAL=2"},
		{"the last weekday of each month", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "2026-12-31 16:00",
			[]string{"2026-12-31", "2027-01-29", "2027-02-26", "2027-03-31", "2027-04-30"}, "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"},
		{"a yearly open house on the first Saturday of June", "FREQ=YEARLY;BYMONTH=6;BYDAY=1SA", "2027-06-05 10:00",
			[]string{"2027-06-05", "2028-06-03", "2029-06-02"}, "FREQ=YEARLY;BYMONTH=6;BYDAY=1SA"},
		{"the 31st only in months that have one", "FREQ=MONTHLY;BYMONTHDAY=31", "2027-01-31 09:00",
			[]string{"2027-01-31", "2027-03-31", "2027-05-31", "2027-07-31"}, "FREQ=MONTHLY;BYMONTHDAY=31"},
		{"quarterly, until the day of the third meeting", "FREQ=MONTHLY;INTERVAL=3;UNTIL=20270707", "2027-01-07 09:00",
			[]string{"2027-01-07", "2027-04-07", "2027-07-07"}, "FREQ=MONTHLY;UNTIL=20270708T045959Z;INTERVAL=3"},
		{"daily for a three-day training", "FREQ=DAILY;COUNT=3", "2027-02-27 09:00",
			[]string{"2027-02-27", "2027-02-28", "2027-03-01"}, "FREQ=DAILY;COUNT=3"},
		{"week 1 of the year, ISO weeks", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO", "2027-01-04 09:00",
			[]string{"2027-01-04", "2028-01-03", "2029-01-01"}, "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO"},
	}
	for _, c := range cases {
		t.Run(c.story, func(t *testing.T) {
			r, err := ParseRecur(c.rule, chi)
			if err != nil {
				t.Fatal(err)
			}
			start := at(c.start)
			if err := r.Check(start); err != nil {
				t.Fatal(err)
			}
			var got []string
			r.each(start, func(s time.Time) bool {
				if s.Hour() != start.Hour() || s.Location() != chi {
					t.Errorf("%s is not at the start's local time", s)
				}
				got = append(got, s.Format("2006-01-02"))
				return len(got) < len(c.want)
			})
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("dates %v, want %v", got, c.want)
			}
			if r.String() != c.normal {
				t.Errorf("String() = %q, want %q", r.String(), c.normal)
			}
		})
	}
}

func TestNextMeeting(t *testing.T) {
	chi, _ := time.LoadLocation("America/Chicago")
	e, errs := Spec{Title: "Consultation group", Start: "2026-12-10 19:00", End: "2026-12-10 20:30", Location: "x",
		RRule: "FREQ=MONTHLY;BYDAY=2TH;COUNT=3"}.Event(chi)
	if errs != nil {
		t.Fatal(errs)
	}
	next, ok := e.Next(time.Date(2027, 1, 1, 0, 0, 0, 0, chi))
	if !ok || next.Format("2006-01-02 15:04 MST") != "2027-01-14 19:00 CST" {
		t.Errorf("next = %s %v", next, ok)
	}
	if _, ok := e.Next(time.Date(2027, 2, 12, 0, 0, 0, 0, chi)); ok {
		t.Error("a series of three has no fourth meeting")
	}
	once := *e
	once.Recur = nil
	if _, ok := once.Next(e.Start); ok {
		t.Error("an event is not upcoming at its own start")
	}
}

func TestBadRecurrenceRulesSayWhy(t *testing.T) {
	chi, _ := time.LoadLocation("America/Chicago")
	cases := []struct{ rule, start, says string }{
		{"BYDAY=2TH", "2026-12-10 19:00", "FREQ is missing"},
		{"FREQ=MONTHY;BYDAY=2TH", "2026-12-10 19:00", "MONTHY is not a frequency"},
		{"FREQ=HOURLY", "2026-12-10 19:00", "at most daily"},
		{"FREQ=MONTHLY;BYDAY=2XX", "2026-12-10 19:00", `"2XX" is not a weekday`},
		{"FREQ=MONTHLY;BYDAY=6TH", "2026-12-10 19:00", "at most five"},
		{"FREQ=WEEKLY;BYDAY=2TH", "2026-12-10 19:00", "numbered weekday needs FREQ=MONTHLY"},
		{"FREQ=WEEKLY;BYMONTHDAY=3", "2026-12-10 19:00", "BYMONTHDAY cannot be used with FREQ=WEEKLY"},
		{"FREQ=MONTHLY;BYMONTHDAY=32", "2026-12-10 19:00", "from 1 to 31"},
		{"FREQ=MONTHLY;BYMONTH=13", "2026-12-10 19:00", "from 1 to 12"},
		{"FREQ=MONTHLY;COUNT=0", "2026-12-10 19:00", "1 or more"},
		{"FREQ=MONTHLY;INTERVAL=-2", "2026-12-10 19:00", "1 or more"},
		{"FREQ=MONTHLY;COUNT=3;UNTIL=20271231", "2026-12-10 19:00", "not both"},
		{"FREQ=MONTHLY;UNTIL=2027-12-31", "2026-12-10 19:00", "UNTIL=2027-12-31"},
		{"FREQ=MONTHLY;FREQ=WEEKLY", "2026-12-10 19:00", "given twice"},
		{"FREQ=MONTHLY;;BYDAY=2TH", "2026-12-10 19:00", "not NAME=VALUE"},
		{"FREQ=MONTHLY;BYHOUR=19", "2026-12-10 19:00", "time of day comes from start"},
		{"FREQ=MONTHLY;BYSETPOS=1", "2026-12-10 19:00", "BYSETPOS needs another BY part"},
		{"FREQ=MONTHLY;COLOR=RED", "2026-12-10 19:00", "COLOR is not a part"},
		{"FREQ=MONTHLY;BYDAY=2TH", "2026-12-09 19:00", "Wed Dec 9, 2026, is not one of the rule's dates; the first is Thu Dec 10, 2026"},
		{"FREQ=MONTHLY;BYDAY=2TH;UNTIL=20261201", "2026-12-10 19:00", "UNTIL (Dec 1, 2026) is before the first meeting"},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "2026-12-10 19:00", "never gives a date"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			_, errs := Spec{Title: "x", Start: c.start, End: c.start[:11] + "21:00", Location: "x", RRule: c.rule}.Event(chi)
			if len(errs) != 1 || errs[0].Field != "rrule" || !strings.Contains(errs[0].Problem, c.says) {
				t.Errorf("errors %v, want one about rrule saying %q", errs, c.says)
			}
		})
	}
}

func TestEventSpecProblems(t *testing.T) {
	chi, _ := time.LoadLocation("America/Chicago")
	good := Spec{Title: "Meet & Greet", Start: "2026-12-03 17:00", End: "2026-12-03 18:30", Location: "Library"}
	cases := []struct {
		story, field, says string
		edit               func(*Spec)
	}{
		{"an end before its start", "end", "ends (Thu Dec 3 16:00) before it starts (Thu Dec 3 17:00)", func(s *Spec) { s.End = "2026-12-03 16:00" }},
		{"an end equal to its start", "end", "before it starts", func(s *Spec) { s.End = s.Start }},
		{"an unknown time zone", "timezone", `"America/Springfield" is not a time zone`, func(s *Spec) { s.Timezone = "America/Springfield" }},
		{"a start with an offset", "start", "the zone goes in timezone", func(s *Spec) { s.Start = "2026-12-03T17:00:00-06:00" }},
		{"a start in the hour skipped in spring", "start", "clocks move forward", func(s *Spec) { s.Start, s.End = "2027-03-14 02:30", "2027-03-14 04:00" }},
		{"no start", "start", "missing", func(s *Spec) { s.Start = "" }},
		{"no title", "title", "needs a title", func(s *Spec) { s.Title = " " }},
		{"nowhere", "location", "say where", func(s *Spec) { s.Location = "" }},
		{"a link that is not a web address", "url", "not a web address", func(s *Spec) { s.URL = "zoom meeting 123" }},
		{"a negative capacity", "capacity", "number of people", func(s *Spec) { s.Capacity = -5 }},
		{"a title on two lines", "title", "one line", func(s *Spec) { s.Title = "Meet\nGreet" }},
	}
	for _, c := range cases {
		t.Run(c.story, func(t *testing.T) {
			s := good
			c.edit(&s)
			_, errs := s.Event(chi)
			if len(errs) == 0 || errs[0].Field != c.field || !strings.Contains(errs[0].Problem, c.says) {
				t.Errorf("errors %v, want %s: %q", errs, c.field, c.says)
			}
		})
	}
	t.Run("the default zone and the T form", func(t *testing.T) {
		s := good
		s.Start, s.End = "2026-12-03T17:00", "2026-12-03T18:30:00"
		e, errs := s.Event(chi)
		if errs != nil || e.Zone != chi || e.Start.Format(time.RFC3339) != "2026-12-03T17:00:00-06:00" {
			t.Errorf("%+v %v", e, errs)
		}
	})
}
