package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"rapport/internal/invite"
)

// demoEventIn is how far ahead the demo's meet-and-greet is.
const demoEventIn = 14 * 24 * time.Hour

// datedMeetAndGreet moves the sample meet-and-greet two weeks ahead of
// today, so the demo's invitations are for a coming evening whatever the
// date.
func (d *demo) datedMeetAndGreet() error {
	path := filepath.Join(d.dir, "campaigns", "meet-and-greet.toml")
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	day := d.eventStart().Format("2006-01-02")
	s := strings.NewReplacer(`"2026-12-10 17:00"`, `"`+day+` 17:00"`, `"2026-12-10 18:30"`, `"`+day+` 18:30"`).Replace(string(b))
	return os.WriteFile(path, []byte(s), 0o644)
}

func (d *demo) eventStart() time.Time {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		chicago = time.UTC
	}
	t := time.Now().Add(demoEventIn).In(chicago)
	return time.Date(t.Year(), t.Month(), t.Day(), 17, 0, 0, 0, chicago)
}

// meetAndGreet is the demo's chapter on events: invitations out, answers
// in, and the list of who is coming.
func (d *demo) meetAndGreet(ctx context.Context) error {
	d.say("\n6. Anna hosts a meet-and-greet for local clinicians in two weeks. The invitation is")
	d.say("   a personal note that carries a calendar invitation: Outlook, Gmail and Apple Mail")
	d.say("   show it with Accept / Decline buttons. Dr. Zhou is away: his waits until he is back.")
	if err := d.runAll(ctx, [][]string{{"campaigns", "start", "meet-and-greet"}, {"send", "meet-and-greet"}}); err != nil {
		return err
	}
	d.say("\n7. Answers arrive. Priya Raman presses Accept in Google Calendar, Dr. Okafor presses")
	d.say("   Decline in Outlook, and Tom Reyes just replies \"Count me in!\". Anna reads none of")
	d.say("   them: each is recorded, and those coming move to \"meeting\". A decline moves nobody")
	d.say("   and stops only this event's notes.")
	if err := d.rsvps(); err != nil {
		return err
	}
	if err := d.runAll(ctx, [][]string{{"inbox", "sync"}}); err != nil {
		return err
	}
	d.say("\n8. Who is coming. The day before, only they get a reminder, and `rapport events export`")
	d.say("   writes the sign-in sheet to print.")
	return d.runAll(ctx, [][]string{{"events", "show", "meet-and-greet"}})
}

// rsvps delivers the answers to the invitations: two calendar replies
// (RFC 6047) as Google Calendar and Outlook send them, and a plain reply.
func (d *demo) rsvps() error {
	ids := d.sentIDs()
	uid := invite.UID("meet-and-greet", "invite", "", demoUser)
	tom := ids["tom@reyescouples.example"]
	msgs := [][]byte{
		d.calendarReply("Priya Raman", "priya@ramancounseling.example", "ACCEPTED", "Accepted", uid),
		d.calendarReply("Okafor, James", "jokafor@riverside-fm.example", "DECLINED", "Declined", uid),
		[]byte(fmt.Sprintf("From: Tom Reyes <tom@reyescouples.example>\r\nTo: %s\r\nSubject: Re: %s\r\nIn-Reply-To: <%s>\r\n"+
			"Message-ID: <demo-yes.%d@reyescouples.example>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Count me in! I'll bring a colleague's cards too.\r\n\r\nTom\r\n",
			demoUser, tom.subject, tom.id, time.Now().UnixNano(), time.Now().Format(time.RFC1123Z))),
	}
	for _, m := range msgs {
		if err := d.srv.Deliver(demoUser, m); err != nil {
			return err
		}
	}
	return nil
}

// calendarReply is an iMIP METHOD:REPLY with the attendee's answer.
func (d *demo) calendarReply(name, email, partstat, word, uid string) []byte {
	start := d.eventStart()
	now := time.Now().UTC()
	cal := strings.Join([]string{"BEGIN:VCALENDAR", "PRODID:-//Demo Calendar//EN", "VERSION:2.0", "METHOD:REPLY",
		"BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:" + now.Format("20060102T150405Z"),
		"DTSTART:" + start.UTC().Format("20060102T150405Z"), "DTEND:" + start.Add(90*time.Minute).UTC().Format("20060102T150405Z"),
		"SEQUENCE:0", "SUMMARY:Meet & Greet for Local Clinicians",
		`ORGANIZER;CN="Anna Lee, LMFT":mailto:` + demoUser,
		`ATTENDEE;PARTSTAT=` + partstat + `;CN="` + name + `":mailto:` + email,
		"END:VEVENT", "END:VCALENDAR", ""}, "\r\n")
	b := "demo-rsvp-boundary"
	return []byte(fmt.Sprintf("From: %q <%s>\r\nTo: %s\r\nSubject: %s: Meet & Greet for Local Clinicians\r\n"+
		"Message-ID: <demo-rsvp.%d@calendar.example>\r\nDate: %s\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/alternative; boundary=%q\r\n\r\n--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"%s has %s this invitation.\r\n\r\n--%s\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY\r\n\r\n%s\r\n--%s--\r\n",
		name, email, demoUser, word, time.Now().UnixNano(), time.Now().Format(time.RFC1123Z), b, b, name,
		strings.ToLower(word), b, cal, b))
}
