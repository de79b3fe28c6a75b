package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"rapport/internal/contact"
)

// Outcome is how a claimed send ended.
type Outcome struct {
	SendID   int64
	State    contact.SendState // sent, printed, deferred, failed, unknown, or planned (released: it never left)
	Response string            // sent: the server's answer; printed: the PDF
	Why      string            // the error, for deferred, failed, unknown and released rows
	Next     time.Time         // deferred: when to try again
	Bounce   bool              // failed: the address itself was refused; the contact bounces
	// At is when it happened: for sent, the moment the server accepted
	// the note (what a follow-up's delay counts from). Zero means now.
	At time.Time
	// Subject, when not empty, replaces the claimed subject: the note was
	// written again from a contact that changed after the claim.
	Subject string
	// Send is the claimed row as Claim returned it, when the caller has it:
	// it saves reading it back.
	Send *contact.Send
	// Invite, for an invitation, an update or a cancellation that went
	// out, records the revision of the event the person now has, in the
	// same commit as the outcome.
	Invite *InviteSent
}

// Record applies an outcome in one transaction.
func (s *Store) Record(ctx context.Context, o Outcome) error {
	return s.tx(ctx, func(tx *txn) error { return s.record(ctx, tx, o) })
}

// RecordAll applies several outcomes in one transaction (one disk sync).
func (s *Store) RecordAll(ctx context.Context, done []Outcome) error {
	if len(done) == 0 {
		return nil
	}
	_, err := s.RecordAndClaimBatch(ctx, done, nil)
	return err
}

// RecordAndClaim records the outcome of one send and claims the next in a
// single transaction: one disk sync per message instead of two, which is
// what lets a batch go out as fast as the server takes it. done and next
// may each be nil. As with Claim, check refuses the next contact inside
// the transaction; then done is still recorded and the check's error
// returned.
func (s *Store) RecordAndClaim(ctx context.Context, done *Outcome, k SendKey, p Pending, check func(Recheck) error) (*contact.Send, error) {
	var out *contact.Send
	var refused error
	err := s.tx(ctx, func(tx *txn) error {
		if done != nil {
			if err := s.record(ctx, tx, *done); err != nil {
				return err
			}
		}
		var err error
		out, refused, err = s.claimChecked(ctx, tx, k, p, check)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, refused
}

// ClaimRequest is one send to claim in a batch.
type ClaimRequest struct {
	Key     SendKey
	Pending Pending
	Check   func(Recheck) error
}

// Claimed is what became of one ClaimRequest: the claimed row, or why it
// was refused (a *RefusedError).
type Claimed struct {
	Send    *contact.Send
	Refused error
}

// RecordAndClaimBatch records outcomes and claims several sends in one
// transaction: one disk sync for a whole batch, which is how a campaign
// that is not paced goes out as fast as the server takes it. Each claimed
// row is committed as "sending" with its Message-ID before any of them is
// sent, so the guarantee is the one of Claim; a crash may leave every row
// of the batch uncertain, and they wait in the outbox for the user.
func (s *Store) RecordAndClaimBatch(ctx context.Context, done []Outcome, claims []ClaimRequest) ([]Claimed, error) {
	out := make([]Claimed, len(claims))
	err := s.tx(ctx, func(tx *txn) error {
		for _, o := range done {
			if err := s.record(ctx, tx, o); err != nil {
				return err
			}
		}
		for i, c := range claims {
			sd, refused, err := s.claimChecked(ctx, tx, c.Key, c.Pending, c.Check)
			if err != nil {
				return err
			}
			out[i] = Claimed{Send: sd, Refused: refused}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) record(ctx context.Context, tx *txn, o Outcome) error {
	sd := o.Send
	if sd == nil || sd.ID != o.SendID {
		var err error
		sd, err = scanSend(tx.QueryRowContext(ctx, "SELECT "+sendColumns+" FROM sends WHERE id = ?", o.SendID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("send %d: %w", o.SendID, ErrNotFound)
		}
		if err != nil {
			return wrapErr(err, "read note %d", o.SendID)
		}
	}
	return wrapErr(s.recordRow(ctx, tx, sd, o), "record that note %d (%s/%s to %s) is %s", sd.ID, sd.Campaign, sd.Step, sd.Email, o.State)
}

func (s *Store) recordRow(ctx context.Context, tx *txn, sd *contact.Send, o Outcome) error {
	var err error
	now := s.now()
	if !o.At.IsZero() {
		now = fmtTime(o.At)
	}
	switch o.State {
	case contact.SendSent, contact.SendPrinted:
		return s.recordDone(ctx, tx, sd, o, now)
	case contact.SendDeferred:
		_, err = tx.ExecContext(ctx, `UPDATE sends SET state=?, next_attempt_at=?, last_error=?, updated_at=? WHERE id=?`,
			o.State, fmtTime(o.Next), o.Why, now, sd.ID)
	case contact.SendFailed:
		return s.recordFailed(ctx, tx, sd, o, now)
	case contact.SendUnknown, contact.SendDropped:
		_, err = tx.ExecContext(ctx, `UPDATE sends SET state=?, last_error=?, updated_at=? WHERE id=?`, o.State, o.Why, now, sd.ID)
	case contact.SendPlanned: // released: it never left, and a letter leaves its print batch
		_, err = tx.ExecContext(ctx, `UPDATE sends SET state=?, last_error=?, attempts=max(attempts-1,0), updated_at=?, batch_id=NULL WHERE id=?`,
			o.State, o.Why, now, sd.ID)
	default:
		return fmt.Errorf("send %d: cannot record state %q", sd.ID, o.State)
	}
	return err
}

func (s *Store) recordDone(ctx context.Context, tx *txn, sd *contact.Send, o Outcome, now string) error {
	if o.Subject != "" && o.Subject != sd.Subject {
		if _, err := tx.ExecContext(ctx, `UPDATE sends SET subject=? WHERE id=?`, o.Subject, sd.ID); err != nil {
			return err
		}
		sd.Subject = o.Subject
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sends SET state=?, response=?, last_error='', sent_at=?, updated_at=? WHERE id=?`,
		o.State, o.Response, now, now, sd.ID); err != nil {
		return err
	}
	at := parseTime(now)
	e := contact.Event{ContactID: sd.ContactID, Type: contact.EventSent, Auto: true, MessageID: sd.MessageID, At: at,
		Detail: fmt.Sprintf("sent %s/%s to %s: %s", sd.Campaign, sd.Step, sd.Email, sd.Subject)}
	why := "first note sent"
	if o.State == contact.SendPrinted {
		e = contact.Event{ContactID: sd.ContactID, Type: contact.EventPrinted, Auto: true, At: at,
			Detail: fmt.Sprintf("letter %s/%s printed to %s", sd.Campaign, sd.Step, o.Response)}
		why = "letter printed"
	}
	if err := s.insertEvent(ctx, tx, e); err != nil {
		return err
	}
	if o.Invite != nil && o.State == contact.SendSent {
		if err := s.recordInvited(ctx, tx, sd.ContactID, o.Invite, now); err != nil {
			return err
		}
	}
	return s.autoMoveAt(ctx, tx, sd.ContactID, contact.StageContacted, why, e.MessageID, at)
}

func (s *Store) recordFailed(ctx context.Context, tx *txn, sd *contact.Send, o Outcome, now string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE sends SET state=?, last_error=?, updated_at=? WHERE id=?`,
		contact.SendFailed, o.Why, now, sd.ID); err != nil {
		return err
	}
	if err := s.insertEvent(ctx, tx, contact.Event{ContactID: sd.ContactID, Type: contact.EventFailed, Auto: true,
		Detail: fmt.Sprintf("%s/%s to %s failed: %s", sd.Campaign, sd.Step, sd.Email, o.Why), MessageID: sd.MessageID}); err != nil {
		return err
	}
	if !o.Bounce {
		return nil
	}
	return s.autoMove(ctx, tx, sd.ContactID, contact.StageBounced, "the server refused the address: "+o.Why, sd.MessageID)
}

// MarkSent records that the server accepted the message (250 to DATA) and
// moves the contact on from "new" to "contacted".
func (s *Store) MarkSent(ctx context.Context, id int64, response string) error {
	return s.Record(ctx, Outcome{SendID: id, State: contact.SendSent, Response: response})
}

// MarkDeferred records a temporary failure; the row is tried again at next.
func (s *Store) MarkDeferred(ctx context.Context, id int64, next time.Time, why string) error {
	return s.Record(ctx, Outcome{SendID: id, State: contact.SendDeferred, Next: next, Why: why})
}

// MarkFailed records a permanent failure. With bounce, the address itself
// was refused (550 5.1.1): the contact moves to "bounced" and is never
// written to again.
func (s *Store) MarkFailed(ctx context.Context, id int64, why string, bounce bool) error {
	return s.Record(ctx, Outcome{SendID: id, State: contact.SendFailed, Why: why, Bounce: bounce})
}

// MarkUnknown records that nobody knows whether the server took the
// message (the connection was lost after the final dot). Such a row is
// never sent again without the user's decision.
func (s *Store) MarkUnknown(ctx context.Context, id int64, why string) error {
	return s.Record(ctx, Outcome{SendID: id, State: contact.SendUnknown, Why: why})
}

// Release puts a claimed row back to "planned" when the message never left
// (sending was paused before the SMTP transaction started).
func (s *Store) Release(ctx context.Context, id int64, why string) error {
	return s.Record(ctx, Outcome{SendID: id, State: contact.SendPlanned, Why: why})
}

// Decision is the user's answer about an uncertain send.
type Decision string

// Decisions for outbox resolve.
const (
	DecideSent   Decision = "sent"   // it did go out: record it as sent
	DecideResend Decision = "resend" // it did not: send it again (same Message-ID)
	DecideDrop   Decision = "drop"   // never send it
)

// ErrNotUncertain is returned when resolving a row whose outcome is known.
var ErrNotUncertain = errors.New("not waiting for a decision")

// ErrInFlight is returned when resolving a note that a live rapport
// process is sending right now: its outcome will be known in a moment.
var ErrInFlight = errors.New("it is being sent right now; its outcome is recorded the moment the server answers")

// Resolve applies the user's decision to an uncertain ("sending" or
// "unknown") row. liveOwner is the sender-lock token of the process that
// sends now ("" when none): its "sending" rows are in flight, not
// uncertain, and are refused with ErrInFlight.
func (s *Store) Resolve(ctx context.Context, id int64, d Decision, liveOwner string) error {
	sd, err := s.Send(ctx, id)
	if err != nil {
		return err
	}
	if sd.InFlight(liveOwner) {
		return fmt.Errorf("note %d: %w", id, ErrInFlight)
	}
	if !sd.State.Uncertain() || sd.Channel == "letter" { // a letter's batch is settled by the next print pass
		return fmt.Errorf("note %d is %s: %w", id, sd.State, ErrNotUncertain)
	}
	switch d {
	case DecideSent:
		return s.MarkSent(ctx, id, "marked sent by the user")
	case DecideResend:
		return s.MarkDeferred(ctx, id, s.Now(), "to be sent again, as the user decided")
	case DecideDrop:
		return s.Record(ctx, Outcome{SendID: id, State: contact.SendDropped, Why: "dropped by the user"})
	}
	return fmt.Errorf("unknown decision %q (sent, resend or drop)", d)
}

// autoMove is an automatic stage move inside a transaction; a move the
// pipeline does not allow (backwards, out of a side stage) is skipped
// silently, as it is not an error that the contact has moved on.
func (s *Store) autoMove(ctx context.Context, tx *txn, contactID int64, to contact.Stage, why, msgID string) error {
	return s.autoMoveAt(ctx, tx, contactID, to, why, msgID, time.Time{})
}

// autoMoveAt is autoMove dated at (zero: now), so that a stage move caused
// by a send is not listed before the send.
func (s *Store) autoMoveAt(ctx context.Context, tx *txn, contactID int64, to contact.Stage, why, msgID string, at time.Time) error {
	_, _, err := s.moveStage(ctx, tx, contactID, Move{To: to, Auto: true, Reason: why, MessageID: msgID, At: at})
	if errors.Is(err, ErrMoveRefused) {
		return nil
	}
	return err
}
