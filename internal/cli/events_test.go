package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"rapport/internal/localmail"
)

// dana is the organizer of the RSVP corpus in internal/invite/testdata
// (its UIDs are invite.UID("meet-greet", "invite", "", dana)).
const dana = "dana@whitfieldcounseling.test"

const meetGreetCampaign = `name = "meet-greet"
schedule = "0 9 * * *"

[audience]
tags = ["local"]
stages = ["new", "contacted", "replied"]

[[steps]]
id = "invite"
channel = "invite"
template = "meet-invite"

[steps.event]
title = "Meet & Greet for Local Clinicians"
start = "2026-12-03 17:00"
end = "2026-12-03 18:30"
location = "Maple Grove Library, Room B"
address = "410 Elm Street, Springfield, IL 62704"
%s

[[steps]]
id = "reminder"
template = "meet-reminder"
event = "invite"
before = "1d"
only = "accepted"
`

// invitedWorld is Dana's practice after the meet-and-greet invitations
// went out to guests (addresses): a folder, a private mail server, and the
// invitations as the guests received them.
type invitedWorld struct {
	u   *user
	srv *localmail.Server
}

func newInvitedWorld(t *testing.T, eventExtra string, guests ...string) *invitedWorld {
	t.Helper()
	srv, err := localmail.Start(localmail.Options{TLS: true, RequireAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.AddUser(dana, "pw")
	u := newUser(t)
	chicago, _ := time.LoadLocation("America/Chicago")
	u.now = time.Date(2026, 11, 10, 10, 0, 0, 0, chicago)
	d := &demo{dir: u.dir, srv: srv}
	cfg := strings.ReplaceAll(d.config(), "demo-app-password", "pw")
	cfg = strings.Replace(cfg, fmt.Sprintf("%q", demoUser), fmt.Sprintf("%q", dana), 1)
	cfg = strings.Replace(cfg, `min_gap = "150ms"`, `min_gap = "0s"`, 1)
	cfg = strings.Replace(cfg, `jitter = "100ms"`, `jitter = "0s"`, 1)
	os.WriteFile(filepath.Join(u.dir, "ca.pem"), srv.CAPEM(), 0o644)
	os.WriteFile(filepath.Join(u.dir, "rapport.toml"), []byte(cfg), 0o600)
	for _, f := range []string{"intro-physicians", "intro-therapists", "yearly-touch", "meet-and-greet"} {
		os.Remove(filepath.Join(u.dir, "campaigns", f+".toml"))
	}
	os.WriteFile(filepath.Join(u.dir, "campaigns", "meet-greet.toml"), []byte(fmt.Sprintf(meetGreetCampaign, eventExtra)), 0o644)
	var csv strings.Builder
	csv.WriteString("First,Last,Practice,Type,Email\n")
	for i, g := range guests {
		fmt.Fprintf(&csv, "Guest%d,Lee,Practice %d,therapist,%s\n", i, i, g)
	}
	os.WriteFile(filepath.Join(u.dir, "guests.csv"), []byte(csv.String()), 0o644)
	for _, args := range [][]string{{"import", filepath.Join(u.dir, "guests.csv"), "--tag", "local"},
		{"campaigns", "start", "meet-greet"}, {"send", "meet-greet"}} {
		if out, errs, code := u.run(args...); code != 0 {
			t.Fatalf("rapport %v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	return &invitedWorld{u: u, srv: srv}
}

// invitation is the Message-ID and subject of what guest received.
func (w *invitedWorld) invitation(guest string) (id, subject string) {
	for _, e := range w.srv.Received() {
		if strings.EqualFold(e.To[0], guest) {
			id, subject = e.MessageID, headerValue(e.Data, "Subject")
		}
	}
	return id, subject
}

// replyTo delivers a plain reply in the thread of guest's invitation.
func (w *invitedWorld) replyTo(t *testing.T, guest, text string) {
	t.Helper()
	id, subject := w.invitation(guest)
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Re: %s\r\nIn-Reply-To: <%s>\r\nReferences: <%s>\r\n"+
		"Message-ID: <reply.%d@guest.example>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\n> %s\r\n",
		guest, dana, subject, id, id, time.Now().UnixNano(), w.u.now.Add(time.Hour).Format(time.RFC1123Z), text, subject)
	if err := w.srv.Deliver(dana, []byte(raw)); err != nil {
		t.Fatal(err)
	}
}

func (w *invitedWorld) deliverFile(t *testing.T, name string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "invite", "testdata", "replies", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.srv.Deliver(dana, raw); err != nil {
		t.Fatal(err)
	}
}

type shownEvent struct {
	Counts map[string]int
	Guests []struct {
		Email, Answer, Source string
		Attended              *bool
	}
}

func (w *invitedWorld) show(t *testing.T) (shownEvent, map[string]string) {
	t.Helper()
	var ev shownEvent
	w.u.json(&ev, "events", "show", "meet-greet")
	answers := map[string]string{}
	for _, g := range ev.Guests {
		answers[strings.ToLower(g.Email)] = g.Answer
	}
	return ev, answers
}

func TestRSVPCorpusSortsItselfThroughInboxSync(t *testing.T) {
	guests := []string{"tokafor@gracechapel.example", "priya.raman.md@gmail.com", "kwame.mensah.lpc@gmail.com",
		"anita@hollowayfamilytherapy.example", "mvalencia@northsideschools.example", "lchen@chenpeds.example",
		"frontdesk@lakesidefm.example", "j.weiss@praxis-weiss.example", "slindqvist@firstlutheran.example",
		"jortiz@ortizcounseling.example", "yes@counseling.example", "no@counseling.example", "huh@counseling.example",
		"also@counseling.example"}
	w := newInvitedWorld(t, "", guests...)
	if n := len(w.srv.Received()); n != len(guests) {
		t.Fatalf("%d invitations went out, want %d", n, len(guests))
	}
	for _, f := range []string{"outlook_accept.eml", "outlook_attachment_accept.eml", "google_accept.eml", "google_decline.eml",
		"apple_tentative.eml", "thunderbird_accept.eml", "copied_attendee_list.eml", "forwarded_request.eml",
		"outlook_decline_one_meeting.eml",
		// A changed mind whose mails arrive in the wrong order: the later
		// decline (DTSTAMP Nov 20) must stand over the earlier accept.
		"changed_mind_2_decline.eml", "changed_mind_1_accept.eml"} {
		w.deliverFile(t, f)
	}
	w.replyTo(t, "yes@counseling.example", "Count me in! Thanks for organizing this.")
	w.replyTo(t, "no@counseling.example", "Unfortunately I have a conflict that evening. Next time!")
	w.replyTo(t, "huh@counseling.example", "What time does it end? I might come by after my last client.")
	w.replyTo(t, "also@counseling.example", "I'll be there. Is there parking nearby?")

	var res []struct{ From, Class, Contact, StageTo string }
	w.u.json(&res, "inbox", "sync")
	classes := map[string]string{}
	for _, r := range res {
		classes[strings.ToLower(r.From)] = r.Class
	}
	want := map[string]string{
		"tokafor@gracechapel.example": "rsvp-yes", "frontdesk@lakesidefm.example": "rsvp-yes",
		"priya.raman.md@gmail.com": "rsvp-yes", "kwame.mensah.lpc@gmail.com": "rsvp-no",
		"anita@hollowayfamilytherapy.example": "rsvp-yes", "j.weiss@praxis-weiss.example": "rsvp-yes",
		"lchen@chenpeds.example": "rsvp-no", "jortiz@ortizcounseling.example": "reply",
		"slindqvist@firstlutheran.example": "rsvp-no", // a calendar answer to an event of another campaign: the old rule
		"yes@counseling.example":           "rsvp-yes", "no@counseling.example": "rsvp-no", "huh@counseling.example": "reply",
		"also@counseling.example": "rsvp-yes",
	}
	for from, class := range want {
		if classes[from] != class {
			t.Errorf("%s: class %q, want %q", from, classes[from], class)
		}
	}

	ev, answers := w.show(t)
	wantAnswers := map[string]string{
		"tokafor@gracechapel.example": "accepted", "frontdesk@lakesidefm.example": "accepted", "priya.raman.md@gmail.com": "accepted",
		"j.weiss@praxis-weiss.example": "accepted", "yes@counseling.example": "accepted", "also@counseling.example": "accepted",
		"kwame.mensah.lpc@gmail.com": "declined", "lchen@chenpeds.example": "declined", "mvalencia@northsideschools.example": "declined",
		"no@counseling.example": "declined", "anita@hollowayfamilytherapy.example": "tentative",
		"huh@counseling.example": "no-answer", "jortiz@ortizcounseling.example": "no-answer", "slindqvist@firstlutheran.example": "no-answer",
	}
	for who, a := range wantAnswers {
		if answers[who] != a {
			t.Errorf("%s answered %q, want %q", who, answers[who], a)
		}
	}
	if ev.Counts["accepted"] != 6 || ev.Counts["declined"] != 4 || ev.Counts["invited"] != len(guests) {
		t.Errorf("counts: %v", ev.Counts)
	}

	t.Run("an accept moves the contact to meeting, a decline moves nobody", func(t *testing.T) {
		for who, stage := range map[string]string{"priya.raman.md@gmail.com": "meeting", "yes@counseling.example": "meeting",
			"kwame.mensah.lpc@gmail.com": "contacted", "no@counseling.example": "contacted", "huh@counseling.example": "replied",
			"also@counseling.example": "meeting"} {
			var c struct {
				Stage   string
				Events  []struct{ Answer string }
				History []struct{ Type, Detail string }
			}
			w.u.json(&c, "contacts", "show", who)
			if c.Stage != stage || len(c.Events) != 1 {
				t.Errorf("%s: stage %s, events %+v", who, c.Stage, c.Events)
			}
		}
	})
	t.Run("an answer with a question is also a reply to read", func(t *testing.T) {
		var c struct {
			History []struct{ Type, Detail string }
		}
		w.u.json(&c, "contacts", "show", "also@counseling.example")
		var types []string
		for _, h := range c.History {
			types = append(types, h.Type)
		}
		if got := strings.Join(types, ","); !strings.Contains(got, "rsvp,reply") {
			t.Errorf("history types: %s", got)
		}
	})
	t.Run("the same mail synced again changes nothing", func(t *testing.T) {
		var again []struct{ Class string }
		w.u.json(&again, "inbox", "sync")
		if len(again) != 0 {
			t.Errorf("a second sync: %+v", again)
		}
	})
}

func TestRemindersPlanOnlyForThoseComing(t *testing.T) {
	w := newInvitedWorld(t, "", "yes@counseling.example", "no@counseling.example", "quiet@counseling.example")
	w.replyTo(t, "yes@counseling.example", "Count me in!")
	w.replyTo(t, "no@counseling.example", "Sorry, I can't make it.")
	w.u.run("inbox", "sync")
	var plan []struct {
		Contact, Step, Reason string
		Due                   bool
	}
	w.u.json(&plan, "campaigns", "plan", "meet-greet", "--at", "2026-12-02 17:10")
	due := map[string]string{}
	for _, p := range plan {
		if p.Due {
			due[p.Contact] = p.Step
		}
	}
	if fmt.Sprint(due) != "map[yes@counseling.example:reminder]" {
		t.Errorf("the day before, due: %v\n%+v", due, plan)
	}
}

func TestAFullEventPutsLateAcceptsOnTheWaitlist(t *testing.T) {
	w := newInvitedWorld(t, "capacity = 2", "a@counseling.example", "b@counseling.example", "c@counseling.example")
	for _, g := range []string{"a@counseling.example", "b@counseling.example", "c@counseling.example"} {
		w.replyTo(t, g, "Count me in!")
		w.u.now = w.u.now.Add(time.Minute)
	}
	var res []struct{ From, Class string }
	w.u.json(&res, "inbox", "sync")
	ev, answers := w.show(t)
	if ev.Counts["accepted"] != 2 || ev.Counts["waitlist"] != 1 {
		t.Errorf("counts %v, answers %v", ev.Counts, answers)
	}
	out, _, _ := w.u.run("events", "show", "meet-greet")
	if !strings.Contains(out, "On the waitlist (the event was full: your decision) (1):") || !strings.Contains(out, "places:   2 of 2 taken") {
		t.Errorf("events show:\n%s", out)
	}
	t.Run("invitations not sent yet are held", func(t *testing.T) {
		csv := "First,Last,Practice,Type,Email\nLate,Comer,Late Practice,therapist,late@counseling.example\n"
		os.WriteFile(filepath.Join(w.u.dir, "late.csv"), []byte(csv), 0o644)
		w.u.run("import", filepath.Join(w.u.dir, "late.csv"), "--tag", "local")
		var plan []struct{ Contact, Step, Reason string }
		w.u.json(&plan, "campaigns", "plan", "meet-greet")
		for _, p := range plan {
			if p.Contact == "late@counseling.example" && !strings.Contains(p.Reason, "the event is full") {
				t.Errorf("the late contact: %+v", p)
			}
		}
	})
	t.Run("the sign-in sheet lists those coming and room for walk-ins", func(t *testing.T) {
		path := filepath.Join(w.u.dir, "sign-in.xlsx")
		if out, errs, code := w.u.run("events", "export", "meet-greet", path); code != 0 {
			t.Fatalf("export: %s%s", out, errs)
		}
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("Sign-in")
		if len(rows) < 5 || strings.Join(rows[2], "|") != "Name|Organization|Kind|Email|Phone|Signature" {
			t.Fatalf("rows: %q", rows)
		}
		var emails []string
		for _, r := range rows[3:] {
			if len(r) > 3 && r[3] != "" {
				emails = append(emails, r[3])
			}
		}
		sort.Strings(emails)
		if strings.Join(emails, ",") != "a@counseling.example,b@counseling.example" || !strings.HasPrefix(rows[0][0], "Meet & Greet for Local Clinicians · Thursday, December 3, 2026") {
			t.Errorf("sheet: %q", rows)
		}
	})
}

func TestTheDaemonSendsTheUpdateOfAMovedEventAfterAReload(t *testing.T) {
	w := newInvitedWorld(t, "", "yes@counseling.example", "no@counseling.example", "quiet@counseling.example")
	w.replyTo(t, "yes@counseling.example", "Count me in!")
	w.replyTo(t, "no@counseling.example", "Sorry, I can't make it.")
	w.u.run("inbox", "sync")
	clk := newFakeClock(w.u.now.Add(23*time.Hour - 10*time.Second)) // just before the campaign's 9:00 tick
	_, logs, reload, stop := startDaemon(t, w.u, clk)
	path := filepath.Join(w.u.dir, "campaigns", "meet-greet.toml")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, []byte(strings.Replace(string(b), `start = "2026-12-03 17:00"`, `start = "2026-12-03 17:30"`, 1)), 0o644)
	reload <- struct{}{}
	waitFor(t, "the reload to see the change", func() bool { return strings.Contains(logs.String(), "event_update_due") })
	for i := 0; len(w.srv.Received()) < 5 && i < 5000; i++ {
		clk.next(t)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range w.srv.Received()[3:] {
		got = append(got, e.To[0]+" "+headerValue(e.Data, "Subject"))
	}
	sort.Strings(got)
	want := []string{"quiet@counseling.example Updated: An invitation to Meet & Greet for Local Clinicians, Thursday, December 3",
		"yes@counseling.example Updated: An invitation to Meet & Greet for Local Clinicians, Thursday, December 3"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after the reload the daemon sent:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestStartingACampaignWhoseEventIsOverIsRefused(t *testing.T) {
	w := newInvitedWorld(t, "", "a@counseling.example")
	w.u.run("campaigns", "pause", "meet-greet")
	w.u.now = time.Date(2026, 12, 4, 9, 0, 0, 0, w.u.now.Location())
	_, errs, code := w.u.run("campaigns", "start", "meet-greet")
	if code != exitValidation || !strings.Contains(errs, "steps.0.event.start: the event starts Thu Dec 3, 2026 17:00 CST, which is past") {
		t.Errorf("start after the event: exit %d\n%s", code, errs)
	}
}
