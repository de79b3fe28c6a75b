package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// contactEventJSON is one invitation of a contact in `contacts show --json`.
type contactEventJSON struct {
	Event    string `json:"event"` // the campaign (and invite step)
	Title    string `json:"title"`
	Start    string `json:"start"`
	Answer   string `json:"answer"` // accepted, declined, tentative, waitlist, no-answer
	Attended bool   `json:"attended"`
	Meeting  string `json:"meeting,omitempty"` // an answer about one meeting of a series
}

// contactEvents lists a contact's invitations and answers.
func (a *app) contactEvents(ctx context.Context, contactID int64) ([]contactEventJSON, error) {
	rs, err := a.st.ContactRSVPs(ctx, contactID)
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	events, err := a.calEventsByID(ctx)
	if err != nil {
		return nil, err
	}
	var out []contactEventJSON
	for _, r := range rs {
		if e := events[r.EventID]; e != nil {
			out = append(out, contactEventOf(e, r))
		}
	}
	return out, nil
}

func (a *app) calEventsByID(ctx context.Context) (map[int64]*store.CalEvent, error) {
	list, err := a.st.CalEvents(ctx)
	m := map[int64]*store.CalEvent{}
	for _, e := range list {
		m[e.ID] = e
	}
	return m, err
}

func contactEventOf(e *store.CalEvent, r *store.RSVP) contactEventJSON {
	ans := contact.NoAnswer
	if r.Answered() {
		ans = r.Answer
	}
	j := contactEventJSON{Event: e.Campaign + "/" + e.Step, Title: e.Title, Start: e.Start.UTC().Format(time.RFC3339),
		Answer: answerKey(ans), Attended: r.Came()}
	if !r.Occurrence.IsZero() {
		j.Meeting = r.Occurrence.UTC().Format(time.RFC3339)
	}
	return j
}

// eventWords says one invitation for people: "Meet & Greet (Dec 10): accepted".
func (a *app) eventWords(e contactEventJSON) string {
	t, _ := time.Parse(time.RFC3339, e.Start)
	s := fmt.Sprintf("%s (%s): %s", e.Title, a.when(t), contact.Answer(strings.ToUpper(e.Answer)).Words())
	if e.Answer == "no-answer" {
		s = fmt.Sprintf("%s (%s): invited, no answer yet", e.Title, a.when(t))
	}
	if e.Meeting != "" {
		m, _ := time.Parse(time.RFC3339, e.Meeting)
		s += " for the meeting of " + a.when(m)
	}
	if e.Answer == "accepted" && !e.Attended {
		s += ", did not attend"
	}
	return s
}

func printContactEvents(ctx context.Context, a *app, contactID int64) error {
	evs, err := a.contactEvents(ctx, contactID)
	if err != nil || len(evs) == 0 {
		return err
	}
	a.say("\nEvents:")
	for _, e := range evs {
		a.say("  %s", a.eventWords(e))
	}
	return nil
}

// eventsField is the "events" column of `contacts export`: each
// invitation and its answer, by contact.
func (a *app) eventsField(ctx context.Context) (map[int64]string, error) {
	rs, err := a.st.AllRSVPs(ctx)
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	events, err := a.calEventsByID(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, r := range rs {
		e := events[r.EventID]
		if e == nil {
			continue
		}
		if out[r.ContactID] != "" {
			out[r.ContactID] += "; "
		}
		out[r.ContactID] += a.eventWords(contactEventOf(e, r))
	}
	return out, nil
}
