package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CalEvent is an event people are invited to, as the invitations sent so
// far describe it.
type CalEvent struct {
	ID       int64
	Campaign string
	Step     string // the invite step's id
	Round    string
	UID      string
	// Sequence is the revision last announced: 0 for the first
	// invitations, raised by each update and by the cancellation.
	Sequence int
	// Fingerprint sums up what an update must tell (title, times, place,
	// rule): when the campaign file's differs, the event changed.
	Fingerprint string
	Title       string
	Start, End  time.Time
	Timezone    string
	Place       string
	Capacity    int // 0: no limit
	CancelledAt time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Cancelled reports whether the event was called off.
func (e *CalEvent) Cancelled() bool { return !e.CancelledAt.IsZero() }

const calEventColumns = `id, campaign, step, round, uid, sequence, fingerprint, title, starts_at, ends_at, timezone,
	place, capacity, cancelled_at, created_at, updated_at`

func scanCalEvent(row scanner) (*CalEvent, error) {
	var e CalEvent
	var start, end, cancelled, created, updated string
	err := row.Scan(&e.ID, &e.Campaign, &e.Step, &e.Round, &e.UID, &e.Sequence, &e.Fingerprint, &e.Title,
		&start, &end, &e.Timezone, &e.Place, &e.Capacity, &cancelled, &created, &updated)
	if err != nil {
		return nil, err
	}
	e.Start, e.End, e.CancelledAt = parseTime(start), parseTime(end), parseTime(cancelled)
	e.CreatedAt, e.UpdatedAt = parseTime(created), parseTime(updated)
	return &e, nil
}

func notFound[T any](v T, err error, format string, args ...any) (T, error) {
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf(format+": %w", append(args, ErrNotFound)...)
	}
	return v, wrapErr(err, format, args...)
}

// CalEventByKey returns the event of a campaign's invite step in a round.
func (s *Store) CalEventByKey(ctx context.Context, campaign, step, round string) (*CalEvent, error) {
	e, err := scanCalEvent(s.db.QueryRowContext(ctx, "SELECT "+calEventColumns+
		" FROM calendar_events WHERE campaign = ? AND step = ? AND round = ?", campaign, step, round))
	return notFound(e, err, "event %s/%s", campaign, step)
}

// CalEventByUID returns the event an iCalendar UID names. The inbox asks
// it of every calendar reply, so the statement is prepared once.
func (s *Store) CalEventByUID(ctx context.Context, uid string) (*CalEvent, error) {
	st, err := s.prepared(ctx, "SELECT "+calEventColumns+" FROM calendar_events WHERE uid = ?")
	if err != nil {
		return nil, wrapErr(err, "event %s", uid)
	}
	e, err := scanCalEvent(st.QueryRowContext(ctx, uid))
	return notFound(e, err, "event %s", uid)
}

// CalEvents lists every event, the soonest first.
func (s *Store) CalEvents(ctx context.Context) ([]*CalEvent, error) {
	list, err := queryAll(ctx, s.db, scanCalEvent, "SELECT "+calEventColumns+" FROM calendar_events ORDER BY starts_at, id")
	return list, wrapErr(err, "list events")
}

// SyncEvent records an event as the campaign file describes it now and
// returns it as stored. A new event starts at sequence 0. When the
// fingerprint differs from the stored one after invitations went out, the
// event changed: its sequence goes up by one and changed is true, so that
// everyone invited gets an update. The capacity follows the file without a new revision
// (it is not in any calendar). A cancelled event is never changed again.
func (s *Store) SyncEvent(ctx context.Context, e CalEvent) (out *CalEvent, changed bool, err error) {
	err = s.tx(ctx, func(tx *txn) error {
		now := s.now()
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_events (campaign, step, round, uid, sequence, fingerprint, title,
			starts_at, ends_at, timezone, place, capacity, created_at, updated_at) VALUES (?,?,?,?,0,?,?,?,?,?,?,?,?,?)
			ON CONFLICT (campaign, step, round) DO NOTHING`, e.Campaign, e.Step, e.Round, e.UID, e.Fingerprint, e.Title,
			fmtTime(e.Start), fmtTime(e.End), e.Timezone, e.Place, e.Capacity, now, now)
		if err != nil {
			return err
		}
		var id int64
		var invited bool
		err = tx.QueryRowContext(ctx, `SELECT id, EXISTS (SELECT 1 FROM rsvps WHERE event_id = calendar_events.id AND sent_sequence >= 0)
			FROM calendar_events WHERE campaign = ? AND step = ? AND round = ? AND fingerprint != ? AND cancelled_at = ''`,
			e.Campaign, e.Step, e.Round, e.Fingerprint).Scan(&id, &invited)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if id != 0 {
			// Before anyone was invited, a change is no new revision:
			// the first invitations carry it.
			bump := 0
			if invited {
				bump = 1
			}
			if _, err := tx.ExecContext(ctx, `UPDATE calendar_events SET sequence = sequence + ?, fingerprint = ?, title = ?,
				starts_at = ?, ends_at = ?, timezone = ?, place = ?, updated_at = ? WHERE id = ?`,
				bump, e.Fingerprint, e.Title, fmtTime(e.Start), fmtTime(e.End), e.Timezone, e.Place, now, id); err != nil {
				return err
			}
			changed = invited
		}
		if _, err := tx.ExecContext(ctx, `UPDATE calendar_events SET capacity = ? WHERE campaign = ? AND step = ? AND round = ?`,
			e.Capacity, e.Campaign, e.Step, e.Round); err != nil {
			return err
		}
		out, err = scanCalEvent(tx.QueryRowContext(ctx, "SELECT "+calEventColumns+
			" FROM calendar_events WHERE campaign = ? AND step = ? AND round = ?", e.Campaign, e.Step, e.Round))
		return err
	})
	if err != nil {
		return nil, false, wrapErr(err, "record event %s/%s", e.Campaign, e.Step)
	}
	return out, changed, nil
}

// CancelEvent calls an event off: it is marked cancelled and its sequence
// raised, so the cancellation outranks every invitation sent before
// (RFC 5546 §3.2.5). Cancelling it again changes nothing.
func (s *Store) CancelEvent(ctx context.Context, id int64) (*CalEvent, error) {
	var out *CalEvent
	err := s.tx(ctx, func(tx *txn) error {
		now := s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE calendar_events SET sequence = sequence + 1, cancelled_at = ?, updated_at = ?
			WHERE id = ? AND cancelled_at = ''`, now, now, id); err != nil {
			return err
		}
		var err error
		out, err = scanCalEvent(tx.QueryRowContext(ctx, "SELECT "+calEventColumns+" FROM calendar_events WHERE id = ?", id))
		return err
	})
	return notFound(out, err, "cancel event %d", id)
}
