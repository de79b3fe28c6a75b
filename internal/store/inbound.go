package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"rapport/internal/contact"
)

// MailboxState is where the watcher stands in one mailbox.
type MailboxState struct {
	Name        string
	UIDValidity uint32
	LastUID     uint32
	SyncedAt    time.Time
}

// Mailbox returns the watcher's state for a mailbox; a mailbox never seen
// has zero UIDValidity.
func (s *Store) Mailbox(ctx context.Context, name string) (MailboxState, error) {
	m := MailboxState{Name: name}
	var synced string
	err := s.db.QueryRowContext(ctx, "SELECT uidvalidity, last_uid, synced_at FROM mailboxes WHERE name = ?", name).
		Scan(&m.UIDValidity, &m.LastUID, &synced)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	m.SyncedAt = parseTime(synced)
	return m, err
}

// Mailboxes lists the watcher's state of every mailbox it has seen.
func (s *Store) Mailboxes(ctx context.Context) ([]MailboxState, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT name, uidvalidity, last_uid, synced_at FROM mailboxes ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MailboxState
	for rows.Next() {
		var m MailboxState
		var synced string
		if err := rows.Scan(&m.Name, &m.UIDValidity, &m.LastUID, &synced); err != nil {
			return nil, err
		}
		m.SyncedAt = parseTime(synced)
		out = append(out, m)
	}
	return out, rows.Err()
}

// SetMailbox records a mailbox's UIDVALIDITY and last processed UID. A new
// UIDVALIDITY resets the position (the server renumbered the mailbox).
func (s *Store) SetMailbox(ctx context.Context, m MailboxState) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO mailboxes (name, uidvalidity, last_uid, synced_at) VALUES (?,?,?,?)
		ON CONFLICT(name) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, synced_at = excluded.synced_at`,
		m.Name, m.UIDValidity, m.LastUID, s.now())
	return wrapErr(err, "record the position in mailbox %s", m.Name)
}

// Inbound is one processed incoming message and what it means.
type Inbound struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	MessageID   string // without <>
	Class       string // reply, auto-reply, bounce, opt-out, rsvp-yes, rsvp-no, unmatched, ...
	ContactID   int64  // 0 when unmatched
	SendID      int64  // the send it answers, when known
	From        string // who actually wrote (front-office staff, a MAILER-DAEMON)
	Subject     string
	ReceivedAt  time.Time
	Move        contact.Stage // the stage it moves the contact to ("" for none)
	HoldUntil   time.Time     // auto-replies: wait until then
	Detail      string        // for the history
	EventType   contact.EventType
	CancelSends bool // drop the contact's planned and deferred sends (they answered)
	// RSVP is an answer to one of our invitations, recorded with the
	// message; an accept moves the contact to its AcceptedStage (never
	// a waitlisted one), overriding Move.
	RSVP *AnswerIn
	// AlsoReply adds a "reply" line to the history: the answer also asks
	// something the user should read.
	AlsoReply bool
}

// Applied is what ApplyInbound did.
type Applied struct {
	Duplicate bool          // seen before: nothing was done
	From, To  contact.Stage // the stage move, when Moved
	Moved     bool
	Cancelled int // pending sends dropped
	// RSVP is what became of Inbound.RSVP.
	RSVP *Recorded
}

// ApplyInbound records an incoming message and its effects on its contact
// in one transaction, and advances the mailbox position past it. A message
// seen before (same Message-ID, or same mailbox, UIDVALIDITY and UID)
// changes nothing. Automatic stage moves never go backwards.
func (s *Store) ApplyInbound(ctx context.Context, in Inbound) (Applied, error) {
	var ap Applied
	err := s.tx(ctx, func(tx *txn) error {
		dup, err := s.seen(ctx, tx, in)
		if err != nil {
			return err
		}
		ap.Duplicate = dup
		if !dup {
			if err := s.insertInbound(ctx, tx, in); err != nil {
				return err
			}
		}
		if !dup && in.ContactID != 0 {
			if ap, err = s.inboundEffects(ctx, tx, in); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE mailboxes SET last_uid = max(last_uid, ?), synced_at = ? WHERE name = ? AND uidvalidity = ?`,
			in.UID, s.now(), in.Mailbox, in.UIDValidity)
		return err
	})
	return ap, err
}

func (s *Store) seen(ctx context.Context, tx *txn, in Inbound) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM inbound WHERE (message_id != '' AND message_id = ?)
		OR (mailbox = ? AND uidvalidity = ? AND uid = ?)`, in.MessageID, in.Mailbox, in.UIDValidity, in.UID).Scan(&n)
	return n > 0, err
}

func (s *Store) insertInbound(ctx context.Context, tx *txn, in Inbound) error {
	var cid, sid any
	from, subject := "", ""
	if in.ContactID != 0 {
		cid, from, subject = in.ContactID, in.From, in.Subject
	}
	if in.SendID != 0 {
		sid = in.SendID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO inbound (message_id, mailbox, uidvalidity, uid, class, contact_id, send_id,
		sender, subject, received_at, processed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		in.MessageID, in.Mailbox, in.UIDValidity, in.UID, in.Class, cid, sid, from, subject, fmtTime(in.ReceivedAt), s.now())
	if err != nil {
		return fmt.Errorf("record message %s: %w", in.MessageID, err)
	}
	return nil
}

func (s *Store) inboundEffects(ctx context.Context, tx *txn, in Inbound) (Applied, error) {
	var ap Applied
	typ := in.EventType
	if typ == "" {
		typ = contact.EventType(in.Class)
	}
	if in.RSVP != nil {
		rec, err := s.inboundRSVP(ctx, tx, &in)
		if err != nil {
			return ap, err
		}
		ap.RSVP = &rec
	}
	if err := s.insertEvent(ctx, tx, contact.Event{ContactID: in.ContactID, Type: typ, Auto: true,
		Detail: in.Detail, MessageID: in.MessageID}); err != nil {
		return ap, err
	}
	if in.AlsoReply {
		if err := s.insertEvent(ctx, tx, contact.Event{ContactID: in.ContactID, Type: contact.EventReply, Auto: true,
			Detail: "the answer also asks something: read it (" + in.Subject + ")", MessageID: in.MessageID}); err != nil {
			return ap, err
		}
	}
	if in.Move != "" {
		from, moved, err := s.moveStage(ctx, tx, in.ContactID, Move{To: in.Move, Auto: true, Reason: in.Detail, MessageID: in.MessageID})
		if err != nil && !errors.Is(err, ErrMoveRefused) {
			return ap, err
		}
		ap.From, ap.To, ap.Moved = from, in.Move, moved
		if !moved {
			ap.To = from
		}
	}
	if !in.HoldUntil.IsZero() {
		if _, err := tx.ExecContext(ctx, `UPDATE contacts SET hold_until = max(hold_until, ?) WHERE id = ?`,
			fmtTime(in.HoldUntil), in.ContactID); err != nil {
			return ap, err
		}
	}
	if in.CancelSends {
		res, err := tx.ExecContext(ctx, `UPDATE sends SET state = ?, last_error = ?, updated_at = ?
			WHERE contact_id = ? AND state IN (?, ?)`, contact.SendDropped, "cancelled: "+in.Class, s.now(),
			in.ContactID, contact.SendPlanned, contact.SendDeferred)
		if err != nil {
			return ap, err
		}
		n, _ := res.RowsAffected()
		ap.Cancelled = int(n)
	}
	return ap, nil
}

// ContactedAtDomain lists the contacts at a mail domain who have been sent
// something: the candidates when a colleague at the same office answers
// from an address rapport does not know.
func (s *Store) ContactedAtDomain(ctx context.Context, domain string) ([]*contact.Contact, error) {
	return queryAll(ctx, s.db, scanContact, "SELECT "+contactColumns+` FROM contacts WHERE email LIKE ? ESCAPE '\'
		AND EXISTS (SELECT 1 FROM sends WHERE sends.contact_id = contacts.id AND sends.state IN ('sent','unknown','sending'))
		ORDER BY id`, "%@"+escapeLike(domain))
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// inboundRSVP records the answer a message carries and says so in its
// history line: a later answer already recorded stands; an accept to a
// full event waits on the list and moves nobody.
func (s *Store) inboundRSVP(ctx context.Context, tx *txn, in *Inbound) (Recorded, error) {
	in.RSVP.ContactID, in.RSVP.MessageID = in.ContactID, in.MessageID
	if in.RSVP.ReceivedAt.IsZero() {
		in.RSVP.ReceivedAt = in.ReceivedAt
	}
	rec, err := s.applyRSVP(ctx, tx, in.RSVP)
	if err != nil {
		return rec, fmt.Errorf("record the answer of contact %d: %w", in.ContactID, err)
	}
	switch {
	case rec.Older:
		in.Detail += fmt.Sprintf(" (an older answer than the one recorded, %s, which stands)", rec.Answer.Words())
		if !in.AlsoReply {
			in.Move = ""
		}
	case rec.Answer == contact.Waitlist:
		in.Detail += " (the event is full: on the waitlist, for you to decide)"
		if !in.AlsoReply {
			in.Move = ""
		}
	case rec.Answer == contact.Accepted && in.RSVP.AcceptedStage != "":
		in.Move = in.RSVP.AcceptedStage
	}
	return rec, nil
}
