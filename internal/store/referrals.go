package store

import (
	"context"
	"fmt"
	"time"

	"rapport/internal/contact"
)

// Referral records that a source sent the user clients: on which day, how
// many, and a note. Nothing about the clients themselves is ever stored.
type Referral struct {
	ID        int64
	ContactID int64
	// On is the day it came, as noon UTC of that calendar day: the date
	// reads the same in every time zone the user might be in.
	On        time.Time
	Count     int
	Note      string
	CreatedAt time.Time
}

// dayLayout is how referral days are stored.
const dayLayout = "2006-01-02"

// Day returns the calendar day of t, in t's own location, as On stores it.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
}

// AddReferral records a referral from the contact r.ContactID, with a line
// in its history at r.On; the referral itself keeps r.On's calendar day
// (see Day), a zero On meaning now. It returns the stored referral.
func (s *Store) AddReferral(ctx context.Context, r Referral) (Referral, error) {
	if r.Count <= 0 {
		return r, fmt.Errorf("add referral: the count must be 1 or more, not %d", r.Count)
	}
	if err := contact.CheckText(r.Note); err != nil {
		return r, fmt.Errorf("add referral: the note %w", err)
	}
	if r.On.IsZero() {
		r.On = s.clock()
	}
	at := r.On // the history line keeps the moment given: now, or the hour typed
	r.On, r.CreatedAt = Day(r.On), s.clock()
	err := s.tx(ctx, func(tx *txn) error {
		if err := tx.QueryRowContext(ctx, "SELECT id FROM contacts WHERE id = ?", r.ContactID).Scan(&r.ContactID); err != nil {
			return asNotFound(err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO referrals (contact_id, received_on, count, note, created_at) VALUES (?,?,?,?,?)`,
			r.ContactID, r.On.Format(dayLayout), r.Count, r.Note, fmtTime(r.CreatedAt))
		if err != nil {
			return err
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return s.insertEvent(ctx, tx, contact.Event{ContactID: r.ContactID, At: at, Type: contact.EventReferral, Detail: ReferralText(r)})
	})
	return r, wrapErr(err, "add referral")
}

// RemoveReferral deletes a referral and returns what it was.
func (s *Store) RemoveReferral(ctx context.Context, id int64) (Referral, error) {
	var r Referral
	err := s.tx(ctx, func(tx *txn) error {
		var err error
		r, err = scanReferral(tx.QueryRowContext(ctx, "SELECT "+referralColumns+" FROM referrals WHERE id = ?", id))
		if err != nil {
			return asNotFound(err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM referrals WHERE id = ?", id); err != nil {
			return err
		}
		// Its line in the history goes with it: it did not happen.
		_, err = tx.ExecContext(ctx, "DELETE FROM events WHERE contact_id = ? AND type = ? AND detail LIKE ? ESCAPE '\\'",
			r.ContactID, contact.EventReferral, "%"+escapeLike(referralTag(r.ID))+"%")
		return err
	})
	return r, wrapErr(err, "remove referral %d", id)
}

// ReferralFilter selects referrals; zero fields select everything. Since
// and Until compare calendar days, both included.
type ReferralFilter struct {
	ContactID    int64
	Since, Until time.Time
}

const referralColumns = "id, contact_id, received_on, count, note, created_at"

func scanReferral(row scanner) (Referral, error) {
	var r Referral
	var on, created string
	if err := row.Scan(&r.ID, &r.ContactID, &on, &r.Count, &r.Note, &created); err != nil {
		return r, err
	}
	d, err := time.Parse(dayLayout, on)
	if err != nil {
		return r, fmt.Errorf("referral %d: day %q: %w", r.ID, on, err)
	}
	r.On, r.CreatedAt = Day(d), parseTime(created)
	return r, nil
}

// Referrals lists the referrals f selects, newest day first.
func (s *Store) Referrals(ctx context.Context, f ReferralFilter) ([]Referral, error) {
	where, args := "1", []any{}
	if f.ContactID != 0 {
		where += " AND contact_id = ?"
		args = append(args, f.ContactID)
	}
	if !f.Since.IsZero() {
		where += " AND received_on >= ?"
		args = append(args, f.Since.Format(dayLayout))
	}
	if !f.Until.IsZero() {
		where += " AND received_on <= ?"
		args = append(args, f.Until.Format(dayLayout))
	}
	list, err := queryAll(ctx, s.db, scanReferral, "SELECT "+referralColumns+" FROM referrals WHERE "+where+
		" ORDER BY received_on DESC, id DESC", args...)
	return list, wrapErr(err, "list referrals")
}

// ReferralText describes a referral for people: "2 referrals (#7): met at
// the fall fair".
func ReferralText(r Referral) string {
	what := "1 referral"
	if r.Count != 1 {
		what = fmt.Sprintf("%d referrals", r.Count)
	}
	what += " " + referralTag(r.ID)
	if r.Note != "" {
		what += ": " + r.Note
	}
	return what
}

// referralTag names a referral in its history line, so that removing it
// removes the line.
func referralTag(id int64) string { return fmt.Sprintf("(#%d)", id) }
