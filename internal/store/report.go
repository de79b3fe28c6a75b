package store

import (
	"context"
	"time"

	"rapport/internal/contact"
)

// ReportSend is a journal row as the report needs it.
type ReportSend struct {
	ID        int64
	Campaign  string
	Step      string
	ContactID int64
	State     contact.SendState
	At        time.Time // when it went out, was printed, or failed
}

// Reaction is what came of a note: a reply (RSVPs included), an
// out-of-office answer, an opt-out, or a hard bounce (the contact moved to
// bounced, by a bounce report or by the server refusing the address).
type Reaction struct {
	ContactID int64
	SendID    int64 // the note it answers, when known; else 0
	At        time.Time
	Kind      string // "reply", "auto-reply", "opt-out", "bounce"
}

// ReportData is what `rapport report` is computed from, read in one go.
type ReportData struct {
	Stages    map[contact.Stage]int
	Kinds     map[string]int // contacts of each kind
	Sends     []ReportSend   // every sent, printed or failed row, oldest first
	Reactions []Reaction
	Referrals []Referral                 // all of them, newest day first
	Sources   map[int64]*contact.Contact // the contacts who sent referrals
}

// ReportData reads everything a report needs. Periods are applied by the
// report itself: first notes and first referrals need the whole history.
func (s *Store) ReportData(ctx context.Context) (*ReportData, error) {
	d := &ReportData{Stages: map[contact.Stage]int{}, Kinds: map[string]int{}, Sources: map[int64]*contact.Contact{}}
	steps := []func(context.Context, *ReportData) error{s.reportCounts, s.reportSends, s.reportReactions, s.reportReferrals}
	for _, step := range steps {
		if err := step(ctx, d); err != nil {
			return nil, wrapErr(err, "read the report's data")
		}
	}
	return d, nil
}

func (s *Store) reportCounts(ctx context.Context, d *ReportData) error {
	rows, err := s.db.QueryContext(ctx, "SELECT stage, kind, count(*) FROM contacts GROUP BY stage, kind")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var stage, kind string
		var n int
		if err := rows.Scan(&stage, &kind, &n); err != nil {
			return err
		}
		d.Stages[contact.Stage(stage)] += n
		d.Kinds[kind] += n
	}
	return rows.Err()
}

func (s *Store) reportSends(ctx context.Context, d *ReportData) error {
	var err error
	d.Sends, err = queryAll(ctx, s.db, func(r scanner) (ReportSend, error) {
		var x ReportSend
		var at string
		err := r.Scan(&x.ID, &x.Campaign, &x.Step, &x.ContactID, &x.State, &at)
		x.At = parseTime(at)
		return x, err
	}, `SELECT id, campaign, step, contact_id, state, CASE WHEN sent_at != '' THEN sent_at ELSE updated_at END AS t
		FROM sends WHERE state IN ('sent', 'printed', 'failed') ORDER BY t, id`)
	return err
}

// reportReactions reads replies, RSVPs and out-of-office answers from the
// processed mail, and hard bounces and opt-outs from the automatic stage
// moves they caused: a soft bounce or a second opt-out moves nobody and is
// not counted. A move names its message: ours (the server refused the
// address) or the one that came in.
func (s *Store) reportReactions(ctx context.Context, d *ReportData) error {
	scan := func(r scanner) (Reaction, error) {
		var x Reaction
		var at string
		err := r.Scan(&x.ContactID, &x.SendID, &at, &x.Kind)
		x.At = parseTime(at)
		return x, err
	}
	mail, err := queryAll(ctx, s.db, scan, `SELECT contact_id, COALESCE(send_id, 0),
		CASE WHEN received_at != '' THEN received_at ELSE processed_at END,
		CASE WHEN class LIKE 'rsvp-%' THEN 'reply' ELSE class END
		FROM inbound WHERE contact_id IS NOT NULL AND class IN ('reply', 'rsvp-yes', 'rsvp-no', 'auto-reply')`)
	if err != nil {
		return err
	}
	moves, err := queryAll(ctx, s.db, scan, `SELECT e.contact_id, COALESCE(sd.id, i.send_id, 0), e.at,
		CASE e.to_stage WHEN 'bounced' THEN 'bounce' ELSE 'opt-out' END
		FROM events e
		LEFT JOIN sends sd ON sd.message_id = e.message_id AND sd.message_id != ''
		LEFT JOIN inbound i ON i.message_id = e.message_id AND i.message_id != ''
		WHERE e.type = 'stage' AND e.auto = 1 AND e.to_stage IN ('bounced', 'opted-out')`)
	d.Reactions = append(mail, moves...)
	return err
}

func (s *Store) reportReferrals(ctx context.Context, d *ReportData) error {
	var err error
	if d.Referrals, err = s.Referrals(ctx, ReferralFilter{}); err != nil {
		return err
	}
	ids := []int64{}
	for _, r := range d.Referrals {
		if d.Sources[r.ContactID] == nil {
			d.Sources[r.ContactID] = &contact.Contact{}
			ids = append(ids, r.ContactID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	list, err := s.Contacts(ctx, Filter{IDs: ids})
	for _, c := range list {
		d.Sources[c.ID] = c
	}
	return err
}
