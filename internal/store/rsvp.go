package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"rapport/internal/contact"
)

// RSVP is one person's invitation to an event and their answer.
type RSVP struct {
	ID        int64
	EventID   int64
	ContactID int64
	// Occurrence is set for an answer about one meeting of a repeating
	// event; zero means the whole event.
	Occurrence time.Time
	Answer     contact.Answer
	Sequence   int       // the revision the answer is about
	Stamp      time.Time // when the answer was made
	Source     string    // SourceIMIP, SourceText, SourceManual; "" before any answer
	MessageID  string
	Comment    string
	// Attended is the user's correction; nil means "as answered": those
	// who accepted attended.
	Attended   *bool
	ReceivedAt time.Time
	// SentSequence is the revision last sent to them, -1 when no
	// invitation of theirs is recorded.
	SentSequence int
	InvitedAt    time.Time
}

// Where an answer came from.
const (
	SourceIMIP   = "imip"   // a calendar's METHOD:REPLY
	SourceText   = "text"   // a plain reply that said yes or no
	SourceManual = "manual" // the user, by hand
)

// Answered reports whether an answer was recorded (not only the invitation).
func (r *RSVP) Answered() bool { return r.Source != "" }

// Came reports whether they attended: the user's correction, else
// whether they accepted.
func (r *RSVP) Came() bool {
	if r.Attended != nil {
		return *r.Attended
	}
	return r.Answer == contact.Accepted
}

const rsvpColumns = `id, event_id, contact_id, occurrence, partstat, sequence, stamp, source, message_id, comment,
	attended, received_at, sent_sequence, invited_at`

func scanRSVP(row scanner) (*RSVP, error) {
	var r RSVP
	var occ, stamp, received, invited string
	var attended sql.NullBool
	err := row.Scan(&r.ID, &r.EventID, &r.ContactID, &occ, &r.Answer, &r.Sequence, &stamp, &r.Source, &r.MessageID,
		&r.Comment, &attended, &received, &r.SentSequence, &invited)
	if err != nil {
		return nil, err
	}
	r.Occurrence, r.Stamp, r.ReceivedAt, r.InvitedAt = parseTime(occ), parseTime(stamp), parseTime(received), parseTime(invited)
	if attended.Valid {
		r.Attended = &attended.Bool
	}
	return &r, nil
}

// RSVPs lists the invitations of an event and their answers, for the whole
// event and for single meetings, in the order they were made.
func (s *Store) RSVPs(ctx context.Context, eventID int64) ([]*RSVP, error) {
	list, err := queryAll(ctx, s.db, scanRSVP, "SELECT "+rsvpColumns+" FROM rsvps WHERE event_id = ? ORDER BY id", eventID)
	return list, wrapErr(err, "answers to event %d", eventID)
}

// ContactRSVPs lists a contact's invitations and answers, oldest first.
func (s *Store) ContactRSVPs(ctx context.Context, contactID int64) ([]*RSVP, error) {
	list, err := queryAll(ctx, s.db, scanRSVP, "SELECT "+rsvpColumns+" FROM rsvps WHERE contact_id = ? ORDER BY id", contactID)
	return list, wrapErr(err, "answers of contact %d", contactID)
}

// AllRSVPs lists every invitation and answer, for exports.
func (s *Store) AllRSVPs(ctx context.Context) ([]*RSVP, error) {
	list, err := queryAll(ctx, s.db, scanRSVP, "SELECT "+rsvpColumns+" FROM rsvps ORDER BY contact_id, id")
	return list, wrapErr(err, "list answers")
}

// ContactRSVP returns a contact's invitation to an event (the whole event).
func (s *Store) ContactRSVP(ctx context.Context, eventID, contactID int64) (*RSVP, error) {
	r, err := scanRSVP(s.db.QueryRowContext(ctx, "SELECT "+rsvpColumns+
		" FROM rsvps WHERE event_id = ? AND contact_id = ? AND occurrence = ''", eventID, contactID))
	return notFound(r, err, "contact %d's invitation to event %d", contactID, eventID)
}

// InviteSent is what a sent invitation, update or cancellation records
// about its event, with the note's outcome (see Outcome.Invite).
type InviteSent struct {
	EventID  int64
	Sequence int // the revision the message carried
}

// recordInvited notes, with the outcome of the note that carried it, the
// revision a person was sent. Their answer, if any, is kept.
func (s *Store) recordInvited(ctx context.Context, tx *txn, contactID int64, in *InviteSent, at string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO rsvps (event_id, contact_id, sent_sequence, invited_at) VALUES (?,?,?,?)
		ON CONFLICT (event_id, contact_id, occurrence) DO UPDATE SET sent_sequence = max(sent_sequence, excluded.sent_sequence),
		invited_at = CASE WHEN invited_at = '' THEN excluded.invited_at ELSE invited_at END`,
		in.EventID, contactID, in.Sequence, at)
	return wrapErr(err, "record the invitation of contact %d to event %d", contactID, in.EventID)
}

// AnswerIn is an answer to record.
type AnswerIn struct {
	EventID    int64
	ContactID  int64
	Occurrence time.Time // zero: the whole event
	Answer     contact.Answer
	Sequence   int
	Stamp      time.Time
	Source     string
	MessageID  string
	Comment    string
	ReceivedAt time.Time // zero: now
	// Supersedes says whether this answer is later than the one recorded
	// (invite.Reply.Supersedes: the higher SEQUENCE, then the later
	// DTSTAMP); nil means it always is (the user's own word).
	Supersedes func(old *RSVP) bool
	// AcceptedStage is where an accepted contact moves ("" for nowhere).
	AcceptedStage contact.Stage
}

// Recorded is what became of an answer.
type Recorded struct {
	Answer contact.Answer // as recorded: an accept may become Waitlist
	// Older is true when a later answer was already recorded: this one
	// changed nothing.
	Older bool
	Was   contact.Answer // the answer before, NoAnswer when none
}

// applyRSVP records an answer inside a transaction. An accept that comes
// when the accepted already fill the event's capacity is recorded as
// Waitlist (someone who had accepted before keeps their seat).
func (s *Store) applyRSVP(ctx context.Context, tx *txn, in *AnswerIn) (Recorded, error) {
	occ := fmtTime(in.Occurrence)
	old, err := scanRSVP(tx.QueryRowContext(ctx, "SELECT "+rsvpColumns+
		" FROM rsvps WHERE event_id = ? AND contact_id = ? AND occurrence = ?", in.EventID, in.ContactID, occ))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Recorded{}, err
	}
	rec := Recorded{Answer: in.Answer, Was: contact.NoAnswer}
	if old != nil {
		rec.Was = old.Answer
		if old.Answered() && in.Supersedes != nil && !in.Supersedes(old) {
			return Recorded{Answer: old.Answer, Older: true, Was: old.Answer}, nil
		}
	}
	if in.Answer == contact.Accepted && occ == "" && rec.Was != contact.Accepted {
		if full, err := s.full(ctx, tx, in.EventID, in.ContactID); err != nil {
			return rec, err
		} else if full {
			rec.Answer = contact.Waitlist
		}
	}
	received := in.ReceivedAt
	if received.IsZero() {
		received = s.Now()
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO rsvps (event_id, contact_id, occurrence, partstat, sequence, stamp, source,
		message_id, comment, received_at) VALUES (?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (event_id, contact_id, occurrence) DO UPDATE SET partstat = excluded.partstat, sequence = excluded.sequence,
		stamp = excluded.stamp, source = excluded.source, message_id = excluded.message_id, comment = excluded.comment,
		received_at = excluded.received_at`, in.EventID, in.ContactID, occ, string(rec.Answer), in.Sequence,
		fmtTime(in.Stamp), in.Source, in.MessageID, in.Comment, fmtTime(received))
	return rec, err
}

// full reports whether the event's accepted guests, other than contactID,
// fill its capacity.
func (s *Store) full(ctx context.Context, tx *txn, eventID, contactID int64) (bool, error) {
	var capacity, accepted int
	err := tx.QueryRowContext(ctx, `SELECT e.capacity, (SELECT count(*) FROM rsvps r WHERE r.event_id = e.id
		AND r.occurrence = '' AND r.partstat = 'ACCEPTED' AND r.contact_id != ?) FROM calendar_events e WHERE e.id = ?`,
		contactID, eventID).Scan(&capacity, &accepted)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("event %d: %w", eventID, ErrNotFound)
	}
	return capacity > 0 && accepted >= capacity, err
}

// SetAnswer records the user's own word about someone's answer (a phone
// call, a word in the hallway), with a line in the contact's history. It
// always stands over what was recorded before, but an accept still waits
// on the list when the event is full.
func (s *Store) SetAnswer(ctx context.Context, in AnswerIn, detail string) (Recorded, error) {
	in.Source, in.Supersedes = SourceManual, nil
	var rec Recorded
	err := s.tx(ctx, func(tx *txn) error {
		var err error
		if rec, err = s.applyRSVP(ctx, tx, &in); err != nil {
			return err
		}
		typ := contact.EventRSVP
		if rec.Answer == contact.Declined {
			typ = contact.EventRSVPNo
		}
		if err := s.insertEvent(ctx, tx, contact.Event{ContactID: in.ContactID, Type: typ, Detail: detail}); err != nil {
			return err
		}
		if rec.Answer == contact.Accepted && in.AcceptedStage != "" {
			return s.autoMove(ctx, tx, in.ContactID, in.AcceptedStage, detail, "")
		}
		return nil
	})
	return rec, wrapErr(err, "record the answer of contact %d", in.ContactID)
}

// SetAttended corrects whether a contact attended an event: yes, no, or
// nil for "as answered".
func (s *Store) SetAttended(ctx context.Context, eventID, contactID int64, attended *bool) error {
	var v any
	if attended != nil {
		v = *attended
	}
	res, err := s.db.ExecContext(ctx, `UPDATE rsvps SET attended = ? WHERE event_id = ? AND contact_id = ? AND occurrence = ''`,
		v, eventID, contactID)
	if err != nil {
		return wrapErr(err, "record attendance of contact %d", contactID)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("contact %d was not invited to event %d: %w", contactID, eventID, ErrNotFound)
	}
	return nil
}
