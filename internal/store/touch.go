package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"rapport/internal/contact"
)

// Interaction is the last time the user and a contact were in touch.
type Interaction struct {
	At   time.Time
	What string // "note sent (yearly-touch, hello)", "reply", "you: dropped off cookies", "referral"
}

// LastInteractions returns, for every contact that has one, the latest
// interaction: a note that went out (or a letter printed), a reply or an
// RSVP, something the user logged (`contacts log`), or a referral.
func (s *Store) LastInteractions(ctx context.Context) (map[int64]Interaction, error) {
	out := map[int64]Interaction{}
	queries := []struct {
		q    string
		what func(a, b string) string
	}{
		// SQLite takes the bare columns from the row that has the max.
		{`SELECT contact_id, max(sent_at), campaign, step FROM sends WHERE state IN ('sent', 'printed') AND sent_at != ''
			GROUP BY contact_id`, func(c, st string) string { return "note sent (" + c + ", " + st + ")" }},
		{`SELECT contact_id, max(at), type, detail FROM events WHERE type IN ('reply', 'rsvp', 'logged') GROUP BY contact_id`,
			func(typ, detail string) string {
				if typ == string(contact.EventLogged) {
					return "you: " + detail
				}
				return "their " + typ
			}},
		{`SELECT contact_id, max(received_on) || 'T12:00:00.000Z', CAST(count AS TEXT), '' FROM referrals GROUP BY contact_id`,
			func(string, string) string { return "referral" }},
	}
	for _, q := range queries {
		if err := s.eachInteraction(ctx, q.q, func(id int64, at time.Time, a, b string) {
			if at.After(out[id].At) {
				out[id] = Interaction{At: at, What: q.what(a, b)}
			}
		}); err != nil {
			return nil, wrapErr(err, "read last interactions")
		}
	}
	return out, nil
}

func (s *Store) eachInteraction(ctx context.Context, q string, fn func(int64, time.Time, string, string)) error {
	rows, err := s.db.QueryContext(ctx, q)
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
	if rules.Empty() {
		return nil, nil
	}
	stages := rules.Stages
	if len(stages) == 0 {
		stages = contact.DefaultTouchStages
	}
	list, err := s.Contacts(ctx, Filter{Stages: stages})
	if err != nil {
		return nil, fmt.Errorf("keep in touch: %w", err)
	}
	last, err := s.LastInteractions(ctx)
	if err != nil {
		return nil, err
	}
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
	return out, nil
}
