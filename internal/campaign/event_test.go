package campaign

import (
	"errors"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/tomlfile"
)

const meetAndGreet = `name = "meet-greet"
schedule = "0 9 * * MON-FRI"
timezone = "America/Chicago"
[audience]
kinds = ["therapist", "physician"]

[[steps]]
id = "invite"
channel = "invite"
template = "meet-invite"
` + eventTable + `
[[steps]]
id = "reminder"
template = "meet-reminder"
event = "invite"
before = "1d"
only = "accepted"

[[steps]]
id = "thanks"
template = "meet-thanks"
event = "invite"
after_event = "1d"
only = "attended"
`

const eventTable = `[steps.event]
title = "Meet & Greet for Local Clinicians"
start = "2026-12-03 17:00"
end = 2026-12-03T18:30:00
location = "Maple Grove Library, Room B"
address = "410 Elm Street, Springfield, IL 62704"
description = "Coffee, cookies and a short round of introductions."
capacity = 25
`

func loadString(t *testing.T, src string) (*Campaign, error) {
	t.Helper()
	path := t.TempDir() + "/meet-greet.toml"
	writeFile(t, path, src)
	return Load(path, Env{Location: time.UTC, Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds})
}

func TestMeetAndGreetCampaignLoads(t *testing.T) {
	c, err := loadString(t, meetAndGreet)
	if err != nil {
		t.Fatal(err)
	}
	e := c.Steps[0].Event
	if e == nil || e.Title != "Meet & Greet for Local Clinicians" || e.Zone.String() != "America/Chicago" ||
		e.Start.Format(time.RFC3339) != "2026-12-03T17:00:00-06:00" || e.End.Format("15:04") != "18:30" ||
		e.Capacity != 25 || e.Address != "410 Elm Street, Springfield, IL 62704" {
		t.Fatalf("event = %+v", e)
	}
	r := c.Steps[1]
	if r.EventStep != "invite" || r.Before == nil || r.Before.String() != "1 day" || r.AfterEvent != nil || r.Only != "accepted" {
		t.Errorf("reminder = %+v", r)
	}
	if strings.Join(r.Unless, ",") != "opted-out,bounced" {
		t.Errorf("the reminder's default unless is %v: an RSVP is a reply and must not cancel it", r.Unless)
	}
	th := c.Steps[2]
	if th.EventStep != "invite" || th.AfterEvent == nil || th.AfterEvent.String() != "1 day" || th.Only != "attended" {
		t.Errorf("thanks = %+v", th)
	}
}

func TestEventProblemsNameFileLineAndKey(t *testing.T) {
	cases := []struct {
		story string
		edits []string // old, new, ...
		want  string
	}{
		{"an end before its start", []string{`end = 2026-12-03T18:30:00`, `end = "2026-12-03 16:30"`},
			"line 14: steps.0.event.end: the event ends (Thu Dec 3 16:30) before it starts (Thu Dec 3 17:00)"},
		{"an unknown time zone", []string{`capacity = 25`, "capacity = 25\ntimezone = \"Central Time\""},
			`line 19: steps.0.event.timezone: "Central Time" is not a time zone`},
		{"a bad RRULE", []string{`capacity = 25`, "capacity = 25\nrrule = \"FREQ=MONTHLY;BYDAY=2THU\""},
			`line 19: steps.0.event.rrule: BYDAY: "2THU" is not a weekday`},
		{"a start the rule does not give", []string{`capacity = 25`, "capacity = 25\nrrule = \"FREQ=MONTHLY;BYDAY=2TH\""},
			"line 19: steps.0.event.rrule: the start, Thu Dec 3, 2026, is not one of the rule's dates; the first is Thu Dec 10, 2026"},
		{"a misspelt key in the event", []string{`capacity = 25`, "capacity = 25\nadress = \"x\""},
			`line 19: steps.0.event.adress: unknown key "adress"`},
		{"a start with an offset", []string{`start = "2026-12-03 17:00"`, `start = 2026-12-03T17:00:00-06:00`},
			"line 13: steps.0.event.start: write the local time and nothing else"},
		{"a capacity in words", []string{`capacity = 25`, `capacity = "twenty"`}, "line 18: steps.0.event.capacity: give a whole number"},
		{"an event that names a later step", []string{"event = \"invite\"\nbefore", "event = \"thanks\"\nbefore"},
			`line 23: steps.1.event: no earlier step has id "thanks"`},
		{"an event that names an email step", []string{"event = \"invite\"\nafter_event", "event = \"reminder\"\nafter_event"},
			`line 30: steps.2.event: step "reminder" is not an invite step`},
		{"before and after_event together", []string{`before = "1d"`, "before = \"1d\"\nafter_event = \"2d\""},
			"line 25: steps.1.after_event: give before (timed from the start) or after_event (from the end), not both"},
		{"before with after", []string{`before = "1d"`, "before = \"1d\"\nafter = \"2d\""}, "line 25: steps.1.after: this step is timed from the event"},
		{"before in business days", []string{`before = "1d"`, `before = "2 business days"`}, "line 24: steps.1.before: count before the event in hours, days or weeks"},
		{"an unknown only", []string{`only = "accepted"`, `only = "yes"`}, `line 25: steps.1.only: "yes" is not one of accepted, declined, tentative, no-answer, attended`},
		{"only without an event", []string{"event = \"invite\"\nbefore = \"1d\"\n", ""}, "line 23: steps.1.only: only needs event"},
		{"only on the invitation itself", []string{`template = "meet-invite"`, "template = \"meet-invite\"\nonly = \"accepted\""},
			"line 11: steps.0.only: only is for the steps about an event"},
		{"an invite step without its table", []string{eventTable, ""}, "line 7: steps.0: an invite step needs a [steps.event] table"},
		{"an email step with an event table", []string{"event = \"invite\"\nbefore = \"1d\"\nonly = \"accepted\"\n", "[steps.event]\ntitle = \"x\"\n"},
			"line 23: steps.1.event: only an invite step"},
	}
	for _, c := range cases {
		t.Run(c.story, func(t *testing.T) {
			src := strings.NewReplacer(c.edits...).Replace(meetAndGreet)
			if src == meetAndGreet {
				t.Fatalf("the edit %q found nothing to replace", c.edits[0])
			}
			_, err := loadString(t, src)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error:\n%v\nwant it to contain %q", err, c.want)
			}
			if !strings.Contains(err.Error(), "meet-greet.toml") {
				t.Errorf("the error does not name the file: %v", err)
			}
		})
	}
}

func TestStartingACampaignWhoseEventIsPast(t *testing.T) {
	c, err := loadString(t, meetAndGreet)
	if err != nil {
		t.Fatal(err)
	}
	chi, _ := time.LoadLocation("America/Chicago")
	if err := c.CheckEvents(time.Date(2026, 11, 1, 9, 0, 0, 0, chi)); err != nil {
		t.Errorf("a month before: %v", err)
	}
	err = c.CheckEvents(time.Date(2026, 12, 3, 17, 30, 0, 0, chi))
	var p *tomlfile.Problem
	if !errors.As(err, &p) || p.Line != 13 || p.Key != "steps.0.event.start" ||
		!strings.Contains(err.Error(), "the event starts Thu Dec 3, 2026 17:00 CST, which is past") {
		t.Errorf("during the event: %v", err)
	}

	group := strings.Replace(meetAndGreet, `capacity = 25`, `capacity = 25`+"\n"+`rrule = "FREQ=WEEKLY;COUNT=4"`, 1)
	c, err = loadString(t, group)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckEvents(time.Date(2026, 12, 12, 9, 0, 0, 0, chi)); err != nil {
		t.Errorf("a weekly series with meetings left: %v", err)
	}
	if err := c.CheckEvents(time.Date(2026, 12, 25, 9, 0, 0, 0, chi)); err == nil || !strings.Contains(err.Error(), "steps.0.event.rrule: every meeting") {
		t.Errorf("after the fourth meeting: %v", err)
	}
}
