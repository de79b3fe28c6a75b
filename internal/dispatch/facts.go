package dispatch

import (
	"context"
	"time"

	"golang.org/x/sync/errgroup"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/store"
)

// Facts gathers, for one campaign at now, every contact the plan must
// consider: the audience and everyone who has started the campaign in the
// current round, with their journal rows and engagement.
func Facts(ctx context.Context, st *store.Store, c *campaign.Campaign, now time.Time) ([]campaign.Facts, error) {
	round := c.Round(now)
	// Three independent reads; WAL lets them run at once on their own
	// connections, which halves a 10,000-contact plan.
	var sends []*contact.Send
	var contacts []*contact.Contact
	var eng map[int64]store.Engagement
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { sends, err = st.Sends(gctx, store.SendFilter{Campaign: c.Name}); return })
	g.Go(func() (err error) { contacts, err = st.Contacts(gctx, audienceFilter(c)); return })
	g.Go(func() (err error) { eng, err = st.Engagements(gctx); return })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	byContact := map[int64]map[string]*contact.Send{}
	for _, sd := range sends {
		if sd.Round != round {
			continue
		}
		if byContact[sd.ContactID] == nil {
			byContact[sd.ContactID] = map[string]*contact.Send{}
		}
		byContact[sd.ContactID][sd.Step] = sd
	}
	contacts, err := addEnrolled(ctx, st, contacts, byContact)
	if err != nil {
		return nil, err
	}
	due, err := dueForTouch(ctx, st, c, now)
	if err != nil {
		return nil, err
	}
	out := make([]campaign.Facts, 0, len(contacts))
	for _, ct := range contacts {
		s := byContact[ct.ID]
		if s == nil && !c.Audience.Admits(ct) {
			continue
		}
		e := eng[ct.ID]
		out = append(out, campaign.Facts{Contact: ct, Sends: s, EngagedAt: e.EngagedAt,
			AutoRepliedAt: e.AutoRepliedAt, HoldUntil: e.HoldUntil, StageAt: e.StageAt,
			DueForTouch: due[ct.ID]})
	}
	return out, nil
}

// facts is Facts with each contact's invitations, and the state of the
// campaign's events, for Plan.
func (d *Dispatcher) facts(ctx context.Context, c *campaign.Campaign, now time.Time) ([]campaign.Facts, map[string]campaign.EventState, error) {
	facts, err := Facts(ctx, d.o.Store, c, now)
	if err != nil {
		return nil, nil, err
	}
	events, err := d.eventFacts(ctx, c, facts, c.Round(now))
	return facts, events, err
}

// audienceFilter narrows the contacts read from the store by kind and tag
// (cheap, indexed); Plan applies the whole audience rule.
func audienceFilter(c *campaign.Campaign) store.Filter {
	return store.Filter{Kinds: c.Audience.Kinds, Tags: c.Audience.Tags}
}

// addEnrolled adds the contacts who started the campaign but no longer
// match the audience filter, so the plan can say they left it.
func addEnrolled(ctx context.Context, st *store.Store, list []*contact.Contact, enrolled map[int64]map[string]*contact.Send) ([]*contact.Contact, error) {
	have := make(map[int64]bool, len(list))
	for _, c := range list {
		have[c.ID] = true
	}
	var missing []int64
	for id := range enrolled {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return list, nil
	}
	more, err := st.Contacts(ctx, store.Filter{IDs: missing})
	return append(list, more...), err
}

// dueForTouch lists the contacts due for a keep-in-touch note at now, for
// a campaign whose audience asks for them only (nil otherwise).
func dueForTouch(ctx context.Context, st *store.Store, c *campaign.Campaign, now time.Time) (map[int64]bool, error) {
	if !c.Audience.DueForTouch {
		return nil, nil
	}
	items, err := st.Touches(ctx, c.Audience.Touch, now)
	if err != nil {
		return nil, err
	}
	due := map[int64]bool{}
	for _, it := range items {
		due[it.Contact.ID] = it.Due
	}
	return due, nil
}
