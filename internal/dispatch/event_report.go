package dispatch

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/store"
)

// Guest is one person invited to an event, with their answer.
type Guest struct {
	Contact *contact.Contact
	// RSVP is their invitation and answer; its Source is empty while they
	// have not answered.
	RSVP *store.RSVP
}

// Answer is the guest's answer, NoAnswer when none.
func (g Guest) Answer() contact.Answer {
	if g.RSVP == nil || !g.RSVP.Answered() {
		return contact.NoAnswer
	}
	return g.RSVP.Answer
}

// EventReport is an invite step's event: as the file describes it, as the
// invitations sent so far described it, and who answered what.
type EventReport struct {
	Campaign *campaign.Campaign
	Step     *campaign.Step
	Round    string
	// Stored is the event as the invitations told it; nil before the
	// first invitation went out.
	Stored *store.CalEvent
	// Changed is true when the file's title, time or place differ from
	// what the invitations said: an update is owed.
	Changed bool
	Guests  []Guest // by answer, then name
}

// Count is how many guests gave an answer.
func (r *EventReport) Count(a contact.Answer) int {
	n := 0
	for _, g := range r.Guests {
		if g.Answer() == a {
			n++
		}
	}
	return n
}

// Report reads what the store knows of an invite step's event at now.
func (d *Dispatcher) Report(ctx context.Context, c *campaign.Campaign, s *campaign.Step, now time.Time) (*EventReport, error) {
	rep := &EventReport{Campaign: c, Step: s, Round: c.Round(now)}
	e, err := d.o.Store.CalEventByKey(ctx, c.Name, s.ID, rep.Round)
	if errors.Is(err, store.ErrNotFound) {
		return rep, nil
	}
	if err != nil {
		return nil, err
	}
	rep.Stored = e
	rep.Changed = !e.Cancelled() && e.Fingerprint != Fingerprint(s.Event)
	rs, err := d.o.Store.RSVPs(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	byContact := map[int64]*store.RSVP{}
	var ids []int64
	for _, r := range rs {
		if r.Occurrence.IsZero() {
			byContact[r.ContactID] = r
			ids = append(ids, r.ContactID)
		}
	}
	if len(ids) == 0 {
		rep.Changed = false
		return rep, nil
	}
	cs, err := d.o.Store.Contacts(ctx, store.Filter{IDs: ids})
	if err != nil {
		return nil, err
	}
	for _, ct := range cs {
		rep.Guests = append(rep.Guests, Guest{Contact: ct, RSVP: byContact[ct.ID]})
	}
	if len(rep.Guests) == 0 {
		rep.Changed = false // nobody holds the old details
	}
	slices.SortFunc(rep.Guests, func(a, b Guest) int {
		if c := cmp.Compare(answerOrder(a.Answer()), answerOrder(b.Answer())); c != 0 {
			return c
		}
		return cmp.Compare(strings.ToLower(a.Contact.Label()), strings.ToLower(b.Contact.Label()))
	})
	return rep, nil
}

func answerOrder(a contact.Answer) int {
	return slices.Index([]contact.Answer{contact.Accepted, contact.Tentative, contact.Waitlist, contact.NoAnswer, contact.Declined}, a)
}
