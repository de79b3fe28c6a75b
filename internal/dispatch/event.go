package dispatch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/invite"
	"rapport/internal/store"
)

// inviteStep is the invite step whose event a step is about: the step
// itself, the one its `event` names (an update's or a cancellation's
// too), or nil.
func inviteStep(c *campaign.Campaign, s *campaign.Step) *campaign.Step {
	switch {
	case s.Channel == "invite" && !s.Added():
		return s
	case s.EventStep != "":
		return c.Step(s.EventStep)
	}
	return nil
}

// Fingerprint sums up what an update must tell the people invited: the
// title, the times and zone, the place and the rule. A change in the
// description or the capacity sends no update.
func Fingerprint(e *invite.Event) string {
	rule := ""
	if e.Recur != nil {
		rule = e.Recur.String()
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{e.Title, e.Start.UTC().Format(time.RFC3339),
		e.End.UTC().Format(time.RFC3339), e.Zone.String(), e.Where(), e.URL, rule}, "\x00")))
	return hex.EncodeToString(sum[:12])
}

// calEvent is the store's record of an invite step's event as the file
// describes it now.
func (d *Dispatcher) calEvent(c *campaign.Campaign, s *campaign.Step, round string) store.CalEvent {
	e := s.Event
	return store.CalEvent{Campaign: c.Name, Step: s.ID, Round: round, UID: invite.UID(c.Name, s.ID, round, d.o.Sender.Email),
		Fingerprint: Fingerprint(e), Title: e.Title, Start: e.Start, End: e.End, Timezone: e.Zone.String(),
		Place: e.Where(), Capacity: e.Capacity}
}

// SyncEvents records the events of the campaigns' invite steps as their
// files describe them now. An event whose title, time or place changed
// goes up one revision, so the plan owes everyone invited an update; it
// returns the events that changed. A tick calls it before planning, and
// so does the daemon when it loads the files again.
func (d *Dispatcher) SyncEvents(ctx context.Context, camps []*campaign.Campaign) ([]*store.CalEvent, error) {
	var changed []*store.CalEvent
	now := d.o.Now()
	for _, c := range camps {
		for _, s := range c.Steps {
			if s.Channel != "invite" || s.Event == nil {
				continue
			}
			e, ch, err := d.o.Store.SyncEvent(ctx, d.calEvent(c, s, c.Round(now)))
			if err != nil {
				return changed, err
			}
			if ch {
				d.o.Log.Info("event_changed", "campaign", c.Name, "step", s.ID, "uid", e.UID, "sequence", e.Sequence)
				changed = append(changed, e)
			}
		}
	}
	return changed, nil
}

// eventInfo is what a message about an event needs from the store: its
// UID and revision. For an event not recorded yet (a preview before the
// first send), the UID is derived and the revision is 0; for one whose
// file changed since, the revision is the next one.
type eventInfo struct {
	id        int64 // 0 when not recorded yet
	uid       string
	sequence  int
	cancelled bool
	accepted  int
	invites   map[int64]campaign.Invitee
}

// eventInfo reads an invite step's event and its invitations.
func (d *Dispatcher) eventInfo(ctx context.Context, c *campaign.Campaign, s *campaign.Step, round string) (*eventInfo, error) {
	want := d.calEvent(c, s, round)
	info := &eventInfo{uid: want.UID, invites: map[int64]campaign.Invitee{}}
	e, err := d.o.Store.CalEventByKey(ctx, c.Name, s.ID, round)
	if errors.Is(err, store.ErrNotFound) {
		return info, nil
	}
	if err != nil {
		return nil, err
	}
	info.id, info.uid, info.sequence, info.cancelled = e.ID, e.UID, e.Sequence, e.Cancelled()
	rs, err := d.o.Store.RSVPs(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	invited := false
	for _, r := range rs {
		if !r.Occurrence.IsZero() {
			continue
		}
		if r.Answer == contact.Accepted {
			info.accepted++
		}
		invited = invited || r.SentSequence >= 0
		info.invites[r.ContactID] = campaign.Invitee{Answer: r.Answer, Attended: r.Attended, Sequence: max(r.SentSequence, 0)}
	}
	if invited && !info.cancelled && e.Fingerprint != want.Fingerprint {
		info.sequence++ // changed in the file since: the next tick records and sends this revision
	}
	return info, nil
}

// eventCache holds the events of one tick or plan, read once.
type eventCache struct {
	mu sync.Mutex
	m  map[string]*eventInfo
}

func (ec *eventCache) get(ctx context.Context, d *Dispatcher, c *campaign.Campaign, s *campaign.Step, round string) (*eventInfo, error) {
	key := c.Name + "\x00" + s.ID + "\x00" + round
	ec.mu.Lock()
	defer ec.mu.Unlock()
	if info, ok := ec.m[key]; ok {
		return info, nil
	}
	info, err := d.eventInfo(ctx, c, s, round)
	if err != nil {
		return nil, fmt.Errorf("event of %s/%s: %w", c.Name, s.ID, err)
	}
	if ec.m == nil {
		ec.m = map[string]*eventInfo{}
	}
	ec.m[key] = info
	return info, nil
}

// eventFacts adds to a campaign's facts each contact's invitations, and
// returns the state of each invite step's event, for Plan.
func (d *Dispatcher) eventFacts(ctx context.Context, c *campaign.Campaign, facts []campaign.Facts, round string) (map[string]campaign.EventState, error) {
	states := map[string]campaign.EventState{}
	for _, s := range c.Steps {
		if s.Channel != "invite" || s.Event == nil {
			continue
		}
		info, err := d.eventInfo(ctx, c, s, round)
		if err != nil {
			return nil, fmt.Errorf("event of %s/%s: %w", c.Name, s.ID, err)
		}
		states[s.ID] = campaign.EventState{Sequence: info.sequence, Cancelled: info.cancelled, Accepted: info.accepted}
		for i := range facts {
			inv, ok := info.invites[facts[i].Contact.ID]
			if !ok {
				continue
			}
			if facts[i].Invites == nil {
				facts[i].Invites = map[string]campaign.Invitee{}
			}
			facts[i].Invites[s.ID] = inv
		}
	}
	return states, nil
}

// CancelEvent calls an invite step's event off: it is recorded (even when
// no invitation went out yet) and marked cancelled with a higher
// revision. The plan then owes a cancellation to everyone invited who has
// not declined, and holds the invitations not yet sent.
func (d *Dispatcher) CancelEvent(ctx context.Context, c *campaign.Campaign, s *campaign.Step) (*store.CalEvent, error) {
	e, _, err := d.o.Store.SyncEvent(ctx, d.calEvent(c, s, c.Round(d.o.Now())))
	if err != nil {
		return nil, err
	}
	return d.o.Store.CancelEvent(ctx, e.ID)
}
