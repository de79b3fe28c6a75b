package e2e

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
)

const eventCampaign = `name = %q
schedule = "0 9 * * *"

[audience]
tags = [%q]

[[steps]]
id = "invite"
channel = "invite"
template = "e2e-meet-invite"

[steps.event]
title = "Meet & Greet %s"
start = %q
end = %q
location = "Maple Grove Library, Room B"
address = "410 Elm Street, Springfield, IL 62704"

[[steps]]
id = "reminder"
template = "e2e-meet-reminder"
event = "invite"
before = "1d"
only = "accepted"
`

const meetInviteTemplate = `---
subject: Join us at {{.Event.Title}} {{.Fields.token}}
---
Dear {{salutation "colleague"}},

I'd love for you to come: {{.Event.When}}, {{.Event.Where}}.

Warmly,
{{.Sender.Signature}}
`

const meetReminderTemplate = `---
subject: See you on {{.Event.Date}} {{.Fields.token}}
---
Hi {{salutation "there"}},

Looking forward to seeing you at {{.Event.Title}}.

{{.Sender.Signature}}
`

// calendarOf returns the text/calendar part of a delivered message.
func calendarOf(t *testing.T, raw []byte) string {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	cal := ""
	e.Walk(func(_ []int, p *message.Entity, _ error) error {
		ct, _, _ := p.Header.ContentType()
		if ct == "text/calendar" {
			b, _ := io.ReadAll(p.Body)
			cal = strings.ReplaceAll(string(b), "\r\n ", "")
		}
		return nil
	})
	if cal == "" {
		t.Fatalf("no text/calendar part in:\n%s", raw)
	}
	return cal
}

// calValue is a property of the calendar, the VEVENT's when it has one
// (a VTIMEZONE has DTSTARTs of its own).
func calValue(cal, name string) string {
	if i := strings.Index(cal, "BEGIN:VEVENT"); i >= 0 && name != "METHOD" {
		cal = cal[i:]
	}
	m := regexp.MustCompile(`(?m)^` + name + `(?:;[^:\r\n]*)?:([^\r\n]*)`).FindStringSubmatch(cal)
	if m == nil {
		return ""
	}
	return m[1]
}

// calendarReply is an iMIP METHOD:REPLY as a calendar program sends it.
func calendarReply(from, to, uid, partstat, subject, id string) []byte {
	now := time.Now().UTC().Format("20060102T150405Z")
	cal := strings.Join([]string{"BEGIN:VCALENDAR", "PRODID:-//e2e//EN", "VERSION:2.0", "METHOD:REPLY", "BEGIN:VEVENT",
		"UID:" + uid, "DTSTAMP:" + now, "SEQUENCE:0", "ORGANIZER:mailto:" + to,
		"ATTENDEE;PARTSTAT=" + partstat + ":mailto:" + from, "END:VEVENT", "END:VCALENDAR", ""}, "\r\n")
	return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"+
		"--b1\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n%s\r\n--b1--\r\n",
		from, to, subject, time.Now().Format(time.RFC1123Z), id, subject, cal))
}

func TestE2EMeetAndGreet(t *testing.T) {
	s := Require(t)
	u := newRapportUser(t, s)
	u.startWatchingFromNow()
	token := UniqueSuffix()
	tag := "meet-" + token
	accepter, decliner, writer := BatchUser(24), BatchUser(25), BatchUser(26)
	u.importContacts(tag, token, []csvContact{
		{"Dr.", "Ada", "Brook", "Brook Pediatrics", "physician", accepter},
		{"", "Ben", "Cole", "Cole Counseling", "therapist", decliner},
		{"Pastor", "Cy", "Dale", "First Church", "pastor", writer},
	})
	u.writeTemplate("e2e-meet-invite", meetInviteTemplate)
	u.writeTemplate("e2e-meet-reminder", meetReminderTemplate)
	chicago, _ := time.LoadLocation("America/Chicago")
	day := time.Now().In(chicago).AddDate(0, 0, 10)
	start := time.Date(day.Year(), day.Month(), day.Day(), 17, 0, 0, 0, chicago)
	camp := "e2e-meet-" + token
	write := func(start time.Time) {
		u.writeCampaign(camp, fmt.Sprintf(eventCampaign, camp, tag, token, start.Format("2006-01-02 15:04"),
			start.Add(90*time.Minute).Format("2006-01-02 15:04")))
	}
	write(start)
	u.mustRun("campaigns", "start", camp)

	rep, ids := u.send(camp)
	if rep.Sent != 3 {
		t.Fatalf("the invitations: %+v", rep)
	}
	invitations := map[string][]byte{}
	for _, g := range []string{accepter, decliner, writer} {
		invitations[g] = s.findByMessageID(t, g, "INBOX", ids[g])
	}
	cal := calendarOf(t, invitations[accepter])
	uid := calValue(cal, "UID")
	if calValue(cal, "METHOD") != "REQUEST" || !strings.HasPrefix(uid, "rapport."+camp+".invite.") ||
		!strings.Contains(calValue(cal, "ATTENDEE"), accepter) {
		t.Fatalf("the invitation's calendar as delivered:\n%s", cal)
	}

	// The answers: an accept and a decline from calendar programs, and a
	// plain "Count me in!" in the invitation's thread.
	subject := "Join us at Meet & Greet " + token + " " + token
	s.Deliver(t, accepter, s.User, calendarReply(accepter, s.User, uid, "ACCEPTED", "Accepted: "+subject, "acc-"+token+"@clinic.test"))
	s.Deliver(t, decliner, s.User, calendarReply(decliner, s.User, uid, "DECLINED", "Declined: "+subject, "dec-"+token+"@clinic.test"))
	s.Deliver(t, writer, s.User, Message("Cy Dale <"+writer+">", s.User, "Re: "+subject, "yes-"+token+"@clinic.test",
		"Count me in!\n\nCy\n\n> "+subject+"\n", "In-Reply-To: <"+ids[writer]+">", "References: <"+ids[writer]+">"))
	for _, id := range []string{"acc-", "dec-", "yes-"} {
		s.findByMessageID(t, s.User, "INBOX", id+token+"@clinic.test")
	}
	classes := map[string]string{}
	for _, r := range u.inboxSync() {
		classes[strings.ToLower(r.From)] = r.Class
	}
	if classes[accepter] != "rsvp-yes" || classes[decliner] != "rsvp-no" || classes[writer] != "rsvp-yes" {
		t.Fatalf("inbox sync classes: %v", classes)
	}
	var ev struct{ Counts map[string]int }
	u.json(&ev, "events", "show", camp)
	if ev.Counts["accepted"] != 2 || ev.Counts["declined"] != 1 || ev.Counts["invited"] != 3 {
		t.Fatalf("events show: %v", ev.Counts)
	}

	t.Run("the reminder goes to exactly the two coming", func(t *testing.T) {
		u.shift = start.Add(-23 * time.Hour).Sub(time.Now())
		rep, ids := u.send(camp)
		var got []string
		for _, r := range rep.Results {
			if r.State == "sent" {
				got = append(got, r.Step+" "+strings.ToLower(addrOf(r.Contact)))
			}
		}
		sort.Strings(got)
		if strings.Join(got, ", ") != "reminder "+accepter+", reminder "+writer {
			t.Fatalf("the day before, sent: %v (%+v)", got, rep)
		}
		for _, g := range []string{accepter, writer} {
			raw := s.findByMessageID(t, g, "INBOX", ids[g])
			if !bytes.Contains(raw, []byte("See you on")) {
				t.Errorf("the reminder to %s:\n%s", g, raw)
			}
		}
	})

	t.Run("a moved start sends exactly two updates with SEQUENCE 1", func(t *testing.T) {
		moved := start.Add(30 * time.Minute)
		write(moved)
		var upd sendReport
		u.json(&upd, "events", "update", camp)
		got := map[string]string{}
		for _, r := range upd.Results {
			if r.State == "sent" {
				got[strings.ToLower(addrOf(r.Contact))] = r.MessageID
			}
		}
		if len(got) != 2 || got[accepter] == "" || got[writer] == "" {
			t.Fatalf("the updates went to %v (%+v)", got, upd)
		}
		for g, id := range got {
			cal := calendarOf(t, s.findByMessageID(t, g, "INBOX", id))
			if calValue(cal, "SEQUENCE") != "1" || calValue(cal, "UID") != uid ||
				calValue(cal, "DTSTART") != moved.Format("20060102T150405") {
				t.Errorf("the update to %s:\n%s", g, cal)
			}
		}
		var again sendReport
		u.json(&again, "events", "update", camp)
		if again.Sent != 0 {
			t.Errorf("a second update run sent %d", again.Sent)
		}
	})
}
