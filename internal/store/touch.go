package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"rapport/internal/contact"
)

// Interaction is the last time the user and a contact were in touch.
type Interaction struct {
	At   time.Time
	What string // "note sent (yearly-touch, hello)", "their reply", "you: dropped off cookies", "referral"
}

// interactions collects the latest interaction per contact.
type interactions map[int64]Interaction

func (m interactions) add(id int64, at time.Time, what func() string) {
	if at.After(m[id].At) {
		m[id] = Interaction{At: at, What: what()}
	}
}

func noteWhat(campaign, step string) func() string {
	return func() string { return "note sent (" + campaign + ", " + step + ")" }
}

func referralWhat() string { return "referral" }

// LastInteractions returns, for every contact that has one, the latest
// interaction: a note that went out (or a letter printed), a reply or an
// RSVP, something the user logged (`contacts log`), or a referral.
func (s *Store) LastInteractions(ctx context.Context) (map[int64]Interaction, error) {
	return s.lastInteractions(ctx, nil, "1")
}

// lastInteractions reads the latest interactions of the contacts scope (a
// condition on contact_id) selects, who are those of ids (nil: everyone).
func (s *Store) lastInteractions(ctx context.Context, ids map[int64]bool, scope string, args ...any) (interactions, error) {
	out := interactions{}
	// SQLite takes the bare columns from the row that has the max.
	// "+state": look notes up by contact, not every note by its state.
	err := s.eachRow(ctx, `SELECT contact_id, max(sent_at), campaign, step FROM sends
		WHERE `+scope+` AND +state IN ('sent', 'printed') AND sent_at != '' GROUP BY contact_id`, func(id int64, at time.Time, c, st string) {
		out.add(id, at, noteWhat(c, st))
	}, args...)
	if err == nil {
		err = s.eachRow(ctx, `SELECT contact_id, max(received_on) || 'T12:00:00.000Z', '', '' FROM referrals
			WHERE `+scope+` GROUP BY contact_id`, func(id int64, at time.Time, _, _ string) { out.add(id, at, referralWhat) }, args...)
	}
	if err == nil {
		// Replies and logged visits are few among the history: reading
		// them all beats probing the history of each contact in scope.
		err = s.eachRow(ctx, `SELECT contact_id, max(at), type, detail FROM events
			WHERE type IN ('reply', 'rsvp', 'rsvp-no', 'logged') GROUP BY contact_id`, func(id int64, at time.Time, typ, detail string) {
			if ids != nil && !ids[id] {
				return
			}
			out.add(id, at, func() string {
				switch contact.EventType(typ) {
				case contact.EventLogged:
					return "you: " + detail
				case contact.EventRSVP, contact.EventRSVPNo:
					return "their answer to an invitation"
				}
				return "their reply"
			})
		})
	}
	if err == nil {
		err = s.lastManualMove(ctx, ids, out)
	}
	return out, wrapErr(err, "read last interactions")
}

// lastManualMove adds the user's own stage moves along the pipeline: moving
// someone to meeting says "we met".
func (s *Store) lastManualMove(ctx context.Context, ids map[int64]bool, out interactions) error {
	not := append([]contact.Stage{contact.StageNew}, s.Pipeline.Side...)
	args := make([]any, len(not))
	for i, st := range not {
		args[i] = string(st)
	}
	return s.eachRow(ctx, `SELECT contact_id, max(at), '', to_stage FROM events WHERE type = 'stage' AND auto = 0
		AND to_stage NOT IN (`+placeholders(len(not))+`) GROUP BY contact_id`, func(id int64, at time.Time, _, to string) {
		if ids == nil || ids[id] {
			out.add(id, at, func() string { return "you: moved to " + to })
		}
	}, args...)
}

// eachRow runs q and calls fn with each row's contact ID, time and two
// texts.
func (s *Store) eachRow(ctx context.Context, q string, fn func(int64, time.Time, string, string), args ...any) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var at, a, b string
		if err := rows.Scan(&id, &at, &a, &b); err != nil {
			return err
		}
		fn(id, parseTime(at), a, b)
	}
	return rows.Err()
}

// TouchItem is one contact the keep-in-touch rules apply to.
type TouchItem struct {
	Contact *contact.Contact
	contact.Touch
	LastWhat string // how the last interaction went, "" when none is on record
}

// Touches returns every contact the rules apply to with where it stands at
// now: those due first, the longest out of touch (or never in touch) first;
// then the others by when they become due.
func (s *Store) Touches(ctx context.Context, rules *contact.TouchRules, now time.Time) ([]TouchItem, error) {
	return s.touches(ctx, rules, now, false)
}

// touches decides on the few fields the rules look at, then reads in full
// only the contacts it returns (with dueOnly, those due).
func (s *Store) touches(ctx context.Context, rules *contact.TouchRules, now time.Time, dueOnly bool) ([]TouchItem, error) {
	if rules.Empty() {
		return nil, nil
	}
	stages := rules.Stages
	if len(stages) == 0 {
		stages = contact.DefaultTouchStages
	}
	args := make([]any, len(stages))
	for i, st := range stages {
		args[i] = string(st)
	}
	scope := "stage IN (" + placeholders(len(stages)) + ")"
	list, err := queryAll(ctx, s.db, scanTouchable, "SELECT id, kind, stage, tags FROM contacts WHERE "+scope, args...)
	if err != nil {
		return nil, fmt.Errorf("keep in touch: %w", err)
	}
	ids := make(map[int64]bool, len(list))
	for _, c := range list {
		ids[c.ID] = true
	}
	last, err := s.lastInteractions(ctx, ids, "contact_id IN (SELECT id FROM contacts WHERE "+scope+")", args...)
	if err != nil {
		return nil, err
	}
	items := touchItems(list, last, rules, now)
	if dueOnly {
		items = slices.DeleteFunc(items, func(it TouchItem) bool { return !it.Due })
	}
	return items, s.fillContacts(ctx, items)
}

func scanTouchable(r scanner) (*contact.Contact, error) {
	c := &contact.Contact{}
	var tags string
	if err := r.Scan(&c.ID, &c.Kind, &c.Stage, &tags); err != nil {
		return nil, err
	}
	return c, json.Unmarshal([]byte(tags), &c.Tags)
}

// fillContacts replaces the items' partial contacts with whole ones.
func (s *Store) fillContacts(ctx context.Context, items []TouchItem) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.Contact.ID
	}
	byID := make(map[int64]*contact.Contact, len(ids))
	for chunk := range slices.Chunk(ids, 10000) { // SQLite's limit on parameters
		full, err := s.Contacts(ctx, Filter{IDs: chunk})
		if err != nil {
			return fmt.Errorf("keep in touch: %w", err)
		}
		for _, c := range full {
			byID[c.ID] = c
		}
	}
	for i := range items {
		if c := byID[items[i].Contact.ID]; c != nil {
			items[i].Contact = c
		}
	}
	return nil
}

func touchItems(list []*contact.Contact, last map[int64]Interaction, rules *contact.TouchRules, now time.Time) []TouchItem {
	var out []TouchItem
	for _, c := range list {
		in := last[c.ID]
		if t, ok := rules.TouchFor(c, in.At, now); ok {
			out = append(out, TouchItem{Contact: c, Touch: t, LastWhat: in.What})
		}
	}
	slices.SortStableFunc(out, func(a, b TouchItem) int {
		if a.Due != b.Due {
			if a.Due {
				return -1
			}
			return 1
		}
		if a.Due {
			return a.Last.Compare(b.Last)
		}
		return a.DueAt.Compare(b.DueAt)
	})
	return out
}
