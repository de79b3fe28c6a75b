package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"rapport/internal/contact"
)

// MarkSent records that the server accepted the message (250 to DATA) and
// moves the contact on from "new" to "contacted", in one transaction.
func (s *Store) MarkSent(ctx context.Context, id int64, response string) error {
	return s.finish(ctx, id, func(tx *sql.Tx, sd *contact.Send) error {
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE sends SET state=?, response=?, last_error='', sent_at=?, updated_at=?
			WHERE id=?`, contact.SendSent, response, now, now, id); err != nil {
			return err
		}
		detail := fmt.Sprintf("sent %s/%s to %s: %s", sd.Campaign, sd.Step, sd.Email, sd.Subject)
		if err := s.insertEvent(ctx, tx, contact.Event{ContactID: sd.ContactID, Type: contact.EventSent,
			Auto: true, Detail: detail, MessageID: sd.MessageID}); err != nil {
			return err
		}
		return s.autoMove(ctx, tx, sd.ContactID, contact.StageContacted, "first note sent", sd.MessageID)
	})
}

// MarkPrinted records that a letter was written to a PDF for the user to
// post; it moves the contact on like a sent note.
func (s *Store) MarkPrinted(ctx context.Context, id int64, file string) error {
	return s.finish(ctx, id, func(tx *sql.Tx, sd *contact.Send) error {
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE sends SET state=?, response=?, sent_at=?, updated_at=? WHERE id=?`,
			contact.SendPrinted, file, now, now, id); err != nil {
			return err
		}
		if err := s.insertEvent(ctx, tx, contact.Event{ContactID: sd.ContactID, Type: contact.EventPrinted,
			Auto: true, Detail: fmt.Sprintf("letter %s/%s printed to %s", sd.Campaign, sd.Step, file)}); err != nil {
			return err
		}
		return s.autoMove(ctx, tx, sd.ContactID, contact.StageContacted, "letter printed", "")
	})
}

// MarkDeferred records a temporary failure; the row is tried again at next.
func (s *Store) MarkDeferred(ctx context.Context, id int64, next time.Time, why string) error {
	return s.finish(ctx, id, func(tx *sql.Tx, sd *contact.Send) error {
		_, err := tx.ExecContext(ctx, `UPDATE sends SET state=?, next_attempt_at=?, last_error=?, updated_at=? WHERE id=?`,
			contact.SendDeferred, fmtTime(next), why, s.now(), id)
		return err
	})
}

// MarkFailed records a permanent failure. With bounce, the address itself
// was refused (550 5.1.1): the contact moves to "bounced" and is never
// written to again.
func (s *Store) MarkFailed(ctx context.Context, id int64, why string, bounce bool) error {
	return s.finish(ctx, id, func(tx *sql.Tx, sd *contact.Send) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sends SET state=?, last_error=?, updated_at=? WHERE id=?`,
			contact.SendFailed, why, s.now(), id); err != nil {
			return err
		}
		if err := s.insertEvent(ctx, tx, contact.Event{ContactID: sd.ContactID, Type: contact.EventFailed,
			Auto: true, Detail: fmt.Sprintf("%s/%s to %s failed: %s", sd.Campaign, sd.Step, sd.Email, why), MessageID: sd.MessageID}); err != nil {
			return err
		}
		if !bounce {
			return nil
		}
		return s.autoMove(ctx, tx, sd.ContactID, contact.StageBounced, "the server refused the address: "+why, sd.MessageID)
	})
}

// MarkUnknown records that nobody knows whether the server took the
// message (the connection was lost after the final dot). Such a row is
// never sent again without the user's decision.
func (s *Store) MarkUnknown(ctx context.Context, id int64, why string) error {
	return s.finish(ctx, id, func(tx *sql.Tx, sd *contact.Send) error {
		_, err := tx.ExecContext(ctx, `UPDATE sends SET state=?, last_error=?, updated_at=? WHERE id=?`,
			contact.SendUnknown, why, s.now(), id)
		return err
	})
}

// Release puts a claimed row back to "planned" when the message never left
// (sending was paused before the SMTP transaction started).
func (s *Store) Release(ctx context.Context, id int64, why string) error {
	return s.finish(ctx, id, func(tx *sql.Tx, sd *contact.Send) error {
		_, err := tx.ExecContext(ctx, `UPDATE sends SET state=?, last_error=?, attempts=max(attempts-1,0), updated_at=? WHERE id=?`,
			contact.SendPlanned, why, s.now(), id)
		return err
	})
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

// Resolve applies the user's decision to an uncertain ("sending" or
// "unknown") row.
func (s *Store) Resolve(ctx context.Context, id int64, d Decision) error {
	sd, err := s.Send(ctx, id)
	if err != nil {
		return err
	}
	if !sd.State.Uncertain() {
		return fmt.Errorf("send %d is %s: %w", id, sd.State, ErrNotUncertain)
	}
	switch d {
	case DecideSent:
		return s.MarkSent(ctx, id, "marked sent by the user")
	case DecideResend:
		return s.MarkDeferred(ctx, id, s.Now(), "to be sent again, as the user decided")
	case DecideDrop:
		return s.finish(ctx, id, func(tx *sql.Tx, _ *contact.Send) error {
			_, err := tx.ExecContext(ctx, `UPDATE sends SET state=?, last_error=?, updated_at=? WHERE id=?`,
				contact.SendDropped, "dropped by the user", s.now(), id)
			return err
		})
	}
	return fmt.Errorf("unknown decision %q (sent, resend or drop)", d)
}

// finish loads a journal row and runs fn on it in one transaction.
func (s *Store) finish(ctx context.Context, id int64, fn func(*sql.Tx, *contact.Send) error) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		sd, err := scanSend(tx.QueryRowContext(ctx, "SELECT "+sendColumns+" FROM sends WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("send %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		return fn(tx, sd)
	})
}

// autoMove is an automatic stage move inside a transaction; a move the
// pipeline does not allow (backwards, out of a side stage) is skipped
// silently, as it is not an error that the contact has moved on.
func (s *Store) autoMove(ctx context.Context, tx *sql.Tx, contactID int64, to contact.Stage, why, msgID string) error {
	_, _, err := s.moveStage(ctx, tx, contactID, Move{To: to, Auto: true, Reason: why, MessageID: msgID})
	if errors.Is(err, ErrMoveRefused) {
		return nil
	}
	return err
}
