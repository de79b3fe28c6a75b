package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Setting reads a small piece of state; ok is false when it is not set.
func (s *Store) Setting(ctx context.Context, key string) (value string, at time.Time, ok bool, err error) {
	var when string
	err = s.db.QueryRowContext(ctx, "SELECT value, updated_at FROM settings WHERE key = ?", key).Scan(&value, &when)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, false, nil
	}
	return value, parseTime(when), err == nil, wrapErr(err, "read %s", key)
}

// SetSetting writes a small piece of state; an empty value deletes it.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	if value == "" {
		_, err := s.db.ExecContext(ctx, "DELETE FROM settings WHERE key = ?", key)
		return wrapErr(err, "clear %s", key)
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?,?,?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, s.now())
	return wrapErr(err, "record %s", key)
}

// The key under which an account-level pause of all sending is kept.
const keySendingPaused = "sending.paused"

// PauseSending stops all sending until ResumeSending, with the reason shown
// to the user (a refused login, a full quota).
func (s *Store) PauseSending(ctx context.Context, reason string) error {
	return s.SetSetting(ctx, keySendingPaused, reason)
}

// ResumeSending lifts an account-level pause.
func (s *Store) ResumeSending(ctx context.Context) error {
	return s.SetSetting(ctx, keySendingPaused, "")
}

// SendingPaused tells whether sending is paused, since when and why.
func (s *Store) SendingPaused(ctx context.Context) (reason string, since time.Time, paused bool, err error) {
	return s.Setting(ctx, keySendingPaused)
}
