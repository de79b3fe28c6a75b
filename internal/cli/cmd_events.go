package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/dispatch"
)

func cmdEventsList() *command {
	var all bool
	return &command{
		name:    "events list",
		summary: "your events (the invite steps of your campaigns) with how many are coming",
		help: `Lists the events of your campaigns' invite steps that have not happened yet,
with how many were invited and how many said yes, no or maybe. --all lists
the past and cancelled ones too.`,
		example: "rapport events list\nrapport events list --all --json",
		setup:   func(fs *flag.FlagSet) { fs.BoolVar(&all, "all", false, "past and cancelled events too") },
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			return runEventsList(ctx, a, all)
		},
	}
}

func cmdEventsShow() *command {
	return &command{
		name:    "events show",
		args:    "NAME",
		summary: "who was invited to an event and what each answered",
		help: `Shows an event (NAME is its campaign, or campaign/step when a campaign has
several invite steps): when and where, its capacity, and everyone invited by
answer: coming, maybe, on the waitlist, no answer yet, not coming.`,
		example: "rapport events show meet-and-greet",
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the event (its campaign's name)"); err != nil {
				return err
			}
			rep, err := a.eventReport(ctx, args[0])
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(a.calEventOf(rep, true))
			}
			printEvent(a, rep)
			return nil
		},
	}
}

// event finds an invite step by NAME: a campaign with one invite step, or
// campaign/step.
func (a *app) event(name string) (*campaign.Campaign, *campaign.Step, error) {
	cname, sid, _ := strings.Cut(name, "/")
	c, err := a.campaign(cname)
	if err != nil {
		return nil, nil, err
	}
	var invites []string
	for _, s := range c.Steps {
		if s.Channel == "invite" {
			invites = append(invites, s.ID)
		}
	}
	switch {
	case len(invites) == 0:
		return nil, nil, usagef("campaign %s has no invite step (channel = \"invite\"), so no event", cname)
	case sid == "" && len(invites) > 1:
		return nil, nil, usagef("campaign %s has several events; name one: %s", cname, cname+"/"+strings.Join(invites, ", "+cname+"/"))
	case sid == "":
		sid = invites[0]
	}
	s := c.Step(sid)
	if s == nil || s.Channel != "invite" {
		return nil, nil, usagef("campaign %s has no invite step %q (invite steps: %s)", cname, sid, strings.Join(invites, ", "))
	}
	return c, s, nil
}

func (a *app) eventReport(ctx context.Context, name string) (*dispatch.EventReport, error) {
	c, s, err := a.event(name)
	if err != nil {
		return nil, err
	}
	d, done, err := a.dispatcher(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer done()
	return d.Report(ctx, c, s, a.env.Now())
}

// calEventJSON is an event in the contract's JSON style.
type calEventJSON struct {
	Name        string         `json:"name"`
	Campaign    string         `json:"campaign"`
	Step        string         `json:"step"`
	Title       string         `json:"title"`
	Start       string         `json:"start"`
	End         string         `json:"end"`
	Timezone    string         `json:"timezone"`
	Where       string         `json:"where"`
	Capacity    int            `json:"capacity"`
	State       string         `json:"state"` // not-sent, upcoming, over, cancelled
	Sequence    int            `json:"sequence"`
	Changed     bool           `json:"changed"` // the file differs from what the invitations said
	Counts      map[string]int `json:"counts"`  // invited, accepted, declined, tentative, waitlist, no_answer
	Guests      []guestJSON    `json:"guests,omitempty"`
	CampaignRun string         `json:"campaign_state"`
}

type guestJSON struct {
	Email        string `json:"email"`
	Name         string `json:"name"`
	Organization string `json:"organization"`
	Answer       string `json:"answer"` // accepted, declined, tentative, waitlist, no-answer
	Attended     *bool  `json:"attended"`
	Source       string `json:"source,omitempty"` // imip, text, manual
	AnsweredAt   string `json:"answered_at,omitempty"`
	Comment      string `json:"comment,omitempty"`
}

// answerKey is an answer in JSON: the words of `only`.
func answerKey(a contact.Answer) string {
	switch a {
	case contact.Accepted, contact.Declined, contact.Tentative, contact.Waitlist:
		return strings.ToLower(string(a))
	}
	return "no-answer"
}

func (a *app) calEventOf(rep *dispatch.EventReport, guests bool) calEventJSON {
	e := rep.Step.Event
	j := calEventJSON{Name: rep.Campaign.Name, Campaign: rep.Campaign.Name, Step: rep.Step.ID, Title: e.Title,
		Start: e.Start.Format(time.RFC3339), End: e.End.Format(time.RFC3339), Timezone: e.Zone.String(),
		Where: e.Where(), Capacity: e.Capacity, State: eventState(rep, a.env.Now()), Changed: rep.Changed,
		Counts: map[string]int{"invited": len(rep.Guests)}}
	if countInvites(rep.Campaign) > 1 {
		j.Name += "/" + rep.Step.ID
	}
	if rep.Stored != nil {
		j.Sequence = rep.Stored.Sequence
	}
	for _, ans := range []contact.Answer{contact.Accepted, contact.Declined, contact.Tentative, contact.Waitlist, contact.NoAnswer} {
		j.Counts[strings.ReplaceAll(answerKey(ans), "-", "_")] = rep.Count(ans)
	}
	if cs, err := a.st.Campaign(context.Background(), rep.Campaign.Name); err == nil {
		j.CampaignRun = cs.State
	}
	if !guests {
		return j
	}
	j.Guests = []guestJSON{}
	for _, g := range rep.Guests {
		gj := guestJSON{Email: g.Contact.Email, Name: g.Contact.Label(), Organization: g.Contact.Organization, Answer: answerKey(g.Answer())}
		if r := g.RSVP; r != nil && r.Answered() {
			gj.Source, gj.AnsweredAt, gj.Comment = r.Source, r.ReceivedAt.UTC().Format(time.RFC3339), r.Comment
		}
		if g.RSVP != nil {
			gj.Attended = g.RSVP.Attended
		}
		j.Guests = append(j.Guests, gj)
	}
	return j
}

func countInvites(c *campaign.Campaign) int {
	n := 0
	for _, s := range c.Steps {
		if s.Channel == "invite" {
			n++
		}
	}
	return n
}

// eventState is where an event stands: not-sent (no invitation yet),
// upcoming, over or cancelled.
func eventState(rep *dispatch.EventReport, now time.Time) string {
	switch {
	case rep.Stored != nil && rep.Stored.Cancelled():
		return "cancelled"
	}
	if _, ok := rep.Step.Event.Next(now); !ok {
		return "over"
	}
	if rep.Stored == nil || len(rep.Guests) == 0 {
		return "not-sent"
	}
	return "upcoming"
}

func runEventsList(ctx context.Context, a *app, all bool) error {
	if _, err := a.config(); err != nil {
		return err
	}
	reps, errs, err := a.core().Events(ctx)
	if err != nil {
		return err
	}
	out := []calEventJSON{}
	for _, rep := range reps {
		j := a.calEventOf(rep, false)
		if all || (j.State != "over" && j.State != "cancelled") {
			out = append(out, j)
		}
	}
	for _, e := range errs {
		a.note("%v", e)
	}
	if a.json {
		return a.printJSON(out)
	}
	if len(out) == 0 {
		a.say("no upcoming events: an event is a campaign step with channel = \"invite\" (see campaigns/meet-and-greet.toml)")
		return nil
	}
	var rows [][]string
	for _, j := range out {
		rep := j.Counts
		rows = append(rows, []string{j.Name, a.eventWhen(j), j.State, fmt.Sprint(rep["invited"]),
			fmt.Sprint(rep["accepted"]), fmt.Sprint(rep["declined"]), fmt.Sprint(rep["tentative"]), fmt.Sprint(rep["no_answer"])})
	}
	a.table([]string{"EVENT", "WHEN", "STATE", "INVITED", "YES", "NO", "MAYBE", "NO ANSWER"}, rows)
	return nil
}

// eventWhen is an event's start in the user's zone.
func (a *app) eventWhen(j calEventJSON) string {
	t, err := time.Parse(time.RFC3339, j.Start)
	if err != nil {
		return j.Start
	}
	return a.when(t)
}

func printEvent(a *app, rep *dispatch.EventReport) {
	e := rep.Step.Event
	j := a.calEventOf(rep, false)
	a.say("%s (%s)", e.Title, j.Name)
	a.say("  when:     %s", dispatch.When(e.Start, e.End))
	a.say("  where:    %s", e.Where())
	state := map[string]string{"not-sent": "no invitation sent yet", "upcoming": "invitations sent", "over": "over", "cancelled": "cancelled"}[j.State]
	if j.CampaignRun != "" && j.CampaignRun != "active" {
		state += fmt.Sprintf(" (the campaign is %s)", j.CampaignRun)
	}
	a.say("  state:    %s", state)
	coming := rep.Count(contact.Accepted)
	if e.Capacity > 0 && j.State != "cancelled" {
		a.say("  places:   %d of %d taken", coming, e.Capacity)
	}
	if rep.Changed {
		a.say("  changed:  the time, place or title in %s differ from the invitations sent; `rapport events update %s` sends the update", rep.Campaign.Path, j.Name)
	}
	if len(rep.Guests) == 0 {
		a.say("\nNo invitation has gone out yet. `rapport campaigns plan %s` shows who gets one, and when.", rep.Campaign.Name)
		return
	}
	a.say("\n%d invited: %d coming, %d not coming, %d maybe, %d on the waitlist, %d no answer yet",
		len(rep.Guests), coming, rep.Count(contact.Declined), rep.Count(contact.Tentative), rep.Count(contact.Waitlist), rep.Count(contact.NoAnswer))
	groups := []struct {
		a     contact.Answer
		title string
	}{{contact.Accepted, "Coming"}, {contact.Tentative, "Maybe"}, {contact.Waitlist, "On the waitlist (the event was full: your decision)"},
		{contact.NoAnswer, "No answer yet"}, {contact.Declined, "Not coming"}}
	for _, grp := range groups {
		var lines []string
		for _, g := range rep.Guests {
			if g.Answer() == grp.a {
				lines = append(lines, "  "+guestLine(a, g))
			}
		}
		if len(lines) > 0 {
			a.say("\n%s (%d):\n%s", grp.title, len(lines), strings.Join(lines, "\n"))
		}
	}
}

func guestLine(a *app, g dispatch.Guest) string {
	c := g.Contact
	s := c.Label()
	if c.Organization != "" && !strings.Contains(s, c.Organization) {
		s += ", " + c.Organization
	}
	s += " <" + c.Email + ">"
	r := g.RSVP
	if r == nil {
		return s
	}
	if r.Answered() {
		how := map[string]string{"imip": "calendar", "text": "by email", "manual": "noted by you"}[r.Source]
		s += fmt.Sprintf(" (%s, %s)", how, a.when(r.ReceivedAt))
		if r.Comment != "" && r.Source != "manual" {
			s += fmt.Sprintf(" %q", r.Comment)
		}
	}
	if r.Attended != nil {
		s += map[bool]string{true: " — attended", false: " — did not attend"}[*r.Attended]
	}
	return s
}
