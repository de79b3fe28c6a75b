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

// SendKey identifies a journal row: at most one per campaign, step, contact
// and round.
type SendKey struct {
	Campaign  string
	Step      string
	ContactID int64
	Round     string // "" for campaigns that run once per contact
}

// ErrJournaled is returned by Claim when the journal already holds the row
// in a state that must not be sent again (sent, sending, unknown, failed,
// dropped). It is what makes a double tick harmless.
var ErrJournaled = errors.New("already in the journal")

const sendColumns = `id, campaign, step, contact_id, round, channel, email, state, message_id, subject,
	attempts, next_attempt_at, last_error, response, created_at, updated_at, sent_at, owner, COALESCE(batch_id, 0),
	COALESCE((SELECT mailed_at FROM letter_batches WHERE letter_batches.id = sends.batch_id), '')`

func scanSend(row scanner) (*contact.Send, error) {
	var s contact.Send
	var round, channel, next, created, updated, sent, mailed string
	err := row.Scan(&s.ID, &s.Campaign, &s.Step, &s.ContactID, &round, &channel, &s.Email, &s.State,
		&s.MessageID, &s.Subject, &s.Attempts, &next, &s.LastError, &s.Response, &created, &updated, &sent, &s.Owner,
		&s.Batch, &mailed)
	if err != nil {
		return nil, err
	}
	s.Round, s.Channel = round, channel
	s.NextAttempt, s.CreatedAt, s.UpdatedAt, s.SentAt = parseTime(next), parseTime(created), parseTime(updated), parseTime(sent)
	s.MailedAt = parseTime(mailed)
	return &s, nil
}

// Claim is the last step before a message goes out. In one immediate
// transaction it re-reads the contact (its address, stage, time zone,
// out-of-office hold and missing flag), the campaign's state and the
// account's pause (see Recheck), lets check refuse (a reply or an opt-out
// that arrived a second ago, a campaign paused from another window), and
// commits the journal row as "sending" with its Message-ID and owner. Only
// a new row, a "planned" row or a "deferred" row can be claimed; any other
// state returns ErrJournaled. A deferred row keeps its Message-ID: the
// earlier attempt was refused, so the same ID is safe and keeps the thread.
func (s *Store) Claim(ctx context.Context, k SendKey, p Pending, check func(Recheck) error) (*contact.Send, error) {
	return s.RecordAndClaim(ctx, nil, k, p, check)
}

// claimChecked rechecks, asks check, and claims. A refusal by check is
// returned as refused, not as err, so the transaction can still commit
// what else it holds.
func (s *Store) claimChecked(ctx context.Context, tx *txn, k SendKey, p Pending, check func(Recheck) error) (out *contact.Send, refused, err error) {
	rc, err := s.recheck(ctx, tx, k.ContactID, k.Campaign)
	if err != nil {
		return nil, nil, err
	}
	if check != nil {
		if refused := check(rc); refused != nil {
			return nil, &RefusedError{Err: refused}, nil
		}
	}
	out, err = s.claim(ctx, tx, k, p)
	if errors.Is(err, ErrJournaled) {
		return nil, &RefusedError{Err: err}, nil
	}
	return out, nil, err
}

// RefusedError is returned by Claim and RecordAndClaim when the send must
// not happen: the check refused the contact, or the journal already holds
// the row (ErrJournaled). It wraps the reason.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// Pending is what Claim records about the message about to go out.
type Pending struct {
	Channel   string // "email" unless told
	Email     string
	MessageID string
	Subject   string
	Owner     string // the claiming process's sender-lock token
}

func (s *Store) claim(ctx context.Context, tx *txn, k SendKey, p Pending) (*contact.Send, error) {
	now := s.Now()
	if p.Channel == "" {
		p.Channel = "email"
	}
	// Most claims are of a new row: insert it and be done; only when the
	// row exists is it read.
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO sends (campaign, step, contact_id, round, channel, email, state,
		message_id, subject, attempts, created_at, updated_at, owner) VALUES (?,?,?,?,?,?,?,?,?,1,?,?,?)
		ON CONFLICT (campaign, step, contact_id, round) DO NOTHING RETURNING id`,
		k.Campaign, k.Step, k.ContactID, k.Round, p.Channel, p.Email, contact.SendSending, p.MessageID, p.Subject,
		fmtTime(now), fmtTime(now), p.Owner).Scan(&id)
	if err == nil {
		return &contact.Send{ID: id, Campaign: k.Campaign, Step: k.Step, ContactID: k.ContactID, Round: k.Round,
			Channel: p.Channel, Email: p.Email, State: contact.SendSending, MessageID: p.MessageID, Subject: p.Subject,
			Attempts: 1, CreatedAt: now, UpdatedAt: now, Owner: p.Owner}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("journal %s/%s for contact %d: %w", k.Campaign, k.Step, k.ContactID, err)
	}
	return s.reclaim(ctx, tx, k, p, now)
}

// reclaim claims an existing row: planned, or deferred for another try.
// A deferred row keeps its Message-ID.
func (s *Store) reclaim(ctx context.Context, tx *txn, k SendKey, p Pending, now time.Time) (*contact.Send, error) {
	old, err := scanSend(tx.QueryRowContext(ctx, "SELECT "+sendColumns+
		" FROM sends WHERE campaign=? AND step=? AND contact_id=? AND round=?", k.Campaign, k.Step, k.ContactID, k.Round))
	if err != nil {
		return nil, err
	}
	if old.State != contact.SendPlanned && old.State != contact.SendDeferred {
		return nil, fmt.Errorf("%w: %s/%s for contact %d is %s", ErrJournaled, k.Campaign, k.Step, k.ContactID, old.State)
	}
	if old.MessageID != "" {
		p.MessageID = old.MessageID
	}
	_, err = tx.ExecContext(ctx, `UPDATE sends SET state=?, email=?, message_id=?, subject=?, attempts=attempts+1,
		updated_at=?, owner=? WHERE id=?`, contact.SendSending, p.Email, p.MessageID, p.Subject, fmtTime(now), p.Owner, old.ID)
	if err != nil {
		return nil, fmt.Errorf("journal %s/%s for contact %d: %w", k.Campaign, k.Step, k.ContactID, err)
	}
	old.State, old.Email, old.MessageID, old.Subject, old.UpdatedAt = contact.SendSending, p.Email, p.MessageID, p.Subject, now
	old.Owner = p.Owner
	old.Attempts++
	return old, nil
}

// Send returns a journal row by ID.
func (s *Store) Send(ctx context.Context, id int64) (*contact.Send, error) {
	sd, err := scanSend(preparedDB{s}.QueryRowContext(ctx, "SELECT "+sendColumns+" FROM sends WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return sd, err
}

// SendByMessageID finds the journal row of one of our messages.
func (s *Store) SendByMessageID(ctx context.Context, messageID string) (*contact.Send, error) {
	id := strings.Trim(strings.TrimSpace(messageID), "<>")
	sd, err := scanSend(preparedDB{s}.QueryRowContext(ctx, "SELECT "+sendColumns+" FROM sends WHERE message_id = ? LIMIT 1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return sd, err
}

// SendFilter selects journal rows.
type SendFilter struct {
	States    []contact.SendState
	Campaign  string
	ContactID int64
	DueBefore time.Time // deferred rows whose next attempt is due
}

// Sends lists journal rows, oldest first.
func (s *Store) Sends(ctx context.Context, f SendFilter) ([]*contact.Send, error) {
	var conds []string
	var args []any
	if len(f.States) > 0 {
		conds = append(conds, "state IN ("+placeholders(len(f.States))+")")
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	if f.Campaign != "" {
		conds, args = append(conds, "campaign = ?"), append(args, f.Campaign)
	}
	if f.ContactID != 0 {
		conds, args = append(conds, "contact_id = ?"), append(args, f.ContactID)
	}
	if !f.DueBefore.IsZero() {
		conds, args = append(conds, "next_attempt_at <= ?"), append(args, fmtTime(f.DueBefore))
	}
	where := "1"
	if len(conds) > 0 {
		where = strings.Join(conds, " AND ")
	}
	return queryAll(ctx, s.db, scanSend, "SELECT "+sendColumns+" FROM sends WHERE "+where+" ORDER BY id", args...)
}

// SentTimes returns when messages went out (or started to) since t, across
// all campaigns: what the per-hour and per-day caps count. Rows still
// "sending" count too: they may have gone out.
func (s *Store) SentTimes(ctx context.Context, since time.Time) ([]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT CASE WHEN sent_at != '' THEN sent_at ELSE updated_at END AS t
		FROM sends WHERE channel = 'email' AND state IN ('sent','sending','unknown') AND t >= ? ORDER BY t`, fmtTime(since))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, parseTime(t))
	}
	return out, rows.Err()
}

// NextRetry is the earliest time after t at which a deferred note is due
// for another attempt, or zero.
func (s *Store) NextRetry(ctx context.Context, after time.Time) (time.Time, error) {
	var at sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT min(next_attempt_at) FROM sends WHERE state = ? AND next_attempt_at > ?`,
		contact.SendDeferred, fmtTime(after)).Scan(&at)
	if err != nil || !at.Valid {
		return time.Time{}, err
	}
	return parseTime(at.String), nil
}

// FirstSentAt is when the first note (or letter) to a contact went out, or
// zero: a message from them before it cannot be a reply.
func (s *Store) FirstSentAt(ctx context.Context, contactID int64) (time.Time, error) {
	var at sql.NullString
	err := s.db.QueryRowContext(ctx, `SELECT min(sent_at) FROM sends WHERE contact_id = ? AND sent_at != ''`, contactID).Scan(&at)
	if err != nil || !at.Valid {
		return time.Time{}, err
	}
	return parseTime(at.String), nil
}

// Recheck is what the last look before a send reads, in one query: the
// contact as it is now (address, stage, out-of-office hold, time zone,
// missing flag and version — not its custom fields, whose
// decoding would cost more than the rest of a claim), the campaign's state
// and the account's pause.
type Recheck struct {
	Contact       *contact.Contact
	CampaignState string // draft, active, paused, done
	SendingPaused string // why all sending is paused; "" when it is not
}

const recheckQuery = `SELECT COALESCE(c.email,''), c.stage, c.hold_until, c.timezone, c.missing, c.version,
	COALESCE((SELECT state FROM campaigns WHERE name = ?), 'draft'),
	COALESCE((SELECT value FROM settings WHERE key = '` + keySendingPaused + `'), '')
	FROM contacts c WHERE c.id = ?`

// Recheck reads what must still hold for a claimed note to go out; the
// sender calls it once the connection is up, right before MAIL FROM.
func (s *Store) Recheck(ctx context.Context, contactID int64, campaign string) (Recheck, error) {
	st, err := s.prepared(ctx, recheckQuery) // once per note: parsing it cost more than running it
	if err != nil {
		return Recheck{}, wrapErr(err, "recheck contact %d", contactID)
	}
	rc, err := scanRecheck(st.QueryRowContext(ctx, campaign, contactID), contactID)
	return rc, wrapErr(err, "recheck contact %d", contactID)
}

func (s *Store) recheck(ctx context.Context, tx *txn, contactID int64, campaign string) (Recheck, error) {
	return scanRecheck(tx.QueryRowContext(ctx, recheckQuery, campaign, contactID), contactID)
}

func scanRecheck(row *sql.Row, id int64) (Recheck, error) {
	c := &contact.Contact{ID: id}
	rc := Recheck{Contact: c}
	var hold string
	err := row.Scan(&c.Email, &c.Stage, &hold, &c.TimeZone, &c.Missing, &c.Version, &rc.CampaignState, &rc.SendingPaused)
	if errors.Is(err, sql.ErrNoRows) {
		return rc, fmt.Errorf("contact %d: %w", id, ErrNotFound)
	}
	c.HoldUntil = parseTime(hold)
	return rc, err
}
