package store

import (
	"context"
	"time"
)

// Activity is what an export shows beside a contact's fields.
type Activity struct {
	LastSent  time.Time
	LastReply time.Time
	Referrals int
}

// Activities returns every contact's activity that has any.
func (s *Store) Activities(ctx context.Context) (map[int64]Activity, error) {
	out := map[int64]Activity{}
	queries := []struct {
		q   string
		set func(a *Activity, v string)
	}{
		{`SELECT contact_id, max(sent_at) FROM sends WHERE sent_at != '' GROUP BY contact_id`,
			func(a *Activity, v string) { a.LastSent = parseTime(v) }},
		{`SELECT contact_id, max(at) FROM events WHERE type IN ('reply','rsvp','rsvp-no') GROUP BY contact_id`,
			func(a *Activity, v string) { a.LastReply = parseTime(v) }},
		{`SELECT contact_id, CAST(sum(count) AS TEXT) FROM referrals GROUP BY contact_id`,
			func(a *Activity, v string) { a.Referrals = atoi(v) }},
	}
	for _, q := range queries {
		if err := s.eachPair(ctx, q.q, func(id int64, v string) {
			a := out[id]
			q.set(&a, v)
			out[id] = a
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) eachPair(ctx context.Context, q string, fn func(int64, string)) error {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		fn(id, v)
	}
	return rows.Err()
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}
