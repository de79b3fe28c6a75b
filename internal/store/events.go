package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"rapport/internal/contact"
)

func (s *Store) insertEvent(ctx context.Context, q querier, e contact.Event) error {
	at := fmtTime(e.At)
	if at == "" {
		at = s.now()
	}
	_, err := q.ExecContext(ctx, `INSERT INTO events (contact_id, at, type, from_stage, to_stage, auto, detail, message_id)
		VALUES (?,?,?,?,?,?,?,?)`, e.ContactID, at, string(e.Type), string(e.From), string(e.To), e.Auto, e.Detail, e.MessageID)
	if err != nil {
		return fmt.Errorf("record %s event for contact %d: %w", e.Type, e.ContactID, err)
	}
	return nil
}

// AddEvent appends an entry to a contact's history. A zero At means now.
func (s *Store) AddEvent(ctx context.Context, e contact.Event) error {
	return s.insertEvent(ctx, s.db, e)
}

// History returns a contact's history, oldest first. It begins with where
// the contact came from.
func (s *Store) History(ctx context.Context, contactID int64) ([]contact.Event, error) {
	var origin, created string
	err := s.db.QueryRowContext(ctx, "SELECT origin, created_at FROM contacts WHERE id = ?", contactID).Scan(&origin, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	events, err := queryAll(ctx, s.db, scanEvent, `SELECT id, contact_id, at, type, from_stage, to_stage, auto, detail, message_id
		FROM events WHERE contact_id = ? ORDER BY at, id`, contactID)
	if err != nil || origin == "" {
		return events, err
	}
	first := contact.Event{ContactID: contactID, At: parseTime(created), Type: contact.EventCreated, Detail: origin}
	return append([]contact.Event{first}, events...), nil
}

func scanEvent(row scanner) (contact.Event, error) {
	var e contact.Event
	var at string
	err := row.Scan(&e.ID, &e.ContactID, &at, &e.Type, &e.From, &e.To, &e.Auto, &e.Detail, &e.MessageID)
	e.At = parseTime(at)
	return e, err
}

// Move describes a stage move.
type Move struct {
	To        contact.Stage
	Auto      bool   // made by rapport: refused when it would go backwards or leave a side stage
	Reason    string // recorded in the history
	MessageID string // the message that caused it, if any
	Type      contact.EventType
	At        time.Time // when it happened, for the history; zero means now
}

// ErrMoveRefused is returned by MoveStage for an automatic move the
// pipeline does not allow.
var ErrMoveRefused = errors.New("move refused")

// MoveStage moves a contact to m.To and records the move in its history, in
// one transaction. An automatic move that would go backwards, or out of a
// side stage, is refused with ErrMoveRefused and changes nothing; a manual
// move may go anywhere in the pipeline. Moving to the current stage records
// nothing and returns moved == false.
func (s *Store) MoveStage(ctx context.Context, id int64, m Move) (from contact.Stage, moved bool, err error) {
	if !s.Pipeline.Valid(m.To) {
		return "", false, fmt.Errorf("unknown stage %q (stages: %s)", m.To, s.Pipeline.Names())
	}
	err = s.tx(ctx, func(tx *txn) error {
		from, moved, err = s.moveStage(ctx, tx, id, m)
		return err
	})
	return from, moved, err
}

func (s *Store) moveStage(ctx context.Context, tx *txn, id int64, m Move) (contact.Stage, bool, error) {
	var from contact.Stage
	err := tx.QueryRowContext(ctx, "SELECT stage FROM contacts WHERE id = ?", id).Scan(&from)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, ErrNotFound
	}
	if err != nil || from == m.To {
		return from, false, err
	}
	if m.Auto && !s.Pipeline.AutoMove(from, m.To) {
		return from, false, fmt.Errorf("%w: %s → %s", ErrMoveRefused, from, m.To)
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, "UPDATE contacts SET stage = ?, updated_at = ? WHERE id = ?", string(m.To), now, id); err != nil {
		return from, false, err
	}
	typ := m.Type
	if typ == "" {
		typ = contact.EventStage
	}
	return from, true, s.insertEvent(ctx, tx, contact.Event{ContactID: id, Type: typ, From: from, To: m.To,
		Auto: m.Auto, Detail: m.Reason, MessageID: m.MessageID, At: m.At})
}
