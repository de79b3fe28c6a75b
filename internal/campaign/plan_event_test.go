package campaign

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/schedule"
)

// guests are the meet-and-greet's invitees as the store would know them:
// invited on Nov 20, then each answered (or not).
type guests struct {
	t     *testing.T
	c     *Campaign
	facts []Facts
	o     Options
}

var chicago, _ = time.LoadLocation("America/Chicago")

func newGuests(t *testing.T, src string) *guests {
	t.Helper()
	c, err := loadString(t, src)
	if err != nil {
		t.Fatal(err)
	}
	win, _ := schedule.ParseWindow("Mon-Sun 00:00-24:00")
	return &guests{t: t, c: c, o: Options{Window: win, Pipeline: contact.DefaultPipeline(), Capacity: -1,
		Events: map[string]EventState{}}}
}

// invite adds a contact who was sent the invitation, with their answer
// (contact.NoAnswer for none) and the revision they hold.
func (g *guests) invite(email string, a contact.Answer, sequence int) *Facts {
	sent := time.Date(2026, 11, 20, 10, 0, 0, 0, chicago)
	f := Facts{Contact: &contact.Contact{ID: int64(len(g.facts) + 1), Email: email, Kind: "therapist", Stage: contact.StageContacted},
		Sends:   map[string]*contact.Send{"invite": {Step: "invite", State: contact.SendSent, SentAt: sent}},
		Invites: map[string]Invitee{"invite": {Answer: a, Sequence: sequence}}}
	g.facts = append(g.facts, f)
	return &g.facts[len(g.facts)-1]
}

// uninvited adds a contact of the audience not yet invited.
func (g *guests) uninvited(email string) {
	g.facts = append(g.facts, Facts{Contact: &contact.Contact{ID: int64(len(g.facts) + 1), Email: email, Kind: "therapist",
		Stage: contact.StageNew}, Sends: map[string]*contact.Send{}})
}

// plan returns, by contact, the due step ids and the reasons of the rest.
func (g *guests) plan(at time.Time) (due map[string][]string, why map[string]string) {
	g.o.Now = at
	due, why = map[string][]string{}, map[string]string{}
	for _, it := range g.c.Plan(g.facts, g.o) {
		if it.Due {
			due[it.Contact.Email] = append(due[it.Contact.Email], it.Step.ID)
		} else {
			why[it.Contact.Email] = it.Reason
		}
	}
	return due, why
}

func TestRemindersGoOnlyToThoseComing(t *testing.T) {
	g := newGuests(t, meetAndGreet)
	g.invite("yes@clinic.test", contact.Accepted, 0)
	g.invite("no@clinic.test", contact.Declined, 0)
	g.invite("maybe@clinic.test", contact.Tentative, 0)
	g.invite("silent@clinic.test", contact.NoAnswer, 0)
	g.invite("full@clinic.test", contact.Waitlist, 0)

	due, why := g.plan(time.Date(2026, 12, 1, 12, 0, 0, 0, chicago))
	if len(due) != 0 || !strings.Contains(why["yes@clinic.test"], "waiting until Wed 2026-12-02 17:00") {
		t.Errorf("two days before: due %v, yes: %q", due, why["yes@clinic.test"])
	}
	t.Run("a day before a 5 pm event is by the end of the working day", func(t *testing.T) {
		office := *g
		office.o.Window, _ = schedule.ParseWindow("Mon-Fri 09:00-17:00")
		if _, why := office.plan(time.Date(2026, 12, 1, 12, 0, 0, 0, chicago)); !strings.Contains(why["yes@clinic.test"], "waiting until Wed 2026-12-02 16:45") {
			t.Errorf("office hours: %q", why["yes@clinic.test"])
		}
	})

	due, why = g.plan(time.Date(2026, 12, 2, 17, 30, 0, 0, chicago))
	if fmt.Sprint(due) != "map[yes@clinic.test:[reminder]]" {
		t.Errorf("the day before, due: %v", due)
	}
	for who, want := range map[string]string{
		"no@clinic.test":     "answered declined",
		"maybe@clinic.test":  "answered maybe: this step is only for those who accepted",
		"silent@clinic.test": "answered no answer: this step is only for those who accepted",
		"full@clinic.test":   "answered waitlist",
	} {
		if !strings.Contains(why[who], want) {
			t.Errorf("%s: %q, want %q", who, why[who], want)
		}
	}

	t.Run("a reminder never comes after the event began", func(t *testing.T) {
		due, why := g.plan(time.Date(2026, 12, 3, 17, 5, 0, 0, chicago))
		if len(due) != 0 || !strings.Contains(why["yes@clinic.test"], "waiting until Fri 2026-12-04 18:30") {
			t.Errorf("during the event: due %v, why %q", due, why["yes@clinic.test"])
		}
	})

	t.Run("the thank-you goes to those who came", func(t *testing.T) {
		no := false
		g.facts[0].Sends["reminder"] = &contact.Send{Step: "reminder", State: contact.SendSent, SentAt: time.Date(2026, 12, 2, 17, 30, 0, 0, chicago)}
		g.invite("forgot@clinic.test", contact.Accepted, 0).Invites["invite"] = Invitee{Answer: contact.Accepted, Attended: &no}
		due, why := g.plan(time.Date(2026, 12, 4, 18, 45, 0, 0, chicago))
		if fmt.Sprint(due) != "map[yes@clinic.test:[thanks]]" {
			t.Errorf("the day after: due %v", due)
		}
		if !strings.Contains(why["forgot@clinic.test"], "marked as not attended") {
			t.Errorf("someone who accepted but did not come: %q", why["forgot@clinic.test"])
		}
	})
}

func TestAFullEventHoldsTheInvitations(t *testing.T) {
	g := newGuests(t, strings.Replace(meetAndGreet, "capacity = 25", "capacity = 2", 1))
	g.invite("a@clinic.test", contact.Accepted, 0)
	g.invite("b@clinic.test", contact.NoAnswer, 0)
	g.uninvited("late@clinic.test")
	g.o.Events["invite"] = EventState{Accepted: 1}
	if due, _ := g.plan(time.Date(2026, 11, 25, 10, 0, 0, 0, chicago)); fmt.Sprint(due["late@clinic.test"]) != "[invite]" {
		t.Errorf("one place left: due %v", due)
	}
	g.o.Events["invite"] = EventState{Accepted: 2}
	due, why := g.plan(time.Date(2026, 11, 25, 10, 0, 0, 0, chicago))
	if len(due["late@clinic.test"]) != 0 || !strings.Contains(why["late@clinic.test"], "the event is full (2 of 2 places taken)") {
		t.Errorf("full: due %v, why %q", due, why["late@clinic.test"])
	}
}

func TestAnUpdateGoesToEveryoneInvitedWhoDidNotDecline(t *testing.T) {
	g := newGuests(t, meetAndGreet)
	g.invite("yes@clinic.test", contact.Accepted, 0)
	g.invite("no@clinic.test", contact.Declined, 0)
	g.invite("silent@clinic.test", contact.NoAnswer, 0)
	g.invite("current@clinic.test", contact.Accepted, 1) // invited after the change
	g.uninvited("new@clinic.test")
	g.o.Events["invite"] = EventState{Sequence: 1}
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, chicago)
	due, _ := g.plan(at)
	want := "map[new@clinic.test:[invite] silent@clinic.test:[invite~1] yes@clinic.test:[invite~1]]"
	if fmt.Sprint(due) != want {
		t.Errorf("after the start moved:\n got %v\nwant %s", due, want)
	}

	t.Run("an update already sent is not sent again", func(t *testing.T) {
		g.facts[0].Sends["invite~1"] = &contact.Send{Step: "invite~1", State: contact.SendSent}
		if due, _ := g.plan(at); len(due["yes@clinic.test"]) != 0 {
			t.Errorf("yes@ again: %v", due)
		}
	})
	t.Run("a cancellation goes to the same people and holds the rest", func(t *testing.T) {
		g.o.Events["invite"] = EventState{Sequence: 2, Cancelled: true}
		due, why := g.plan(at)
		want := "map[current@clinic.test:[invite~cancel] silent@clinic.test:[invite~cancel] yes@clinic.test:[invite~cancel]]"
		if fmt.Sprint(due) != want {
			t.Errorf("after the cancellation:\n got %v\nwant %s", due, want)
		}
		if why["new@clinic.test"] != "the event is cancelled" {
			t.Errorf("not invited yet: %q", why["new@clinic.test"])
		}
	})
}

func TestADeclineEndsOnlyThatEventsSteps(t *testing.T) {
	src := meetAndGreet + `
[[steps]]
id = "sorry"
template = "meet-sorry"
event = "invite"
after_event = "2d"
only = "declined"
`
	g := newGuests(t, src)
	g.invite("no@clinic.test", contact.Declined, 0)
	due, why := g.plan(time.Date(2026, 12, 5, 19, 0, 0, 0, chicago))
	if fmt.Sprint(due) != "map[no@clinic.test:[sorry]]" {
		t.Errorf("after the event: due %v, why %v", due, why)
	}
}
